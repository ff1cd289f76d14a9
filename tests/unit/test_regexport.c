/* The .reg export reader: both formats, every data form, continuations,
 * deletions, control-set choice, errors with file and line, and that the
 * result does not depend on how the file is cut into chunks. */
#include <stdlib.h>
#include <string.h>

#include "check/checks.h"
#include "regexport/regexport.h"
#include "testdata.h"
#include "tinytest.h"

#define SVC "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\"
#define IS_KEY SVC "MSExchangeIS\\ParametersSystem]\r\n"
#define SA_KEY SVC "MSExchangeSA\\Parameters]\r\n"
#define V5 "Windows Registry Editor Version 5.00\r\n\r\n"

/* UTF-8 text as a version-5 file: FF FE, then UTF-16LE. */
static uint8_t *utf16_file(const char *text, size_t *n)
{
    size_t len = strlen(text), i = 0, o = 2;
    uint8_t *b = malloc(2 + 4 * len);
    epg_reading r;

    memset(&r, 0, sizeof r);
    b[0] = 0xFF;
    b[1] = 0xFE;
    td_string(&r, EPG_REG_SZ, text);    /* UTF-8 to UTF-16LE, with a NUL */
    for (i = 0; i + 2 < r.size; i++)
        b[o++] = r.data[i];
    epg_reading_free(&r);
    *n = o;
    return b;
}

/* Reads bytes in chunks of `chunk` (0: all at once) into snap; returns
 * what finish returned. */
static int read_bytes(const uint8_t *b, size_t n, size_t chunk, uint32_t cp,
                      epg_regexport *x, epg_snapshot *snap)
{
    size_t i;

    epg_regexport_init(x, "t.reg", cp);
    epg_snapshot_init(snap);
    if (!chunk)
        chunk = n ? n : 1;
    for (i = 0; i < n; i += chunk)
        epg_regexport_feed(x, b + i, n - i < chunk ? n - i : chunk);
    return epg_regexport_finish(x, snap);
}

static int read5(const char *text, size_t chunk, epg_regexport *x, epg_snapshot *s)
{
    size_t n;
    uint8_t *b = utf16_file(text, &n);
    int rc = read_bytes(b, n, chunk, 0, x, s);
    free(b);
    return rc;
}

static int read4(const char *text, uint32_t cp, epg_regexport *x, epg_snapshot *s)
{
    return read_bytes((const uint8_t *)text, strlen(text), 0, cp, x, s);
}

static const epg_reading *val(const epg_snapshot *s, const char *id)
{
    return &s->values[td_value(id)];
}

static uint32_t dword(const epg_reading *r)
{
    if (r->presence != EPG_PRESENT || r->type != EPG_REG_DWORD || r->size != 4)
        return 0xFFFFFFFFu;
    return (uint32_t)r->data[0] | ((uint32_t)r->data[1] << 8) |
           ((uint32_t)r->data[2] << 16) | ((uint32_t)r->data[3] << 24);
}

/* Whether r is a REG_SZ holding exactly the UTF-8 text (plus its NUL). */
static int is_sz(const epg_reading *r, uint32_t type, const char *text)
{
    epg_reading want;
    int same;

    memset(&want, 0, sizeof want);
    td_string(&want, type, text);
    same = r->presence == EPG_PRESENT && r->type == type && r->size == want.size &&
           memcmp(r->data, want.data, want.size) == 0;
    epg_reading_free(&want);
    return same;
}

static void done(epg_regexport *x, epg_snapshot *s)
{
    epg_regexport_free(x);
    epg_snapshot_free(s);
}

