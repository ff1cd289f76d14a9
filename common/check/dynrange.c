#include "check/dynrange.h"

#include <string.h>

static void note(epg_dynrange *r, const char *text)
{
    if (r->notes.len)
        epg_buf_puts(&r->notes, "; ");
    epg_buf_puts(&r->notes, text);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Reads a decimal number of at most 6 digits from s; returns characters
 * used, 0 if none or too long. */
static size_t read_number(const char *s, size_t n, uint32_t *out)
{
    size_t i = 0;
    uint32_t v = 0;

    while (i < n && is_digit((unsigned char)s[i])) {
        if (i == 6)
            return 0;
        v = v * 10 + (uint32_t)(s[i] - '0');
        i++;
    }
    *out = v;
    return i;
}

int epg_netsh_parse_dynamic(const char *text, uint32_t *start, uint32_t *count)
{
    uint32_t nums[2];
    size_t found = 0;
    const char *line = text;

    while (line && *line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *colon = NULL;
        size_t i;

        for (i = 0; i < len; i++)
            if (line[i] == ':')
                colon = line + i;
        if (colon) {
            const char *p = colon + 1;
            size_t rest = len - (size_t)(p - line), used;
            uint32_t v;

            while (rest && is_blank((unsigned char)*p)) {
                p++;
                rest--;
            }
            used = read_number(p, rest, &v);
            if (used) {
                p += used;
                rest -= used;
                while (rest && is_blank((unsigned char)*p)) {
                    p++;
                    rest--;
                }
                if (rest == 0) {
                    if (found == 2)
                        return -1;  /* more numbers than expected */
                    nums[found++] = v;
                }
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    if (found != 2 || nums[0] < 1 || nums[0] > 65535 || nums[1] < 1 ||
        nums[0] + nums[1] - 1 > 65535)
        return -1;
    *start = nums[0];
    *count = nums[1];
    return 0;
}

size_t epg_netsh_parse_excluded(const char *text, epg_span *out, size_t max)
{
    size_t n = 0;
    const char *line = text;

    while (line && *line && n < max) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line), i = 0, used;
        uint32_t lo, hi;

        while (i < len && is_blank((unsigned char)line[i]))
            i++;
        used = read_number(line + i, len - i, &lo);
        if (used) {
            i += used;
            if (i < len && is_blank((unsigned char)line[i])) {
                while (i < len && is_blank((unsigned char)line[i]))
                    i++;
                used = read_number(line + i, len - i, &hi);
                if (used) {
                    i += used;
                    int star = 0;
                    /* An administered exclusion is marked with '*'. */
                    while (i < len && (is_blank((unsigned char)line[i]) ||
                                       line[i] == '*')) {
                        star |= line[i] == '*';
                        i++;
                    }
                    if (i == len && lo >= 1 && lo <= hi && hi <= 65535) {
                        out[n].lo = (uint16_t)lo;
                        out[n].hi = (uint16_t)hi;
                        out[n].administered = (uint8_t)star;
                        n++;
                    }
                }
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    return n;
}

int epg_netsh_excluded_understood(const char *text)
{
    const char *line = text;

    while (line && *line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line), i, dashes = 0;

        for (i = 0; i < len; i++) {
            if (line[i] == '-')
                dashes++;
            else if (!is_blank((unsigned char)line[i]))
                break;
        }
        if (i == len && dashes >= 2)
            return 1;
        line = eol ? eol + 1 : NULL;
    }
    return 0;
}

/* ReservedPorts: REG_MULTI_SZ of "low-high" lines (KB 812873). */
static void reserved_ports(const epg_reading *r, epg_dynrange *out)
{
    size_t units, at = 0;
    epg_buf msg;

    if (!r || r->presence == EPG_ABSENT)
        return;
    epg_buf_init(&msg);
    if (r->presence == EPG_UNREADABLE) {
        epg_buf_printf(&msg, "Tcpip\\Parameters\\ReservedPorts could not be "
                       "read (error %lu), so no ports are taken as reserved",
                       (unsigned long)r->error);
        note(out, epg_buf_str(&msg));
        epg_buf_free(&msg);
        return;
    }
    if (r->type != EPG_REG_MULTI_SZ || r->size % 2 || r->full_size > r->size) {
        char tb[32];
        epg_buf_printf(&msg, "Tcpip\\Parameters\\ReservedPorts is a %s of %llu "
                       "bytes, not a REG_MULTI_SZ list, and was ignored",
                       epg_regtype_name(r->type, tb),
                       (unsigned long long)r->full_size);
        note(out, epg_buf_str(&msg));
        epg_buf_free(&msg);
        return;
    }
    out->excl_source = EPG_EXCL_RESERVED_PORTS;
    units = r->size / 2;
    while (at < units) {
        const uint8_t *s = r->data + 2 * at;
        size_t len = epg_utf16_len(s, units - at), i = 0;
        uint32_t lo = 0, hi = 0;
        int state = 0, ok = 1;
        epg_buf line;

        if (len == 0) {
            at++;
            continue;
        }
        epg_buf_init(&line);
        while (i < len) {
            uint32_t c = epg_utf16_next(s, len, &i);
            epg_utf8_put(&line, c);
            if (c >= '0' && c <= '9') {
                uint32_t *v = state == 0 ? &lo : &hi;
                if (*v > 65535)
                    ok = 0;
                else
                    *v = *v * 10 + (c - '0');
                if (state == 1)
                    state = 2;
            } else if (c == '-' && state == 0 && lo > 0) {
                state = 1;
            } else {
                ok = 0;
            }
        }
        if (!ok || state != 2 || lo < 1 || hi > 65535 || lo > hi) {
            epg_buf_clear(&msg);
            epg_buf_puts(&msg, "ReservedPorts line \"");
            epg_buf_putn(&msg, epg_buf_str(&line),
                         line.len > 40 ? 40 : line.len);
            epg_buf_puts(&msg, line.len > 40 ? "...\"" : "\"");
            epg_buf_puts(&msg, " is not low-high and was ignored");
            note(out, epg_buf_str(&msg));
        } else if (out->excluded_count < EPG_MAX_EXCLUSIONS) {
            out->excluded[out->excluded_count].lo = (uint16_t)lo;
            out->excluded[out->excluded_count].hi = (uint16_t)hi;
            out->excluded[out->excluded_count].administered = 1;
            out->excluded_count++;
        } else {
            note(out, "more ReservedPorts lines than ExchPortGuard reads; "
                      "the rest were ignored");
            epg_buf_free(&line);
            break;
        }
        epg_buf_free(&line);
        at += len + 1;
    }
    epg_buf_free(&msg);
}

static void legacy_range(const epg_dynrange_input *in, epg_dynrange *out)
{
    const epg_reading *m = in->max_user_port;
    epg_buf msg;

    out->start = EPG_LEGACY_START;
    out->end = EPG_LEGACY_DEFAULT_MAXUSERPORT;
    out->source = EPG_RANGE_LEGACY_DEFAULT;
    epg_buf_init(&msg);
    if (m && m->presence == EPG_PRESENT) {
        uint32_t v;
        if (m->type != EPG_REG_DWORD || m->size != 4 || m->full_size != 4) {
            char tb[32];
            epg_buf_printf(&msg, "Tcpip\\Parameters\\MaxUserPort is a %s of "
                           "%llu bytes, not a REG_DWORD; Windows uses the "
                           "default 5000", epg_regtype_name(m->type, tb),
                           (unsigned long long)m->full_size);
            note(out, epg_buf_str(&msg));
        } else if ((v = le32(m->data)) < EPG_MAXUSERPORT_MIN ||
                   v > EPG_MAXUSERPORT_MAX) {
            epg_buf_printf(&msg, "Tcpip\\Parameters\\MaxUserPort %lu is outside "
                           "5000-65534; Windows uses the default 5000",
                           (unsigned long)v);
            note(out, epg_buf_str(&msg));
        } else {
            out->end = (uint16_t)v;
            out->source = EPG_RANGE_MAXUSERPORT;
        }
    } else if (m && m->presence == EPG_UNREADABLE) {
        epg_buf_printf(&msg, "Tcpip\\Parameters\\MaxUserPort could not be read "
                       "(error %lu); the default 5000 is assumed",
                       (unsigned long)m->error);
        note(out, epg_buf_str(&msg));
    }
    epg_buf_free(&msg);
    reserved_ports(in->reserved_ports, out);
    note(out, EPG_NOTE_NO_EXCLUSION_RANGES);
}

/* The exclusion ranges of Windows 6.1 and later, or a note saying once why
 * they were not checked. */
static void netsh_exclusions(const epg_dynrange_input *in, epg_dynrange *out)
{
    epg_buf msg;

    if (in->os_major == 6 && in->os_minor == 0) {
        note(out, "port exclusion ranges: not checked (Windows 6.0 has none)");
        return;
    }
    epg_buf_init(&msg);
    if (!in->netsh_excluded) {
        epg_buf_printf(&msg, "port exclusion ranges: not checked (%s; Windows "
                       "Server 2008 R2 needs hotfix 2665809 for netsh int ipv4 "
                       "show excludedportrange)",
                       in->netsh_excluded_note ? in->netsh_excluded_note
                                               : "netsh was not asked");
        note(out, epg_buf_str(&msg));
    } else if (!epg_netsh_excluded_understood(in->netsh_excluded)) {
        note(out, "port exclusion ranges: not checked (netsh int ipv4 show "
                  "excludedportrange printed no table that could be read)");
    } else {
        out->excl_source = EPG_EXCL_NETSH;
        out->excluded_count = epg_netsh_parse_excluded(
            in->netsh_excluded, out->excluded, EPG_MAX_EXCLUSIONS);
        if (out->excluded_count == EPG_MAX_EXCLUSIONS)
            note(out, "more port exclusion ranges than ExchPortGuard reads; "
                      "the rest were ignored");
    }
    epg_buf_free(&msg);
}

static void modern_range(const epg_dynrange_input *in, epg_dynrange *out)
{
    uint32_t start, count;
    int netsh_ok = in->netsh_dynamic &&
                   epg_netsh_parse_dynamic(in->netsh_dynamic, &start, &count) == 0;

    /* Exclusions are taken from netsh only when its range output was
     * understood: an empty or foreign answer proves nothing about them. */
    if (netsh_ok)
        netsh_exclusions(in, out);
    else if (!(in->os_major == 6 && in->os_minor == 0))
        note(out, "port exclusion ranges: not checked (netsh gave no dynamic "
                  "port range that could be read)");
    else
        note(out, "port exclusion ranges: not checked (Windows 6.0 has none)");
    if (in->override) {
        out->source = EPG_RANGE_OVERRIDE;
        out->start = (uint16_t)in->override_start;
        out->end = (uint16_t)(in->override_start + in->override_count - 1);
        return;
    }
    if (netsh_ok) {
        out->source = EPG_RANGE_NETSH;
        out->start = (uint16_t)start;
        out->end = (uint16_t)(start + count - 1);
        return;
    }
    out->source = EPG_RANGE_DEFAULT;
    out->start = EPG_DEFAULT_START;
    out->end = EPG_DEFAULT_END;
    if (in->netsh_note)
        note(out, in->netsh_note);
    else if (in->netsh_dynamic)
        note(out, "netsh int ipv4 show dynamicport tcp reported no range "
                  "that could be read");
}

void epg_dynrange_compute(const epg_dynrange_input *in, epg_dynrange *out)
{
    memset(out, 0, sizeof *out);
    epg_buf_init(&out->notes);
    out->os_major = in->os_major;
    out->os_minor = in->os_minor;
    if (in->os_major < 6)
        legacy_range(in, out);
    else
        modern_range(in, out);
}

void epg_dynrange_free(epg_dynrange *r)
{
    epg_buf_free(&r->notes);
}

int epg_dynrange_holds(const epg_dynrange *r, uint16_t port)
{
    size_t i;

    if (port < r->start || port > r->end)
        return 0;
    for (i = 0; i < r->excluded_count; i++)
        if (port >= r->excluded[i].lo && port <= r->excluded[i].hi)
            return 0;
    return 1;
}

int epg_span_blocks(const epg_dynrange *r, const epg_span *x)
{
    return r->excl_source == EPG_EXCL_NETSH && !x->administered;
}

const epg_span *epg_dynrange_blocking(const epg_dynrange *r, uint16_t port)
{
    size_t i;

    for (i = 0; i < r->excluded_count; i++)
        if (epg_span_blocks(r, &r->excluded[i]) && port >= r->excluded[i].lo &&
            port <= r->excluded[i].hi)
            return &r->excluded[i];
    return NULL;
}

epg_span epg_dynrange_blocking_span(const epg_dynrange *r, uint16_t port)
{
    const epg_span *x = epg_dynrange_blocking(r, port);
    epg_span s;

    if (x)
        return *x;
    s.lo = port;
    s.hi = port;
    s.administered = 0;
    return s;
}

void epg_dynrange_remedy(const epg_dynrange *r, uint16_t port, epg_buf *out)
{
    if (r->os_major < 6)
        epg_buf_printf(out, "add the line %u-%u to the REG_MULTI_SZ value "
                       "HKLM\\System\\CurrentControlSet\\Services\\Tcpip\\"
                       "Parameters\\ReservedPorts and restart the computer",
                       (unsigned)port, (unsigned)port);
    else if (r->os_major == 6 && r->os_minor == 0)
        epg_buf_printf(out, "choose a port outside the dynamic port range "
                       "%u-%u (Windows 6.0 has no port exclusion ranges)",
                       (unsigned)r->start, (unsigned)r->end);
    else
        epg_buf_printf(out, "netsh int ipv4 add excludedportrange protocol=tcp "
                       "startport=%u numberofports=1 store=persistent",
                       (unsigned)port);
}

const char *epg_range_source_token(epg_range_source s)
{
    switch (s) {
    case EPG_RANGE_MAXUSERPORT: return "maxuserport";
    case EPG_RANGE_LEGACY_DEFAULT: return "legacy-default";
    case EPG_RANGE_OVERRIDE: return "override";
    case EPG_RANGE_NETSH: return "netsh";
    case EPG_RANGE_DEFAULT: return "default";
    }
    return "default";
}

void epg_dynrange_describe(const epg_dynrange *r, epg_buf *out)
{
    epg_dynrange_describe_source(r, out);
    if (r->notes.len)
        epg_buf_printf(out, " (%s)", epg_buf_str(&r->notes));
}

void epg_dynrange_describe_source(const epg_dynrange *r, epg_buf *out)
{
    switch (r->source) {
    case EPG_RANGE_MAXUSERPORT:
        epg_buf_printf(out, "configured: 1025 to Tcpip\\Parameters\\MaxUserPort "
                       "(%u)", (unsigned)r->end);
        break;
    case EPG_RANGE_LEGACY_DEFAULT:
        epg_buf_puts(out, "assumed: the default 1025-5000 of Windows before 6.0 "
                     "(Tcpip\\Parameters\\MaxUserPort is not set)");
        break;
    case EPG_RANGE_OVERRIDE:
        epg_buf_puts(out, "configured: DynamicPortStart and DynamicPortCount "
                     "under the ExchPortGuard\\Parameters key");
        break;
    case EPG_RANGE_NETSH:
        epg_buf_puts(out, "measured: netsh int ipv4 show dynamicport tcp");
        break;
    case EPG_RANGE_DEFAULT:
        epg_buf_puts(out, "assumed: the documented default 49152-65535 of "
                     "Windows 6.0 and later");
        break;
    }
    if (r->excl_source == EPG_EXCL_RESERVED_PORTS)
        epg_buf_printf(out, "; %lu range(s) excluded by "
                       "Tcpip\\Parameters\\ReservedPorts",
                       (unsigned long)r->excluded_count);
    else if (r->excl_source == EPG_EXCL_NETSH)
        epg_buf_printf(out, "; %lu range(s) excluded as reported by netsh int "
                       "ipv4 show excludedportrange protocol=tcp",
                       (unsigned long)r->excluded_count);
}
