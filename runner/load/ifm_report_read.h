/* ifm_report_read.h: reading back what ifmatch wrote: a whole file with a
 * size bound, and a JSON report (--json) as a results model, so that a
 * certificate can be checked against the report it was issued with
 * (`ifmatch verify`) and a baseline compared with a run. */
#ifndef IFM_REPORT_READ_H
#define IFM_REPORT_READ_H

#include <stddef.h>
#include "ifm_buf.h"
#include "ifm_result.h"

/* Appends the bytes of the file at path to b (at most max bytes). Returns 0,
 * or -1 with "path: why" in err. */
int ifm_file_read_all(const char *path, size_t max, ifm_buf *b, char *err, size_t errlen);

/* Fills rep (from ifm_report_new) with the run-level fields and every
 * result of a version 1 JSON report, all but the exchanges. Returns 0, or
 * -1 with "path:line:col: why" in err. */
int ifm_report_read_json(const char *path, ifm_report *rep, char *err, size_t errlen);

#endif
