/* ifm_reports.h: the report writers, all fed by one results model
 * (runner/model/ifm_result.h). Reporters never see libcurl or YAML. */
#ifndef IFM_REPORTS_H
#define IFM_REPORTS_H

#include <stdio.h>
#include "ifm_result.h"

/* The writers. Each returns 0, or -1 when writing failed (errno set). */
int ifm_report_write_tap(const ifm_report *r, FILE *out);
int ifm_report_write_junit(const ifm_report *r, FILE *out);
int ifm_report_write_json(const ifm_report *r, FILE *out);
int ifm_report_write_html(const ifm_report *r, FILE *out);

#endif
