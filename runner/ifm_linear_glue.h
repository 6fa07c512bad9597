/* ifm_linear_glue.h: from a parallel round's exchanges to the checker's
 * history, and the checker's answer back to a judgement. */
#ifndef IFM_LINEAR_GLUE_H
#define IFM_LINEAR_GLUE_H

#include "ifm_judge.h"
#include "ifm_request.h"

/* Checks the round in cr->x[cr->round_x0 .. cr->nx): the read before, the
 * clients, the read after. Returns 1 linearizable, 0 not (j filled), -1 the
 * check could not be made (err filled). */
int ifm_linear_glue_check(ifm_case_run *cr, ifm_judgement *j, char *err, size_t errlen);

#endif
