#include "check/holders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/catalogue.h"
#include "grow.h"
#include "strbuf.h"

void epg_tcp_view_init(epg_tcp_view *t)
{
    memset(t, 0, sizeof *t);
}

void epg_tcp_view_free(epg_tcp_view *t)
{
    size_t i;

    for (i = 0; i < t->proc_count; i++) {
        free(t->procs[i].image);
        free(t->procs[i].services);
    }
    free(t->procs);
    free(t->entries);
    free(t->note);
    epg_tcp_view_init(t);
}

int epg_tcp_view_add(epg_tcp_view *t, uint16_t port, uint32_t pid,
                     epg_tcp_state state, int ipv6)
{
    epg_tcp_entry *p = epg_grow(t->entries, &t->cap, t->count + 1, sizeof *p, 64);

    if (!p)
        return -1;
    t->entries = p;
    t->entries[t->count].port = port;
    t->entries[t->count].pid = pid;
    t->entries[t->count].state = (uint8_t)state;
    t->entries[t->count].ipv6 = (uint8_t)(ipv6 != 0);
    t->count++;
    return 0;
}

static epg_proc_info *proc_slot(epg_tcp_view *t, uint32_t pid)
{
    epg_proc_info *p;
    size_t i;

    for (i = 0; i < t->proc_count; i++)
        if (t->procs[i].pid == pid)
            return &t->procs[i];
    p = epg_grow(t->procs, &t->proc_cap, t->proc_count + 1, sizeof *p, 64);
    if (!p)
        return NULL;
    t->procs = p;
    memset(&t->procs[t->proc_count], 0, sizeof t->procs[0]);
    t->procs[t->proc_count].pid = pid;
    return &t->procs[t->proc_count++];
}

int epg_tcp_view_set_image(epg_tcp_view *t, uint32_t pid, const char *image)
{
    epg_proc_info *p = proc_slot(t, pid);
    char *copy;

    if (!p || !(copy = epg_strdup(image)))
        return -1;
    free(p->image);
    p->image = copy;
    return 0;
}

int epg_tcp_view_add_service(epg_tcp_view *t, uint32_t pid, const char *name)
{
    epg_proc_info *p = proc_slot(t, pid);
    epg_buf b;

    if (!p)
        return -1;
    epg_buf_init(&b);
    if (p->services)
        epg_buf_printf(&b, "%s;", p->services);
    epg_buf_puts(&b, name);
    if (b.oom) {
        epg_buf_free(&b);
        return -1;
    }
    free(p->services);
    p->services = epg_buf_detach(&b);
    return p->services ? 0 : -1;
}

void epg_tcp_view_note(epg_tcp_view *t, const char *text)
{
    epg_buf b;

    epg_buf_init(&b);
    if (t->note)
        epg_buf_printf(&b, "%s; ", t->note);
    epg_buf_puts(&b, text);
    if (!b.oom) {
        free(t->note);
        t->note = epg_buf_detach(&b);
    } else {
        epg_buf_free(&b);
    }
}

const epg_proc_info *epg_tcp_view_proc(const epg_tcp_view *t, uint32_t pid)
{
    size_t i;

    for (i = 0; i < t->proc_count; i++)
        if (t->procs[i].pid == pid)
            return &t->procs[i];
    return NULL;
}

const char *epg_proc_image(const epg_tcp_view *t, uint32_t pid)
{
    const epg_proc_info *p = epg_tcp_view_proc(t, pid);

    return p && p->image ? p->image : "unknown";
}


static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether the ';'-separated list holds name, ignoring ASCII case (service
 * and image names are case-insensitive on Windows). */
static int list_has(const char *list, const char *name)
{
    size_t n = strlen(name);

    while (list && *list) {
        const char *end = strchr(list, ';');
        size_t len = end ? (size_t)(end - list) : strlen(list), i;

        if (len == n && n) {
            for (i = 0; i < n; i++)
                if (lower((unsigned char)list[i]) != lower((unsigned char)name[i]))
                    break;
            if (i == n)
                return 1;
        }
        list = end ? end + 1 : NULL;
    }
    return 0;
}

/* Images that run many services in one process: svchost.exe (its
 * purpose), lsass.exe (Netlogon, SamSs, KeyIso) and services.exe (the
 * Event Log and Plug and Play before Windows Vista). */
