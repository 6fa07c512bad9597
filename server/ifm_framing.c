/* ifm_framing.c: RFC 9112 framing checks of a request head (see
 * ifm_framing.h for why the server makes them and libmicrohttpd does not).
 */
#include <string.h>
#include <strings.h>

#include "ifm_framing.h"

/* tchar, RFC 9110 5.6.2 */
static int is_tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int name_is(const char *p, size_t n, const char *name) {
  return n == strlen(name) && strncasecmp(p, name, n) == 0;
}

static void trim(const char **p, size_t *n) {
  while (*n && (**p == ' ' || **p == '\t')) {
    (*p)++;
    (*n)--;
  }
  while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t')) (*n)--;
}

void ifm_framing_field(ifm_framing *f, const char *name, size_t nlen, const char *value,
                       size_t vlen) {
  size_t i;

  if (!value) vlen = 0;
  for (i = 0; i < nlen; i++)
    if (!is_tchar((unsigned char)name[i])) break;
  if ((i < nlen || nlen == 0) && !f->bad_name) {
    f->bad_name = nlen ? name : "";
    f->bad_name_len = nlen;
  }
  for (i = 0; i < vlen && !f->bad_value; i++)
    if (value[i] == '\r' || value[i] == '\n' || value[i] == '\0') f->bad_value = 1;
  if (name_is(name, nlen, "Host")) {
    if (f->n_host++ == 0) {
      f->host = value ? value : "";
      f->host_len = vlen;
    }
  } else if (name_is(name, nlen, "Content-Length")) {
    if (f->n_content_length++ == 0) {
      f->content_length = value ? value : "";
      f->content_length_len = vlen;
    }
  } else if (name_is(name, nlen, "Transfer-Encoding")) {
    const char *p = value ? value : "", *e = p + vlen;
    if (f->n_transfer_encoding++ == 0) {
      f->transfer_encoding = p;
      f->transfer_encoding_len = vlen;
    }
    /* each list element (RFC 9110 5.6.1: empty ones do not count), so that
     * the last coding and the number of "chunked" are known over all lines */
    while (p <= e) {
      const char *c = memchr(p, ',', (size_t)(e - p));
      const char *el = p;
      size_t n = (size_t)((c ? c : e) - p);
      trim(&el, &n);
      if (n) {
        f->te_last_chunked = name_is(el, n, "chunked");
        if (f->te_last_chunked) f->te_chunked++;
      }
      if (!c) break;
      p = c + 1;
    }
  }
}

static int hexdig(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* unreserved / sub-delims (RFC 3986 2.2, 2.3) */
static int reg_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c && strchr("-._~!$&'()*+,;=", c) != NULL);
}

int ifm_framing_host_valid(const char *v, size_t n) {
  size_t i = 0;

  if (n && v[0] == '[') {
    /* IP-literal = "[" ( IPv6address / IPvFuture ) "]": the characters those
     * may hold; the exact address grammar is not the framing's concern. */
    for (i = 1; i < n && v[i] != ']'; i++)
      if (!(hexdig((unsigned char)v[i]) || v[i] == ':' || v[i] == '.' ||
            reg_char((unsigned char)v[i])))
        return 0;
    if (i >= n || i == 1) return 0;
    i++;
  } else {
    while (i < n && v[i] != ':') {
      if (v[i] == '%') {
        if (i + 2 >= n || !hexdig((unsigned char)v[i + 1]) || !hexdig((unsigned char)v[i + 2]))
          return 0;
        i += 3;
        continue;
      }
      if (!reg_char((unsigned char)v[i])) return 0;
      i++;
    }
  }
  if (i == n) return 1;
  if (v[i] != ':') return 0;
  for (i++; i < n; i++)                /* port = *DIGIT */
    if (v[i] < '0' || v[i] > '9') return 0;
  return 1;
}

int ifm_framing_check(const ifm_framing *f, const char *version, const char **why) {
  int http10 = version && strcmp(version, "HTTP/1.0") == 0;
  size_t i;

  *why = "";
  if (f->bad_name) {
    *why = "a field name holds whitespace or another byte a token may not have; "
           "whitespace between a field name and the colon is refused (RFC 9112 5.1)";
    return 400;
  }
  if (f->bad_value) {
    *why = "a field value holds CR, LF or NUL (RFC 9110 5.5, RFC 9112 2.2)";
    return 400;
  }
  if (f->n_host > 1) {
    *why = "more than one Host field line (RFC 9112 3.2)";
    return 400;
  }
  if (f->n_host == 1 && !ifm_framing_host_valid(f->host, f->host_len)) {
    *why = "the Host field value is not uri-host [ \":\" port ] (RFC 9112 3.2)";
    return 400;
  }
  if (f->n_host == 0 && !http10) {
    *why = "an HTTP/1.1 request must carry a Host field (RFC 9112 3.2)";
    return 400;
  }
  if (f->n_transfer_encoding) {
    const char *te = f->transfer_encoding;
    size_t tn = f->transfer_encoding_len;
    if (http10) {
      *why = "Transfer-Encoding in an HTTP/1.0 request: the framing is faulty (RFC 9112 6.1)";
      return 400;
    }
    if (f->n_content_length) {
      *why = "both Transfer-Encoding and Content-Length: the framing is ambiguous, a possible "
             "request smuggling attempt (RFC 9112 6.1, 6.3)";
      return 400;
    }
    trim(&te, &tn);
    if (f->n_transfer_encoding == 1 && name_is(te, tn, "chunked")) return 0;
    if (f->te_last_chunked && f->te_chunked == 1) {
      *why = "a transfer coding other than chunked is not implemented (RFC 9112 6.1)";
      return 501;
    }
    *why = "chunked is not the final transfer coding, or is applied more than once: the body "
           "length cannot be determined (RFC 9112 6.3, 7)";
    return 400;
  }
  if (f->n_content_length > 1) {
    *why = "more than one Content-Length field line: the body length cannot be determined, "
           "a possible request smuggling attempt (RFC 9112 6.3, RFC 9110 8.6)";
    return 400;
  }
  if (f->n_content_length == 1) {
    const char *cl = f->content_length;
    size_t cn = f->content_length_len;
    trim(&cl, &cn);
    for (i = 0; i < cn; i++)
      if (cl[i] < '0' || cl[i] > '9') break;
    if (cn == 0 || i < cn) {
      *why = "the Content-Length value is not a decimal number (RFC 9112 6.3, RFC 9110 8.6)";
      return 400;
    }
  }
  return 0;
}
