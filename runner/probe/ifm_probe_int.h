/* ifm_probe_int.h: what the probe's files share (not its API: ifm_probe.h).
 *
 *   ifm_probe.c          the driver: options, partial target, the order of the steps
 *   ifm_probe_partial.c  a partial target file and --header / --body-template / --extract
 *   ifm_probe_http.c     one request at a time through plan/ and exec/; evidence lines
 *   ifm_probe_create.c   how the server creates, and the payload's round trip
 *   ifm_probe_caps.c     ETags, the profile, and every capability
 *   ifm_probe_conns.c    how many connections the server serves at once
 *   ifm_probe_decide.c   pure decisions from observed facts (unit-tested)
 *   ifm_probe_write.c    the target file, with a comment per key (pure, unit-tested)
 */
#ifndef IFM_PROBE_INT_H
#define IFM_PROBE_INT_H

#include <stddef.h>
#include "ifm_exchange.h"
#include "ifm_exec.h"
#include "ifm_model.h"
#include "ifm_probe.h"
#include "ifm_scope.h"

/* The comment blocks of the target file, one per key it writes. */
typedef enum ifm_probe_note {
  IFM_PN_TOP = 0,     /* the file's head: what was probed, what the probe could not do */
  IFM_PN_RESOURCE,
  IFM_PN_COLLECTION,
  IFM_PN_PROFILE,
  IFM_PN_CAPS,
  IFM_PN_CONNS,
  IFM_PN_HEADERS,
  IFM_PN_SETUP,
  IFM_PN_CREATE,
  IFM_PN_READ,
  IFM_PN_UPDATE,
  IFM_PN_PATCH,
  IFM_PN_DELETE,
  IFM_PN_COUNT
} ifm_probe_note;

/* What the writer writes: plain data, no I/O. */
typedef struct ifm_probe_doc {
  const ifm_target *t;          /* the target as found, with the values that are sent */
  const char *url;              /* the probed URL (for the head comment) */
  ifm_buf notes[IFM_PN_COUNT];  /* comment lines, each ending in '\n', without '#' */
  unsigned max_connections;     /* 0: no cap seen */
  int max_connections_key;      /* 1: `ifmatch run` accepts the key; 0: written as a comment */
  char **raw_from, **raw_to;    /* a value as sent -> as written (${env:NAME} kept) */
  size_t n_raw;
  char **secret_names;          /* `secrets:` of the partial file */
  size_t n_secret_names;
} ifm_probe_doc;

/* ifm_probe_write.c: appends the target file to out; every value that is a
 * secret is written as the ${env:NAME} it came from, or as a new
 * ${env:IFMATCH_SECRET_<HEADER>} reference (said in a comment), and the
 * whole text is redacted against t->secrets at the end. */
ifm_err ifm_probe_write(const ifm_probe_doc *d, ifm_buf *out);
/* Remembers that `expanded` is written `raw`. IFM_OK or IFM_ERR_NOMEM. */
ifm_err ifm_probe_doc_raw_add(ifm_probe_doc *d, const char *expanded, const char *raw);
void ifm_probe_doc_clear(ifm_probe_doc *d);
/* The environment variable a literal secret header is written as:
 * IFMATCH_SECRET_ and the name in upper case, '-' as '_'. */
void ifm_probe_secret_env(const char *header, char *buf, size_t len);

/* ifm_probe_decide.c: pure. */
typedef enum ifm_probe_etag { IFM_PE_NONE = 0, IFM_PE_STRONG, IFM_PE_WEAK, IFM_PE_BAD } ifm_probe_etag;
ifm_probe_etag ifm_probe_etag_kind(const char *value);
const char *ifm_probe_etag_name(ifm_probe_etag k);   /* "no ETag", "strong", "weak", "malformed" */
/* A write refused for what it is, not where it went: 401 403 405 501. */
int ifm_probe_is_refusal(int status);
/* The profile a server's answers suggest: unconditional is the status of a
 * write without If-Match on an existing resource, star_missing that of
 * If-Match: * on a missing one (0: not tried). Returns "rfc9110",
 * "rfc9110-428" or "cpp". */
const char *ifm_probe_decide_profile(int unconditional, int star_missing);
/* How many of n parallel requests were served (answered, not 408/429/503);
 * *cap gets that number when some were turned away, else 0. */
