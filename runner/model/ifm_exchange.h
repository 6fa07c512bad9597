/* ifm_exchange.h: one HTTP exchange, as sent and as received: the one
 * record of an exchange. The planner fills the request half, the executor
 * the response half and the times; the judge, the checker's adapter, the
 * reports and the fuzzer read it. While live it holds whole bodies and
 * secrets; a copy kept as evidence (ifm_exchange_evidence) is redacted and
 * its bodies cut to IFM_BODY_EXCERPT bytes (the _total fields keep the
 * lengths, the hashes are of the whole bodies).
 */
#ifndef IFM_EXCHANGE_H
#define IFM_EXCHANGE_H

#include <stddef.h>

typedef struct ifm_field {
  char *name;
  char *value;
  size_t value_len;   /* value may contain any byte */
  size_t value_total; /* kept as evidence: the whole value's length when it was cut (0: not cut) */
} ifm_field;

/* One HTTP exchange, as sent and as received. */
typedef struct ifm_exchange {
  int step;                 /* 1-based step number within the case */
  int client;               /* -1 in a sequential step; the client index in a parallel one */
  int round;                /* 1-based: the round of a parallel step this exchange belongs to
                               (its clients, the reads around them, and the replay of the
                               case's steps before it for a later round); 0: a step run once */
  char *method;
  char *url;
  ifm_field *req_headers;   /* as sent, in order, secrets redacted */
  size_t n_req_headers;
  size_t req_headers_omitted;        /* kept as evidence: fields left out, and */
  size_t req_header_bytes_omitted;   /* their bytes (names and values) */
  char *req_body;           /* excerpt (at most IFM_BODY_EXCERPT bytes) */
  size_t req_body_len;      /* length of the excerpt */
  size_t req_body_total;    /* full length sent */
  int status;               /* 0 when no response came */
  ifm_field *resp_headers;
  size_t n_resp_headers;
  size_t resp_headers_omitted;
  size_t resp_header_bytes_omitted;
  char *resp_body;          /* excerpt */
  size_t resp_body_len;
  size_t resp_body_total;
  unsigned long long req_body_hash;   /* FNV-1a 64 of the whole request body (0: none) */
  unsigned long long resp_body_hash;  /* FNV-1a 64 of the whole response body */
  /* The case's payload, which the checker compares: the request body before
   * the target's wrapper (operations.X.body), and group 1 of the operation's
   * extract in the response body (""); without wrapper or extract, the same
   * as the body hashes. */
  unsigned long long req_payload_hash;
  unsigned long long resp_payload_hash;
  const char *extract;      /* borrowed from the target: the operation's extract, or NULL */
  char *error;              /* transport error (timeout, reset, ...) or NULL */
  int timed_out;            /* the error is a timeout */
  int closed_unanswered;    /* the error is the server closing the connection without a
                               byte of answer (a `raw:` step may count that as a refusal) */
  int h2_refused;           /* the error is an HTTP/2 server ending the request without an
                               answer: its stream reset (any code but INTERNAL_ERROR) or the
                               connection closed (RFC 9113 sections 8.1.1 and 10.5.1 let it
                               refuse a malformed or oversized request so) */
  int named;                /* kept as evidence: the judge's explanation of a failing round
                               names this exchange (the checker's culprits, the responses a
                               count had too many of) */
  /* Milliseconds; 0 when not reached. Live: the executor's monotonic clock;
   * kept as evidence: since the start of the run. */
  double t_start, t_release, t_first_byte, t_done;
} ifm_exchange;

#define IFM_BODY_EXCERPT 2048
#define IFM_EXCHANGES_KEPT 64

/* What a copy kept as evidence keeps of each side's header fields, so that
 * a server answering thousands of fields, or megabytes in one, leaves a
 * report of ordinary size. The fields the judge reads in kept copies
 * (ifm_field_is_judged: ETag, If-Match, ...) are kept wherever they
 * are, up to IFM_EVIDENCE_JUDGED_EACH of each name, with
 * IFM_EVIDENCE_JUDGED_VALUE bytes of value; the others in order while
 * IFM_EVIDENCE_FIELDS of them and IFM_EVIDENCE_FIELD_BYTES of their names
 * and values fit, each value cut at IFM_EVIDENCE_VALUE bytes. What is left
 * out is counted (the _omitted counts, ifm_field.value_total) and every
 * report says so. Order is kept. */
#define IFM_EVIDENCE_FIELDS 64
#define IFM_EVIDENCE_FIELD_BYTES 8192
#define IFM_EVIDENCE_VALUE 2048
#define IFM_EVIDENCE_JUDGED_EACH 16
#define IFM_EVIDENCE_JUDGED_VALUE 65536

/* 1 when the judge reads fields of this name in a kept copy (a parallel
 * step's counts and history, the linearizability checker): ETag, If-Match,
 * If-None-Match, Location, Content-Location, plus Content-Type,
 * Content-Length and Last-Modified, which a reader of the evidence needs. */
int ifm_field_is_judged(const char *name);

/* Frees what x owns and zeroes it. */
void ifm_exchange_clear(ifm_exchange *x);
/* Appends copies of name and of the value_len bytes at value (NUL-terminated
 * too, for convenience) to a field list such as x->req_headers and
 * x->n_req_headers. Returns 0, or -1 on allocation failure. */
int ifm_field_append(ifm_field **fields, size_t *n, const char *name,
                     const char *value, size_t value_len);

/* Where group 1 of the POSIX ERE pattern first matches in the NUL-terminated
 * body: 1 with *off and *len set, 0 when it does not match, -1 when the
 * pattern does not compile. */
int ifm_exchange_extract(const char *pattern, const char *body, size_t *off, size_t *len);

/* The first field named name (ASCII case-insensitive), or NULL; *count (may
 * be NULL) gets how many there are. */
const ifm_field *ifm_field_find(const ifm_field *f, size_t n, const char *name, int *count);
/* The response's field named name, or NULL. */
const ifm_field *ifm_exchange_resp_header(const ifm_exchange *x, const char *name);

#endif