static const char EXAMPLE[] =
    V5
    "; a comment\r\n"
    "# another\r\n"
    "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Other]\r\n"
    "\"TCP/IP Port\"=dword:00000001\r\n"
    "\"junk\"=hex:zz\r\n"
    "\r\n"
    IS_KEY
    "\"TCP/IP Port\"=dword:00001771\r\n"
    "\"Rpc/HTTP Port\"=\"60\\\\0\\\"1\"\r\n"
    "\"unrelated\"=hex(7):41,00,00,00,\\\r\n"
    "  00,00\r\n"
    "\r\n"
    SA_KEY
    "\"TCP/IP NSPI Port\"=hex(4):71,17,\\\r\n"
    "    00,00\r\n"
    "\"HTTP Port\"=hex(b):01,02,03,04,05,06,07,08\r\n"
    "\"tcp/ip port\"=hex(0):\r\n"
    "\"Rpc/HTTP NSPI Port\"=hex(2):36,00,30,00,30,00,34,00,00,00\r\n"
    "@=\"default\"\r\n"
    "\r\n"
    SVC "MSExchangeAB\\Parameters]\r\n"
    "\"RpcTcpPort\"=\"59532\"\r\n"
    "\"RpcTcpPort\"=-\r\n"
    SVC "MSExchangeRPC\\ParametersSystem]\r\n"
    "\"TCP/IP Port\"=hex(3):de,ad\r\n"
    SVC "MSExchangeSRS\\Parameters]\r\n"
    "\"TCP/IP\"=dword:1771\r\n"
    "[-HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeSRS]\r\n";

static void test_version5_every_form(void)
{
    epg_regexport x;
    epg_snapshot s;
    const epg_reading *r;

    CHECK_INT(read5(EXAMPLE, 0, &x, &s), 0);
    CHECK_STR(x.control_set, "CurrentControlSet");
    CHECK_INT(dword(val(&s, "is-tcpip-port")), 6001);
    CHECK(is_sz(val(&s, "is-rpchttp-port"), EPG_REG_SZ, "60\\0\"1"));
    CHECK_INT(dword(val(&s, "sa-tcpip-nspi-port")), 6001);     /* continued */
    r = val(&s, "sa-http-port");
    CHECK_INT(r->type, EPG_REG_QWORD);
    CHECK_INT(r->size, 8);
    r = val(&s, "sa-tcpip-port");       /* names compare case-insensitively */
    CHECK_INT(r->presence, EPG_PRESENT);
    CHECK_INT(r->type, EPG_REG_NONE);
    CHECK_INT(r->size, 0);
    CHECK(is_sz(val(&s, "sa-rpchttp-nspi-port"), EPG_REG_EXPAND_SZ, "6004"));
    CHECK_INT(val(&s, "ab-rpctcpport")->presence, EPG_ABSENT);  /* "name"=- */
    r = val(&s, "rpc-tcpip-port");
    CHECK_INT(r->type, EPG_REG_BINARY);
    CHECK_INT(r->size, 2);
    /* [-key] takes the key and its values away. */
    CHECK_INT(val(&s, "srs-tcpip-port")->presence, EPG_ABSENT);
    CHECK_INT(s.keys[epg_value_key(td_value("srs-tcpip-port"))].state,
              EPG_KEY_MISSING);
    CHECK_INT(s.keys[epg_value_key(td_value("is-tcpip-port"))].state,
              EPG_KEY_PRESENT);
    /* A broken line in a key no check reads is not even looked at; the
     * values of such keys never reach the snapshot. */
    CHECK_INT(x.note_count, 0);
    CHECK(s.os_major == 6 && !x.os_known);
    done(&x, &s);
}

/* The same file cut into chunks of every small size, odd ones included
 * (half a UTF-16 unit at a chunk's end), reads the same. */
static void test_chunking_does_not_matter(void)
{
    epg_regexport x0;
    epg_snapshot s0;
    size_t chunk, v;

    CHECK_INT(read5(EXAMPLE, 0, &x0, &s0), 0);
    for (chunk = 1; chunk <= 17; chunk++) {
        epg_regexport x;
        epg_snapshot s;
        int same = read5(EXAMPLE, chunk, &x, &s) == 0;
        for (v = 0; v < EPG_VALUE_COUNT; v++) {
            const epg_reading *a = &s0.values[v], *b = &s.values[v];
            same = same && a->presence == b->presence && a->type == b->type &&
                   a->size == b->size &&
                   (!a->size || memcmp(a->data, b->data, a->size) == 0);
        }
        if (!same)
            fprintf(stderr, "chunk size %lu differs\n", (unsigned long)chunk);
        CHECK(same);
        done(&x, &s);
    }
    done(&x0, &s0);
}

