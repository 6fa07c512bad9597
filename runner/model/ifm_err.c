/* ifm_err.c: names of the error codes (see ifm_err.h). */
#include "ifm_err.h"

const char *ifm_err_name(ifm_err e) {
  switch (e) {
    case IFM_OK: return "ok";
    case IFM_ERR_FAILED: return "failed";
    case IFM_ERR_NOMEM: return "out of memory";
    case IFM_ERR_INPUT: return "bad input";
    case IFM_ERR_IO: return "input/output error";
    case IFM_ERR_TRANSPORT: return "transport error";
    case IFM_ERR_TIMEOUT: return "timed out";
    case IFM_ERR_STOPPED: return "stopped";
    case IFM_ERR_UNDECIDED: return "could not be decided";
  }
  return "unknown error";
}
