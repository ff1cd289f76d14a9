#include "fleet/check_args.h"

#include <stdlib.h>
#include <string.h>

static int push(const char ***list, size_t *count, const char *s)
{
    const char **p = realloc((void *)*list, (*count + 1) * sizeof *p);

    if (!p)
        return -1;
    p[(*count)++] = s;
    *list = p;
    return 0;
}

static int number(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return -1;
    }
    *out = v;
    return 0;
}

/* Options only fix takes. */
static int fix_option(const char *o)
{
    return !strcmp(o, "--apply") || !strcmp(o, "--yes") || !strcmp(o, "--plan") ||
           !strcmp(o, "--undo") || !strcmp(o, "--force");
}

static int parse(int argc, char **argv, int fix, epg_check_args *a, epg_buf *err)
{
    int i;
    unsigned long n;

    memset(a, 0, sizeof *a);
    a->parallel = EPG_PARALLEL_DEFAULT;
    a->timeout_s = EPG_TIMEOUT_DEFAULT;
    a->codepage = 1252;
    for (i = 0; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;

        if (fix_option(o) != fix && (fix_option(o) || !strcmp(o, "--csv") ||
                                     !strcmp(o, "--html"))) {
            epg_buf_printf(err, "unknown option \"%s\"", o);
            return -1;
        } else if (!strcmp(o, "--apply") || !strcmp(o, "--yes") || !strcmp(o, "--force")) {
            *(o[2] == 'a' ? &a->apply : o[2] == 'y' ? &a->yes : &a->force) = 1;
            takes = 0;
        } else if ((!strcmp(o, "--plan") || !strcmp(o, "--undo")) && v) {
            *(o[2] == 'p' ? &a->plan_file : &a->undo_file) = v;
        } else if (!strcmp(o, "--json")) {
            a->format = EPG_OUT_JSON;
            takes = 0;
        } else if (!strcmp(o, "--csv")) {
            a->format = EPG_OUT_CSV;
            takes = 0;
        } else if (!strcmp(o, "--reg")) {
            /* --reg FILE...: every argument up to the next option. */
            if (!v || v[0] == '-') {
                epg_buf_puts(err, "--reg needs at least one file");
                return -1;
            }
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                if (push(&a->reg, &a->reg_count, argv[++i]))
                    goto oom;
            continue;
        } else if (strcmp(o, "--computer") && strcmp(o, "--computers-file") &&
                   strcmp(o, "--html") && strcmp(o, "--name") &&
                   strcmp(o, "--os") && strcmp(o, "--codepage") &&
                   strcmp(o, "--parallel") && strcmp(o, "--timeout") &&
                   !fix_option(o)) {
            epg_buf_printf(err, "unknown option \"%s\"", o);
            return -1;
        } else if (!v) {
            epg_buf_printf(err, "%s needs a value", o);
            return -1;
        } else if (!strcmp(o, "--computer")) {
            if (push(&a->computers, &a->computer_count, v))
                goto oom;
        } else if (!strcmp(o, "--computers-file")) {
            if (push(&a->computer_files, &a->computer_file_count, v))
                goto oom;
        } else if (!strcmp(o, "--html")) {
            a->html = v;
        } else if (!strcmp(o, "--name")) {
            a->name = v;
        } else if (!strcmp(o, "--os")) {
            if (epg_os_option_parse(v, &a->os)) {
                epg_buf_printf(err, "--os wants MAJOR.MINOR, such as 5.2 or "
                               "6.1, not \"%s\"", v);
                return -1;
            }
        } else if (!strcmp(o, "--codepage")) {
            if (number(v, 0xFFFFFFFFul, &n) || !epg_codepage_supported((uint32_t)n)) {
                epg_buf_printf(err, "--codepage \"%s\" is not one of %s", v,
                               epg_codepages_list());
                return -1;
            }
            a->codepage = (uint32_t)n;
        } else if (!strcmp(o, "--parallel")) {
            if (number(v, EPG_PARALLEL_MAX, &n) || n == 0) {
                epg_buf_printf(err, "--parallel wants 1 to %u, not \"%s\"",
                               EPG_PARALLEL_MAX, v);
                return -1;
            }
            a->parallel = (unsigned)n;
        } else {    /* --timeout, the last of the list above */
            if (number(v, 86400, &n) || n == 0) {
                epg_buf_printf(err, "--timeout wants 1 to 86400 seconds, not "
                               "\"%s\"", v);
                return -1;
            }
            a->timeout_s = (unsigned)n;
        }
        i += takes;
    }
    a->many = a->reg_count || a->computer_count || a->computer_file_count;
    if (a->name && a->reg_count != 1) {
        epg_buf_puts(err, "--name names the computer of a single --reg file");
        return -1;
    }
    if (!a->many && (a->html || a->format == EPG_OUT_CSV || a->name ||
                     a->os.known)) {
        epg_buf_puts(err, "--csv, --html, --name and --os need --reg, "
                     "--computer or --computers-file");
        return -1;
    }
    if (fix && a->apply && (a->many || a->format == EPG_OUT_JSON || a->plan_file)) {
        epg_buf_puts(err, "--apply changes this computer's registry and takes no "
                     "--reg, --computer, --computers-file, --json or --plan");
        return -1;
    }
    if (fix && a->apply != (a->undo_file != NULL)) {
        epg_buf_puts(err, a->apply ? "--apply needs --undo FILE: the undo file is "
                     "written before anything is changed" : "--undo goes with --apply");
        return -1;
    }
    if (fix && a->yes && !a->apply) {
        epg_buf_puts(err, "--yes goes with --apply");
        return -1;
    }
    if (fix && a->force && !a->plan_file) {
        epg_buf_puts(err, "--force goes with --plan (the undo file is never replaced)");
        return -1;
    }
    if (fix && a->plan_file && a->reg_count + a->computer_count + a->computer_file_count > 1) {
        epg_buf_puts(err, "--plan writes one computer's changes: give one --reg file "
                     "or one --computer");
        return -1;
    }
    return 0;
oom:
    epg_buf_puts(err, "not enough memory");
    return -1;
}

int epg_check_args_parse(int argc, char **argv, epg_check_args *a, epg_buf *err)
{
    return parse(argc, argv, 0, a, err);
}

int epg_fix_args_parse(int argc, char **argv, epg_check_args *a, epg_buf *err)
{
    return parse(argc, argv, 1, a, err);
}

void epg_check_args_free(epg_check_args *a)
{
    free((void *)a->reg);
    free((void *)a->computers);
    free((void *)a->computer_files);
    memset(a, 0, sizeof *a);
}

int epg_computers_parse(const char *text, char ***names, size_t *count)
{
    const char *p = text;

    while (*p) {
        const char *end = p, *s, *e;
        char *name, **grown;

        while (*end && *end != '\n')
            end++;
        s = p;
        e = end;
        /* A # starts a comment, to the end of the line. */
        for (e = s; e < end && *e != '#'; e++)
            ;
        while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' ||
                         (unsigned char)*s == 0xEF || (unsigned char)*s == 0xBB ||
                         (unsigned char)*s == 0xBF))
            s++;    /* blanks, and a UTF-8 byte order mark */
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        if (e > s) {
            grown = realloc(*names, (*count + 1) * sizeof *grown);
            if (!grown)
                return -1;
            *names = grown;
            name = malloc((size_t)(e - s) + 1);
            if (!name)
                return -1;
            memcpy(name, s, (size_t)(e - s));
            name[e - s] = '\0';
            (*names)[(*count)++] = name;
        }
        p = *end ? end + 1 : end;
    }
    return 0;
}