static void test_regedit4_codepage(void)
{
    epg_regexport x;
    epg_snapshot s;
    static const char file[] =
        "REGEDIT4\n\n"
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\"
        "ParametersSystem]\n"
        "\"TCP/IP Port\"=\"caf\xe9 \x80\"\n"
        "\"Rpc/HTTP Port\"=hex(2):36,30,30,31,00\n";

    CHECK_INT(read4(file, 0, &x, &s), 0);
    /* Windows-1252: E9 is U+00E9, 80 is the euro sign U+20AC. */
    CHECK(is_sz(val(&s, "is-tcpip-port"), EPG_REG_SZ, "caf\xc3\xa9 \xe2\x82\xac"));
    /* REGEDIT4 hex(2) is ANSI text; the registry holds it in UTF-16LE. */
    CHECK(is_sz(val(&s, "is-rpchttp-port"), EPG_REG_EXPAND_SZ, "6001"));
    done(&x, &s);

    /* ISO 8859-1 keeps 0x80 as U+0080. */
    CHECK_INT(read4(file, 28591, &x, &s), 0);
    CHECK(is_sz(val(&s, "is-tcpip-port"), EPG_REG_SZ, "caf\xc3\xa9 \xc2\x80"));
    done(&x, &s);
    CHECK(epg_codepage_supported(1252) && !epg_codepage_supported(932));
}

static void test_control_sets(void)
{
    epg_regexport x;
    epg_snapshot s;
    static const char two_with_select[] =
        V5
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\MSExchangeIS\\"
        "ParametersSystem]\r\n\"TCP/IP Port\"=dword:00000001\r\n"
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Services\\MSExchangeIS\\"
        "ParametersSystem]\r\n\"TCP/IP Port\"=dword:00000002\r\n"
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\r\n\"Current\"=dword:00000002\r\n";
    static const char two_without[] =
        V5
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control]\r\n"
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet003\\Control]\r\n";
    static const char select_names_missing[] =
        V5
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control]\r\n"
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\r\n\"Current\"=dword:00000004\r\n";
    static const char one_set[] =
        V5
        "[HKLM\\SYSTEM\\ControlSet005\\Services\\MSExchangeIS\\ParametersSystem]\r\n"
        "\"TCP/IP Port\"=dword:00000005\r\n";
    static const char current_wins[] =
        V5
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\MSExchangeIS\\"
        "ParametersSystem]\r\n\"TCP/IP Port\"=dword:00000001\r\n"
        IS_KEY "\"TCP/IP Port\"=dword:00000007\r\n"
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\r\n\"Current\"=dword:00000001\r\n";
    static const char none[] =
        V5 "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft]\r\n";

    CHECK_INT(read5(two_with_select, 0, &x, &s), 0);
    CHECK_STR(x.control_set, "ControlSet002");
    CHECK_CONTAINS(x.control_set_why, "Select");
    CHECK_INT(dword(val(&s, "is-tcpip-port")), 2);
    done(&x, &s);

    CHECK_INT(read5(two_without, 0, &x, &s), -1);
    CHECK_CONTAINS(epg_buf_str(&x.error_text), "ControlSet001, ControlSet003");
    CHECK_CONTAINS(epg_buf_str(&x.error_text), "t.reg: ");
    done(&x, &s);

    CHECK_INT(read5(select_names_missing, 0, &x, &s), -1);
    CHECK_CONTAINS(epg_buf_str(&x.error_text), "ControlSet004");
    CHECK_INT(x.error, EPG_ERR_FILE_NOT_FOUND);
    done(&x, &s);

    CHECK_INT(read5(one_set, 0, &x, &s), 0);
    CHECK_STR(x.control_set, "ControlSet005");
    CHECK_INT(dword(val(&s, "is-tcpip-port")), 5);
    done(&x, &s);

    CHECK_INT(read5(current_wins, 0, &x, &s), 0);
    CHECK_STR(x.control_set, "CurrentControlSet");
    CHECK_INT(dword(val(&s, "is-tcpip-port")), 7);
    done(&x, &s);

    CHECK_INT(read5(none, 0, &x, &s), -1);
    CHECK_CONTAINS(epg_buf_str(&x.error_text), "no control set");
    done(&x, &s);
}

