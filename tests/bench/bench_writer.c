/* The registry writer of the benchmarks: a separate process, as a real
 * administrator's reg.exe or script would be.
 *
 *   bench_writer latency <shm pid> <count> <gap ms> <slow count> <slow gap ms>
 *       Writes count changes, each after the benchmark acknowledged the
 *       previous one plus gap ms, then slow count changes spaced slow gap ms
 *       apart (for the 1 Hz poller), recording each write time.
 *   bench_writer storm <shm pid> <count> <end: conflict|clear>
 *       Writes count changes as fast as it can, alternating, ending in the
 *       given state.
 *   bench_writer soak <shm pid> <count>
 *       Writes count changes as fast as it can; every 1000th change deletes
 *       and re-creates the key instead, to churn the watcher too. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchshm.h"

static LONG64 qpc(void)
{
    LARGE_INTEGER t;

    QueryPerformanceCounter(&t);
    return t.QuadPart;
}

static int set_port(HKEY key, DWORD port)
{
    return RegSetValueExW(key, BENCH_VALUE, 0, REG_DWORD, (const BYTE *)&port,
                          sizeof port) == ERROR_SUCCESS;
}

static HKEY open_key(void)
{
    HKEY key = NULL;

    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, BENCH_KEY, 0, NULL, 0,
                        KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL))
        return NULL;
    return key;
}

int wmain(int argc, WCHAR **argv);
int wmain(int argc, WCHAR **argv)
{
    WCHAR name[64];
    HANDLE map, ack = NULL;
    bench_shared *sh;
    HKEY key;
    DWORD pid, count, i;

    if (argc < 4) {
        fprintf(stderr, "usage: bench_writer latency|storm|soak <pid> <count> ...\n");
        return 2;
    }
    pid = (DWORD)wcstoul(argv[2], NULL, 10);
    count = (DWORD)wcstoul(argv[3], NULL, 10);
    _snwprintf(name, 64, BENCH_SHM_FMT, (unsigned long)pid);
    map = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
    if (!map) {
        fprintf(stderr, "bench_writer: no shared memory %ls (%lu)\n", name, GetLastError());
        return 1;
    }
    sh = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, sizeof *sh);
    key = open_key();
    if (!sh || !key) {
        fprintf(stderr, "bench_writer: setup failed (%lu)\n", GetLastError());
        return 1;
    }

    if (!wcscmp(argv[1], L"latency") && argc >= 7) {
        DWORD gap = (DWORD)wcstoul(argv[4], NULL, 10);
        DWORD slow = (DWORD)wcstoul(argv[5], NULL, 10);
        DWORD slow_gap = (DWORD)wcstoul(argv[6], NULL, 10);
        _snwprintf(name, 64, BENCH_ACK_FMT, (unsigned long)pid);
        ack = OpenEventW(SYNCHRONIZE | EVENT_MODIFY_STATE, FALSE, name);
        if (!ack || count + slow > BENCH_MAX_SAMPLES)
            return 1;
        srand(12345);
        for (i = 0; i < count + slow; i++) {
            /* Published before the write, not after: the service reacts in
             * microseconds, and a writer preempted between its write and
             * this store (a loaded machine) made the sink see the event of
             * change i while `written` still named change i-1, and count
             * change i as lost.  The latency now includes RegSetValueExW
             * itself, which is part of "write -> event" anyway. */
            sh->write_qpc[i] = qpc();
            InterlockedExchange(&sh->written, (LONG)(i + 1));
            if (!set_port(key, i % 2 ? BENCH_PORT_CLEAR : BENCH_PORT_CONFLICT))
                return 1;
            /* Wait for the benchmark to see it (a lost change times out and
             * is counted there), then leave a quiet gap. */
            WaitForSingleObject(ack, 2000);
            if (i + 1 < count)
                Sleep(gap);
            else
                Sleep(slow_gap + (DWORD)(rand() % 500));  /* 1 Hz poller phase */
        }
    } else if (!wcscmp(argv[1], L"storm") && argc >= 5) {
        int end_conflict = !wcscmp(argv[4], L"conflict");
        sh->first_qpc = qpc();
        for (i = 0; i < count; i++) {
            /* The last write leaves the requested state. */
            int conflict = ((count - 1 - i) % 2 == 0) ? end_conflict : !end_conflict;
            if (!set_port(key, conflict ? BENCH_PORT_CONFLICT : BENCH_PORT_CLEAR))
                return 1;
        }
        sh->last_qpc = qpc();
        InterlockedExchange(&sh->written, (LONG)count);
    } else if (!wcscmp(argv[1], L"soak")) {
        for (i = 0; i < count; i++) {
            if (i % 1000 == 999) {
                DWORD partner = BENCH_PORT_CONFLICT;
                RegCloseKey(key);
                RegDeleteKeyW(HKEY_LOCAL_MACHINE, BENCH_KEY);
                key = open_key();
                if (!key || RegSetValueExW(key, BENCH_PARTNER, 0, REG_DWORD,
                                           (const BYTE *)&partner, sizeof partner))
                    return 1;
            }
            if (!set_port(key, i % 2 ? BENCH_PORT_CLEAR : BENCH_PORT_CONFLICT))
                return 1;
        }
        InterlockedExchange(&sh->written, (LONG)count);
    } else {
        fprintf(stderr, "bench_writer: bad arguments\n");
        return 2;
    }
    InterlockedExchange(&sh->done, 1);
    RegCloseKey(key);
    UnmapViewOfFile(sh);
    CloseHandle(map);
    if (ack)
        CloseHandle(ack);
    return 0;
}
