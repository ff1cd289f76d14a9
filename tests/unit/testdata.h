/* Builders for registry readings and snapshots used by the unit tests. */
#ifndef TESTDATA_H
#define TESTDATA_H

#include <stdint.h>

#include "check/catalogue.h"
#include "check/regdata.h"
#include "check/snapshot.h"

/* A REG_DWORD of v. */
void td_dword(epg_reading *r, uint32_t v);
/* A string of `type` holding text (ASCII/UTF-8), NUL-terminated. */
void td_string(epg_reading *r, uint32_t type, const char *text);
/* A REG_SZ holding text. */
void td_sz(epg_reading *r, const char *text);
/* Arbitrary type and bytes. */
void td_bytes(epg_reading *r, uint32_t type, const void *data, size_t n);
/* A REG_MULTI_SZ of the given lines (NULL-terminated list). */
void td_multi_sz(epg_reading *r, const char *const *lines);

/* Index in epg_values of a value by id ("is-tcpip-port"); aborts if none. */
size_t td_value(const char *id);
/* A snapshot where every key exists and nothing is set. */
void td_snapshot(epg_snapshot *s);
/* Sets value id to a REG_DWORD port. */
void td_port(epg_snapshot *s, const char *id, uint32_t port);

#endif
