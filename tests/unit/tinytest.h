/* A very small test harness: CHECK macros that count and report failures
 * with file, line and the values involved, and a main-style summary.  Each
 * test program exits non-zero if any check failed, which is what CTest
 * reads. */
#ifndef TINYTEST_H
#define TINYTEST_H

#include <stdio.h>
#include <string.h>

static int tt_checks, tt_failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        tt_checks++;                                                         \
        if (!(cond)) {                                                       \
            tt_failures++;                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

#define CHECK_INT(a, b)                                                      \
    do {                                                                     \
        long long tt_a = (long long)(a), tt_b = (long long)(b);              \
        tt_checks++;                                                         \
        if (tt_a != tt_b) {                                                  \
            tt_failures++;                                                   \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n",      \
                    __FILE__, __LINE__, #a, tt_a, #b, tt_b);                 \
        }                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                      \
    do {                                                                     \
        const char *tt_a = (a), *tt_b = (b);                                 \
        tt_checks++;                                                         \
        if (!tt_a || !tt_b || strcmp(tt_a, tt_b) != 0) {                     \
            tt_failures++;                                                   \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n",        \
                    __FILE__, __LINE__, #a, tt_a ? tt_a : "(null)",          \
                    tt_b ? tt_b : "(null)");                                 \
        }                                                                    \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                          \
    do {                                                                     \
        const char *tt_h = (hay), *tt_n = (needle);                          \
        tt_checks++;                                                         \
        if (!tt_h || !strstr(tt_h, tt_n)) {                                  \
            tt_failures++;                                                   \
            fprintf(stderr, "%s:%d: %s does not contain \"%s\":\n%s\n",      \
                    __FILE__, __LINE__, #hay, tt_n, tt_h ? tt_h : "(null)"); \
        }                                                                    \
    } while (0)

#define RUN(fn)                                                              \
    do {                                                                     \
        int tt_before = tt_failures;                                         \
        fn();                                                                \
        fprintf(stderr, "%s %s\n", tt_failures == tt_before ? "ok  " : "FAIL", \
                #fn);                                                        \
    } while (0)

static int tt_summary(const char *name)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", name, tt_checks, tt_failures);
    return tt_failures ? 1 : (tt_checks ? 0 : 1);
}

#endif
