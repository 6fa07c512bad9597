/* server_http.h: what the server tests (server_*_test.c) share: a blocking
 * libcurl client, raw sockets for requests libcurl would normalise, and the
 * server under test. Test code only. */
#ifndef SERVER_HTTP_H
#define SERVER_HTTP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
/* Has handle c collect the body and the final response's header block
 * into r (for requests set up by hand, such as curl multi transfers). */
void hresp_sink(CURL *c, hresp *r);
/* The method (HEAD without a body read) and the body of blen bytes, if any. */
void hreq_method_body(CURL *c, const char *method, const char *body, size_t blen);
/* One request on handle c; ap is a NULL-terminated list of "Name: value"
 * header lines. Returns the status (0 on transport error). */
long vhttp(CURL *c, hresp *r, const char *method, const char *path, const char *body, size_t blen,
           va_list ap);
long http(hresp *r, const char *method, const char *path, const char *body, ...);
long http_on(CURL *c, hresp *r, const char *method, const char *path, const char *body, ...);
void start_opts(const ifm_server_opts *o);
void stop(void);
char *dupv(const char *s);

/* Raw sockets, for exact bytes. CLOCK_MONOTONIC in seconds. */
double now_s(void);
/* A connection to port on 127.0.0.1 from source address src (NULL: any), or
 * -1; connecting takes at most 3 s. raw_connect: to the server under test. */
int raw_connect_from(uint16_t port, const char *src);
int raw_connect(void);
int send_all(int fd, const char *p, size_t n);
/* Reads into out (NUL-terminated, *got bytes) until the peer closes or ms
 * pass; 1 when it closed. */
int read_until_close(int fd, char *out, size_t cap, int ms, size_t *got);
/* Sends req on a fresh connection; the answer in out, *closed = 1 when the
 * server closed the connection within ms. */
void raw_exchange(const char *req, char *out, size_t cap, int ms, int *closed);
/* The number of status lines in s, and the first status code (0: none). */
int n_responses(const char *s);
int first_status(const char *s);

/* The number in environment variable name, or dflt when unset or empty. */
long env_num(const char *name, long dflt);
/* This process's resident set size in kB (-1: unknown). */
long rss_kb(void);

#endif
