#include "readers/tcptable.h"

#include <tlhelp32.h>

#include <stdlib.h>
#include <string.h>

#include "check/checks.h"
#include "winutil.h"

/* The documented layouts of MIB_TCPROW_OWNER_PID and MIB_TCP6ROW_OWNER_PID
 * (learn.microsoft.com, tcpmib.h; Windows XP SP2 / Server 2003 SP1), and
 * GetExtendedTcpTable's signature.  They are declared here because the
 * mingw-w64 headers hide them behind _WIN32_WINNT 0x0600, and the function
 * is looked up at run time so the exe still loads on Server 2003 before
 * SP1, where it is missing (the check then says so). */
typedef struct tcprow4 {
    DWORD state, local_addr, local_port, remote_addr, remote_port, pid;
} tcprow4;
typedef struct tcprow6 {
    UCHAR local_addr[16];
    DWORD local_scope, local_port;
    UCHAR remote_addr[16];
    DWORD remote_scope, remote_port, state, pid;
} tcprow6;
typedef DWORD (WINAPI *get_table_fn)(PVOID, PDWORD, BOOL, ULONG, int, ULONG);

#define TABLE_OWNER_PID_ALL 5           /* TCP_TABLE_OWNER_PID_ALL */
#define STATE_LISTEN 2                  /* MIB_TCP_STATE_LISTEN */
#define STATE_TIME_WAIT 11              /* MIB_TCP_STATE_TIME_WAIT */
#define AF4 2                           /* AF_INET */
#define AF6 23                          /* AF_INET6 */
/* The table can grow between the size call and the read; a few retries
 * with slack settle it on any real server. */
#define TABLE_TRIES 5

static void note_error(epg_tcp_view *t, const char *what, DWORD code)
{
    char *text = win32_error_text(code);
    epg_buf b;

    epg_buf_init(&b);
    epg_buf_printf(&b, "%s failed: %s (error %lu)", what, text ? text : "",
                   (unsigned long)code);
    epg_tcp_view_note(t, epg_buf_str(&b));
    epg_buf_free(&b);
    free(text);
}

/* dwLocalPort holds the port in network byte order in its low 16 bits. */
static uint16_t port_of(DWORD p)
{
    return (uint16_t)(((p & 0xFFu) << 8) | ((p >> 8) & 0xFFu));
}

static epg_tcp_state state_of(DWORD st)
{
    return st == STATE_LISTEN ? EPG_TCP_LISTEN
           : st == STATE_TIME_WAIT ? EPG_TCP_TIME_WAIT : EPG_TCP_CONNECTION;
}

