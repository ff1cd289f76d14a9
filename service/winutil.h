/* Small Win32 helpers shared by every command: UTF-8/UTF-16 conversion,
 * the system's text for a Win32 error, and console output that shows
 * non-ASCII text correctly whether stdout is a console, a file or a pipe. */
#ifndef EPG_WINUTIL_H
#define EPG_WINUTIL_H

#include <windows.h>

#include <stdint.h>

#include "strbuf.h"

/* Both return malloc'd strings, or NULL when memory ran out. */
WCHAR *wide_from_utf8(const char *s);
char *utf8_from_wide(const WCHAR *w);

/* The system's description of a Win32 error, in UTF-8 without the trailing
 * line break ("Access is denied."); malloc'd, never NULL unless out of
 * memory. */
char *win32_error_text(DWORD code);

/* Writes utf8 to a standard handle: UTF-16 to a console, in pieces small
 * enough for Windows before 8; UTF-8 bytes to files and pipes.  Returns
 * ERROR_SUCCESS, or the Win32 error of the first write that failed or
 * wrote nothing. */
DWORD out_text(DWORD std_handle, const char *utf8);
/* out_text to standard output; on a failure says so on stderr, naming the
 * command and the Win32 error, and returns -1 (the caller exits 3). */
int out_report(const char *cmd, const char *utf8);
void say(const char *fmt, ...) EPG_PRINTF(1, 2);       /* stdout */
void complain(const char *fmt, ...) EPG_PRINTF(1, 2);  /* stderr */

/* Reports "<what> failed: <text> (error N)" on stderr and returns code, so
 * that a failure is logged and propagated in one line. */
DWORD report_error(const char *what, DWORD code);

/* Milliseconds on a monotonic clock (QueryPerformanceCounter: available on
 * Windows Server 2003, unlike GetTickCount64). */
uint64_t clock_ms(void);
/* Seconds since 1970-01-01 UTC. */
int64_t wall_unix(void);

/* The real OS version.  GetVersionEx lies to unmanifested programs from
 * Windows 8.1 on; RtlGetVersion does not, so it is asked first. */
void os_version(DWORD *major, DWORD *minor);

/* Registry access mask addition that selects the 64-bit view from a 32-bit
 * build on 64-bit Windows; 32-bit Windows (XP, 2003) ignores it. */
#define EPG_REG_VIEW KEY_WOW64_64KEY

#endif
