/* The wording of findings for people, in one place: the sentence for each
 * finding and the remedy for each kind.  The text report, the JSON report
 * (its "message" and "remedy") and the events' neighbours use these; the
 * events' own text is the message table's (messages/exchportguard.mc). */
#ifndef EPG_WORDING_H
#define EPG_WORDING_H

#include "check/checks.h"
#include "check/findings.h"
#include "check/snapshot.h"
#include "strbuf.h"

/* "Port 6001 is held by both <path> (<component>) and <path> (...)." */
void epg_conflict_sentence(const epg_finding *f, epg_buf *out);
/* The sentence for one finding, as in the report's findings list. */
void epg_finding_sentence(const epg_finding *f, const epg_snapshot *snap,
                          const epg_evaluation *ev, epg_buf *out);
/* What to do about a conflict (the Exchange Server Analyzer's remedy, or
 * KB 224196's between two domain-controller values). */
void epg_conflict_remedy(const epg_finding *f, epg_buf *out);
/* What to do about any finding, one per kind. */
void epg_finding_remedy(const epg_finding *f, const epg_snapshot *snap,
                        const epg_evaluation *ev, epg_buf *out);
/* The effective port of value v in words: "6001", "absent, default 6004",
 * "0 (dynamic)", "absent (dynamic)"; empty for invalid or unreadable. */
void epg_value_effective(const epg_evaluation *ev, size_t v, epg_buf *out);

#endif
