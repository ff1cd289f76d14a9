/* When the service, still starting, tells the Service Control Manager
 * something.  The SetServiceStatus documentation: the checkpoint is to be
 * raised as the start makes real progress, and raising it on a timer
 * whatever happens is a common bug (a hung start then looks alive forever).
 * So the engine counts milestones, the SCM plumbing polls that count, and
 * this decides: report progress when the count moved, give up when the
 * whole start took longer than its bound.  Pure logic, tested natively
 * (tests/unit/test_startwatch.c). */
#ifndef EPG_STARTWATCH_H
#define EPG_STARTWATCH_H

#include <stdint.h>

typedef enum epg_start_verdict {
    EPG_START_QUIET,        /* nothing new: report nothing */
    EPG_START_PROGRESS,     /* a milestone was passed: raise the checkpoint */
    EPG_START_GIVE_UP       /* the start took longer than its bound */
} epg_start_verdict;

typedef struct epg_start_watch {
    uint64_t started_ms;
    uint64_t limit_ms;
    uint32_t seen;          /* milestones already reported */
} epg_start_watch;

void epg_start_watch_init(epg_start_watch *w, uint64_t now_ms, uint64_t limit_ms);
/* progress: the engine's milestone count now. */
epg_start_verdict epg_start_watch_tick(epg_start_watch *w, uint32_t progress,
                                       uint64_t now_ms);

#endif
