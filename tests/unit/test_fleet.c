/* Many computers: the exit-code rule, and the text, JSON, CSV and HTML
 * reports (every finding of every computer, every unreadable computer,
 * registry strings escaped, HTML well-formed). */
#include <stdlib.h>
#include <string.h>

#include "fleet/check_args.h"
#include "jsoncheck.h"
#include "report/fleet_report.h"
#include "report/report.h"
#include "report/wording.h"
#include "testdata.h"
#include "tinytest.h"

static epg_computer *add(epg_fleet *f, const char *name)
{
    epg_computer *c = epg_fleet_add(f, name, NULL);
    td_snapshot(&c->snap);
    return c;
}

static void conflict(epg_computer *c)
{
    td_port(&c->snap, "is-tcpip-port", 6001);
    td_port(&c->snap, "sa-tcpip-nspi-port", 6001);
}

static void warning(epg_computer *c)
{
    td_sz(&c->snap.values[td_value("is-tcpip-port")], "0x1771");
}

static void unreachable(epg_computer *c)
{
    epg_computer_fail(c, EPG_COMPUTER_UNREADABLE, 53,
                      "The network path was not found.");
}

static void test_exit_rule(void)
{
    epg_fleet f;

    /* Conflict on one, the other unreachable: 2, not 3. */
    epg_fleet_init(&f);
    conflict(add(&f, "EX01"));
    unreachable(add(&f, "EX02"));
    epg_computer_evaluate(&f.items[0]);
    epg_computer_evaluate(&f.items[1]);
    CHECK_INT(epg_fleet_exit(&f), 2);
    CHECK_INT(epg_computer_verdict(&f.items[1]), 3);
    epg_fleet_free(&f);

    /* Warnings on one, the other unreachable: 3. */
    epg_fleet_init(&f);
    warning(add(&f, "EX01"));
    unreachable(add(&f, "EX02"));
    epg_computer_evaluate(&f.items[0]);
    CHECK_INT(epg_fleet_exit(&f), 3);
    epg_fleet_free(&f);

    /* A conflict beside an unreadable value on the same computer: that
     * computer says 3, but the fleet has an error: 2. */
    epg_fleet_init(&f);
    conflict(add(&f, "EX01"));
    epg_reading_set_error(&f.items[0].snap.values[td_value("sa-http-port")], 5,
                          "Access is denied.");
    epg_computer_evaluate(&f.items[0]);
    CHECK_INT(epg_computer_verdict(&f.items[0]), 3);
    CHECK_INT(epg_fleet_exit(&f), 2);
    epg_fleet_free(&f);

    /* Warnings and clean: 1; clean only: 0; nothing at all: 0. */
    epg_fleet_init(&f);
    warning(add(&f, "EX01"));
    add(&f, "EX02");
    epg_computer_evaluate(&f.items[0]);
    epg_computer_evaluate(&f.items[1]);
    CHECK_INT(epg_fleet_exit(&f), 1);
    warning(&f.items[0]);
    epg_reading_free(&f.items[0].snap.values[td_value("is-tcpip-port")]);
    epg_computer_evaluate(&f.items[0]);
    CHECK_INT(epg_fleet_exit(&f), 0);
    epg_fleet_free(&f);
    CHECK_INT(epg_fleet_exit(&f), 0);
}

/* Three computers whose names and data are hostile to every format. */
static void hostile_fleet(epg_fleet *f)
{
    epg_computer *a, *b, *c;

    epg_fleet_init(f);
    a = add(f, "EX<01>&\"'");
    conflict(a);
    td_sz(&a->snap.values[td_value("sa-http-port")], "<script>alert(1)</script>");
    epg_computer_note(a, "a note with <b>markup</b> & \"quotes\"\x01");
    epg_computer_evaluate(a);
    b = add(f, "EX02");
    unreachable(b);
    c = add(f, "EX03,\"csv\"");
    td_port(&c->snap, "is-tcpip-port", 6001);
    epg_computer_evaluate(c);
}