static void test_bad_lines(void)
{
    epg_regexport x;
    epg_snapshot s;
    epg_evaluation ev;
    static const char file[] =
        V5                                          /* lines 1-2 */
        IS_KEY                                      /* 3 */
        "\"TCP/IP Port\"=dword:xyz\r\n"             /* 4: value unreadable */
        "\"Rpc/HTTP Port\"=hex:01,0g\r\n"           /* 5: value unreadable */
        SA_KEY                                      /* 6 */
        "what is this\r\n"                          /* 7: key unreadable */
        "\"TCP/IP Port\"=dword:00000010\r\n"        /* 8: key stays unreadable */
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\"
        "Parameters]\r\n"                           /* 9 */
        "\"Other\"=dword:zz\r\n"                    /* 10: a note */
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\X]\r\n"
        "garbage\r\n";                              /* 12: a note */
    const epg_reading *r;

    CHECK_INT(read5(file, 0, &x, &s), 0);
    r = val(&s, "is-tcpip-port");
    CHECK_INT(r->presence, EPG_UNREADABLE);
    CHECK_INT(r->error, EPG_ERR_INVALID_DATA);
    CHECK_CONTAINS(r->error_text, "t.reg:4: dword data");
    r = val(&s, "is-rpchttp-port");
    CHECK_INT(r->presence, EPG_UNREADABLE);
    CHECK_CONTAINS(r->error_text, "t.reg:5: hex data");
    CHECK_INT(s.keys[epg_value_key(td_value("sa-tcpip-port"))].state, EPG_KEY_ERROR);
    CHECK_CONTAINS(s.keys[epg_value_key(td_value("sa-tcpip-port"))].error_text,
                   "t.reg:7:");
    CHECK_INT(val(&s, "sa-tcpip-port")->presence, EPG_UNREADABLE);
    CHECK_CONTAINS(epg_buf_str(&x.notes), "t.reg:10: dword data");
    CHECK_CONTAINS(epg_buf_str(&x.notes), "t.reg:12: neither a key");
    CHECK_INT(x.note_count, 2);
    /* The check calls it what it is: unreadable, exit code 3. */
    epg_evaluation_init(&ev);
    CHECK_INT(epg_evaluate(&s, &ev), 0);
    CHECK_INT(epg_verdict(&ev), EPG_EXIT_UNREADABLE);
    epg_evaluation_free(&ev);
    done(&x, &s);
}

static void test_not_an_export(void)
{
    epg_regexport x;
    epg_snapshot s;
    static const uint8_t elf[] = { 0x7F, 'E', 'L', 'F', 2, 1, 1, 0 };
    uint8_t *big = malloc(100000);

    CHECK_INT(read_bytes(elf, sizeof elf, 0, 0, &x, &s), -1);
    CHECK_INT(x.error, EPG_ERR_INVALID_DATA);
    CHECK_CONTAINS(epg_buf_str(&x.error_text), "t.reg: not a registry export");
    done(&x, &s);
    CHECK_INT(read_bytes(elf, 0, 0, 0, &x, &s), -1);
    CHECK_CONTAINS(epg_buf_str(&x.error_text), "empty");
    done(&x, &s);
    /* A big file without line breaks fails early, without holding it. */
    memset(big, 'A', 100000);
    CHECK_INT(read_bytes(big, 100000, 4096, 0, &x, &s), -1);
    CHECK(x.line.cap < 4096);
    done(&x, &s);
    free(big);
    /* The header is exact: REGEDIT5 is not REGEDIT4. */
    CHECK_INT(read4("REGEDIT5\n", 0, &x, &s), -1);
    done(&x, &s);
}

static void test_os_version(void)
{
    epg_regexport x;
    epg_snapshot s;
    static const char old[] =
        V5 IS_KEY
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
        "\"CurrentVersion\"=\"5.2\"\r\n";
    static const char win10[] =
        V5 IS_KEY
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
        "\"CurrentVersion\"=\"6.3\"\r\n"
        "\"CurrentMajorVersionNumber\"=dword:0000000a\r\n"
        "\"CurrentMinorVersionNumber\"=dword:00000000\r\n";

    CHECK_INT(read5(old, 0, &x, &s), 0);
    CHECK(x.os_known && s.os_major == 5 && s.os_minor == 2);
    done(&x, &s);
    CHECK_INT(read5(win10, 0, &x, &s), 0);
    CHECK(x.os_known && s.os_major == 10 && s.os_minor == 0);
    done(&x, &s);
}

/* Appended exports (copy /b a.reg + b.reg): the second file's mark and
 * header line are skipped, its keys read. */
