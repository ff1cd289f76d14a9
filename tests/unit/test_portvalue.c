/* Every row of docs/exchange-ports.md "Ports as data" (and docs/check-json.md
 * "How data is read"), and how data is shown. */
#include <stdlib.h>
#include <string.h>

#include "check/portvalue.h"
#include "testdata.h"
#include "tinytest.h"

static epg_port_value parse(epg_reading *r)
{
    epg_port_value p;

    epg_port_parse(r, &p);
    epg_reading_free(r);
    return p;
}

static epg_port_value parse_sz(const char *text)
{
    epg_reading r = { 0 };

    td_sz(&r, text);
    return parse(&r);
}

static epg_port_value parse_bytes(uint32_t type, const void *d, size_t n)
{
    epg_reading r = { 0 };

    td_bytes(&r, type, d, n);
    return parse(&r);
}

#define CHECK_OK(pv, expect)                  \
    do {                                      \
        epg_port_value pv_ = (pv);            \
        CHECK_INT(pv_.status, EPG_PORT_OK);   \
        CHECK_INT(pv_.port, expect);          \
    } while (0)

#define CHECK_BAD(pv, why)                       \
    do {                                         \
        epg_port_value pv_ = (pv);               \
        CHECK_INT(pv_.status, EPG_PORT_INVALID); \
        CHECK_INT(pv_.bad, why);                 \
    } while (0)

static void dword_is_the_norm(void)
{
    epg_reading r = { 0 };

    td_dword(&r, 6001);
    CHECK_OK(parse(&r), 6001);
    td_dword(&r, 1);
    CHECK_OK(parse(&r), 1);
    td_dword(&r, 65535);
    CHECK_OK(parse(&r), 65535);
}

static void dword_zero_and_above_max(void)
{
    epg_reading r = { 0 };
    epg_port_value p;

    td_dword(&r, 0);
    CHECK_BAD(parse(&r), EPG_BAD_ZERO);
    td_dword(&r, 65536);
    p = parse(&r);
    CHECK_BAD(p, EPG_BAD_ABOVE_MAX);
    CHECK_INT(p.detail, 65536);
    td_dword(&r, 0xFFFFFFFFu);
    p = parse(&r);
    CHECK_BAD(p, EPG_BAD_ABOVE_MAX);
    CHECK_INT(p.detail, 0xFFFFFFFFu);
}

static void dword_wrong_sizes(void)
{
    static const uint8_t b[8] = { 0x71, 0x17, 0, 0, 0, 0, 0, 0 };
    epg_port_value p;

    p = parse_bytes(EPG_REG_DWORD, b, 3);
    CHECK_BAD(p, EPG_BAD_DWORD_SIZE);
    CHECK_INT(p.detail, 3);
    CHECK_BAD(parse_bytes(EPG_REG_DWORD, b, 8), EPG_BAD_DWORD_SIZE);
    CHECK_BAD(parse_bytes(EPG_REG_DWORD, b, 2), EPG_BAD_DWORD_SIZE);
    CHECK_BAD(parse_bytes(EPG_REG_DWORD, NULL, 0), EPG_BAD_DWORD_SIZE);
}

static void decimal_strings_are_accepted(void)
{
    epg_reading r = { 0 };

    CHECK_OK(parse_sz("6001"), 6001);
    CHECK_OK(parse_sz("59532"), 59532);
    CHECK_OK(parse_sz("06001"), 6001);  /* still plain decimal digits */
    CHECK_OK(parse_sz("65535"), 65535);
    td_string(&r, EPG_REG_EXPAND_SZ, "6004");
    CHECK_OK(parse(&r), 6004);
}

