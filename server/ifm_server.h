/* ifm_server.h: the reference target. An in-memory HTTP/1.1 resource store
 * (libmicrohttpd; and h2c on a port of its own when asked, ifm_h2_server.h)
 * that implements If-Match exactly as RFC 9110 says, under a
 * chosen profile, optionally with seeded flaws that break one rule each the
 * way real servers do. Used by `ifmatch serve`, by `ifmatch run` with no
 * target (the embedded default), by the tests and by the fuzzers.
 */
#ifndef IFM_SERVER_H
#define IFM_SERVER_H

#include <stddef.h>
#include <stdint.h>

/* The profiles of REQUIREMENTS.md that the server implements. */
typedef enum ifm_server_profile {
  IFM_PROFILE_RFC9110 = 0,   /* missing If-Match allowed; "*" false on a missing resource */
  IFM_PROFILE_RFC9110_428,   /* a write without If-Match / If-None-Match -> 428 */
  IFM_PROFILE_CPP            /* missing -> 400; "*" = no comparison (creates); mismatch 412 */
} ifm_server_profile;

/* Seeded flaws: bit flags, several may be set. Keep ifm_flaw_names in
 * ifm_flaw.c in the same order. */
typedef enum ifm_flaw {
  IFM_FLAW_WEAK_COMPARE        = 1u << 0,  /* If-Match uses the weak comparison */
  IFM_FLAW_STAR_CREATES        = 1u << 1,  /* If-Match: * true on a missing resource */
  IFM_FLAW_ETAG_STATIC         = 1u << 2,  /* a write keeps the resource's ETag */
  IFM_FLAW_RACE                = 1u << 3,  /* check, sleep race_window_us unlocked, write */
  IFM_FLAW_MISSING_OK          = 1u << 4,  /* missing If-Match accepted where refused */
  IFM_FLAW_LIST_FIRST          = 1u << 5,  /* only the first list element compared */
  IFM_FLAW_LINE_FIRST          = 1u << 6,  /* only the first If-Match field line read */
  IFM_FLAW_CASE_INSENSITIVE    = 1u << 7,  /* opaque-tags compared ignoring ASCII case */
  IFM_FLAW_WRITE_THEN_412      = 1u << 8,  /* performs the write, then answers 412 */
  IFM_FLAW_IGNORE_ON_DELETE    = 1u << 9,  /* DELETE never evaluates If-Match */
  IFM_FLAW_IUS_FIRST           = 1u << 10, /* If-Unmodified-Since evaluated instead of If-Match */
  IFM_FLAW_MALFORMED_500       = 1u << 11, /* 500 on a malformed If-Match value */
  IFM_FLAW_COMMA_SPLIT         = 1u << 12, /* the list split at every comma, even inside quotes */
  IFM_FLAW_STALE_ETAG_RESPONSE = 1u << 13, /* a write's response carries the old ETag */
  IFM_FLAW_IGNORE_ON_PUT       = 1u << 14, /* PUT never evaluates If-Match */
  IFM_FLAW_INM_FIRST           = 1u << 15, /* If-None-Match evaluated before If-Match */
  IFM_FLAW_MISSING_412         = 1u << 16, /* 412, not 404, for GET/HEAD/DELETE on a missing resource */
  IFM_FLAW_REPLACE_201         = 1u << 17  /* 201, not 204, when a PUT replaces */
} ifm_flaw;
/* Issuing only weak ETags is not a flaw: RFC 9110 allows it, and If-Match
 * then never holds (13.1.1). It is a shape (IFM_SHAPE_WEAK_ETAGS), and the
 * suite warns about it (IM-WEAK-NEVER-strong-issued). */

#define IFM_FLAW_COUNT 18

/* Shapes: the same correct If-Match semantics behind the forms real services
 * take, each one the RFC allows (bit flags, several may be set). A suite run
 * against any shape of the clean server must find nothing wrong; flaws can
 * be combined with shapes. Keep ifm_shape_names in ifm_shape.c in order. */
typedef enum ifm_shape {
  IFM_SHAPE_POST_CREATE   = 1u << 0,  /* creates only by POST to a collection (server-chosen id);
                                         PUT to a missing resource is 404 */
  IFM_SHAPE_NO_WRITE_ETAG = 1u << 1,  /* no ETag on write responses (RFC 9110 9.3.4 allows it) */
  IFM_SHAPE_NO_ETAG       = 1u << 2,  /* no ETags at all (sending one is a SHOULD, 8.8.3) */
  IFM_SHAPE_READ_ONLY     = 1u << 3,  /* every write 405 with Allow; every path has a fixed
                                         representation */
  IFM_SHAPE_WEAK_ETAGS    = 1u << 4,  /* only weak entity-tags, so If-Match (strong comparison)
                                         never matches one */
  IFM_SHAPE_CAP_CONNS     = 1u << 5,  /* at most 8 connections at once; more are refused */
  IFM_SHAPE_HEADER_CLOSE  = 1u << 6   /* a request header over 8 KiB gets 431, then the
                                         connection closes */
} ifm_shape;

#define IFM_SHAPE_COUNT 7