size_t ifm_probe_decide_conns(const ifm_exchange *x, size_t n, unsigned *cap);
/* An `extract:` pattern that finds value as a JSON string member of body
 * ("name": "value"), or NULL. Malloc'd. */
char *ifm_probe_json_extract(const char *body, size_t len, const char *value);
/* Splits scheme://authority/prefix into the origin (no trailing '/') and
 * the prefix ("/" or "/path/", always ending in '/'). 0, or -1 when url is
 * not http(s)://host... (both left NULL). */
int ifm_probe_split_url(const char *url, char **origin, char **prefix);
/* The path of an absolute URL (after the authority), or url itself. */
const char *ifm_probe_url_path(const char *url);

/* The probe while it runs. */
struct ifm_probe {
  const ifm_probe_opts *o;
  ifm_exec *exec;
  ifm_target t;                 /* the target being found (values as sent) */
  ifm_probe_doc doc;
  ifm_case pc;                  /* the probe's own "case": {{case}} = probe */
  ifm_scope scope;              /* {{path}}, {{collection}}, {{run}} of the probe */
  char run_id[20];
  unsigned long uniq;
  char *origin, *prefix;        /* the URL split */
  char payload[64];             /* the body of the probe's resource */
  /* given by the partial target file */
  int given_resource, given_collection, given_create, given_profile;
  /* found */
  int creates_by_post;
  int inm_star;                 /* If-None-Match: * honoured on create */
  ifm_probe_etag etag_read, etag_write;
  char *etag;                   /* the probe resource's current ETag (NULL: none) */
  int unconditional;            /* status of a write without preconditions */
  int has_delete;
  char **made;                  /* paths the probe created (deleted at the end) */
  size_t n_made;
};

/* ifm_probe_http.c */
/* Sends the request of spec (planned in the probe's scope, through the
 * target's mapping of spec->op) and waits. out gets the exchange (status 0
 * and error when no answer). IFM_OK, or an error when it could not be sent. */
ifm_err ifm_probe_send(ifm_probe *p, const ifm_request_spec *spec, ifm_exchange *out);
/* The same with the parts given: op (IFM_OP_REQUEST: a raw request with
 * method), path template (NULL: {{path}}), body (NULL: none / the case's),
 * one extra header (hname NULL: none). */
ifm_err ifm_probe_req(ifm_probe *p, ifm_op op, const char *method, const char *path, const char *body,
                      const char *hname, const char *hvalue, ifm_exchange *out);
/* Appends "PUT /x (If-None-Match: *) -> 201, no ETag" for x to b. */
void ifm_probe_line(const ifm_probe *p, ifm_buf *b, const ifm_exchange *x);
/* Appends a comment line to note n (and the log): printf-style. */
void ifm_probe_say(ifm_probe *p, ifm_probe_note n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The body the cases would see (through read's extract) equals want. */
int ifm_probe_body_is(const ifm_probe *p, const ifm_exchange *x, const char *want);
/* The response's ETag field value, or NULL. */
const char *ifm_probe_etag_of(const ifm_exchange *x);
/* Remembers a path to delete at the end; deletes them all. */
void ifm_probe_made(ifm_probe *p, const char *path);
void ifm_probe_cleanup(ifm_probe *p);

/* ifm_probe_create.c: finds how to create (and the payload's round trip);
 * on success the probe's {{path}} is a resource holding p->payload. */
ifm_err ifm_probe_create(ifm_probe *p, char *err, size_t errlen);
/* A new resource the way found, holding body; its status (0: no answer). */
int ifm_probe_fresh(ifm_probe *p, const char *body, ifm_exchange *out);

/* ifm_probe_caps.c */
void ifm_probe_etags(ifm_probe *p);
void ifm_probe_profile(ifm_probe *p);
void ifm_probe_caps(ifm_probe *p);

/* ifm_probe_conns.c */
void ifm_probe_conns(ifm_probe *p);

/* ifm_probe_partial.c */
ifm_err ifm_probe_partial_load(ifm_probe *p, char *err, size_t errlen);
ifm_err ifm_probe_options_apply(ifm_probe *p, char *err, size_t errlen);
/* Adds a capability to the target (once). */
ifm_err ifm_probe_cap_add(ifm_probe *p, const char *cap);
/* Sets a header of an operation's mapping (replacing one of that name). */
ifm_err ifm_probe_op_header(ifm_op_map *m, const char *name, const char *value);
/* Replaces *dst by a copy of s. */
ifm_err ifm_probe_set(char **dst, const char *s);

#endif