static void test_text(void)
{
    epg_fleet f;
    epg_buf out;

    hostile_fleet(&f);
    epg_buf_init(&out);
    epg_fleet_report_text(&f, &out);
    CHECK_CONTAINS(epg_buf_str(&out), "3 computer(s): 1 with conflicts");
    CHECK_CONTAINS(epg_buf_str(&out), "(exit code 2)");
    CHECK_CONTAINS(epg_buf_str(&out), "EX02");
    CHECK_CONTAINS(epg_buf_str(&out), "The network path was not found. (error 53)");
    CHECK_CONTAINS(epg_buf_str(&out), "6001*");     /* port map: an error */
    CHECK_CONTAINS(epg_buf_str(&out), "invalid!");  /* and a warning */
    CHECK_CONTAINS(epg_buf_str(&out), "Remedy: Change one of the two values");
    CHECK_CONTAINS(epg_buf_str(&out), "a note with");
    epg_buf_free(&out);
    epg_fleet_free(&f);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    const char *p = hay;

    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

static void test_json(void)
{
    epg_fleet f;
    epg_buf out;
    const char *s;

    hostile_fleet(&f);
    epg_buf_init(&out);
    epg_fleet_report_json(&f, &out);
    s = epg_buf_str(&out);
    CHECK(json_ok(s));
    CHECK_CONTAINS(s, "\"schema\": \"exchportguard-fleet/1\"");
    CHECK_CONTAINS(s, "\"exit_code\": 2");
    /* Each read computer carries a whole check report. */
    CHECK_INT(count(s, "\"schema\": \"exchportguard-check/2\""), 2);
    CHECK_CONTAINS(s, "\"name\": \"EX<01>&\\\"'\"");
    CHECK_CONTAINS(s, "\"error\": {\"code\": 53, \"text\": \"The network path "
                   "was not found.\"}, \"notes\": [],\n     \"report\": null}");
    CHECK_CONTAINS(s, "\"summary\": {\"computers\": 3, \"clean\": 1, "
                   "\"warnings\": 0, \"conflict\": 1, \"unreadable\": 1}");
    epg_buf_free(&out);
    epg_fleet_free(&f);
}

static void test_csv(void)
{
    epg_fleet f;
    epg_buf out;
    const char *s;

    hostile_fleet(&f);
    epg_buf_init(&out);
    epg_fleet_report_csv(&f, &out);
    s = epg_buf_str(&out);
    /* A header and one row per computer and value. */
    CHECK_INT(count(s, "\r\n"), 1 + 3 * EPG_VALUE_COUNT);
    CHECK_CONTAINS(s, "\"EX03,\"\"csv\"\"\"");
    CHECK_CONTAINS(s, "\"EX02\",\"unreadable\",\"is-tcpip-port\"");
    CHECK_CONTAINS(s, "\"The network path was not found. (error 53)\"\r\n");
    CHECK_CONTAINS(s, "\"is-tcpip-port\",\"HKLM\\System\\CurrentControlSet\\"
                   "Services\\MSExchangeIS\\ParametersSystem\\TCP/IP Port\",\"ok\","
                   "\"REG_DWORD\",\"6001\",\"6001\",\"error\",\"conflict\",\"\"");
    epg_buf_free(&out);
    epg_fleet_free(&f);
}

/* A small well-formedness check of the page as XML: tags nest and close,
 * attributes are quoted, every & starts an entity, no raw < or > in text. */
static int well_formed(const char *s)
{
    const char *stack[64];
    size_t lens[64], depth = 0;

    if (strncmp(s, "<!DOCTYPE html>\n", 16) != 0)
        return 0;
    s += 16;
    while (*s) {
        if (*s == '&') {
            const char *e = strchr(s, ';');
            if (!e || e - s > 8)
                return 0;
            s = e + 1;
        } else if (*s == '>') {
            return 0;
        } else if (*s == '<') {
            int closing = s[1] == '/';
            const char *name = s + 1 + closing, *p = name;
            size_t n;
            while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
                p++;
            n = (size_t)(p - name);
            if (!n)
                return 0;
            /* attributes: name="value" with no < or " inside */
            while (*p == ' ') {
                p++;
                while ((*p >= 'a' && *p <= 'z') || *p == '-')
                    p++;
                if (p[0] != '=' || p[1] != '"')
                    return 0;
                p += 2;
                while (*p && *p != '"' && *p != '<')
                    p++;
                if (*p != '"')
                    return 0;
                p++;
            }
            if (p[0] == '/' && p[1] == '>' && !closing) {
                s = p + 2;
                continue;
            }
            if (*p != '>')
                return 0;
            if (closing) {
                if (!depth || lens[depth - 1] != n ||
                    strncmp(stack[depth - 1], name, n) != 0)
                    return 0;
                depth--;
            } else {
                if (depth == 64)
                    return 0;
                stack[depth] = name;
                lens[depth++] = n;
            }
            s = p + 1;
        } else {
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                return 0;
            s++;
        }
    }
    return depth == 0;
}

static void test_html(void)
{
    epg_fleet f;
    epg_buf out, sentence;
    const char *s;
    size_t i, j;

    hostile_fleet(&f);
    epg_buf_init(&out);
    epg_buf_init(&sentence);
    epg_fleet_report_html(&f, &out);
    s = epg_buf_str(&out);
    CHECK(well_formed(s));
    CHECK(strstr(s, "<script") == NULL);
    CHECK(strstr(s, "http") == NULL);   /* nothing fetched from anywhere */
    CHECK_CONTAINS(s, "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK_CONTAINS(s, "EX&lt;01&gt;&amp;&quot;&#39;");
    CHECK_CONTAINS(s, "The network path was not found. (error 53)");
    /* Every finding, with its sentence and remedy. */
    for (i = 0; i < f.count; i++) {
        const epg_computer *c = &f.items[i];
        if (c->state != EPG_COMPUTER_READ)
            continue;
        for (j = 0; j < c->ev.findings.count; j++) {
            epg_buf_clear(&sentence);
            epg_finding_remedy(&c->ev.findings.items[j], &c->snap, &c->ev, &sentence);
            CHECK_CONTAINS(s, epg_buf_str(&sentence));
        }
    }
    CHECK_INT(count(s, "<tr class=\"finding\">"),
              f.items[0].ev.findings.count + f.items[2].ev.findings.count + 1);
    CHECK_CONTAINS(s, "<td class=\"error\">6001</td>");
    CHECK_CONTAINS(s, "<td class=\"warning\">invalid</td>");
    CHECK_CONTAINS(s, "<td class=\"ok\">6001</td>");
    /* The page checker itself must reject what is broken. */
    CHECK(!well_formed("<!DOCTYPE html>\n<p>a <b>b</p></b>"));
    CHECK(!well_formed("<!DOCTYPE html>\n<p>a & b</p>"));
    CHECK(!well_formed("<!DOCTYPE html>\n<p title=\"x>y</p>"));
    epg_buf_free(&sentence);
    epg_buf_free(&out);
    epg_fleet_free(&f);
}

static void test_args(void)
{
    epg_check_args a;
    epg_buf err;
    char *ok[] = { "--reg", "a.reg", "b.reg", "--csv", "--os", "5.2",
                   "--html", "r.html", "--parallel", "3", "--codepage", "28591" };
    char *name_many[] = { "--reg", "a.reg", "b.reg", "--name", "X" };
    char *bad_cp[] = { "--reg", "a.reg", "--codepage", "932" };
    char *csv_alone[] = { "--csv" };
    char **names = NULL;
    size_t n = 0, i;

    epg_buf_init(&err);
    CHECK_INT(epg_check_args_parse(12, ok, &a, &err), 0);
    CHECK_INT(a.reg_count, 2);
    CHECK_STR(a.reg[1], "b.reg");
    CHECK_INT(a.format, EPG_OUT_CSV);
    CHECK(a.os.known && a.os.major == 5 && a.os.minor == 2);
    CHECK_STR(a.html, "r.html");
    CHECK_INT(a.parallel, 3);
    CHECK_INT(a.codepage, 28591);
    epg_check_args_free(&a);
    CHECK_INT(epg_check_args_parse(5, name_many, &a, &err), -1);
    CHECK_CONTAINS(epg_buf_str(&err), "single --reg");
    epg_check_args_free(&a);
    epg_buf_clear(&err);
    CHECK_INT(epg_check_args_parse(4, bad_cp, &a, &err), -1);
    CHECK_CONTAINS(epg_buf_str(&err), "1252");
    epg_check_args_free(&a);
    CHECK_INT(epg_check_args_parse(1, csv_alone, &a, &err), -1);
    epg_check_args_free(&a);
    epg_buf_free(&err);

    CHECK_INT(epg_computers_parse("\xef\xbb\xbf" "EX01\r\n# all of them\n  EX02  "
                                  "# the new one\n\n\tEX03", &names, &n), 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(names[0], "EX01");
        CHECK_STR(names[1], "EX02");
        CHECK_STR(names[2], "EX03");
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void test_names(void)
{
    char *n = epg_name_from_file("C:\\exports\\EX01.contoso.reg");
    CHECK_STR(n, "EX01.contoso");
    free(n);
    n = epg_name_from_file("/srv/exports/EX02");
    CHECK_STR(n, "EX02");
    free(n);
    n = epg_name_from_file(".reg");
    CHECK_STR(n, ".reg");
    free(n);
}

int main(void)
{
    RUN(test_exit_rule);
    RUN(test_text);
    RUN(test_json);
    RUN(test_csv);
    RUN(test_html);
    RUN(test_args);
    RUN(test_names);
    return tt_summary("test_fleet");
}
