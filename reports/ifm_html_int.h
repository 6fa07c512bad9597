/* ifm_html_int.h: what the HTML report's files share (ifm_html.c the page
 * and its order, ifm_html_case.c a case's evidence, ifm_html_race.c the race
 * timelines). Not for use outside reports/. */
#ifndef IFM_HTML_INT_H
#define IFM_HTML_INT_H

#include <stdio.h>
#include "ifm_result.h"
#include "ifm_escape.h"

/* Untrusted text as HTML (markup escaped, controls made visible); if_null
 * when s is NULL. Not for attribute values: ifm_html_attr. */
static inline void ifm_html_text(FILE *out, const char *s, const char *if_null) {
  ifm_escape_puts(out, IFM_ESCAPE_HTML, s ? s : if_null);
}

/* Untrusted text inside a double-quoted attribute value, or where no markup
 * may go (an <option>, an SVG <title>): escaped as XML, the visible escapes
 * without their <span>. NULL writes nothing. */
static inline void ifm_html_attr(FILE *out, const char *s) {
  ifm_escape_puts(out, IFM_ESCAPE_XML, s ? s : "");
}

/* The data-verdict / data-level / data-req attributes the filters read,
 * with a leading space. */
void ifm_html_filter_attrs(FILE *out, const ifm_result *res);

/* A case's article in the failures or warnings section (id "f-<case id>"):
 * what it broke, the race timelines of its kept rounds, its exchanges. */
void ifm_html_case_article(FILE *out, const ifm_report *r, const ifm_result *res);

/* The evidence of a case in the full table (a SKIP's exchanges, a passing
 * race's timeline): a row below the case's own, or nothing. */
void ifm_html_case_more(FILE *out, const ifm_report *r, const ifm_result *res);

/* The skipped cases, grouped by reason. */
void ifm_html_skips(FILE *out, const ifm_report *r);

/* One <figure class="race"> per round of a parallel step kept in the
 * evidence; nothing when the case raced no clients. */
void ifm_html_races(FILE *out, const ifm_result *res);

/* Rounds of a parallel step in the evidence (exchanges with client >= 0). */
size_t ifm_html_race_rounds(const ifm_result *res);

#endif
