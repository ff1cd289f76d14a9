/* Reading many remote computers at once: each on its own thread, at most
 * `parallel` at a time, each with a deadline.  RegConnectRegistryW has no
 * timeout of its own, so a thread past its deadline is abandoned: its
 * computer is reported as timed out and the thread frees its own memory if
 * the call ever returns.  An abandoned thread still counts: at most
 * EPG_REMOTE_THREAD_CAP(parallel) reader threads exist at once, and when
 * all of them are abandoned the computers left are reported as not
 * attempted instead of waiting for threads that may never end
 * (docs/fleet.md). */
#ifndef EPG_REMOTE_POOL_H
#define EPG_REMOTE_POOL_H

#include <windows.h>

#include "fleet/fleet.h"

/* Reads one computer into s; returns ERROR_SUCCESS or why it could not
 * (remote_read, or a stand-in in the tests). */
typedef DWORD (*remote_reader)(const WCHAR *computer, epg_snapshot *s);
/* Called on the calling thread each time a computer is done. */
typedef void (*remote_progress)(void *ctx, size_t done, size_t total,
                                const epg_computer *c);

/* Reader threads alive at once, abandoned ones included. */
#define EPG_REMOTE_THREAD_CAP(parallel) (2u * (parallel))

/* Reads computers first..count-1 of fleet with read and evaluates each
 * (epg_computer_finish_remote).  done is how many computers of the fleet
 * were done before (for progress).  parallel is at most EPG_PARALLEL_MAX.
 * Returns how many reader threads are still running (abandoned). */
size_t remote_pool_run(epg_fleet *fleet, size_t first, unsigned parallel,
                       DWORD timeout_ms, remote_reader read,
                       remote_progress progress, void *ctx, size_t done);

/* Ends the process with code when left (remote_pool_run's answer) reader
 * threads are still running, without running DLL detach code; returns
 * when left is 0.  Call it after everything is written. */
void remote_pool_exit(size_t left, int code);

/* Marks c as not read with code and its system text, after what. */
void computer_fail_win32(epg_computer *c, epg_computer_state state, DWORD code,
                         const char *what);

#endif
