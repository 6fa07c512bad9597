/* ifm_model.h: what the loader builds from case files, profile files and
 * target files, and what the planner, executor and judge read. Nothing in
 * here knows YAML or libcurl.
 *
 * Strings that may hold templates ("{{var}}") are kept as written; the
 * template module expands them at run time. Every object remembers the
 * position it came from (ifm_pos) so that run-time problems can be reported
 * as file:line:col too. All memory is owned by the enclosing ifm_suite /
 * ifm_target / ifm_profile and freed by its _clear function.
 */
#ifndef IFM_MODEL_H
#define IFM_MODEL_H

#include <stddef.h>
#include "ifm_diag.h"
#include "ifm_err.h"
#include "ifm_status.h"
#include "ifm_verdict.h"


/* One header field line (name: value). Lists of these keep order and allow
 * repeated names, so several If-Match field lines can be sent. */
typedef struct ifm_kv {
  char *name;
  char *value;        /* template */
  ifm_pos pos;
} ifm_kv;


typedef enum ifm_op {
  IFM_OP_CREATE = 0,  /* abstract: the target file says how */
  IFM_OP_READ,
  IFM_OP_UPDATE,
  IFM_OP_PATCH,
  IFM_OP_DELETE,
  IFM_OP_REQUEST,     /* raw: method, path, headers and body given in the case */
  IFM_OP_COUNT
} ifm_op;

/* A request as the case describes it. For abstract operations method and
 * path may be NULL (the target's mapping fills them); headers are added
 * after the target's own. The loader turns `if_match: X` (or a list of
 * field lines) and `if_none_match:` into ordinary header entries. A `raw:`
 * step holds only raw (and raw_closed_ok): its bytes owe nothing to the
 * target's mapping or headers (ifm_plan_raw builds them). */
typedef struct ifm_request_spec {
  ifm_op op;
  int has_body;
  char *method;       /* template or NULL */
  char *path;         /* template or NULL = the case's resource ({{path}}) */
  char *body;         /* template or NULL = no body */
  ifm_kv *headers;
  size_t n_headers;
  char *raw;          /* a `raw:` step (op IFM_OP_REQUEST, nothing else set): the text of the
                         request's bytes, a template in the notation of ifm_raw.h, sent as
                         written; NULL: not a raw step */
  int raw_closed_ok;  /* raw only: the server may refuse by closing the connection without
                         any answer; the step then counts as refused, not as a transport error */
  ifm_pos pos;
} ifm_request_spec;

typedef enum ifm_match {
  IFM_M_EQUALS = 0,   /* header value / body equals the template */
  IFM_M_NOT,          /* differs from (or is absent) */
  IFM_M_ABSENT,       /* header not present */
  IFM_M_PRESENT,      /* header present, any value */
  IFM_M_CONTAINS,     /* value contains the template */
  IFM_M_ETAG,         /* header present and a well-formed entity-tag (RFC 9110 8.8.3) */
  IFM_M_STRONG        /* header present and a well-formed strong entity-tag (no W/) */
} ifm_match;

typedef struct ifm_expect_item {
  int is_body;        /* 1: the response body; 0: the header `name` */
  char *name;         /* header name (lower case) */
  ifm_match match;
  char *value;        /* template (NULL for ABSENT / PRESENT / ETAG) */
  ifm_pos pos;
} ifm_expect_item;

typedef struct ifm_expect {
  int has_status;
  ifm_status_spec status;
  ifm_expect_item *items;
  size_t n_items;
} ifm_expect;

typedef enum ifm_capture_src { IFM_CAP_STATUS = 0, IFM_CAP_HEADER, IFM_CAP_BODY } ifm_capture_src;

typedef struct ifm_capture {
  char *var;
  ifm_capture_src src;
  char *header;       /* lower case, for IFM_CAP_HEADER */
  ifm_pos pos;
} ifm_capture;

