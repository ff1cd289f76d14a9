#include "check/snapshot.h"

#include <stdlib.h>
#include <string.h>

void epg_snapshot_init(epg_snapshot *s)
{
    memset(s, 0, sizeof *s);
    s->os_major = 6;
}

void epg_key_status_set(epg_key_status *k, epg_key_state state, uint32_t error,
                        const char *text)
{
    free(k->error_text);
    k->state = state;
    k->error = error;
    k->error_text = text ? epg_strdup(text) : NULL;
}

void epg_snapshot_clear_registry(epg_snapshot *s)
{
    size_t i;

    for (i = 0; i < EPG_MAX_KEYS; i++) {
        free(s->keys[i].error_text);
        free(s->keys[i].watch_error_text);
        memset(&s->keys[i], 0, sizeof s->keys[i]);
    }
    for (i = 0; i < EPG_VALUE_COUNT; i++)
        epg_reading_free(&s->values[i]);
    for (i = 0; i < EPG_SETTING_COUNT; i++)
        epg_reading_free(&s->settings[i]);
    epg_reading_free(&s->max_user_port);
    epg_reading_free(&s->reserved_ports);
}

void epg_snapshot_free(epg_snapshot *s)
{
    epg_snapshot_clear_registry(s);
    free(s->netsh_dynamic);
    free(s->netsh_excluded);
    free(s->netsh_note);
    free(s->netsh_excluded_note);
    epg_tcp_view_free(&s->tcp);
    epg_snapshot_init(s);
}

int epg_snapshot_item(const epg_snapshot *s, size_t i, size_t *key, const char **name,
                      const epg_reading **reading)
{
    epg_read_item plan[EPG_READ_PLAN_MAX];
    /* The plan hands out writable slots; nothing is written through them
     * here, which is what makes this cast sound. */
    size_t n = epg_snapshot_plan((epg_snapshot *)s, plan);

    if (i >= n)
        return -1;
    *key = plan[i].key;
    *name = plan[i].name;
    *reading = plan[i].slot;
    return 0;
}

size_t epg_snapshot_plan(epg_snapshot *s, epg_read_item items[EPG_READ_PLAN_MAX])
{
    size_t n = 0, i;
    size_t tcpip = epg_key_of_role(EPG_KEY_TCPIP);
    size_t settings = epg_key_of_role(EPG_KEY_SETTINGS);

    for (i = 0; i < EPG_VALUE_COUNT; i++) {
        items[n].key = epg_value_key(i);
        items[n].name = epg_values[i].name;
        items[n].slot = &s->values[i];
        n++;
    }
    items[n].key = tcpip;
    items[n].name = "MaxUserPort";
    items[n].slot = &s->max_user_port;
    n++;
    items[n].key = tcpip;
    items[n].name = "ReservedPorts";
    items[n].slot = &s->reserved_ports;
    n++;
    for (i = 0; i < EPG_SETTING_COUNT; i++) {
        items[n].key = settings;
        items[n].name = epg_setting_defs[i].name;
        items[n].slot = &s->settings[i];
        n++;
    }
    return n;
}

uint32_t epg_snapshot_keys_differ(const epg_snapshot *a, const epg_snapshot *b, uint32_t keys)
{
    const epg_reading *ra, *rb;
    const char *name;
    uint32_t differ = 0;
    size_t i, k, kb;

    for (k = 0; k < EPG_MAX_KEYS; k++)
        if ((keys & (1u << k)) &&
            (a->keys[k].state != b->keys[k].state || a->keys[k].error != b->keys[k].error))
            differ |= 1u << k;
    /* Both snapshots have the same plan: item i is the same value in each. */
    for (i = 0; epg_snapshot_item(a, i, &k, &name, &ra) == 0 &&
                epg_snapshot_item(b, i, &kb, &name, &rb) == 0; i++)
        if ((keys & (1u << k)) &&
            (!epg_reading_same(ra, rb) ||
             (ra->presence == EPG_UNREADABLE && ra->error != rb->error)))
            differ |= 1u << k;
    return differ;
}
