/* fuzz_etag.c: core/ifm_etag.c against the naive reader in ref_etag.c.
 *
 * Input: byte 0 is flags (bit 0: the resource has a representation; bit 1:
 * its current tag is one of the parsed ones, chosen by bits 2-6; bit 7: field
 * lines are split on LF instead of NUL, so both bytes reach the parsers), then
 * up to 64 field lines. Under ASan each line lives in its own exact-size
 * allocation, so any read past its end is seen.
 *
 * Invariants (abort on violation):
 *  - ifm_etag_scan / ifm_etag_parse agree with ref_tag_scan on every line;
 *  - ifm_list_add_line accepts a line iff the line alone and the lines
 *    accepted so far joined with ", " (RFC 9110 5.3) are both "*" / #entity-tag;
 *    after each line the list (star, tags: weak flag and bytes) equals the
 *    reference's; a refused line names itself and leaves the list alone;
 *  - format -> parse round-trips, and format truncates like snprintf;
 *  - strong_eq / weak_eq are byte comparisons; If-Match and If-None-Match
 *    evaluate as RFC 9110 13.1.1 / 13.1.2 say.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_etag.h"
#include "ref_etag.h"

#define MAX_LINES 64

/* Under ASan each line gets its own exact-size copy; otherwise lines point
 * into the input (no allocation: the etag fuzzer is meant to be fast). */
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

#include "fuzz_check.h"


/* FUZZ_WAIVE=star-empty-lines: while that finding is open (README.md,
 * "Findings"), a line of only OWS and commas adds nothing to the combined
 * field, as core has it, so that fuzzing can go on past it. */
static int waive_empty_lines;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *w = getenv("FUZZ_WAIVE");
  (void)argc, (void)argv;
  waive_empty_lines = w && strstr(w, "star-empty-lines");
  return 0;
}

static int blank(const char *s, size_t len) {
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == ',')) len--;
  return len == 0;
}