/* How a parallel step's requests are released (cases/README.md): none; the
 * last byte of each body held, then all sent in one sweep; every request a
 * stream of one HTTP/2 connection, their final frames in one write; or the
 * tightest the target supports (single-packet over HTTP/2, else last-byte). */
typedef enum ifm_release {
  IFM_RELEASE_NONE = 0,
  IFM_RELEASE_LAST_BYTE,
  IFM_RELEASE_SINGLE_PACKET,
  IFM_RELEASE_AUTO
} ifm_release;

/* Expectation on a parallel step: how many responses fall in a status set.
 * count -1 means "the rest". */
typedef struct ifm_count_expect {
  ifm_status_spec status;
  int count;
  ifm_pos pos;
} ifm_count_expect;

/* A concurrent step (issue: concurrency). Client i sends ops[i % n_ops]. */
typedef struct ifm_parallel {
  unsigned clients;
  ifm_release release;
  unsigned rounds;            /* >= 1 */
  int stop_on_violation;
  ifm_request_spec *ops;
  size_t n_ops;
  ifm_count_expect *counts;
  size_t n_counts;
  int linearizable;
} ifm_parallel;

typedef struct ifm_step {
  ifm_pos pos;
  int is_parallel;
  ifm_request_spec req;       /* when !is_parallel */
  ifm_parallel par;           /* when is_parallel */
  ifm_capture *captures;
  size_t n_captures;
  ifm_expect assume;          /* checked before expect: when it fails the case is SKIP
                                 (the target cannot show what the case tests) */
  ifm_expect expect;
} ifm_step;

typedef struct ifm_case_file ifm_case_file;

/* `when: {KEY: SET}` ("!SET": any other set): a condition on the profile. */
typedef struct ifm_when {
  char *key;                  /* a profile key */
  int negate;
  ifm_status_spec want;
  ifm_pos pos;
} ifm_when;

typedef struct ifm_case {
  char *id;                   /* unique within the suite */
  char *requirement;          /* a catalogue ID (ifm_catalogue_find) */
  char *title;
  char *spec;                 /* "RFC 9110 13.1.1" */
  ifm_level level;
  char **profiles;            /* run only under these profiles (none: all) */
  size_t n_profiles;
  ifm_when *when;             /* run only when each profile key has (or, negated, has not) its set */
  size_t n_when;
  char **needs;               /* target capabilities required, else SKIP */
  size_t n_needs;
  ifm_step *steps;
  size_t n_steps;
  ifm_pos pos;
  const ifm_case_file *file;
} ifm_case;

struct ifm_case_file {
  char *path;
  ifm_case *cases;
  size_t n_cases;
};

typedef struct ifm_suite {
  ifm_case_file *files;
  size_t n_files;
} ifm_suite;

/* A profile: named status sets for the choices the RFCs leave open
 * (REQUIREMENTS.md, "Profiles"), plus the methods it certifies. */
typedef struct ifm_profile_entry {
  char *key;
  ifm_status_spec status;
  ifm_pos pos;
} ifm_profile_entry;

typedef struct ifm_profile {
  char *name;
  char *path;
  char *description;
  ifm_profile_entry *entries;
  size_t n_entries;
  char **methods;             /* methods it certifies (none: all) */
  size_t n_methods;
} ifm_profile;

/* How the target maps an abstract operation onto a real request. */
typedef struct ifm_op_map {
  int defined;
  char *method;
  char *path;                 /* template, may use {{path}} */
  char *body;                 /* template, may use {{body}}; NULL = pass the case's body */
  ifm_kv *headers;
  size_t n_headers;
  char *extract;              /* POSIX ERE: group 1 of its first match in a response body is
                                 what the case sees as the body (a vCard's FN, ...); NULL: all */
  int has_expect;             /* setup requests: the statuses that count as done */
  ifm_status_spec expect;
  int path_from_location;     /* create only: the server names the new resource in Location,
                                 which becomes the case's {{path}} (`path_from: location`) */
  ifm_pos pos;
} ifm_op_map;

