/* ifm_err.h: the one error enum. Functions that can fail return IFM_OK (0)
 * or one of these negative codes, so `if (rc != 0)` and `if (rc < 0)` read
 * the same everywhere; the details of a failure (where, what) go into the
 * caller's message buffer or ifm_errors, never into the code. Append only:
 * the values are stable. */
#ifndef IFM_ERR_H
#define IFM_ERR_H

typedef enum ifm_err {
  IFM_OK = 0,
  IFM_ERR_FAILED = -1,    /* failed; the details were already reported */
  IFM_ERR_NOMEM = -2,     /* out of memory */
  IFM_ERR_INPUT = -3,     /* bad input: a file, a template, a value */
  IFM_ERR_IO = -4,        /* reading or writing a file */
  IFM_ERR_TRANSPORT = -5, /* the HTTP exchange broke (refused, reset, TLS) */
  IFM_ERR_TIMEOUT = -6,   /* a network wait ran out */
  IFM_ERR_STOPPED = -7,   /* interrupted (a signal) or out of run time */
  IFM_ERR_UNDECIDED = -8  /* cannot be decided here: outside a model, or the server did not
                             send what is needed (a captured header it left out) */
} ifm_err;

/* A short lower-case phrase: "out of memory", "timed out", ... */
const char *ifm_err_name(ifm_err e);

#endif
