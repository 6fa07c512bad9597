/* ifm_fp_lang.h: the stateful If-Match fuzzer's program language. A fuzz
 * input decodes into a small program: K clients (1-4), each with a sequence
 * of operations on one fresh resource, and a schedule (the order of the
 * operations, and which consecutive ones race together with last-byte
 * release). This file is the language only: the types, the decoder, an
 * encoder (its inverse on decoded programs, for tests and hand-made seeds)
 * and the program as text. Pure: no I/O, no HTTP, no profile.
 *
 * Who uses it: ifm_fp_run.h runs a program over HTTP, ifm_fp_oracle.h judges
 * what came back, ifm_fp_case.h turns a run into a YAML case.
 *
 * Two kinds of operations:
 *  - inside the linearizability checker's model (read; write with If-Match
 *    current / stale / * / weak form of current, or none when the profile
 *    allows a write without precondition; delete; create with
 *    If-None-Match: *), sequential or racing;
 *  - outside it (If-Match lists, raw header bytes, a write without
 *    precondition where the profile refuses it, the conditional forms with
 *    If-Unmodified-Since / If-None-Match), which never race and are judged
 *    one at a time by the sequential oracle.
 *
 * Input format (all bytes used modulo their range; decoding never fails):
 *   byte 0            clients K = 1 + (b & 3)
 *   then per operation (at most IFM_FP_MAX_OPS), an opcode byte c:
 *     c & 3           client (mod K)
 *     (c >> 2) & 7    kind: 0 read, 1-3 write (PUT), 4 delete,
 *                     5 create (PUT If-None-Match: *), 6 write,
 *                     7 conditional read (GET, below)
 *     (c >> 5) & 1    race: joins the previous operation's group (only when
 *                     both are in the model, the client is not in the group
 *                     yet; else it starts its own group)
 *   writes and deletes then read a precondition byte p:
 *     p % 8           0 current, 1 stale (arg p >> 3), 2 "*", 3 weak form of
 *                     current, 4 list, 5 raw, 6 none, 7 conditional write
 *                     (below); delete: list, raw and 7 become current
 *   conditional write (p % 8 = 7) then a byte x:
 *     x & 3           If-Match: 0 current, 1 stale (arg p >> 3), 2 none, 3 current
 *     (x >> 2) & 3    If-Unmodified-Since: 0 none, 1 far past (1994),
 *                     2 far future (2099), 3 none
 *     (x >> 4) & 3    If-None-Match: 0 none, 1 current, 2 stale (arg p >> 3), 3 none
 *     (all three none: a plain write without precondition)
 *   conditional read (kind 7) then a byte y:
 *     y & 1           If-None-Match: 0 current, 1 stale (arg y >> 3)
 *     (y >> 1) & 3    If-Match: 0 none, 1 current, 2 stale (arg y >> 3), 3 none
 *   Before the conditional forms kind 7 was a plain read and p % 8 = 7
 *   If-Match current: old inputs using those decode differently (all others
 *   decode the same).
 *     list: a byte L: 1 + (L & 3) elements, (L & 4): one field line per
 *           element (else one line, joined with ", "); then one byte per
 *           element e: e % 6 = 0 current, 1 stale (arg e >> 3), 2 bogus tag
 *           "x<arg>", 3 weak current, 4 current with ASCII case swapped,
 *           5 current wrapped in commas ("a,<opaque>,b": one tag)
 *     raw:  a byte n (n % 33 bytes follow, fewer if the input ends); NUL,
 *           CR and LF become '!', leading and trailing SP, HTAB, VT, FF are cut
 *   A missing byte reads as 0.
 * "current" is the last ETag the fuzzer saw (a read's, or a write's
 * response) when the operation's group starts; stale k is the k-th
 * (mod count) distinct ETag seen before it (none seen: "\"none\"").
 */
#ifndef IFM_FP_LANG_H
#define IFM_FP_LANG_H