/* Called once per request when its body has been fully received (before it
 * is handled), from a server thread: keep it short and thread-safe. Over
 * h2c: in the connection loop, as each stream's END_STREAM is read. mono_ns
 * is CLOCK_MONOTONIC in nanoseconds. For benchmarks that need to know when
 * the last byte of each of several racing requests arrived. */
typedef void (*ifm_arrival_cb)(void *ctx, uint64_t mono_ns, const char *method,
                               const char *path);

#define IFM_EVICT_NEVER 0xffffffffu

/* Hardening (ifm_framing.h, ifm_guard.h, ifm_store.h): the server answers
 * 400 and closes for framing that RFC 9112 calls unrecoverable (several
 * Content-Length lines, Transfer-Encoding with Content-Length or not ending
 * in chunked, no or several Host, whitespace before a colon); past
 * max_connections, or max_conns_per_ip from one address, a new connection is
 * admitted only by closing the one that has waited longest without a
 * request in progress, else refused; slow heads and idle connections are
 * closed after head_timeout_s and timeout_s (the cap-conns shape keeps its
 * plain cap); the store holds at most max_store_bytes and max_resources,
 * drops resources untouched for evict_after_s, and answers 507 past that. */
typedef struct ifm_server_opts {
  const char *bind;           /* IPv4 address; NULL -> "127.0.0.1" */
  uint16_t port;              /* 0 -> the kernel picks a free port */
  ifm_server_profile profile;
  unsigned flaws;             /* OR of ifm_flaw */
  unsigned shapes;            /* OR of ifm_shape */
  unsigned race_window_us;    /* IFM_FLAW_RACE window; 0 -> 1000 */
  unsigned threads;           /* worker threads; 0 -> a default from the CPU count */
  size_t max_body;            /* request body limit (413); 0 -> 1 MiB */
  size_t max_header;          /* per-connection header memory (431); 0 -> 32 KiB */
  size_t max_resources;       /* store limit (507); 0 -> 100000 */
  size_t max_store_bytes;     /* store limit in bytes (507); 0 -> 32 MiB */
  unsigned evict_after_s;     /* drop resources untouched this long; 0 -> 600,
                                 IFM_EVICT_NEVER: never */
  unsigned max_connections;   /* connections at once; 0 -> 4096, at most half
                                 the open-file limit */
  unsigned max_conns_per_ip;  /* from one address; 0 -> max_connections / 2 */
  int log;                    /* 1: one line per request on stderr */
  const char *auth_token;     /* bearer token for /private/...; NULL -> "ifmatch-secret" */
  unsigned timeout_s;         /* idle connection timeout in seconds: no request
                                 line this long after the connection opened or
                                 its last response, or no byte at all in a
                                 request; 0 -> 30 */
  unsigned head_timeout_s;    /* a request head must be complete this long
                                 after its request line; 0 -> 10 */
  ifm_arrival_cb arrival_cb;  /* NULL (the default): no arrival log, no cost */
  void *arrival_ctx;
  int h2c;                    /* 1: also serve HTTP/2 with prior knowledge
                                 (h2c) on a port of its own, the same store
                                 (ifm_h2_server.h) */
  uint16_t h2c_port;          /* that port; 0 -> the kernel picks one */
} ifm_server_opts;

typedef struct ifm_server ifm_server;

/* Fills opts with the defaults above. */
void ifm_server_opts_init(ifm_server_opts *opts);

/* Starts a server in its own threads. On failure returns NULL and writes a
 * message into err. The caller owns the result and stops it with
 * ifm_server_stop(), which also frees it. */
ifm_server *ifm_server_start(const ifm_server_opts *opts, char *err, size_t errlen);

/* The port actually bound (useful with port 0). */
uint16_t ifm_server_port(const ifm_server *srv);
/* The h2c port actually bound; 0 when opts.h2c was not set. */
uint16_t ifm_server_h2c_port(const ifm_server *srv);

/* What the connection guard and the store have done so far (tests,
 * benchmarks). */
typedef struct ifm_server_stats {
  unsigned long conns_open, conns_refused, conns_shed, head_timeouts, idle_timeouts;
  size_t resources, store_bytes;
  unsigned long long evicted, store_refused;
  unsigned long long store_changes;   /* writes and deletes the store took (not evictions) */
  unsigned max_connections, max_conns_per_ip;   /* in effect */
} ifm_server_stats;

void ifm_server_stats_get(ifm_server *srv, ifm_server_stats *out);

/* Stops accepting, finishes, frees everything. NULL is allowed. */
void ifm_server_stop(ifm_server *srv);

/* Profile and flaw names as used on the command line. */
int ifm_server_profile_parse(const char *name, ifm_server_profile *out);
const char *ifm_server_profile_name(ifm_server_profile p);
/* Returns the flag for a shape name, or 0 when unknown; name and description
 * of shape number i (0..IFM_SHAPE_COUNT-1). */
unsigned ifm_shape_parse(const char *name);
const char *ifm_shape_name(unsigned i);
const char *ifm_shape_describe(unsigned i);
/* Returns the flag for a flaw name, or 0 when unknown. */
unsigned ifm_flaw_parse(const char *name);
/* Name and one-line description of flaw number i (0..IFM_FLAW_COUNT-1). */
const char *ifm_flaw_name(unsigned i);
const char *ifm_flaw_describe(unsigned i);

#endif
