/* server_http.h: what the server tests (server_test.c, server_flaws_test.c)
 * share: a blocking libcurl client and the server under test. Test code only. */
#ifndef SERVER_HTTP_H
#define SERVER_HTTP_H

#include <stdarg.h>
#include <stddef.h>
#include <curl/curl.h>
#include "ifm_server.h"

typedef struct hresp {
  long status;
  char *body;
  size_t len;
  char *hdrs;                /* header block of the final response */
  size_t hlen;
  long new_conns;            /* connections opened for this request */
  char *vals[16];            /* strings returned by hget, freed by hfree */
  int nvals;
} hresp;

extern ifm_server *srv;     /* the server under test */
extern char base[64];       /* its base URL */
extern CURL *curl;          /* the shared handle */

void hfree(hresp *r);
/* The value of the first field called name, trimmed; NULL when absent. */
const char *hget(hresp *r, const char *name);
/* One request on handle c; ap is a NULL-terminated list of "Name: value"
 * header lines. Returns the status (0 on transport error). */
long vhttp(CURL *c, hresp *r, const char *method, const char *path, const char *body, size_t blen,
           va_list ap);
long http(hresp *r, const char *method, const char *path, const char *body, ...);
long http_on(CURL *c, hresp *r, const char *method, const char *path, const char *body, ...);
void start_opts(const ifm_server_opts *o);
void stop(void);
char *dupv(const char *s);

#endif