static void hex_text_is_rejected(void)
{
    CHECK_BAD(parse_sz("0x1771"), EPG_BAD_STRING_HEX);
    CHECK_BAD(parse_sz("0X1771"), EPG_BAD_STRING_HEX);
    CHECK_BAD(parse_sz("1F90"), EPG_BAD_STRING_HEX);
    CHECK_BAD(parse_sz("dead1"), EPG_BAD_STRING_HEX);
    CHECK_BAD(parse_sz("0x"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("1771h"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("0xZZ"), EPG_BAD_STRING_NOT_DECIMAL);
    /* Words made only of the letters a-f are words, not hex: "abc" used
     * to be reported as "looks hexadecimal" (decision in
     * docs/check-json.md). */
    CHECK_BAD(parse_sz("abc"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("face"), EPG_BAD_STRING_NOT_DECIMAL);
}

static void spaces_and_signs_are_rejected(void)
{
    CHECK_BAD(parse_sz(" 6001"), EPG_BAD_STRING_SPACE);
    CHECK_BAD(parse_sz("6001 "), EPG_BAD_STRING_SPACE);
    CHECK_BAD(parse_sz("60 01"), EPG_BAD_STRING_SPACE);
    CHECK_BAD(parse_sz("\t6001"), EPG_BAD_STRING_SPACE);
    CHECK_BAD(parse_sz(" "), EPG_BAD_STRING_SPACE);
    CHECK_BAD(parse_sz("+6001"), EPG_BAD_STRING_SIGN);
    CHECK_BAD(parse_sz("-1"), EPG_BAD_STRING_SIGN);
    CHECK_BAD(parse_sz("60-01"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("-"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("-0x10"), EPG_BAD_STRING_NOT_DECIMAL);
    /* White space is named only when the rest is a decimal number; in
     * anything else the real fault is that it is not a number. */
    CHECK_BAD(parse_sz(" 0x1771"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("1F 90"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("- 1"), EPG_BAD_STRING_SPACE);
}

static void empty_zero_and_large_strings(void)
{
    epg_port_value p;
    char *big;

    CHECK_BAD(parse_sz(""), EPG_BAD_STRING_EMPTY);
    CHECK_BAD(parse_bytes(EPG_REG_SZ, NULL, 0), EPG_BAD_STRING_EMPTY);
    CHECK_BAD(parse_sz("0"), EPG_BAD_ZERO);
    CHECK_BAD(parse_sz("00000"), EPG_BAD_ZERO);
    p = parse_sz("70000");
    CHECK_BAD(p, EPG_BAD_ABOVE_MAX);
    CHECK_INT(p.detail, 70000);
    p = parse_sz("99999999999999999999999999");
    CHECK_BAD(p, EPG_BAD_ABOVE_MAX);
    CHECK_INT(p.detail, 0);     /* too big to quote */

    /* A megabyte of digits: still a clear answer, no overflow. */
    big = malloc(512 * 1024 + 1);
    memset(big, '9', 512 * 1024);
    big[512 * 1024] = '\0';
    CHECK_BAD(parse_sz(big), EPG_BAD_ABOVE_MAX);
    free(big);
}

static void not_decimal_digits(void)
{
    /* Arabic-Indic and fullwidth digits are digits to Unicode, not to
     * Exchange. */
    CHECK_BAD(parse_sz("\xd9\xa6\xd9\xa0\xd9\xa0\xd9\xa1"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("\xef\xbc\x96\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91"),
              EPG_BAD_STRING_NOT_DECIMAL);
    /* Used to be "contains white space", which sends an operator looking
     * for spaces in a value that is simply not a number. */
    CHECK_BAD(parse_sz("six thousand"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("6001 port"), EPG_BAD_STRING_NOT_DECIMAL);
    CHECK_BAD(parse_sz("port6001"), EPG_BAD_STRING_NOT_DECIMAL);
}

static void broken_strings(void)
{
    static const uint8_t unterminated[] = { '6', 0, '0', 0, '0', 0, '1', 0 };
    static const uint8_t odd[] = { '6', 0, '0', 0, '0', 0, '1' };
    static const uint8_t trailing[] = { '6', 0, '0', 0, 0, 0, 'x', 0, 0, 0 };
    static const uint8_t padded[] = { '6', 0, '0', 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t lone_surrogate[] = { 0x00, 0xD8, '1', 0, 0, 0 };
    epg_port_value p;

    CHECK_BAD(parse_bytes(EPG_REG_SZ, unterminated, sizeof unterminated),
              EPG_BAD_STRING_UNTERMINATED);
    p = parse_bytes(EPG_REG_SZ, odd, sizeof odd);
    CHECK_BAD(p, EPG_BAD_STRING_ODD_SIZE);
    CHECK_INT(p.detail, 7);
    CHECK_BAD(parse_bytes(EPG_REG_SZ, trailing, sizeof trailing),
              EPG_BAD_STRING_TRAILING);
    CHECK_OK(parse_bytes(EPG_REG_SZ, padded, sizeof padded), 60);
    CHECK_BAD(parse_bytes(EPG_REG_SZ, lone_surrogate, sizeof lone_surrogate),
              EPG_BAD_STRING_NOT_DECIMAL);
}

static void other_types_are_rejected(void)
{
    static const uint8_t q[8] = { 0x71, 0x17, 0, 0, 0, 0, 0, 0 };
    static const uint8_t be[4] = { 0, 0, 0x17, 0x71 };
    static const char *const lines[] = { "6001", NULL };
    epg_reading r = { 0 };
    epg_port_value p;

    p = parse_bytes(EPG_REG_QWORD, q, 8);
    CHECK_BAD(p, EPG_BAD_TYPE);
    CHECK_INT(p.detail, EPG_REG_QWORD);
    CHECK_BAD(parse_bytes(EPG_REG_BINARY, q, 4), EPG_BAD_TYPE);
    CHECK_BAD(parse_bytes(EPG_REG_DWORD_BIG_ENDIAN, be, 4), EPG_BAD_TYPE);
    CHECK_BAD(parse_bytes(EPG_REG_NONE, NULL, 0), EPG_BAD_TYPE);
    CHECK_BAD(parse_bytes(0x1234, q, 4), EPG_BAD_TYPE);
    td_multi_sz(&r, lines);
    CHECK_BAD(parse(&r), EPG_BAD_TYPE);
}

static void absent_unreadable_and_too_large(void)
{
    epg_reading r = { 0 };
    epg_port_value p;

    p = parse(&r);
    CHECK_INT(p.status, EPG_PORT_ABSENT);
    epg_reading_set_error(&r, 5, "Access is denied.");
    p = parse(&r);
    CHECK_INT(p.status, EPG_PORT_UNREADABLE);
    td_sz(&r, "6001");
    r.full_size = 1024 * 1024;  /* the reader stopped early */
    {
        epg_buf b;
        epg_buf_init(&b);
        epg_data_show(&r, EPG_SHOW_MAX, &b);
        CHECK_STR(epg_buf_str(&b), "\"6001\" ... (1048576 bytes)");
        epg_buf_free(&b);
    }
    p = parse(&r);
    CHECK_BAD(p, EPG_BAD_TOO_LARGE);
    CHECK_INT(p.detail, 1024 * 1024);
}

static char *reason_of(epg_port_value p)
{
    epg_buf b;

    epg_buf_init(&b);
    epg_port_reason(&p, &b);
    return epg_buf_detach(&b);
}

static void reasons_name_the_problem(void)
{
    static const uint8_t b[3] = { 1, 2, 3 };
    static const uint8_t q[8] = { 0 };
    char *s;

    s = reason_of(parse_bytes(EPG_REG_DWORD, b, 3));
    CHECK_CONTAINS(s, "must be 4 bytes long; this one is 3 bytes");
    free(s);
    s = reason_of(parse_sz("0x1771"));
    CHECK_CONTAINS(s, "hexadecimal");
    free(s);
    s = reason_of(parse_sz("six thousand"));
    CHECK_CONTAINS(s, "the text is not a number");
    free(s);
    s = reason_of(parse_sz("abc"));
    CHECK_CONTAINS(s, "the text is not a number");
    free(s);
    s = reason_of(parse_sz(" 6001"));
    CHECK_CONTAINS(s, "white space");
    free(s);
    s = reason_of(parse_bytes(EPG_REG_QWORD, q, 8));
    CHECK_CONTAINS(s, "REG_QWORD data is not read as a port");
    free(s);
    s = reason_of(parse_sz("70000"));
    CHECK_CONTAINS(s, "70000 is above 65535");
    free(s);
    s = reason_of(parse_sz(""));
    CHECK_CONTAINS(s, "REG_SZ is empty");
    free(s);
}

static char *show(epg_reading *r, size_t max)
{
    epg_buf b;

    epg_buf_init(&b);
    epg_data_show(r, max, &b);
    epg_reading_free(r);
    return epg_buf_detach(&b);
}

static void data_is_shown_readably(void)
{
    static const uint8_t b3[3] = { 1, 2, 0xAB };
    static const uint8_t q[8] = { 0x71, 0x17, 0, 0, 0, 0, 0, 0 };
    static const uint8_t trailing[] = { '6', 0, 0, 0, 'x', 0, 0, 0 };
    static const char *const lines[] = { "1433-1434", "50000-50010", NULL };
    epg_reading r = { 0 };
    char *s;

    td_dword(&r, 6001);
    CHECK_STR(s = show(&r, 256), "6001");
    free(s);
    td_sz(&r, "0x1771");
    CHECK_STR(s = show(&r, 256), "\"0x1771\"");
    free(s);
    td_bytes(&r, EPG_REG_DWORD, b3, 3);
    CHECK_STR(s = show(&r, 256), "01 02 AB");
    free(s);
    td_bytes(&r, EPG_REG_QWORD, q, 8);
    CHECK_STR(s = show(&r, 256), "6001");
    free(s);
    td_multi_sz(&r, lines);
    CHECK_STR(s = show(&r, 256), "\"1433-1434\", \"50000-50010\"");
    free(s);
    td_sz(&r, "a\tb");
    CHECK_STR(s = show(&r, 256), "\"a\\x09b\"");
    free(s);
    /* "%1" in data would be an insertion to Event Viewer; a backslash
     * always starts an escape (docs/events.md, "How data is shown"). */
    td_sz(&r, "60%1");
    CHECK_STR(s = show(&r, 256), "\"60\\x251\"");
    free(s);
    td_sz(&r, "C:\\x25");
    CHECK_STR(s = show(&r, 256), "\"C:\\x5Cx25\"");
    free(s);
    td_bytes(&r, EPG_REG_SZ, trailing, sizeof trailing);
    CHECK_STR(s = show(&r, 256), "\"6\" + 78 00 00 00");
    free(s);
    td_bytes(&r, EPG_REG_BINARY, NULL, 0);
    CHECK_STR(s = show(&r, 256), "(no data)");
    free(s);
    td_bytes(&r, EPG_REG_SZ, NULL, 0);
    r.full_size = 2000000;      /* known by size only */
    CHECK_STR(s = show(&r, 256), "(2000000 bytes, not read)");
    free(s);
    CHECK_STR(s = show(&r, 256), "absent");
    free(s);
}

static void long_data_is_cut_at_the_limit(void)
{
    epg_reading r = { 0 };
    char *text = malloc(300001), *s;
    size_t chars = 0;
    const char *p;

    memset(text, '7', 300000);
    text[300000] = '\0';
    td_sz(&r, text);
    s = show(&r, EPG_SHOW_MAX);
    CHECK_INT(strlen(s), EPG_SHOW_MAX);
    CHECK(strcmp(s + EPG_SHOW_MAX - 3, "...") == 0);
    CHECK(s[0] == '"');
    free(s);

    /* Limits count characters, not bytes: 300 two-byte characters. */
    for (chars = 0; chars < 300; chars++)
        memcpy(text + 2 * chars, "\xc3\xa9", 2);
    text[600] = '\0';
    td_sz(&r, text);
    s = show(&r, EPG_SHOW_MAX);
    for (chars = 0, p = s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            chars++;
    CHECK_INT(chars, EPG_SHOW_MAX);
    free(s);
    free(text);
}

int main(void)
{
    RUN(dword_is_the_norm);
    RUN(dword_zero_and_above_max);
    RUN(dword_wrong_sizes);
    RUN(decimal_strings_are_accepted);
    RUN(hex_text_is_rejected);
    RUN(spaces_and_signs_are_rejected);
    RUN(empty_zero_and_large_strings);
    RUN(not_decimal_digits);
    RUN(broken_strings);
    RUN(other_types_are_rejected);
    RUN(absent_unreadable_and_too_large);
    RUN(reasons_name_the_problem);
    RUN(data_is_shown_readably);
    RUN(long_data_is_cut_at_the_limit);
    return tt_summary("test_portvalue");
}
