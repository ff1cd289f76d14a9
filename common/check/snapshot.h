/* Everything one check looks at, read in one pass: the watched values, the
 * TCP/IP values that define the dynamic port range, the service's settings,
 * the OS version and what netsh reported.  The Windows shell fills it by
 * walking the read plan; the core never touches the registry itself. */
#ifndef EPG_SNAPSHOT_H
#define EPG_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "check/catalogue.h"
#include "check/holders.h"
#include "check/regdata.h"
#include "check/settings.h"

typedef enum epg_key_state {
    EPG_KEY_PRESENT = 0,
    EPG_KEY_MISSING,    /* ERROR_FILE_NOT_FOUND: component not installed */
    EPG_KEY_ERROR       /* any other failure; error says which */
} epg_key_state;

typedef struct epg_key_status {
    epg_key_state state;
    uint32_t error;
    char *error_text;
    /* Set by the service when the key could be read but not watched; the
     * key then counts as unwatchable (event 1300). */
    uint32_t watch_error;
    char *watch_error_text;
} epg_key_status;

typedef struct epg_snapshot {
    epg_key_status keys[EPG_MAX_KEYS];
    epg_reading values[EPG_VALUE_COUNT];
    epg_reading max_user_port;
    epg_reading reserved_ports;
    epg_reading settings[EPG_SETTING_COUNT];
    uint32_t os_major, os_minor;
    /* Set when the OS version is not known (a registry export without
     * ...\Windows NT\CurrentVersion and no --os): the dynamic-range rule,
     * which depends on it, is then not checked. */
    int os_unknown;
    /* netsh output (Windows 6.0 and later); NULL when it was not run or gave
     * nothing, and then netsh_note may say why. */
    char *netsh_dynamic;
    char *netsh_excluded;
    char *netsh_note;
    char *netsh_excluded_note;  /* why netsh_excluded is NULL */
    /* Who holds which port (ListenerCheckMinutes not 0); gathered less
     * often than the registry, like the netsh output. */
    epg_tcp_view tcp;
} epg_snapshot;

void epg_snapshot_init(epg_snapshot *s);
void epg_snapshot_free(epg_snapshot *s);
/* Frees the registry readings and key states, keeping OS version and netsh
 * output, which are gathered less often. */
void epg_snapshot_clear_registry(epg_snapshot *s);
void epg_key_status_set(epg_key_status *k, epg_key_state state, uint32_t error,
                        const char *text);

/* One value to read: slot receives what is at key k, value name. */
typedef struct epg_read_item {
    size_t key;
    const char *name;
    epg_reading *slot;
} epg_read_item;

#define EPG_READ_PLAN_MAX (EPG_VALUE_COUNT + 2 + EPG_SETTING_COUNT)

/* Fills items with every value a check reads; returns how many.  Values
 * come first, in catalogue order, so item v is value v. */
size_t epg_snapshot_plan(epg_snapshot *s, epg_read_item items[EPG_READ_PLAN_MAX]);

/* Item i of the plan, for code that only looks: its key, value name and
 * reading.  Returns 0, or -1 when there is no item i. */
int epg_snapshot_item(const epg_snapshot *s, size_t i, size_t *key, const char **name,
                      const epg_reading **reading);

/* The keys of the mask whose state or any value reads differently in a than
 * in b: the key's state or error, a value's presence, type, size, bytes, or
 * the error that made it unreadable.  The service reads a key whose own
 * watch fired before re-arming that watch, then once more after: a key that
 * reads the same both times needs no second check (service/engine/engine.c,
 * docs/monitor.md "The faster order"). */
uint32_t epg_snapshot_keys_differ(const epg_snapshot *a, const epg_snapshot *b, uint32_t keys);

#endif
