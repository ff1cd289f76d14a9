/* Who holds a pinned port right now.
 *
 * KB 194952: when another program holds a statically assigned port as the
 * Exchange service starts, the service starts anyway and listens elsewhere;
 * clients behind a firewall then fail and nothing says why.  The shell reads
 * the TCP tables with owning process IDs (listeners and connections, IPv4
 * and IPv6), the running services with their process IDs and the process
 * image names into an epg_tcp_view; this file decides, from the catalogue's
 * list of legitimate holders, who holds a pinned port without being
 * entitled to it.
 *
 * An owner that cannot be identified is never an alarm: a TIME_WAIT entry
 * belongs to no process (PID 0), Wine reports every PID as 0, and a process
 * can exit between the TCP table and the process list. */
#ifndef EPG_HOLDERS_H
#define EPG_HOLDERS_H

#include <stddef.h>
#include <stdint.h>

typedef enum epg_tcp_state {
    EPG_TCP_LISTEN = 0,
    EPG_TCP_CONNECTION,         /* any state with a remote end but TIME_WAIT */
    EPG_TCP_TIME_WAIT
} epg_tcp_state;

typedef struct epg_tcp_entry {
    uint16_t port;              /* local port */
    uint32_t pid;               /* 0: unknown */
    uint8_t state;              /* epg_tcp_state */
    uint8_t ipv6;
} epg_tcp_entry;

typedef struct epg_proc_info {
    uint32_t pid;
    char *image;                /* "store.exe"; NULL when unknown */
    char *services;             /* "MSExchangeIS;..." or NULL: none */
} epg_proc_info;

typedef struct epg_tcp_view {
    int collected;              /* the TCP table was read */
    char *note;                 /* what could not be read, or NULL */
    epg_tcp_entry *entries;
    size_t count, cap;
    epg_proc_info *procs;
    size_t proc_count, proc_cap;
} epg_tcp_view;

void epg_tcp_view_init(epg_tcp_view *t);
void epg_tcp_view_free(epg_tcp_view *t);
/* Each returns 0, or -1 when memory ran out. */
int epg_tcp_view_add(epg_tcp_view *t, uint16_t port, uint32_t pid,
                     epg_tcp_state state, int ipv6);
int epg_tcp_view_set_image(epg_tcp_view *t, uint32_t pid, const char *image);
int epg_tcp_view_add_service(epg_tcp_view *t, uint32_t pid, const char *name);
/* Appends to the note ("; "-separated). */
void epg_tcp_view_note(epg_tcp_view *t, const char *text);
const epg_proc_info *epg_tcp_view_proc(const epg_tcp_view *t, uint32_t pid);
/* Whether image is a process that hosts many services (svchost.exe,
 * lsass.exe, services.exe; ASCII case ignored): which of them holds a port
 * can only be told from the service list. */
int epg_image_hosts_services(const char *image);

/* What epg_proc_services says of a shared service process none of whose
 * services is in the list read.  The list is EnumServicesStatusExW's, and
 * under the service's account (LocalService with a restricted SID) it
 * leaves out every service whose security descriptor does not grant that
 * account SERVICE_QUERY_STATUS (docs/windows-fidelity.md). */
#define EPG_SERVICES_UNTIED "not known: a process shared by several services, " \
    "none of which is in the service list this account may read (a service " \
    "that does not grant it SERVICE_QUERY_STATUS is left out)"

/* For wording: the image name or "unknown"; the services, or "none", or
 * EPG_SERVICES_UNTIED for a shared service process with none named. */
const char *epg_proc_image(const epg_tcp_view *t, uint32_t pid);
const char *epg_proc_services(const epg_tcp_view *t, uint32_t pid);

/* Whether process p may hold the port of watched value v: one of its
 * services or its image is listed for v in the catalogue. */
int epg_holder_legitimate(size_t v, const epg_proc_info *p);

/* The processes, by distinct PID, that hold port (as a listener or as a
 * connection's local port) and may not: identified (image known) and not
 * legitimate for value v.  Returns how many were written to pids (at most
 * max); sorted by PID. */
size_t epg_port_intruders(const epg_tcp_view *t, size_t v, uint16_t port,
                          uint32_t *pids, size_t max);
/* Whether port is in use (not only TIME_WAIT) by an owner that cannot be
 * identified: shown as a note, never a finding. */
int epg_port_unidentified(const epg_tcp_view *t, uint16_t port);
/* How process pid holds port: "listening", "connected" (IPv4/IPv6). */
void epg_holding_describe(const epg_tcp_view *t, uint32_t pid, uint16_t port,
                          char *out, size_t n);

/* When to read the tables: at the first check, on registry-triggered checks
 * at most once a second, and every period (0 = never periodically).  A
 * pure function of a clock, so it is tested with a fake one. */
#define EPG_LISTEN_MIN_GAP_MS 1000u

typedef struct epg_listen_sched {
    uint64_t last;              /* when last read */
    int ever;
    uint64_t period_ms;         /* 0: off */
} epg_listen_sched;

void epg_listen_sched_init(epg_listen_sched *s);
/* minutes from ListenerCheckMinutes; 0 switches the check off. */
void epg_listen_sched_configure(epg_listen_sched *s, uint32_t minutes);
/* Whether a check at now should read the tables (periodic: it is the
 * periodic deadline that woke us). */
int epg_listen_due(const epg_listen_sched *s, uint64_t now);
void epg_listen_done(epg_listen_sched *s, uint64_t now);
/* The next periodic reading, or UINT64_MAX when there is none. */
uint64_t epg_listen_deadline(const epg_listen_sched *s);

#endif
