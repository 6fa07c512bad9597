/* ifm_probe_decide.c: the probe's decisions from what it observed, kept
 * apart from the requests so that each can be tested with made-up facts
 * (tests/probe_decide_test.c). Pure: no I/O.
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_probe_int.h"

/* RFC 9110 8.8.3: entity-tag = [ weak ] opaque-tag; weak = %s"W/";
 * opaque-tag = DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text. */
ifm_probe_etag ifm_probe_etag_kind(const char *v) {
  size_t n, i;
  ifm_probe_etag kind = IFM_PE_STRONG;
  if (!v) return IFM_PE_NONE;
  if (strncmp(v, "W/", 2) == 0) {
    kind = IFM_PE_WEAK;
    v += 2;
  }
  n = strlen(v);
  if (n < 2 || v[0] != '"' || v[n - 1] != '"') return IFM_PE_BAD;
  for (i = 1; i + 1 < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c == '"' || c < 0x21 || c == 0x7f) return IFM_PE_BAD;
  }
  return kind;
}

const char *ifm_probe_etag_name(ifm_probe_etag k) {
  switch (k) {
    case IFM_PE_STRONG: return "strong";
    case IFM_PE_WEAK: return "weak";
    case IFM_PE_BAD: return "malformed";
    default: return "no ETag";
  }
}

int ifm_probe_is_refusal(int status) {
  return status == 401 || status == 403 || status == 405 || status == 501;
}

/* 428: RFC 6585 3, the server requires a precondition on writes. 400 for a
 * write without If-Match while If-Match: * creates a missing resource: the
 * cpp profile's two rules. Anything else: RFC 9110 as written. */
const char *ifm_probe_decide_profile(int unconditional, int star_missing) {
  if (unconditional == 428) return "rfc9110-428";
  if (unconditional == 400 && star_missing / 100 == 2) return "cpp";
  return "rfc9110";
}

/* Served: the server read the request and answered it. Not the judge's
 * "outcome" (ifm_judge_is_outcome), which also leaves out answers that say
 * nothing about a race, such as 423 Locked from a WebDAV server that holds a
 * lock on the path while another PUT to it runs: that connection was served,
 * and counting it as turned away would claim a cap the server does not have. */
static int served_conn(const ifm_exchange *x) {
  if (x->error || x->status <= 0) return 0;
  return x->status != 408 && x->status != 429 && x->status != 503;
}

size_t ifm_probe_decide_conns(const ifm_exchange *x, size_t n, unsigned *cap) {
  size_t i, served = 0;
  for (i = 0; i < n; i++) served += served_conn(&x[i]);
  *cap = served < n ? (unsigned)served : 0;
  return served;
}

/* Looks for "NAME" : "VALUE" in a JSON text: the value as a whole string,
 * preceded (after blanks and a colon) by a member name. The pattern
 * proposed is the one targets/README.md shows for JSON APIs. */
char *ifm_probe_json_extract(const char *body, size_t len, const char *value) {
  size_t vl = strlen(value), i;
  ifm_buf pat = IFM_BUF_INIT;
  if (!body || vl == 0) return NULL;
  for (i = 1; i + vl + 1 <= len; i++) {
    size_t k, name_end, name_start;
    if (body[i - 1] != '"' || memcmp(body + i, value, vl) != 0 || i + vl >= len || body[i + vl] != '"')
      continue;
    k = i - 1;                                   /* the value's opening quote */
    while (k > 0 && isspace((unsigned char)body[k - 1])) k--;
    if (k == 0 || body[k - 1] != ':') continue;
    k--;
    while (k > 0 && isspace((unsigned char)body[k - 1])) k--;
    if (k == 0 || body[k - 1] != '"') continue;
    name_end = k - 1;
    name_start = name_end;
    while (name_start > 0 && body[name_start - 1] != '"') {
      unsigned char c = (unsigned char)body[name_start - 1];
      if (!(isalnum(c) || c == '_' || c == '-' || c == '.')) break;
      name_start--;
    }
    if (name_start == 0 || body[name_start - 1] != '"' || name_start == name_end) continue;
    if (ifm_buf_putc(&pat, '"') || ifm_buf_append(&pat, body + name_start, name_end - name_start) ||
        ifm_buf_puts(&pat, "\" *: *\"([^\"]*)\"")) {
      ifm_buf_clear(&pat);
      return NULL;
    }
    return ifm_buf_detach(&pat);
  }
  return NULL;
}

int ifm_probe_split_url(const char *url, char **origin, char **prefix) {
  const char *rest, *slash;
  size_t plen;
  *origin = *prefix = NULL;
  if (!url) return -1;
  if (strncmp(url, "http://", 7) == 0) rest = url + 7;
  else if (strncmp(url, "https://", 8) == 0) rest = url + 8;
  else return -1;
  if (!*rest || *rest == '/' || strpbrk(rest, " \t\r\n?#")) return -1;
  slash = strchr(rest, '/');
  *origin = ifm_strndup(url, slash ? (size_t)(slash - url) : strlen(url));
  if (!slash) slash = "/";
  plen = strlen(slash);
  while (plen > 1 && slash[plen - 1] == '/') plen--;
  {
    ifm_buf b = IFM_BUF_INIT;
    ifm_buf_append(&b, slash, plen);
    if (plen > 1 || slash[0] != '/') ifm_buf_putc(&b, '/');
    *prefix = ifm_buf_detach(&b);
  }
  if (!*origin || !*prefix) {
    free(*origin);
    free(*prefix);
    *origin = *prefix = NULL;
    return -1;
  }
  return 0;
}

const char *ifm_probe_url_path(const char *url) {
  const char *s = url ? strstr(url, "://") : NULL, *slash;
  if (!s) return url ? url : "";
  slash = strchr(s + 3, '/');
  return slash ? slash : "/";
}