typedef enum ifm_http_version { IFM_HTTP_1_1 = 0, IFM_HTTP_H2C, IFM_HTTP_H2 } ifm_http_version;

/* How a server is reached beyond its URL, each with curl's meaning
 * (targets/README.md): a client certificate, a proxy, and addresses given
 * instead of DNS. From the target file (tls.cert, tls.key, proxy, noproxy,
 * resolve, connect_to) and the command line, which overrides it. NULL / 0:
 * not given. Owned by the struct; ifm_netopts_clear frees it. */
typedef struct ifm_netopts {
  char *cert;                 /* client certificate, PEM (CURLOPT_SSLCERT) */
  char *key;                  /* its private key, PEM, not encrypted (CURLOPT_SSLKEY); NULL:
                                 the key is in the cert file */
  char *proxy;                /* [scheme://][user:password@]host[:port] (CURLOPT_PROXY); its
                                 userinfo is a secret (ifm_secrets.h) */
  char *noproxy;              /* hosts never proxied (CURLOPT_NOPROXY); NULL: ifm_exec.h says */
  char **resolve;             /* HOST:PORT:ADDR[,ADDR]... (CURLOPT_RESOLVE) */
  size_t n_resolve;
  char **connect_to;          /* HOST1:PORT1:HOST2:PORT2 (CURLOPT_CONNECT_TO) */
  size_t n_connect_to;
} ifm_netopts;

void ifm_netopts_clear(ifm_netopts *n);
/* Each part that over gives replaces dst's: a proxy, a noproxy, the resolve
 * list or the connect_to list as a whole; a cert replaces the cert and the
 * key together. IFM_OK or IFM_ERR_NOMEM. */
ifm_err ifm_netopts_override(ifm_netopts *dst, const ifm_netopts *over);
/* Appends a copy of s to the list *v (*n items). IFM_OK or IFM_ERR_NOMEM. */
ifm_err ifm_netopts_push(char ***v, size_t *n, const char *s);

typedef struct ifm_target {
  char *name;
  char *path;                 /* the target file, or NULL for --url / embedded */
  char *base_url;             /* template: may use ${env:NAME} (expanded at load) */
  char *resource;             /* template for a fresh resource path, e.g. /ifm/{{case}}/{{n}} */
  char *collection;           /* for POST-create cases, e.g. /ifm/{{case}}/ */
  char *profile;              /* profile name */
  ifm_profile_entry *overrides;
  size_t n_overrides;
  ifm_op_map ops[IFM_OP_COUNT];
  ifm_op_map *setup;          /* requests sent once per run before any case (MKCOL, ...) */
  size_t n_setup;
  ifm_kv *headers;            /* sent on every request */
  size_t n_headers;
  char **secrets;             /* values never written anywhere (from ${env:...} and auth headers) */
  size_t n_secrets;
  char **capabilities;        /* patch, delete, post_create, ranges, no_etag_resource, auth, ... */
  size_t n_capabilities;
  double timeout_s;           /* per request */
  unsigned max_connections;   /* the most the server serves at once; 0: no cap known. A parallel
                                 step runs at most this many clients */
  char *ca_file;
  int tls_verify;             /* 1 unless explicitly disabled */
  ifm_http_version http_version;
  char *case_header;          /* header naming the case on every request; default X-Ifmatch-Case */
  ifm_netopts net;            /* client certificate, proxy, resolve, connect_to */
  int embedded;               /* `base_url: embedded`: the file describes the embedded reference
                                 server, which run and certify start when no --url is given
                                 (base_url is then NULL) */
  ifm_pos pos;
} ifm_target;

void ifm_case_file_clear(ifm_case_file *f);
void ifm_suite_clear(ifm_suite *s);
void ifm_target_clear(ifm_target *t);
void ifm_profile_clear(ifm_profile *p);

int ifm_target_has_capability(const ifm_target *t, const char *cap);
const ifm_profile_entry *ifm_profile_lookup(const ifm_profile *p, const ifm_target *t, const char *key);

#endif