#include <stddef.h>
#include <stdint.h>

#include "ifm_buf.h"

#define IFM_FP_MAX_OPS 16
#define IFM_FP_MAX_ELEMS 4
#define IFM_FP_MAX_RAW 32
#define IFM_FP_MAX_CLIENTS 4

typedef enum ifm_fp_kind {
  IFM_FP_READ = 0,
  IFM_FP_WRITE,    /* PUT */
  IFM_FP_DELETE,
  IFM_FP_CREATE    /* PUT If-None-Match: * */
} ifm_fp_kind;

typedef enum ifm_fp_pre {
  IFM_FP_PRE_CURRENT = 0,
  IFM_FP_PRE_STALE,
  IFM_FP_PRE_STAR,
  IFM_FP_PRE_WEAK,
  IFM_FP_PRE_LIST,
  IFM_FP_PRE_RAW,
  IFM_FP_PRE_NONE
} ifm_fp_pre;

typedef enum ifm_fp_el {
  IFM_FP_EL_CURRENT = 0,
  IFM_FP_EL_STALE,
  IFM_FP_EL_BOGUS,
  IFM_FP_EL_WEAK,
  IFM_FP_EL_SWAPCASE,
  IFM_FP_EL_COMMA
} ifm_fp_el;

typedef struct ifm_fp_elem {
  ifm_fp_el kind;
  unsigned arg;          /* stale: which earlier tag; bogus: its number */
} ifm_fp_elem;

typedef struct ifm_fp_op {
  int client;
  ifm_fp_kind kind;
  ifm_fp_pre pre;        /* writes and deletes; IFM_FP_PRE_NONE for reads, creates */
  unsigned arg;          /* stale: which earlier tag */
  int group;             /* ops with the same group race (last-byte release) */
  int lines;             /* list: one field line per element */
  size_t n_elems;
  ifm_fp_elem elems[IFM_FP_MAX_ELEMS];
  size_t raw_len;
  char raw[IFM_FP_MAX_RAW + 1];
  int in_model;          /* judged by the linearizability checker */
  int cond;              /* the conditional form (kind 7 read, write p % 8 = 7):
                          * pre is If-Match current / stale / none, plus: */
  int ius;               /* If-Unmodified-Since: 0 none, 1 far past, 2 far future */
  int inm;               /* If-None-Match: 0 none, 1 current, 2 stale (arg) */
} ifm_fp_op;

typedef struct ifm_fp_prog {
  int clients;
  size_t n_ops;
  ifm_fp_op ops[IFM_FP_MAX_OPS];
  int n_groups;
} ifm_fp_prog;

/* Decodes data (never fails; an empty input is a program with no ops).
 * none_in_model: a write without precondition is in the checker's model
 * (the profile allows it: ifm_fp_oracle_none_in_model); otherwise the
 * profile refuses it and it is judged sequentially. */
void ifm_fp_decode(const uint8_t *data, size_t size, int none_in_model, ifm_fp_prog *p);

/* An input that decodes (with the same none_in_model) into p, for a p
 * that ifm_fp_decode made: decode(encode(p)) == p. Writes at most
 * cap bytes and returns the length the whole encoding needs (like
 * snprintf; at most IFM_FP_ENCODED_MAX). */
#define IFM_FP_ENCODED_MAX (1 + IFM_FP_MAX_OPS * (3 + IFM_FP_MAX_RAW + IFM_FP_MAX_ELEMS))
size_t ifm_fp_encode(const ifm_fp_prog *p, uint8_t *out, size_t cap);

/* The program as text, one operation a line (appended to out). */
void ifm_fp_format(const ifm_fp_prog *p, ifm_buf *out);

/* Appends s[0..n) with bytes outside printable ASCII, and the backslash,
 * as \xNN: how programs and exchanges show header bytes. */
void ifm_fp_put_bytes(ifm_buf *out, const char *s, size_t n);

#endif
