/* The checks: from a snapshot to findings.
 *
 *   conflict              error    every unordered pair of values whose ports
 *                                  (present, or an effective default) are
 *                                  equal; an effective default is compared
 *                                  only with values of its own family (the
 *                                  Exchange Server Analyzer "Port conflict:
 *                                  <component>" rule family)
 *   invalid-value         warning  present but not a usable port
 *   port-below-1024       error    an Exchange 2010 value set to 1-1023
 *   port-below-5000       warning  an Exchange 2003 System Attendant TCP/IP
 *                                  or HTTP port below 5000 (KB 155831)
 *   port-not-recommended  info     an Exchange 2010 value outside 59531-60554
 *   port-excluded         error    inside an exclusion range nobody else can
 *                                  bind (netsh, not marked '*')
 *   dynamic-range         warning  inside the dynamic port range and not
 *                                  excluded from it (CheckDynamicRange)
 *   port-held             warning  another identified process holds the port
 *                                  (ListenerCheckMinutes)
 *   unreadable            error    a watched key or value could not be read;
 *                                  the verdict is incomplete
 *
 * Absent values without a default, and RpcTcpPort "0", mean "dynamic port"
 * and take part in nothing.  docs/exchange-ports.md gives the sources. */
#ifndef EPG_CHECKS_H
#define EPG_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "check/dynrange.h"
#include "check/findings.h"
#include "check/portvalue.h"
#include "check/settings.h"
#include "check/snapshot.h"

typedef struct epg_evaluation {
    epg_port_value ports[EPG_VALUE_COUNT];
    epg_settings settings;
    int range_checked;          /* CheckDynamicRange was on */
    int listeners_checked;      /* ListenerCheckMinutes on, tables read */
    epg_dynrange range;         /* valid when range_checked */
    epg_finding_set findings;   /* sorted */
    size_t usable;              /* present values holding a usable port */
} epg_evaluation;

void epg_evaluation_init(epg_evaluation *ev);
void epg_evaluation_free(epg_evaluation *ev);

/* Runs every check.  Returns 0, or -1 when memory ran out (the findings are
 * then incomplete and the caller must not report them as a verdict). */
int epg_evaluate(const epg_snapshot *snap, epg_evaluation *ev);

/* Exit codes of "exchportguard check". */
enum {
    EPG_EXIT_CLEAN = 0,
    EPG_EXIT_WARNINGS = 1,
    EPG_EXIT_ERRORS = 2,        /* a conflict or any other error finding */
    EPG_EXIT_UNREADABLE = 3     /* also: usage errors */
};
#define EPG_EXIT_CONFLICT EPG_EXIT_ERRORS
/* By the findings' severities: 2 when an error stands, 1 for warnings
 * only, 0 when nothing or only information stands.  Unreadable wins over
 * everything: a verdict built on missing data is not a verdict, even when a
 * conflict was found among the data that was read. */
int epg_verdict(const epg_evaluation *ev);
/* How many findings have severity s. */
size_t epg_count_severity(const epg_evaluation *ev, epg_severity s);

/* What an unreadable finding is about: the key's path, or key\value when a
 * single value failed; and the Win32 error code and text (text NULL when
 * none is known).  The report and the events word it from these. */
void epg_unreadable_path(const epg_snapshot *snap, const epg_finding *f, epg_buf *out);
void epg_unreadable_error(const epg_snapshot *snap, const epg_finding *f,
                          uint32_t *code, const char **text);

/* Whether this system and these settings want netsh's answer: Windows 6.0
 * and later, with CheckDynamicRange on.  check and the service ask alike. */
int epg_needs_netsh(const epg_snapshot *snap);
/* Whether these settings want the TCP table read (ListenerCheckMinutes not
 * 0); check and the service ask alike. */
int epg_needs_listeners(const epg_snapshot *snap);

/* The service's view: the findings plus what only a long-running watcher
 * reports (missing keys, keys that cannot be watched, bad settings, and the
 * "no conflicts" all-clear).  Sorted.  Returns 0 or -1. */
int epg_conditions(const epg_snapshot *snap, const epg_evaluation *ev,
                   epg_finding_set *out);

#endif
