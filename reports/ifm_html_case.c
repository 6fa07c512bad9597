/* ifm_html_case.c: one case's evidence in the HTML report: the article a
 * failure or a warning gets (what it broke, the race timelines, the
 * exchanges curl-style), the evidence row of the full table, and the
 * skipped cases grouped by reason. */
#include <stdlib.h>
#include <string.h>
#include "ifm_html_int.h"
#include "ifm_escape.h"

void ifm_html_filter_attrs(FILE *out, const ifm_result *res) {
  fprintf(out, " data-verdict=\"%s\" data-level=\"%s\" data-req=\"", ifm_verdict_name(res->verdict),
          ifm_level_name(res->level));
  ifm_html_attr(out, res->requirement);
  fputc('"', out);
}

static void html_dd(FILE *out, const char *name, const char *value) {
  if (!value) return;
  fprintf(out, "<dt>%s</dt><dd><code>", name);
  ifm_html_text(out, value, "");
  fputs("</code></dd>\n", out);
}

static void html_headers(FILE *out, const char *dir, const ifm_field *f, size_t n, size_t omitted,
                         size_t bytes) {
  size_t i;

  for (i = 0; f && i < n; i++) {
    fputs(dir, out);
    ifm_html_text(out, f[i].name, "");
    fputs(": ", out);
    ifm_escape_write(out, IFM_ESCAPE_HTML, f[i].value, f[i].value ? f[i].value_len : 0);
    if (f[i].value_total) fprintf(out, " [cut: %zu bytes in all]", f[i].value_total);
    fputc('\n', out);
  }
  if (omitted) fprintf(out, "%s(%zu more header fields, %zu bytes, not kept)\n", dir, omitted, bytes);
}

static void html_body(FILE *out, const char *body, size_t len, size_t total) {
  if (!body || len == 0) {
    if (total) fprintf(out, "\n(body: %zu bytes, not recorded)\n", total);
    return;
  }
  fputc('\n', out);
  ifm_escape_write(out, IFM_ESCAPE_HTML_BLOCK, body, len);
  if (total > len) fprintf(out, "\n(excerpt: %zu of %zu bytes)", len, total);
  fputc('\n', out);
}

/* One exchange, curl-style, under a heading of level h (5 in an article,
 * 3 in the full table's evidence rows, so headings never skip a level). */
static void html_exchange(FILE *out, const ifm_exchange *x, int h) {
  fprintf(out, "<h%d class=\"xh%s\">Step %d", h, x->named ? " named" : "", x->step);
  if (x->client >= 0) fprintf(out, ", client %d", x->client);
  if (x->round > 0) fprintf(out, ", round %d", x->round);
  fputs(": ", out);
  ifm_html_text(out, x->method, "(no method)");
  fputc(' ', out);
  ifm_html_text(out, x->url, "(no url)");
  if (x->status) fprintf(out, " \xe2\x86\x92 %d", x->status);
  else fputs(" \xe2\x86\x92 no response", out);
  if (x->named) fputs(" (named by the judge)", out);
  fprintf(out, "</h%d>\n<pre>&gt; ", h);
  ifm_html_text(out, x->method, "(no method)");
  fputc(' ', out);
  ifm_html_text(out, x->url, "(no url)");
  fputc('\n', out);
  html_headers(out, "&gt; ", x->req_headers, x->n_req_headers, x->req_headers_omitted,
               x->req_header_bytes_omitted);
  html_body(out, x->req_body, x->req_body_len, x->req_body_total);
  fputs("</pre>\n<pre>", out);
  if (x->status) fprintf(out, "&lt; %d\n", x->status);
  else fputs("&lt; (no response)\n", out);
  html_headers(out, "&lt; ", x->resp_headers, x->n_resp_headers, x->resp_headers_omitted,
               x->resp_header_bytes_omitted);
  html_body(out, x->resp_body, x->resp_body_len, x->resp_body_total);
  fputs("</pre>\n", out);
  if (x->error) {
    fputs("<p class=\"note\">", out);
    ifm_html_text(out, x->error, "");
    fputs("</p>\n", out);
  }
}

static void html_facts(FILE *out, const ifm_report *r, const ifm_result *res) {
  fputs("<dl>\n", out);
  html_dd(out, "Spec", res->spec);
  html_dd(out, "File", ifm_report_relfile(r, res->file));
  html_dd(out, "Expected", res->expected);
  html_dd(out, "Got", res->got);
  if (res->failed_step) fprintf(out, "<dt>Failed step</dt><dd>%d</dd>\n", res->failed_step);
  if (res->failed_round) fprintf(out, "<dt>Failed round</dt><dd>%d</dd>\n", res->failed_round);
  if (res->waived) html_dd(out, "Waived", res->waiver_reason ? res->waiver_reason : "(no reason)");
  fputs("</dl>\n", out);
}

