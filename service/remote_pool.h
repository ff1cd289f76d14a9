/* Reading many remote computers at once: each on its own thread, at most
 * `parallel` at a time, each with a deadline.  RegConnectRegistryW has no
 * timeout of its own, so a thread past its deadline is abandoned: its
 * computer is reported as timed out and the thread keeps (and leaks) its
 * own memory until the process ends. */
#ifndef EPG_REMOTE_POOL_H
#define EPG_REMOTE_POOL_H

#include <windows.h>

#include "fleet.h"

/* Reads one computer into s; returns ERROR_SUCCESS or why it could not
 * (remote_read, or a stand-in in the tests). */
typedef DWORD (*remote_reader)(const WCHAR *computer, epg_snapshot *s);
/* Called on the calling thread each time a computer is done. */
typedef void (*remote_progress)(void *ctx, size_t done, size_t total,
                                const epg_computer *c);

/* Reads computers first..count-1 of fleet with read and evaluates each
 * (epg_computer_finish_remote).  done is how many computers of the fleet
 * were done before (for progress).  parallel is at most EPG_PARALLEL_MAX. */
void remote_pool_run(epg_fleet *fleet, size_t first, unsigned parallel,
                     DWORD timeout_ms, remote_reader read,
                     remote_progress progress, void *ctx, size_t done);

/* Marks c as not read with code and its system text, after what. */
void computer_fail_win32(epg_computer *c, epg_computer_state state, DWORD code,
                         const char *what);

#endif
