/* The check report: the same evaluation rendered for people (a text table
 * read at a glance) and for scripts (JSON, schema in docs/check-json.md). */
#ifndef EPG_REPORT_H
#define EPG_REPORT_H

#include "check/checks.h"
#include "check/snapshot.h"
#include "strbuf.h"

/* Version string of the product, from the build (CMake project version). */
#ifndef EPG_VERSION
#define EPG_VERSION "0.0.0"
#endif

/* Schema identifier of the JSON report; bumped only on incompatible change. */
#define EPG_JSON_SCHEMA "exchportguard-check/2"

/* Why the dynamic range was not checked when the OS version is unknown. */
#define EPG_OS_UNKNOWN_TEXT "the Windows version is not known: the export " \
    "does not hold HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion " \
    "and no --os was given"

void epg_report_text(const epg_snapshot *snap, const epg_evaluation *ev,
                     epg_buf *out);
void epg_report_json(const epg_snapshot *snap, const epg_evaluation *ev,
                     epg_buf *out);

/* s as a JSON string, quotes included (the many-computer report embeds
 * this report and needs the same escaping). */
void epg_json_string(epg_buf *out, const char *s);

#endif
