/* libFuzzer target for the registry export reader and the many-computer
 * reports.  Input: one byte for the chunk size the file is fed in (0: all
 * at once), one for the code page of REGEDIT4 files, then the file.
 * Besides the sanitizers it asserts:
 *   - the result does not depend on how the file is cut into chunks;
 *   - the reader's memory stays bounded (its line buffer, its value data);
 *   - the many-computer JSON is well-formed, the HTML has no markup from
 *     the data, the CSV has one row per value;
 *   - a file that was read has its verdict agree with its findings.
 * Seeds: tests/fuzz/corpus-regexport, made by make_regexport_seeds.py from
 * exports written by Wine's reg.exe. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsoncheck.h"
#include "regexport/regexport.h"
#include "report/fleet_report.h"

#define REQUIRE(c)      \
    do {                \
        if (!(c))       \
            abort();    \
    } while (0)

static const uint32_t codepages[4] = { 1252, 28591, 20127, 65001 };

static int read_all(const uint8_t *p, size_t n, size_t chunk, uint32_t cp,
                    epg_regexport *x, epg_snapshot *s)
{
    size_t i;

    epg_regexport_init(x, "fuzz.reg", cp);
    epg_snapshot_init(s);
    if (!chunk)
        chunk = n ? n : 1;
    for (i = 0; i < n; i += chunk) {
        epg_regexport_feed(x, p + i, n - i < chunk ? n - i : chunk);
        REQUIRE(x->line.cap <= 2 * EPG_EXPORT_LINE_MAX + 64);
        REQUIRE(x->cont_data.cap <= 2 * EPG_READ_LIMIT + 64);
    }
    return epg_regexport_finish(x, s);
}

static int same_reading(const epg_reading *a, const epg_reading *b)
{
    if (a->presence != b->presence || a->type != b->type || a->size != b->size ||
        a->full_size != b->full_size || a->error != b->error)
        return 0;
    if (a->size && memcmp(a->data, b->data, a->size))
        return 0;
    if (!a->error_text != !b->error_text)
        return 0;
    return !a->error_text || strcmp(a->error_text, b->error_text) == 0;
}

typedef struct mem {
    const uint8_t *p;
    size_t n, at;
} mem;

static long mem_read(epg_byte_source *src, uint8_t *buf, size_t size)
{
    mem *m = src->ctx;
    size_t k = m->n - m->at < size ? m->n - m->at : size;

    memcpy(buf, m->p + m->at, k);
    m->at += k;
    return (long)k;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;

    while ((s = strstr(s, needle)) != NULL) {
        n++;
        s += strlen(needle);
    }
    return n;
}

/* Rows of RFC 4180 text: line ends outside quoted fields. */
static size_t csv_rows(const char *s)
{
    size_t rows = 0;
    int quoted = 0;

    for (; *s; s++) {
        if (*s == '"')
            quoted = !quoted;   /* a doubled quote toggles twice */
        else if (!quoted && s[0] == '\r' && s[1] == '\n')
            rows++;
    }
    return rows;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    epg_regexport whole, cut;
    epg_snapshot a, b;
    epg_fleet fleet;
    epg_computer *c;
    epg_byte_source src;
    epg_os_option os = { 0, 0, 0 };
    epg_buf out;
    mem m;
    size_t chunk, i;
    uint32_t cp;
    int ra, rb;

    if (size < 2)
        return 0;
    chunk = data[0] % 64;
    cp = codepages[data[1] % 4];
    data += 2;
    size -= 2;

    ra = read_all(data, size, 0, cp, &whole, &a);
    rb = read_all(data, size, chunk, cp, &cut, &b);
    REQUIRE(ra == rb);
    REQUIRE(whole.note_count == cut.note_count);
    REQUIRE(strcmp(epg_buf_str(&whole.notes), epg_buf_str(&cut.notes)) == 0);
    REQUIRE(strcmp(epg_buf_str(&whole.error_text), epg_buf_str(&cut.error_text)) == 0);
    if (ra == 0) {
        REQUIRE(strcmp(whole.control_set, cut.control_set) == 0);
        REQUIRE(whole.os_known == cut.os_known);
        for (i = 0; i < EPG_VALUE_COUNT; i++)
            REQUIRE(same_reading(&a.values[i], &b.values[i]));
        for (i = 0; i < EPG_MAX_KEYS; i++)
            REQUIRE(a.keys[i].state == b.keys[i].state);
    }
    epg_regexport_free(&whole);
    epg_regexport_free(&cut);
    epg_snapshot_free(&a);
    epg_snapshot_free(&b);

    /* The same file as one computer of a fleet, through every report. */
    epg_fleet_init(&fleet);
    c = epg_fleet_add(&fleet, "EX<1>&", "fuzz.reg");
    REQUIRE(c != NULL);
    m.p = data;
    m.n = size;
    m.at = 0;
    memset(&src, 0, sizeof src);
    src.read = mem_read;
    src.ctx = &m;
    /* After the two header bytes the file may be empty. */
    if (size > 0 && (data[0] & 1)) {
        os.known = 1;
        os.major = data[0] & 2 ? 5 : 6;
    }
    epg_computer_read_export(c, &src, cp, &os);
    epg_fleet_add(&fleet, "EX2", NULL);     /* never read: an empty check */
    epg_computer_evaluate(&fleet.items[1]);
    if (c->state == EPG_COMPUTER_READ)
        REQUIRE(epg_computer_verdict(&fleet.items[0]) == epg_verdict(&fleet.items[0].ev));
    REQUIRE(epg_fleet_exit(&fleet) >= 0 && epg_fleet_exit(&fleet) <= 3);
    epg_buf_init(&out);
    epg_fleet_report_json(&fleet, &out);
    REQUIRE(out.oom || json_ok(epg_buf_str(&out)));
    epg_buf_clear(&out);
    epg_fleet_report_html(&fleet, &out);
    REQUIRE(out.oom || (!strstr(epg_buf_str(&out), "<script") &&
                        count(epg_buf_str(&out), "<tr") ==
                        count(epg_buf_str(&out), "</tr>")));
    epg_buf_clear(&out);
    epg_fleet_report_csv(&fleet, &out);
    REQUIRE(out.oom || csv_rows(epg_buf_str(&out)) == 1 + 2 * EPG_VALUE_COUNT);
    epg_buf_clear(&out);
    epg_fleet_report_text(&fleet, &out);
    epg_buf_free(&out);
    epg_fleet_free(&fleet);
    return 0;
}
