/* evtread: prints the events of one source in the Application log as JSON,
 * for the end-to-end tests on a real Windows machine (the native backend of
 * tests/wine/winetest.py), where events are read back from the log instead
 * of from Wine's debug channel.  A test tool, built with the product, never
 * shipped.
 *
 * It uses the event logging API of Windows 2000 and later (OpenEventLogW,
 * ReadEventLogW), not the Windows 6.0 Evt* API, so it runs wherever the
 * product does.
 *
 *   evtread [--source NAME] [--after RECORD]
 *
 * Output (the format tests/wine/native.py parses; samples in
 * tests/contract/samples/):
 *
 *   {"schema": "exchportguard-evtread/1", "log": "Application",
 *    "source": "ExchPortGuard", "newest_record": 1234,
 *    "events": [
 *     {"record": 1230, "time_generated": 1795688736, "event_id": 1100,
 *      "full_id": 3221226572, "type": 1, "category": 2,
 *      "source": "ExchPortGuard", "strings": ["6001", "..."]}
 *    ]}
 *
 * "event_id" is the low 16 bits Event Viewer shows; "full_id" the message
 * ID the event was reported with; "type" the EVENTLOG_*_TYPE (1 error, 2
 * warning, 4 information).  Events are in log order; --after keeps those
 * with a higher record number; --source "*" keeps every source.
 * "newest_record" is the highest record number in the log (0 when empty),
 * the mark to pass to --after next time.  Exit code 0, or 1 with the Win32
 * error and its text on stderr. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void json_string(const WCHAR *w, size_t n)
{
    size_t i;

    putchar('"');
    for (i = 0; i < n && w[i]; i++) {
        WCHAR c = w[i];
        if (c == L'"' || c == L'\\') {
            printf("\\%c", (char)c);
        } else if (c < 0x20) {
            printf("\\u%04x", (unsigned)c);
        } else if (c < 0x80) {
            putchar((char)c);
        } else {
            /* Surrogate pairs are passed through as two \u escapes, which
             * JSON readers join. */
            printf("\\u%04x", (unsigned)c);
        }
    }
    putchar('"');
}

static int fail(const char *what, DWORD err)
{
    WCHAR *msg = NULL;
    char text[512] = "";

    if (FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS |
                           FORMAT_MESSAGE_ALLOCATE_BUFFER,
                       NULL, err, 0, (LPWSTR)&msg, 0, NULL) && msg) {
        WideCharToMultiByte(CP_UTF8, 0, msg, -1, text, sizeof text - 1, NULL, NULL);
        LocalFree(msg);
    }
    text[strcspn(text, "\r\n")] = '\0';
    fprintf(stderr, "evtread: %s failed: %s (error %lu)\n", what, text,
            (unsigned long)err);
    return 1;
}

/* Prints one record if it passes the filters; returns 1 if printed. */
static int print_record(const EVENTLOGRECORD *r, const WCHAR *source, DWORD after,
                        int first)
{
    const WCHAR *src = (const WCHAR *)(r + 1);
    const WCHAR *s = (const WCHAR *)((const BYTE *)r + r->StringOffset);
    WORD i;

    if (r->RecordNumber <= after)
        return 0;
    if (wcscmp(source, L"*") != 0 && _wcsicmp(src, source) != 0)
        return 0;
    printf("%s\n  {\"record\": %lu, \"time_generated\": %lu, \"event_id\": %lu, "
           "\"full_id\": %lu, \"type\": %u, \"category\": %u, \"source\": ",
           first ? "" : ",", (unsigned long)r->RecordNumber,
           (unsigned long)r->TimeGenerated, (unsigned long)(r->EventID & 0xFFFF),
           (unsigned long)r->EventID, (unsigned)r->EventType,
           (unsigned)r->EventCategory);
    json_string(src, wcslen(src));
    printf(", \"strings\": [");
    for (i = 0; i < r->NumStrings; i++) {
        size_t len = wcslen(s);
        if (i)
            printf(", ");
        json_string(s, len);
        s += len + 1;
    }
    printf("]}");
    return 1;
}

int wmain(int argc, WCHAR **argv);
int wmain(int argc, WCHAR **argv)
{
    const WCHAR *source = L"ExchPortGuard";
    DWORD after = 0, oldest = 0, count = 0, newest = 0, size = 64 * 1024;
    HANDLE log;
    BYTE *buf;
    int i, first = 1;

    for (i = 1; i < argc; i++) {
        if (!wcscmp(argv[i], L"--source") && i + 1 < argc) {
            source = argv[++i];
        } else if (!wcscmp(argv[i], L"--after") && i + 1 < argc) {
            after = wcstoul(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: evtread [--source NAME|*] [--after RECORD]\n");
            return 2;
        }
    }
    log = OpenEventLogW(NULL, L"Application");
    if (!log)
        return fail("OpenEventLogW(Application)", GetLastError());
    if (GetOldestEventLogRecord(log, &oldest) && GetNumberOfEventLogRecords(log, &count) &&
        count)
        newest = oldest + count - 1;
    buf = malloc(size);
    if (!buf) {
        CloseEventLog(log);
        return fail("malloc", ERROR_NOT_ENOUGH_MEMORY);
    }
    printf("{\"schema\": \"exchportguard-evtread/1\", \"log\": \"Application\", "
           "\"source\": ");
    json_string(source, wcslen(source));
    printf(", \"newest_record\": %lu,\n \"events\": [", (unsigned long)newest);
    for (;;) {
        DWORD got = 0, need = 0, off;
        if (!ReadEventLogW(log, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_FORWARDS_READ, 0,
                           buf, size, &got, &need)) {
            DWORD err = GetLastError();
            if (err == ERROR_INSUFFICIENT_BUFFER && need > size) {
                BYTE *bigger = realloc(buf, need);
                if (!bigger) {
                    free(buf);
                    CloseEventLog(log);
                    return fail("realloc", ERROR_NOT_ENOUGH_MEMORY);
                }
                buf = bigger;
                size = need;
                continue;
            }
            if (err == ERROR_HANDLE_EOF)
                break;
            free(buf);
            CloseEventLog(log);
            printf("]}\n");
            return fail("ReadEventLogW", err);
        }
        for (off = 0; off + sizeof(EVENTLOGRECORD) <= got;) {
            const EVENTLOGRECORD *r = (const EVENTLOGRECORD *)(buf + off);
            if (r->Length < sizeof *r)
                break;
            if (print_record(r, source, after, first))
                first = 0;
            off += r->Length;
        }
    }
    printf("]}\n");
    free(buf);
    CloseEventLog(log);
    return 0;
}