static int bytes_eq(const void *a, size_t alen, const void *b, size_t blen) {
  return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static void check_same(const ifm_list *l, const ref_field *r) {
  size_t i;
  CHECK(l->star == r->star && l->n == r->n);
  for (i = 0; i < l->n; i++)
    CHECK(l->tags[i].weak == r->tags[i].weak &&
          bytes_eq(l->tags[i].opaque, l->tags[i].len, r->tags[i].p, r->tags[i].len));
}

/* format -> parse gives the tag back; format cuts like snprintf. */
static void check_roundtrip(const ifm_etag *a) {
  size_t need = a->len + 2 + (a->weak ? 2 : 0);
  char small[64], *buf = need < sizeof small ? small : malloc(need + 1);
  ifm_etag back;
  CHECK(buf != NULL);
  CHECK(ifm_etag_format(a, buf, need + 1) == need && buf[need] == '\0');
  CHECK(ifm_etag_parse(buf, need, &back, NULL) == 0);
  CHECK(back.weak == a->weak && bytes_eq(back.opaque, back.len, a->opaque, a->len));
  CHECK(ifm_etag_format(a, buf, need) == need && buf[need - 1] == '\0');
  if (buf != small) free(buf);
}

static void check_eq(const ifm_etag *a, const ifm_etag *b) {
  int same = bytes_eq(a->opaque, a->len, b->opaque, b->len);
  CHECK(!!ifm_etag_weak_eq(a, b) == same);
  CHECK(!!ifm_etag_strong_eq(a, b) == (same && !a->weak && !b->weak));
}

/* One line on its own: the single-tag entry points. */
static void check_line(const char *s, size_t len) {
  ifm_etag t;
  ref_tag r;
  size_t used = 0, rused = 0;
  ifm_perr err = {0, 0, NULL};
  int rc = ifm_etag_scan(s, len, &t, &used, &err), rrc;
  rrc = ref_tag_scan((const unsigned char *)s, len, &r, &rused);
  CHECK(rc == rrc);
  if (rc == 0)
    CHECK(used == rused && t.weak == r.weak && t.opaque == (const char *)r.p && t.len == r.len);
  rc = ifm_etag_parse(s, len, &t, &err);
  CHECK(rc == ((rrc == 0 && rused == len) ? 0 : -1));
  CHECK(rc == 0 || (err.msg != NULL && err.offset <= len));
}

/* If-Match (13.1.1) and If-None-Match (13.1.2) against the tags parsed, the
 * bare "*", and a tag made from the first line's first bytes. */
static void check_eval(const ifm_list *l, uint8_t flags, const char *s, size_t len) {
  ifm_etag other, *current = NULL;
  int has_rep = flags & 1, im = 0, inm = 1;
  size_t i;
  other.weak = (flags >> 2) & 1;
  other.opaque = s;
  other.len = len < 3 ? len : 3;
  for (i = 0; i < l->n; i++) {
    check_roundtrip(&l->tags[i]);
    check_eq(&l->tags[i], &l->tags[(i + 1) % l->n]);
    check_eq(&l->tags[i], &other);
  }
  if (has_rep) current = (flags & 2) && l->n ? &l->tags[(flags >> 2 & 0x1f) % l->n] : &other;
  if (l->star) im = has_rep, inm = !has_rep;
  for (i = 0; current && i < l->n; i++) {
    int same = bytes_eq(l->tags[i].opaque, l->tags[i].len, current->opaque, current->len);
    if (same && !l->tags[i].weak && !current->weak) im = 1;
    if (same) inm = 0;
  }
  CHECK(!!ifm_list_if_match(l, has_rep, current) == im);
  CHECK(!!ifm_list_if_none_match(l, has_rep, current) == inm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *lines[MAX_LINES];
  char *joined, *cand;
  size_t lens[MAX_LINES], n = 0, jlen = 0, clen, i, start, accepted = 0, joined_lines = 0, room;
  uint8_t sep;
  ifm_list l;
  ref_tag *spare;
  ref_field ref, cur = {0, 0, NULL};

  if (size < 1) return 0;
  sep = (data[0] & 0x80) ? '\n' : '\0';
  for (start = i = 1; i <= size && n < MAX_LINES; i++) {
    if (i < size && data[i] != sep) continue;
    lens[n] = i - start;
#ifdef FUZZ_ASAN
    {
      char *copy = malloc(lens[n] ? lens[n] : 1);
      CHECK(copy != NULL);
      if (lens[n]) memcpy(copy, data + start, lens[n]);
      lines[n] = copy;
    }
#else
    lines[n] = (const char *)data + start;
#endif
    n++;
    start = i + 1;
  }
  /* One block: the joined lines, the candidate, two arrays of tags. */
  room = (size + 2 * n + 16) & ~(size_t)15;   /* keeps the tag arrays aligned */
  CHECK((joined = malloc(2 * room + 2 * (room / 2 + 1) * sizeof(ref_tag))) != NULL);
  cand = joined + room;
  cur.tags = (ref_tag *)(void *)(cand + room);
  spare = cur.tags + room / 2 + 1;

  ifm_list_init(&l);
  for (i = 0; i < n; i++) {
    ifm_perr err = {0, 0, NULL};
    int rc, rrc, skip = waive_empty_lines && blank(lines[i], lens[i]);
    check_line(lines[i], lens[i]);
    clen = jlen;                       /* the candidate: accepted lines + this one */
    memcpy(cand, joined, jlen);
    if (joined_lines && !skip) memcpy(cand + clen, ", ", 2), clen += 2;
    if (!skip) memcpy(cand + clen, lines[i], lens[i]), clen += lens[i];
    rrc = ref_field_parse((const unsigned char *)lines[i], lens[i], spare, &ref);
    if (rrc == 0) rrc = ref_field_parse((const unsigned char *)cand, clen, spare, &ref);
    rc = ifm_list_add_line(&l, lines[i], lens[i], &err);
    CHECK(rc == rrc);
    if (rc == 0) {
      spare = cur.tags;
      cur = ref;
      memcpy(joined, cand, clen);
      jlen = clen;
      accepted++;
      joined_lines += !skip;
    } else {
      CHECK(err.line == accepted && err.msg != NULL && err.offset <= lens[i]);
    }
    check_same(&l, &cur);
  }
  check_eval(&l, data[0], lines[0], lens[0]);

  ifm_list_clear(&l);
  free(joined);
#ifdef FUZZ_ASAN
  for (i = 0; i < n; i++) free((char *)lines[i]);
#endif
  return 0;
}
