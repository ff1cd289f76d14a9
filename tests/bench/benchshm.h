/* What the benchmark and its writer process share: a named file mapping
 * with the write times and a named event the benchmark sets when a change
 * has reached its sink.  Test code only. */
#ifndef EPG_BENCHSHM_H
#define EPG_BENCHSHM_H

#include <windows.h>

#define BENCH_MAX_SAMPLES 20000

typedef struct bench_shared {
    volatile LONG written;                      /* changes written so far */
    volatile LONG done;                         /* the writer has finished */
    volatile LONG64 write_qpc[BENCH_MAX_SAMPLES]; /* QPC after RegSetValueExW */
    volatile LONG64 first_qpc, last_qpc;        /* storm: first and last write */
} bench_shared;

/* Names derived from the benchmark's process id. */
#define BENCH_SHM_FMT L"Local\\ExchPortGuardBench%lu"
#define BENCH_ACK_FMT L"Local\\ExchPortGuardBenchAck%lu"

/* The IS keys the benchmarks toggle: TCP/IP Port between a port that
 * conflicts with Rpc/HTTP Port (6001) and one that does not. */
#define BENCH_KEY L"System\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem"
#define BENCH_VALUE L"TCP/IP Port"
#define BENCH_PARTNER L"Rpc/HTTP Port"
#define BENCH_PORT_CONFLICT 6001
#define BENCH_PORT_CLEAR 7001

#endif
