/* ifm_fp_req.h: the stateful fuzzer's request builder. A program names its
 * entity-tags by role ("current", "stale 3", "weak current", a list of
 * them); this file keeps what the fuzzer has seen of its resource's tags
 * while a program runs, and turns one operation into the request half of
 * the project's exchange record (ifm_exchange.h): method, URL, the header
 * fields in the order they are sent, the body. The executor sends that
 * record as it is (ifm_xfer_new_exchange), so what the oracle judges and
 * what the case writer writes is exactly what went on the wire.
 *
 * Also here: the forms of a tag the language sends (opaque part, ASCII
 * case swapped), which the case writer needs to name them as template
 * filters. Pure: no I/O.
 */
#ifndef IFM_FP_REQ_H
#define IFM_FP_REQ_H

#include <stddef.h>

#include "ifm_exchange.h"
#include "ifm_fp_lang.h"

#define IFM_FP_TAG_MAX 96    /* longest tag remembered (longer ones are cut) */
#define IFM_FP_MAX_SEEN 16   /* distinct tags remembered, oldest dropped first */

/* The tags seen so far, on the caller's stack or inside its state. */
typedef struct ifm_fp_tags {
  char seen[IFM_FP_MAX_SEEN][IFM_FP_TAG_MAX];   /* distinct tags, oldest first */
  size_t n_seen;
  char cur[IFM_FP_TAG_MAX];                     /* the last tag seen ("" none) */
} ifm_fp_tags;

void ifm_fp_tags_init(ifm_fp_tags *t);
/* tag becomes "current" (and joins the seen ones); "" is ignored. */
void ifm_fp_tags_see(ifm_fp_tags *t, const char *tag);
/* The current tag, or "\"none\"" before any was seen. */
void ifm_fp_tags_current(const ifm_fp_tags *t, char *out, size_t n);
/* Stale k: the k-th (mod count) seen tag other than the current one, or
 * "\"none\"" when there is none. */
void ifm_fp_tags_stale(const ifm_fp_tags *t, unsigned k, char *out, size_t n);

/* "GET", "PUT" or "DELETE". */
const char *ifm_fp_req_method(ifm_fp_kind k);

/* Fills the request half of out (zeroed first; the caller owns it and
 * frees it with ifm_exchange_clear) for op, with the tags known now: method,
 * url, the precondition fields (If-Match lines, If-None-Match,
 * If-Unmodified-Since), and for a body (NULL: none) Content-Type and the
 * body. client goes to out->client. Returns 0, or -1 out of memory. */
int ifm_fp_req_build(const ifm_fp_tags *t, const ifm_fp_op *op, int client, const char *url,
                     const char *body, ifm_exchange *out);

/* The opaque part of tag t (between the quotes; t itself when it has none). */
void ifm_fp_tag_opaque(const char *t, char *out, size_t n);
/* Swaps the case of the ASCII letters of s, in place. */
void ifm_fp_tag_swapcase(char *s);

#endif
