/* ifm_reach.h: run's startup check: does the target answer at all, before
 * a hundred cases run into a wall? One OPTIONS request to the base URL,
 * sent as every case's requests are (TLS, client certificate, proxy,
 * resolve, connect-to). */
#ifndef IFM_REACH_H
#define IFM_REACH_H

#include <stddef.h>
#include "ifm_model.h"

/* 0: something answered (any status but a proxy's 407). -1: no answer, and
 * why says what went wrong, with a hint when the cause is a likely one (a
 * client certificate the server asks for, a proxy refusing the
 * credentials); also when *stop was set, which the caller checks.
 * timeout_s: --timeout (0: the target's, else 10 s). */
int ifm_reach_check(const char *base_url, const ifm_target *t, double timeout_s, volatile int *stop, char *why,
                    size_t len);

#endif