static void test_appended_exports(void)
{
    epg_regexport x;
    epg_snapshot s;
    static const char file[] =
        V5 IS_KEY "\"TCP/IP Port\"=dword:00001771\r\n\r\n"
        "\xef\xbb\xbf" "Windows Registry Editor Version 5.00\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
        "\"CurrentVersion\"=\"6.1\"\r\n";

    CHECK_INT(read5(file, 0, &x, &s), 0);
    CHECK_INT(dword(val(&s, "is-tcpip-port")), 6001);
    CHECK(x.os_known && s.os_major == 6 && s.os_minor == 1);
    CHECK_INT(x.note_count, 0);
    done(&x, &s);
}

/* A value too large to be a port is kept by size only; the file's size
 * does not change what the reader holds. */
static void test_large_values(void)
{
    epg_regexport x;
    epg_snapshot s;
    epg_buf b;
    size_t i;

    epg_buf_init(&b);
    epg_buf_puts(&b, V5 IS_KEY "\"TCP/IP Port\"=hex:");
    for (i = 0; i < 100000; i++)
        epg_buf_puts(&b, i % 25 == 24 ? "00,\\\r\n  " : "00,");
    epg_buf_puts(&b, "01\r\n\"Rpc/HTTP Port\"=dword:00001771\r\n");
    CHECK_INT(read5(epg_buf_str(&b), 0, &x, &s), 0);
    CHECK_INT(val(&s, "is-tcpip-port")->full_size, 100001);
    CHECK_INT(val(&s, "is-tcpip-port")->size, 0);
    CHECK_INT(dword(val(&s, "is-rpchttp-port")), 6001);
    CHECK(x.cont_data.cap <= 2 * EPG_READ_LIMIT);
    done(&x, &s);
    epg_buf_free(&b);
}

static void test_os_from_readings(void)
{
    epg_reading v, maj;
    uint32_t a = 0, b = 0;

    memset(&v, 0, sizeof v);
    memset(&maj, 0, sizeof maj);
    td_sz(&v, "5.0");
    CHECK_INT(epg_os_from_readings(&v, NULL, NULL, &a, &b), 0);
    CHECK(a == 5 && b == 0);
    td_sz(&v, "five");
    CHECK_INT(epg_os_from_readings(&v, NULL, NULL, &a, &b), -1);
    td_sz(&v, "6.");
    CHECK_INT(epg_os_from_readings(&v, NULL, NULL, &a, &b), -1);
    td_dword(&maj, 10);
    CHECK_INT(epg_os_from_readings(&v, &maj, NULL, &a, &b), -1);
    epg_reading_free(&v);
    epg_reading_free(&maj);
}

/* A dword is 1 to 8 hex digits; 9 is not a dword. */
static void test_dword_digits(void)
{
    epg_regexport x;
    epg_snapshot s;

    CHECK_INT(read5(V5 IS_KEY "\"TCP/IP Port\"=dword:000001771\r\n"
                    "\"Rpc/HTTP Port\"=dword:1\r\n", 0, &x, &s), 0);
    CHECK_INT(val(&s, "is-tcpip-port")->presence, EPG_UNREADABLE);
    CHECK_INT(dword(val(&s, "is-rpchttp-port")), 1);
    done(&x, &s);
}

/* UTF-16LE text whose bytes hold 0A 00 across two characters (U+0A05,
 * then U+0100) has no line break there: only a 0A at a character's start
 * ends a line. */
static void test_utf16_byte_0a(void)
{
    epg_regexport x;
    epg_snapshot s;

    CHECK_INT(read5(V5 IS_KEY "\"TCP/IP Port\"=\"\xe0\xa8\x85\xc4\x80\"\r\n"
                    "\"Rpc/HTTP Port\"=dword:00000002\r\n", 0, &x, &s), 0);
    CHECK(is_sz(val(&s, "is-tcpip-port"), EPG_REG_SZ, "\xe0\xa8\x85\xc4\x80"));
    CHECK_INT(dword(val(&s, "is-rpchttp-port")), 2);
    CHECK_INT(x.note_count, 0);
    done(&x, &s);
}

int main(void)
{
    RUN(test_dword_digits);
    RUN(test_utf16_byte_0a);
    RUN(test_version5_every_form);
    RUN(test_chunking_does_not_matter);
    RUN(test_regedit4_codepage);
    RUN(test_control_sets);
    RUN(test_bad_lines);
    RUN(test_not_an_export);
    RUN(test_os_version);
    RUN(test_appended_exports);
    RUN(test_large_values);
    RUN(test_os_from_readings);
    return tt_summary("test_regexport");
}
