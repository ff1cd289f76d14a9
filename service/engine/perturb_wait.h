/* The schedule-perturbed build's delays (common/perturb.h), installed when
 * the engine starts.  In every other build perturb_install() is nothing. */
#ifndef EPG_PERTURB_WAIT_H
#define EPG_PERTURB_WAIT_H

#ifdef EPG_PERTURB
void perturb_install(void);
#else
#define perturb_install() ((void)0)
#endif

#endif