static void html_exchanges(FILE *out, const ifm_result *res) {
  size_t i;
  if (!res->exchanges || res->n_exchanges == 0) return;
  fprintf(out, "<details class=\"exchanges\"><summary>The %zu exchange%s, as sent and received", res->n_exchanges,
          res->n_exchanges == 1 ? "" : "s");
  if (res->exchanges_omitted) fprintf(out, " (%zu earlier ones not kept)", res->exchanges_omitted);
  fputs("</summary>\n", out);
  for (i = 0; i < res->n_exchanges; i++) html_exchange(out, &res->exchanges[i], 5);
  fputs("</details>\n", out);
}

void ifm_html_case_article(FILE *out, const ifm_report *r, const ifm_result *res) {
  const char *v = ifm_verdict_name(res->verdict);

  fprintf(out, "<article class=\"case-detail v-%s%s\" id=\"f-", v, res->waived ? " waived" : "");
  ifm_html_attr(out, res->case_id);
  fputc('"', out);
  ifm_html_filter_attrs(out, res);
  fprintf(out, ">\n<h4><span class=\"badge\">%s%s</span> <a href=\"#case-", v, res->waived ? " (waived)" : "");
  ifm_html_attr(out, res->case_id);
  fputs("\"><code>", out);
  ifm_html_text(out, res->case_id, "(no id)");
  fputs("</code></a>", out);
  if (res->title) {
    fputs(" <span class=\"title\">", out);
    ifm_html_text(out, res->title, "");
    fputs("</span>", out);
  }
  fputs("</h4>\n<p class=\"message\">", out);
  ifm_html_text(out, res->message, "");
  fputs("</p>\n", out);
  html_facts(out, r, res);
  ifm_html_races(out, res);
  html_exchanges(out, res);
  fputs("</article>\n", out);
}

void ifm_html_case_more(FILE *out, const ifm_report *r, const ifm_result *res) {
  int races = ifm_html_race_rounds(res) > 0;
  if (res->verdict != IFM_SKIP && !(res->verdict == IFM_PASS && races)) return;
  fputs("<tr class=\"more\"", out);
  ifm_html_filter_attrs(out, res);
  fprintf(out, "><td colspan=\"6\"><details><summary>%s</summary>\n",
          res->verdict == IFM_PASS ? "Race timeline" : "Evidence");
  if (res->verdict == IFM_SKIP) html_facts(out, r, res);
  ifm_html_races(out, res);
  if (res->verdict == IFM_SKIP) {
    size_t i;
    for (i = 0; res->exchanges && i < res->n_exchanges; i++) html_exchange(out, &res->exchanges[i], 3);
  }
  fputs("</details></td></tr>\n", out);
}

/* A skip's reason, without the "step N: " the message starts with. */
static const char *skip_reason(const ifm_result *res) {
  const char *m = res->message ? res->message : "(no reason given)", *p = m;
  if (strncmp(p, "step ", 5) != 0) return m;
  p += 5;
  while (*p >= '0' && *p <= '9') p++;
  return p[0] == ':' && p[1] == ' ' ? p + 2 : m;
}

void ifm_html_skips(FILE *out, const ifm_report *r) {
  size_t i, j, n = 0;
  char *done = calloc(r->n_results ? r->n_results : 1, 1);
  for (i = 0; i < r->n_results; i++) n += r->results[i].verdict == IFM_SKIP;
  fprintf(out, "<section id=\"skips\">\n<h2>Skipped (%zu)</h2>\n", n);
  if (!n) fputs("<p>None.</p>\n", out);
  else
    fputs("<p>A case is skipped where the target cannot show what it tests (no such capability, "
          "another profile, a shape the RFC allows): it accuses nothing and proves nothing.</p>\n", out);
  for (i = 0; done && i < r->n_results; i++) {
    const char *why = skip_reason(&r->results[i]);
    size_t k = 0;
    if (r->results[i].verdict != IFM_SKIP || done[i]) continue;
    for (j = i; j < r->n_results; j++)
      k += r->results[j].verdict == IFM_SKIP && strcmp(skip_reason(&r->results[j]), why) == 0;
    fputs("<section class=\"skip-group\">\n<h3>", out);
    ifm_html_text(out, why, "");
    fprintf(out, " (%zu case%s)</h3>\n<ul>\n", k, k == 1 ? "" : "s");
    for (j = i; j < r->n_results; j++) {
      const ifm_result *res = &r->results[j];
      if (res->verdict != IFM_SKIP || strcmp(skip_reason(res), why) != 0) continue;
      done[j] = 1;
      fputs("<li", out);
      ifm_html_filter_attrs(out, res);
      fputs("><a href=\"#case-", out);
      ifm_html_attr(out, res->case_id);
      fputs("\"><code>", out);
      ifm_html_text(out, res->case_id, "(no id)");
      fputs("</code></a></li>\n", out);
    }
    fputs("</ul>\n</section>\n", out);
  }
  free(done);
  fputs("</section>\n", out);
}
