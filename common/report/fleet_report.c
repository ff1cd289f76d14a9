/* The reports over many computers as a command line prints them: the
 * report chosen for stdout, the HTML page, the exit code, and the
 * computers named by --reg files. */
#include "report/fleet_report.h"

#include <stdlib.h>

void epg_fleet_report(const epg_fleet *f, epg_out_format format, epg_buf *out)
{
    if (format == EPG_OUT_JSON)
        epg_fleet_report_json(f, out);
    else if (format == EPG_OUT_CSV)
        epg_fleet_report_csv(f, out);
    else
        epg_fleet_report_text(f, out);
}

int epg_fleet_render(const epg_fleet *f, const epg_check_args *a, epg_buf *html,
                     epg_buf *out)
{
    if (a->html)
        epg_fleet_report_html(f, html);
    epg_fleet_report(f, a->format, out);
    return out->oom || html->oom ? EPG_EXIT_UNREADABLE : epg_fleet_exit(f);
}

int epg_fleet_add_exports(epg_fleet *f, const epg_check_args *a)
{
    size_t i;

    for (i = 0; i < a->reg_count; i++) {
        char *name = a->name ? epg_strdup(a->name) : epg_name_from_file(a->reg[i]);
        epg_computer *c = name ? epg_fleet_add(f, name, a->reg[i]) : NULL;
        free(name);
        if (!c)
            return -1;
    }
    return 0;
}