/* Reads one table; returns 0, or the Win32 error. */
static DWORD read_table(get_table_fn get, ULONG af, epg_tcp_view *t)
{
    DWORD size = 0, rc = ERROR_INSUFFICIENT_BUFFER, n, i;
    BYTE *buf = NULL;
    int tries;

    for (tries = 0; tries < TABLE_TRIES && rc == ERROR_INSUFFICIENT_BUFFER; tries++) {
        BYTE *nb;
        size = size + size / 4 + 4096;
        nb = realloc(buf, size);
        if (!nb) {
            free(buf);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        buf = nb;
        rc = get(buf, &size, FALSE, af, TABLE_OWNER_PID_ALL, 0);
    }
    if (rc != NO_ERROR) {
        free(buf);
        return rc;
    }
    /* The row count is checked against what was written, so a short or
     * inconsistent answer is never read past its end. */
    memcpy(&n, buf, sizeof n);
    for (i = 0; i < n; i++) {
        size_t off = (af == AF4 ? sizeof(DWORD) + (size_t)i * sizeof(tcprow4)
                                : sizeof(DWORD) + (size_t)i * sizeof(tcprow6));
        size_t need = off + (af == AF4 ? sizeof(tcprow4) : sizeof(tcprow6));
        int fail;

        if (need > size)
            break;
        if (af == AF4) {
            tcprow4 r;
            memcpy(&r, buf + off, sizeof r);
            fail = epg_tcp_view_add(t, port_of(r.local_port), r.pid, state_of(r.state), 0);
        } else {
            tcprow6 r;
            memcpy(&r, buf + off, sizeof r);
            fail = epg_tcp_view_add(t, port_of(r.local_port), r.pid, state_of(r.state), 1);
        }
        if (fail) {
            free(buf);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    free(buf);
    return 0;
}

/* The running services with their process IDs.  The list holds only the
 * services this account may query (SERVICE_QUERY_STATUS): under
 * LocalService one whose security descriptor was narrowed is left out, and
 * a shared process hosting only such services is named by its image alone;
 * the core says so in the holder text (epg_proc_services, holders.h;
 * docs/windows-fidelity.md).  Same call on Windows and Wine; Wine checks
 * no access and lists every service. */
static void read_services(epg_tcp_view *t)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ENUMERATE_SERVICE);
    DWORD resume = 0, need = 0, count = 0, size = 64 * 1024, i;
    BYTE *buf;
    BOOL more = TRUE;
    int rounds = 0;

    if (!scm) {
        note_error(t, "OpenSCManager (to name the services holding ports)",
                   GetLastError());
        return;
    }
    buf = malloc(size);
    /* The resume handle moves on every round; the cap only guards against
     * a manager that keeps answering "more" without giving any. */
    while (buf && more && rounds++ < 256) {
        BOOL ok = EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32,
                                        SERVICE_ACTIVE, buf, size, &need, &count,
                                        &resume, NULL);
        DWORD err = ok ? 0 : GetLastError();
        const ENUM_SERVICE_STATUS_PROCESSW *s = (const ENUM_SERVICE_STATUS_PROCESSW *)buf;

        if (!ok && err != ERROR_MORE_DATA) {
            note_error(t, "EnumServicesStatusExW", err);
            break;
        }
        for (i = 0; i < count; i++) {
            char *name;
            DWORD pid = s[i].ServiceStatusProcess.dwProcessId;
            if (pid == 0)       /* stopping, or not a process of its own */
                continue;
            name = utf8_from_wide(s[i].lpServiceName);
            if (!name || epg_tcp_view_add_service(t, pid, name)) {
                free(name);
                epg_tcp_view_note(t, "out of memory naming the services");
                more = FALSE;
                break;
            }
            free(name);
        }
        more = more && !ok;
        if (more && need > size) {
            BYTE *nb = realloc(buf, need);
            if (!nb) {
                epg_tcp_view_note(t, "out of memory naming the services");
                break;
            }
            buf = nb;
            size = need;
        }
    }
    free(buf);
    CloseServiceHandle(scm);
}

static void read_images(epg_tcp_view *t)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe;
    BOOL ok;

    if (snap == INVALID_HANDLE_VALUE) {
        note_error(t, "CreateToolhelp32Snapshot (to name the processes holding "
                      "ports)", GetLastError());
        return;
    }
    memset(&pe, 0, sizeof pe);
    pe.dwSize = sizeof pe;
    for (ok = Process32FirstW(snap, &pe); ok; ok = Process32NextW(snap, &pe)) {
        char *img;
        if (pe.th32ProcessID == 0)
            continue;
        img = utf8_from_wide(pe.szExeFile);
        if (!img || epg_tcp_view_set_image(t, pe.th32ProcessID, img)) {
            free(img);
            epg_tcp_view_note(t, "out of memory naming the processes");
            break;
        }
        free(img);
    }
    CloseHandle(snap);
}

void tcptable_collect(epg_tcp_view *t)
{
    WCHAR path[MAX_PATH + 32];
    UINT len;
    HMODULE dll = NULL;
    get_table_fn get = NULL;
    DWORD rc;

    epg_tcp_view_free(t);
    len = GetSystemDirectoryW(path, MAX_PATH);
    if (len && len < MAX_PATH) {
        wcscat(path, L"\\iphlpapi.dll");
        dll = LoadLibraryW(path);
    }
    if (!dll) {
        note_error(t, "loading iphlpapi.dll", GetLastError());
        return;
    }
    get = (get_table_fn)(void (*)(void))GetProcAddress(dll, "GetExtendedTcpTable");
    if (!get) {
        note_error(t, "GetExtendedTcpTable (Windows Server 2003 SP1 and later)",
                   GetLastError());
        FreeLibrary(dll);
        return;
    }
    rc = read_table(get, AF4, t);
    if (rc) {
        note_error(t, "GetExtendedTcpTable (IPv4)", rc);
    } else {
        t->collected = 1;
        /* Without an IPv6 stack (Server 2003 by default) this fails; the
         * IPv4 table still stands. */
        rc = read_table(get, AF6, t);
        /* Not supported or an invalid family: there is no IPv6 stack, so
         * there are no IPv6 holders either; nothing is missing. */
        if (rc && rc != ERROR_NOT_SUPPORTED && rc != ERROR_INVALID_PARAMETER)
            note_error(t, "GetExtendedTcpTable (IPv6)", rc);
        read_services(t);
        read_images(t);
    }
    FreeLibrary(dll);
}