#define SHARED_SERVICE_IMAGES "svchost.exe;lsass.exe;services.exe"

int epg_image_hosts_services(const char *image)
{
    return image && list_has(SHARED_SERVICE_IMAGES, image);
}

const char *epg_proc_services(const epg_tcp_view *t, uint32_t pid)
{
    const epg_proc_info *p = epg_tcp_view_proc(t, pid);

    if (p && p->services)
        return p->services;
    return p && epg_image_hosts_services(p->image) ? EPG_SERVICES_UNTIED : "none";
}

int epg_holder_legitimate(size_t v, const epg_proc_info *p)
{
    const char *s = p->services;

    if (p->image && list_has(epg_values[v].holder_images, p->image))
        return 1;
    while (s && *s) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char one[257];

        if (len < sizeof one) {
            memcpy(one, s, len);
            one[len] = '\0';
            if (list_has(epg_values[v].holder_services, one))
                return 1;
        }
        s = end ? end + 1 : NULL;
    }
    return 0;
}

size_t epg_port_intruders(const epg_tcp_view *t, size_t v, uint16_t port,
                          uint32_t *pids, size_t max)
{
    size_t i, j, n = 0;

    if (!t->collected)
        return 0;
    for (i = 0; i < t->count && n < max; i++) {
        const epg_tcp_entry *e = &t->entries[i];
        const epg_proc_info *p;
        int seen = 0;

        /* PID 0: TIME_WAIT, or an owner the system did not tell (Wine). */
        if (e->port != port || e->pid == 0)
            continue;
        p = epg_tcp_view_proc(t, e->pid);
        if (!p || !p->image || epg_holder_legitimate(v, p))
            continue;
        for (j = 0; j < n; j++)
            seen |= pids[j] == e->pid;
        if (seen)
            continue;
        /* Insertion keeps the list sorted, so the findings are stable. */
        for (j = n; j > 0 && pids[j - 1] > e->pid; j--)
            pids[j] = pids[j - 1];
        pids[j] = e->pid;
        n++;
    }
    return n;
}

int epg_port_unidentified(const epg_tcp_view *t, uint16_t port)
{
    size_t i;

    if (!t->collected)
        return 0;
    for (i = 0; i < t->count; i++) {
        const epg_tcp_entry *e = &t->entries[i];
        const epg_proc_info *p;
        if (e->port != port || e->state == EPG_TCP_TIME_WAIT)
            continue;
        p = e->pid ? epg_tcp_view_proc(t, e->pid) : NULL;
        if (!p || !p->image)
            return 1;
    }
    return 0;
}

void epg_holding_describe(const epg_tcp_view *t, uint32_t pid, uint16_t port,
                          char *out, size_t n)
{
    size_t i;
    int listen = 0, conn = 0, v4 = 0, v6 = 0;

    for (i = 0; i < t->count; i++) {
        const epg_tcp_entry *e = &t->entries[i];
        if (e->port != port || e->pid != pid)
            continue;
        if (e->state == EPG_TCP_LISTEN)
            listen = 1;
        else
            conn = 1;
        if (e->ipv6)
            v6 = 1;
        else
            v4 = 1;
    }
    if (!n)
        return;
    snprintf(out, n, "%s%s%s (%s%s%s)", listen ? "listening" : "",
             listen && conn ? " and " : "",
             conn ? "as the local port of a connection" : "",
             v4 ? "IPv4" : "", v4 && v6 ? ", " : "", v6 ? "IPv6" : "");
}

void epg_listen_sched_init(epg_listen_sched *s)
{
    memset(s, 0, sizeof *s);
}

void epg_listen_sched_configure(epg_listen_sched *s, uint32_t minutes)
{
    s->period_ms = (uint64_t)minutes * 60000u;
}

int epg_listen_due(const epg_listen_sched *s, uint64_t now)
{
    if (!s->period_ms)
        return 0;
    return !s->ever || now - s->last >= EPG_LISTEN_MIN_GAP_MS;
}

void epg_listen_done(epg_listen_sched *s, uint64_t now)
{
    s->last = now;
    s->ever = 1;
}

uint64_t epg_listen_deadline(const epg_listen_sched *s)
{
    if (!s->period_ms || !s->ever)
        return UINT64_MAX;
    return s->last + s->period_ms;
}
