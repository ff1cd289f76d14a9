/* Turning a registry reading into a TCP port, or into the precise reason it
 * is not one.  The rules follow docs/exchange-ports.md "Ports as data":
 * REG_DWORD is the norm, a REG_SZ/REG_EXPAND_SZ of plain decimal digits is
 * accepted (Exchange 2010 writes RpcTcpPort that way), everything else is
 * unusable and takes part in no comparison. */
#ifndef EPG_PORTVALUE_H
#define EPG_PORTVALUE_H

#include <stdint.h>

#include "check/regdata.h"
#include "strbuf.h"

typedef enum epg_port_status {
    EPG_PORT_ABSENT = 0,    /* no value: the component uses a dynamic port */
    EPG_PORT_OK,
    EPG_PORT_INVALID,       /* present but not a usable port; see reason */
    EPG_PORT_UNREADABLE,    /* could not be read; see the reading's error */
    /* Absent, but the component then uses a fixed port (the catalogue's
     * default_port): port holds it.  Only where the value's key exists. */
    EPG_PORT_DEFAULT,
    EPG_PORT_DYNAMIC        /* the data 0 where 0 means "dynamic port" */
} epg_port_status;

typedef enum epg_bad {
    EPG_BAD_NONE = 0,
    EPG_BAD_TYPE,               /* detail: registry type */
    EPG_BAD_DWORD_SIZE,         /* detail: size in bytes */
    EPG_BAD_ZERO,
    EPG_BAD_ABOVE_MAX,          /* detail: the number, or 0 if it is huge */
    EPG_BAD_STRING_ODD_SIZE,    /* detail: size in bytes */
    EPG_BAD_STRING_UNTERMINATED,
    EPG_BAD_STRING_TRAILING,    /* data after the terminating NUL */
    EPG_BAD_STRING_EMPTY,
    EPG_BAD_STRING_SPACE,
    EPG_BAD_STRING_SIGN,
    EPG_BAD_STRING_HEX,
    EPG_BAD_STRING_NOT_DECIMAL,
    EPG_BAD_TOO_LARGE,          /* detail: size in bytes; not read whole */
    EPG_BAD_TYPE_FOR_VALUE      /* a string where only a REG_DWORD is read */
} epg_bad;

typedef struct epg_port_value {
    epg_port_status status;
    uint16_t port;              /* when EPG_PORT_OK */
    epg_bad bad;                /* when EPG_PORT_INVALID */
    uint32_t detail;
    uint32_t type;              /* registry type, for the reason text */
} epg_port_value;

/* Values longer than this are not read whole: no port needs more than a few
 * bytes, and the service must not hold megabytes because someone pasted a
 * document into a value.  The reader still learns the real size. */
#define EPG_READ_LIMIT (64u * 1024u)

void epg_port_parse(const epg_reading *r, epg_port_value *out);

/* The port a lenient parser reads from a string value that check calls
 * invalid: the Exchange services' own parsers (C's atoi, .NET's
 * Int32.Parse) skip leading white space and a '+', and atoi stops at the
 * first character that is not a digit, so " 5001" and "5002 " are 5001
 * and 5002 to them.  fix avoids those ports too (docs/operations.md).
 * Returns 1 with *port set when the text (up to its first NUL) reads as
 * 1-65535 that way, else 0; never for a REG_DWORD. */
int epg_port_lenient(const epg_reading *r, uint16_t *port);

/* The port a component actually uses: a present usable value, or the
 * effective default of an absent one. */
int epg_port_effective(const epg_port_value *p);
/* The stable token of a status in the JSON and CSV reports: ok, absent,
 * invalid, unreadable, default, dynamic. */
const char *epg_port_status_token(epg_port_status s);

/* A short, complete sentence-fragment a person understands, such as
 * "a REG_DWORD must be 4 bytes long; this one is 3 bytes". */
void epg_port_reason(const epg_port_value *p, epg_buf *out);

/* The data as a person would want to see it, at most max_chars characters
 * (UTF-8 code points): 6001, "0x1771", 01 02 03, "a", "b", absent. */
void epg_data_show(const epg_reading *r, size_t max_chars, epg_buf *out);

/* Appends UTF-8 text s with the escapes of shown data (\xNN for control
 * characters, '%' and '\\'): for text from the system, such as a Win32
 * error text ("%1 is not a valid Win32 application."), placed into an
 * event's insertion strings (docs/events.md). */
void epg_text_escape(const char *s, epg_buf *out);

/* Display limit the event contract sets for data in event 1200. */
#define EPG_SHOW_MAX 256

#endif
