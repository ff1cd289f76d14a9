#include "procstat.h"

#include <psapi.h>
#include <stdlib.h>

typedef struct {
    PVOID object;
    ULONG_PTR pid;
    ULONG_PTR handle;
    ULONG access;
    USHORT backtrace;
    USHORT type;
    ULONG attributes;
    ULONG reserved;
} handle_entry;

typedef struct {
    ULONG_PTR count;
    ULONG_PTR reserved;
    handle_entry entries[1];
} handle_info;

typedef LONG(NTAPI *query_system_information_fn)(ULONG, PVOID, ULONG, PULONG);

#define SYSTEM_EXTENDED_HANDLE_INFORMATION 64
#define STATUS_INFO_LENGTH_MISMATCH ((LONG)0xC0000004)

long procstat_handles(DWORD pid)
{
    query_system_information_fn query = (query_system_information_fn)(void (*)(void))
        GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
    ULONG size = 1 << 20, got = 0;
    long n = -1;
    int attempt;

    if (!query)
        return -1;
    for (attempt = 0; attempt < 6; attempt++, size *= 2) {
        handle_info *info = malloc(size);
        LONG status;
        if (!info)
            return -1;
        status = query(SYSTEM_EXTENDED_HANDLE_INFORMATION, info, size, &got);
        if (status == 0) {
            ULONG_PTR i;
            n = 0;
            for (i = 0; i < info->count; i++)
                n += info->entries[i].pid == pid;
            free(info);
            return n;
        }
        free(info);
        if (status != STATUS_INFO_LENGTH_MISMATCH)
            return -1;
    }
    return n;
}

unsigned long long procstat_private_bytes(void)
{
    PROCESS_MEMORY_COUNTERS pmc;

    pmc.cb = sizeof pmc;
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc))
        return 0;
    return (unsigned long long)pmc.PagefileUsage;
}
