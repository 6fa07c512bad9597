/* load_test.c: the loader (runner/ifm_load_*.c, ifm_yaml.c, ifm_model.c).
 *
 * A good case file must load into exactly the model it describes; every
 * broken file of tests/data/load/ must be refused with its message at the
 * position worked out by reading the file (the table below); targets,
 * profiles and suites (directory walking, unique IDs) are checked on files
 * written here or shipped with the project.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ifm_catalogue.h"
#include "ifm_load.h"
#include "ifm_test.h"

/* ---- helpers ---- */

static const char *src_dir(void) {
  const char *d = getenv("IFM_SOURCE_DIR");
  return d && *d ? d : "..";
}

static char *src_path(const char *rel) {
  static char buf[4][1024];
  static int k;
  char *p = buf[k++ % 4];
  snprintf(p, sizeof buf[0], "%s/%s", src_dir(), rel);
  return p;
}

/* 1 when some message starts with prefix and contains sub. */
static int has_error(const ifm_errors *e, const char *prefix, const char *sub) {
  size_t i;
  for (i = 0; i < e->n; i++)
    if (strncmp(e->msgs[i], prefix, strlen(prefix)) == 0 && strstr(e->msgs[i], sub)) return 1;
  return 0;
}

static void dump_errors(const ifm_errors *e) {
  size_t i;
  for (i = 0; i < e->n; i++) printf("#   %s\n", e->msgs[i]);
}

static int write_file(const char *path, const char *text, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  if (len && fwrite(text, 1, len, f) != len) {
    fclose(f);
    return -1;
  }
  return fclose(f);
}

static int mkdirs(const char *base, const char *rel) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", base, rel);
  return mkdir(p, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static int put(const char *base, const char *rel, const char *text) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", base, rel);
  return write_file(p, text, strlen(text));
}

static void rm_tree(const char *path) {
  struct stat st;
  struct dirent *de;
  DIR *d;
  if (lstat(path, &st) != 0) return;
  if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
    while ((de = readdir(d)) != NULL) {
      char p[1024];
      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
      snprintf(p, sizeof p, "%s/%s", path, de->d_name);
      rm_tree(p);
    }
    closedir(d);
    rmdir(path);
    return;
  }
  unlink(path);
}

static int load_case_text(const char *text, const char *const *extra, size_t n_extra, ifm_case_file *f,
                          ifm_errors *err) {
  return ifm_load_case_buffer("mem.yaml", text, strlen(text), extra, n_extra, f, err);
}

/* ---- a good case file ---- */

static const char good_case[] =
    "cases:\n"                                                                  /* 1 */
    "  - id: GOOD-1\n"                                                          /* 2 */
    "    requirement: IM-LIST-LINES\n"                                          /* 3 */
    "    title: Several If-Match lines are one list\n"                          /* 4 */
    "    level: SHOULD\n"                                                       /* 5 */
    "    profiles: [rfc9110, cpp]\n"                                            /* 6 */
    "    when: {missing_if_match: \"2xx\", malformed: [400, 412]}\n"            /* 7 */
    "    needs: [patch, delete]\n"                                              /* 8 */
    "    steps:\n"                                                              /* 9 */
    "      - create: {body: \"v1-{{uniq}}\"}\n"                                 /* 10 */
    "        capture: {e1: header.ETag, b1: body, s1: status}\n"                /* 11 */
    "        expect: {status: 2xx}\n"                                           /* 12 */
    "      - update:\n"                                                         /* 13 */
    "          body: 412\n"                                                     /* 14 */
    "          if_match: ['\"zz\"', \"{{e1}}\", \"\"]\n"                        /* 15 */
    "          headers: [[X-A, \"1\"], [X-A, \"2\"]]\n"                         /* 16 */
    "          if_none_match: \"*\"\n"                                          /* 17 */
    "        expect:\n"                                                         /* 18 */
    "          status: [412, \"2xx\"]\n"                                        /* 19 */
    "          header.ETag: {not: \"{{e1}}\"}\n"                                /* 20 */
    "          header.X-Gone: {absent: true}\n"                                 /* 21 */
    "          body: {contains: \"{{b1|opaque}}\"}\n"                           /* 22 */
    "      - request: {method: PATCH, path: \"{{fresh}}\", headers: {Content-Type: text/plain}}\n"
    "        expect: {status: {profile: mismatch}, header.etag: {etag: true}}\n"
    "      - parallel:\n"                                                       /* 25 */
    "          clients: 32\n"
    "          release: last-byte\n"
    "          rounds: 3\n"
    "          stop_on_violation: true\n"
    "          do:\n"                                                           /* 30 */
    "            - update: {body: \"w{{client}}\", if_match: \"{{e1}}\"}\n"
    "            - read: {}\n"
    "        expect:\n"
    "          count: {\"2xx\": 1, \"412\": rest}\n"
    "          linearizable: true\n"                                            /* 35 */
    "  - id: GOOD-2\n"
    "    requirement: IM-STALE-412\n"
    "    title: minimal\n"
    "    level: MUST\n"
    "    steps:\n"                                                              /* 40 */
    "      - delete: {}\n";

static void test_good_case_header(void) {
  ifm_errors err = {0};
  ifm_case_file f;
  const ifm_case *c;
  int rc = load_case_text(good_case, NULL, 0, &f, &err);
  if (rc != 0) dump_errors(&err);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(err.n, 0);
  ASSERT_STREQ(f.path, "mem.yaml");
  ASSERT_EQ(f.n_cases, 2);
  c = &f.cases[0];
  ASSERT(c->file == &f);
  ASSERT_STREQ(c->id, "GOOD-1");
  ASSERT_STREQ(c->requirement, "IM-LIST-LINES");
  ASSERT_STREQ(c->title, "Several If-Match lines are one list");
  ASSERT_STREQ(c->spec, ifm_catalogue_find("IM-LIST-LINES")->spec);   /* the default */
  ASSERT_EQ(c->level, IFM_SHOULD);
  ASSERT_EQ(c->pos.line, 2);
  ASSERT_EQ(c->pos.col, 5);
  ASSERT_STREQ(c->pos.file, "mem.yaml");
  ASSERT_EQ(c->n_profiles, 2);
  ASSERT_STREQ(c->profiles[1], "cpp");
  ASSERT_EQ(c->n_when, 2);
  ASSERT_STREQ(c->when[0].key, "missing_if_match");
  ASSERT_STREQ(c->when[0].want.text, "2xx");          /* stored parsed: a class ... */
  ASSERT_EQ(c->when[0].want.classes, 1u << 2);
  ASSERT_EQ(c->when[0].negate, 0);
  ASSERT_STREQ(c->when[1].key, "malformed");
  ASSERT_STREQ(c->when[1].want.text, "[400, 412]");   /* ... and a list of codes */
  ASSERT_EQ(c->when[1].want.n_codes, 2);
  ASSERT_EQ(c->when[1].want.codes[1], 412);
  ASSERT_EQ(c->n_needs, 2);
  ASSERT_STREQ(c->needs[0], "patch");
  ASSERT_EQ(c->n_steps, 4);
  c = &f.cases[1];
  ASSERT_STREQ(c->spec, "RFC 9110 13.1.1, 13.2.2");
  ASSERT_EQ(c->level, IFM_MUST);
  ASSERT_EQ(c->n_steps, 1);
  ASSERT_EQ(c->steps[0].req.op, IFM_OP_DELETE);
  ASSERT_EQ(c->steps[0].req.has_body, 0);
  ASSERT_EQ(c->steps[0].expect.has_status, 0);
  ifm_case_file_clear(&f);
  ASSERT(f.cases == NULL && f.path == NULL);
  ifm_errors_free(&err);
}

static void test_good_case_steps(void) {
  ifm_errors err = {0};
  ifm_case_file f;
  const ifm_step *st;
  const ifm_kv *h;
  ASSERT_EQ(load_case_text(good_case, NULL, 0, &f, &err), 0);
  st = f.cases[0].steps;

  /* step 1: create, three captures, a class */
  ASSERT_EQ(st[0].pos.line, 10);
  ASSERT_EQ(st[0].pos.col, 9);
  ASSERT_EQ(st[0].is_parallel, 0);
  ASSERT_EQ(st[0].req.op, IFM_OP_CREATE);
  ASSERT(st[0].req.method == NULL && st[0].req.path == NULL);
  ASSERT_EQ(st[0].req.has_body, 1);
  ASSERT_STREQ(st[0].req.body, "v1-{{uniq}}");
  ASSERT_EQ(st[0].n_captures, 3);
  ASSERT_STREQ(st[0].captures[0].var, "e1");
  ASSERT_EQ(st[0].captures[0].src, IFM_CAP_HEADER);
  ASSERT_STREQ(st[0].captures[0].header, "etag");
  ASSERT_EQ(st[0].captures[1].src, IFM_CAP_BODY);
  ASSERT_EQ(st[0].captures[2].src, IFM_CAP_STATUS);
  ASSERT_EQ(st[0].captures[2].pos.line, 11);
  ASSERT_EQ(st[0].expect.has_status, 1);
  ASSERT_EQ(st[0].expect.status.classes, 1u << 2);
  ASSERT_EQ(st[0].expect.status.n_codes, 0);
  ASSERT_STREQ(st[0].expect.status.text, "2xx");

  /* step 2: field lines in document order, If-Match repeated */
  ASSERT_EQ(st[1].req.op, IFM_OP_UPDATE);
  ASSERT_STREQ(st[1].req.body, "412");
  ASSERT_EQ(st[1].req.n_headers, 6);
  h = st[1].req.headers;
  ASSERT_STREQ(h[0].name, "If-Match");
  ASSERT_STREQ(h[0].value, "\"zz\"");
  ASSERT_STREQ(h[1].name, "If-Match");
  ASSERT_STREQ(h[1].value, "{{e1}}");
  ASSERT_STREQ(h[2].name, "If-Match");
  ASSERT_STREQ(h[2].value, "");
  ASSERT_EQ(h[2].pos.line, 15);
  ASSERT_STREQ(h[3].name, "X-A");
  ASSERT_STREQ(h[3].value, "1");
  ASSERT_STREQ(h[4].value, "2");
  ASSERT_STREQ(h[5].name, "If-None-Match");
  ASSERT_STREQ(h[5].value, "*");
  ASSERT_EQ(st[1].expect.status.n_codes, 1);
  ASSERT_EQ(st[1].expect.status.codes[0], 412);
  ASSERT_EQ(st[1].expect.status.classes, 1u << 2);
  ASSERT_STREQ(st[1].expect.status.text, "[412, 2xx]");
  ASSERT_EQ(st[1].expect.n_items, 3);
  ASSERT_EQ(st[1].expect.items[0].is_body, 0);
  ASSERT_STREQ(st[1].expect.items[0].name, "etag");
  ASSERT_EQ(st[1].expect.items[0].match, IFM_M_NOT);
  ASSERT_STREQ(st[1].expect.items[0].value, "{{e1}}");
  ASSERT_EQ(st[1].expect.items[0].pos.line, 20);
  ASSERT_STREQ(st[1].expect.items[1].name, "x-gone");
  ASSERT_EQ(st[1].expect.items[1].match, IFM_M_ABSENT);
  ASSERT(st[1].expect.items[1].value == NULL);
  ASSERT_EQ(st[1].expect.items[2].is_body, 1);
  ASSERT_EQ(st[1].expect.items[2].match, IFM_M_CONTAINS);
  ASSERT_STREQ(st[1].expect.items[2].value, "{{b1|opaque}}");

  /* step 3: a raw request, a profile status */
  ASSERT_EQ(st[2].req.op, IFM_OP_REQUEST);
  ASSERT_STREQ(st[2].req.method, "PATCH");
  ASSERT_STREQ(st[2].req.path, "{{fresh}}");
  ASSERT_EQ(st[2].req.n_headers, 1);
  ASSERT_STREQ(st[2].req.headers[0].name, "Content-Type");
  ASSERT_STREQ(st[2].expect.status.profile_key, "mismatch");
  ASSERT_STREQ(st[2].expect.status.text, "profile mismatch");
  ASSERT_EQ(st[2].expect.items[0].match, IFM_M_ETAG);

  /* step 4: parallel */
  ASSERT_EQ(st[3].is_parallel, 1);
  ASSERT_EQ(st[3].par.clients, 32);
  ASSERT_EQ(st[3].par.release, IFM_RELEASE_LAST_BYTE);
  ASSERT_EQ(st[3].par.rounds, 3);
  ASSERT_EQ(st[3].par.stop_on_violation, 1);
  ASSERT_EQ(st[3].par.n_ops, 2);
  ASSERT_EQ(st[3].par.ops[0].op, IFM_OP_UPDATE);
  ASSERT_STREQ(st[3].par.ops[0].body, "w{{client}}");
  ASSERT_EQ(st[3].par.ops[0].n_headers, 1);
  ASSERT_STREQ(st[3].par.ops[0].headers[0].value, "{{e1}}");
  ASSERT_EQ(st[3].par.ops[1].op, IFM_OP_READ);
  ASSERT_EQ(st[3].par.n_counts, 2);
  ASSERT_EQ(st[3].par.counts[0].status.classes, 1u << 2);
  ASSERT_EQ(st[3].par.counts[0].count, 1);
  ASSERT_EQ(st[3].par.counts[1].status.codes[0], 412);
  ASSERT_EQ(st[3].par.counts[1].count, -1);
  ASSERT_EQ(st[3].par.counts[1].pos.line, 34);
  ASSERT_EQ(st[3].par.linearizable, 1);
  ASSERT_EQ(st[3].n_captures, 0);
  ifm_case_file_clear(&f);
  ifm_errors_free(&err);
}

static void test_parallel_defaults(void) {
  static const char text[] =
      "cases:\n"
      "  - id: P\n"
      "    requirement: IM-RACE-ONE-WINNER\n"
      "    title: t\n"
      "    level: MUST\n"
      "    steps:\n"
      "      - parallel: {clients: 1, do: {update: {body: x}}}\n";
  ifm_errors err = {0};
  ifm_case_file f;
  ASSERT_EQ(load_case_text(text, NULL, 0, &f, &err), 0);
  ASSERT_EQ(f.cases[0].steps[0].par.rounds, 1);
  ASSERT_EQ(f.cases[0].steps[0].par.release, IFM_RELEASE_NONE);
  ASSERT_EQ(f.cases[0].steps[0].par.n_ops, 1);
  ASSERT_EQ(f.cases[0].steps[0].par.linearizable, 0);
  ifm_case_file_clear(&f);
  ifm_errors_free(&err);
}

static void test_extra_vars(void) {
  static const char text[] =
      "cases:\n"
      "  - id: V\n"
      "    requirement: IM-STALE-412\n"
      "    title: t\n"
      "    level: MUST\n"
      "    steps:\n"
      "      - read: {path: \"/x/{{token}}\"}\n";
  static const char *const extra[] = {"token"};
  ifm_errors err = {0};
  ifm_case_file f;
  ASSERT_EQ(load_case_text(text, NULL, 0, &f, &err), -1);
  ASSERT(has_error(&err, "mem.yaml:7:26: ", "unknown variable"));
  ASSERT(f.cases == NULL && f.n_cases == 0 && f.path == NULL);
  ifm_errors_free(&err);
  ASSERT_EQ(load_case_text(text, extra, 1, &f, &err), 0);
  ASSERT_STREQ(f.cases[0].steps[0].req.path, "/x/{{token}}");
  ifm_case_file_clear(&f);
  ifm_errors_free(&err);
}

/* Several independent mistakes in one file: all of them are reported. */
static void test_collects_errors(void) {
  static const char text[] =
      "cases:\n"
      "  - id: A\n"
      "    requirement: IM-NOPE\n"
      "    title: 1\n"
      "    level: MUSTN'T\n"
      "    steps:\n"
      "      - read: {}\n"
      "        expect: {status: 999}\n"
      "      - {}\n";
  ifm_errors err = {0};
  ifm_case_file f;
  ASSERT_EQ(load_case_text(text, NULL, 0, &f, &err), -1);
  if (err.n < 5) dump_errors(&err);
  ASSERT_EQ(err.n, 5);
  ASSERT(has_error(&err, "mem.yaml:3:18: ", "unknown requirement"));
  ASSERT(has_error(&err, "mem.yaml:4:12: ", "expected a string"));
  ASSERT(has_error(&err, "mem.yaml:5:12: ", "unknown level"));
  ASSERT(has_error(&err, "mem.yaml:8:26: ", "out of range"));
  ASSERT(has_error(&err, "mem.yaml:9:9: ", "needs one operation"));
  ifm_errors_free(&err);
}

/* Every prefix of a good file: loads or is refused, never crashes or leaks
 * (run under ASan), and a refusal leaves nothing behind. */
static void test_truncations(void) {
  size_t len = strlen(good_case), i, ok = 0;
  for (i = 0; i <= len; i++) {
    ifm_errors err = {0};
    ifm_case_file f;
    char *copy = malloc(i + 1);
    int rc;
    ASSERT(copy != NULL);
    memcpy(copy, good_case, i);
    copy[i] = '\0';
    rc = ifm_load_case_buffer("cut.yaml", copy, i, NULL, 0, &f, &err);
    free(copy);
    if (rc == 0) {
      ok++;
      ASSERT_EQ(err.n, 0);
      ifm_case_file_clear(&f);
    } else {
      ASSERT(err.n > 0);
      ASSERT(f.cases == NULL && f.path == NULL);
      ASSERT_CONTAINS(err.msgs[0], "cut.yaml:");
    }
    ifm_errors_free(&err);
  }
  ASSERT_GE(ok, 2);
}

static void test_oversized(void) {
  ifm_errors err = {0};
  ifm_case_file f;
  ifm_suite s;
  const char *paths[1];
  char dir[] = "/tmp/ifm-load-XXXXXX", path[256];
  size_t n = IFM_LOAD_MAX_BYTES + 1;
  char *big = malloc(n);
  ASSERT(big != NULL);
  memset(big, '#', n);
  ASSERT_EQ(ifm_load_case_buffer("big.yaml", big, n, NULL, 0, &f, &err), -1);
  ASSERT(has_error(&err, "big.yaml:1:1: ", "file too large"));
  ifm_errors_free(&err);
  ASSERT(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/big.yaml", dir);
  ASSERT_EQ(write_file(path, big, n), 0);
  free(big);
  paths[0] = path;
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  ASSERT_CONTAINS(err.n ? err.msgs[0] : "", ":1:1: file too large");
  ASSERT(s.files == NULL && s.n_files == 0);
  ifm_errors_free(&err);
  rm_tree(dir);
}

/* ---- the broken-file corpus ---- */

typedef enum kind { K_CASE, K_TARGET, K_PROFILE } kind;

typedef struct broken {
  const char *file;
  kind kind;
  int line, col;
  const char *msg;
} broken;

static const broken corpus[] = {
    {"c-unknown-key.yaml", K_CASE, 6, 5, "unknown key 'colour' (expected one of: id, requirement, title,"},
    {"c-list-for-map.yaml", K_CASE, 7, 15, "read: expected a mapping, got a list"},
    {"c-number-for-string.yaml", K_CASE, 4, 12, "title: expected a string, got a number"},
    {"c-anchor.yaml", K_CASE, 4, 12, "anchors are not allowed ('&t')"},
    {"c-alias.yaml", K_CASE, 6, 11, "aliases are not allowed ('*t')"},
    {"c-duplicate-key.yaml", K_CASE, 6, 5, "duplicate key 'title' (first at line 4, column 5)"},
    {"c-empty.yaml", K_CASE, 1, 1, "empty file"},
    {"c-comments-only.yaml", K_CASE, 1, 1, "empty file"},
    {"c-no-op.yaml", K_CASE, 7, 9, "a step needs one operation (one of: create, read, update, patch, delete, request, parallel)"},
    {"c-two-ops.yaml", K_CASE, 8, 9, "a step has exactly one operation: 'read' and 'delete'"},
    {"c-request-no-method.yaml", K_CASE, 7, 9, "a raw request needs a 'method'"},
    {"c-bad-level.yaml", K_CASE, 5, 12, "unknown level 'must' (expected one of: MUST, SHOULD, MAY)"},
    {"c-unknown-requirement.yaml", K_CASE, 3, 18, "unknown requirement 'IM-NOPE'"},
    {"c-status-range.yaml", K_CASE, 8, 26, "status code 600 is out of range (100-599)"},
    {"c-status-class.yaml", K_CASE, 8, 26, "bad status class '7xx' (expected 1xx to 5xx)"},
    {"c-status-empty.yaml", K_CASE, 8, 26, "an empty list accepts nothing"},
    {"c-unknown-capability.yaml", K_CASE, 6, 21, "unknown capability 'teleport' (expected one of: patch,"},
    {"c-unknown-profile-key.yaml", K_CASE, 8, 36, "unknown profile key 'nope' (expected one of: missing_if_match,"},
    {"c-when-key.yaml", K_CASE, 6, 12, "unknown profile key 'nope'"},
    {"c-count-negative.yaml", K_CASE, 11, 26, "count: -1 is out of range"},
    {"c-count-word.yaml", K_CASE, 11, 26, "count: expected a number of responses or 'rest', got a string"},
    {"c-rest-twice.yaml", K_CASE, 11, 39, "only one status set can take the rest"},
    {"c-count-sequential.yaml", K_CASE, 8, 18, "unknown key 'count' (expected one of: status, body, header.<name>)"},
    {"c-bad-bool.yaml", K_CASE, 11, 25, "linearizable: expected true or false, got a string"},
    {"c-clients-range.yaml", K_CASE, 8, 20, "clients: 5000 is out of range (1 to 4096)"},
    {"c-clients-zero.yaml", K_CASE, 8, 20, "clients: 0 is out of range (1 to 4096)"},
    {"c-release-mode.yaml", K_CASE, 9, 20, "unknown release mode 'first-byte' (expected one of: none, last-byte)"},
    {"c-do-two-ops.yaml", K_CASE, 9, 27, "a step has exactly one operation: 'read' and 'delete'"},
    {"c-header-name.yaml", K_CASE, 7, 26, "invalid header field name 'Bad Name'"},
    {"c-template-syntax.yaml", K_CASE, 7, 26, "'{{' without a closing '}}'"},
    {"c-unknown-var.yaml", K_CASE, 7, 40, "bad template '{{e9}}': unknown variable"},
    {"c-capture-same-step.yaml", K_CASE, 9, 32, "bad template '{{e1}}': unknown variable"},
    {"c-dup-id.yaml", K_CASE, 8, 5, "duplicate case id 'same' (first defined at "},
    {"c-parse-error.yaml", K_CASE, 4, 13, "mapping values are not allowed"},
    {"c-two-docs.yaml", K_CASE, 2, 1, "only one YAML document"},
    {"c-tag.yaml", K_CASE, 4, 12, "tags are not allowed ('!!str')"},
    {"c-not-mapping.yaml", K_CASE, 1, 1, "case file: expected a mapping, got a list"},
    {"c-missing-id.yaml", K_CASE, 2, 5, "case: missing required key 'id'"},
    {"c-if-match-map.yaml", K_CASE, 7, 28, "if_match: expected a string or a non-empty list of strings, got a mapping"},
    {"c-capture-source.yaml", K_CASE, 8, 23, "capture: unknown source 'etag'"},
    {"c-capture-builtin.yaml", K_CASE, 8, 19, "capture: 'path' is a built-in variable"},
    {"c-matcher.yaml", K_CASE, 8, 32, "unknown matcher 'equals' (expected one of: not, contains, absent, present, etag)"},
    {"c-absent-false.yaml", K_CASE, 8, 40, "absent: only 'true' is meaningful"},
    {"c-patch-needs.yaml", K_CASE, 7, 9, "must list 'patch' in its needs"},
    {"c-nul.yaml", K_CASE, 4, 12, "title: a NUL byte is not allowed"},
    {"c-deep.yaml", K_CASE, 4, 73, "nesting deeper than 64 levels"},
    {"c-steps-empty.yaml", K_CASE, 6, 12, "steps: a case needs at least one step"},
    {"c-bad-id.yaml", K_CASE, 2, 9, "id: 'has space' is not a case id"},
    {"c-utf8.yaml", K_CASE, 1, 8, "invalid leading UTF-8 octet"},
    {"t-unknown-cap.yaml", K_TARGET, 3, 23, "unknown capability 'teleport'"},
    {"t-env-unset.yaml", K_TARGET, 4, 26, "environment variable IFM_LOAD_TEST_UNSET is not set"},
    {"t-bad-url.yaml", K_TARGET, 2, 11, "base_url: expected http://"},
    {"t-override-key.yaml", K_TARGET, 3, 21, "unknown profile key 'nope'"},
    {"t-unknown-key.yaml", K_TARGET, 3, 1, "unknown key 'timeout_ms' (expected one of: name, base_url,"},
    {"t-op-unknown.yaml", K_TARGET, 3, 14, "unknown key 'merge' (expected one of: create, read, update, patch, delete)"},
    {"t-extract-bad.yaml", K_TARGET, 4, 32, "extract: not a POSIX extended regular expression"},
    {"t-extract-group.yaml", K_TARGET, 4, 32, "extract: needs a group"},
    {"t-setup-no-method.yaml", K_TARGET, 4, 5, "setup request: missing required key 'method'"},
    {"t-http-version.yaml", K_TARGET, 3, 15, "unknown http_version '3' (expected one of: 1.1, h2c, h2)"},
    {"t-bad-template.yaml", K_TARGET, 3, 14, "resource: bad template '{{nope}}': unknown variable (a target file knows"},
    {"t-timeout.yaml", K_TARGET, 3, 10, "timeout: 0 is out of range"},
    {"t-header-pair.yaml", K_TARGET, 3, 11, "headers: expected a [name, value] pair"},
    {"p-missing-key.yaml", K_PROFILE, 3, 3, "every profile defines every key; missing: star_on_missing, mismatch,"},
    {"p-unknown-key.yaml", K_PROFILE, 12, 3, "unknown profile key 'teapot'"},
    {"p-status-class.yaml", K_PROFILE, 3, 13, "bad status class '7xx'"},
    {"p-profile-ref.yaml", K_PROFILE, 3, 13, "status: expected a code (412), a class (\"2xx\") or a list, got a mapping"},
};

#define N_CORPUS (sizeof corpus / sizeof corpus[0])

static int load_broken(const broken *b, const char *path, ifm_errors *err) {
  if (b->kind == K_CASE) {
    ifm_suite s;
    int rc = ifm_load_suite(&path, 1, NULL, 0, &s, err);
    if (rc == 0 || s.files || s.n_files) return rc == 0 ? 0 : 1;
    return -1;
  }
  if (b->kind == K_TARGET) {
    ifm_target t;
    int rc = ifm_load_target(path, &t, err);
    if (rc == 0 || t.name || t.base_url || t.resource) return rc == 0 ? 0 : 1;
    return -1;
  }
  {
    ifm_profile p;
    int rc = ifm_load_profile(path, NULL, &p, err);
    if (rc == 0 || p.name || p.entries || p.path) return rc == 0 ? 0 : 1;
    return -1;
  }
}

static void test_broken_corpus(void) {
  size_t i, failures = 0;
  unsetenv("IFM_LOAD_TEST_UNSET");
  ASSERT_GE(N_CORPUS, 25);
  for (i = 0; i < N_CORPUS; i++) {
    const broken *b = &corpus[i];
    ifm_errors err = {0};
    char prefix[1200];
    const char *path = src_path("tests/data/load/");
    char full[1100];
    int rc;
    snprintf(full, sizeof full, "%s%s", path, b->file);
    snprintf(prefix, sizeof prefix, "%s:%d:%d: ", full, b->line, b->col);
    rc = load_broken(b, full, &err);
    if (rc != -1 || !has_error(&err, prefix, b->msg)) {
      printf("# %s: rc %d (want -1 and an emptied result); want \"%s%s\", got:\n", b->file, rc, prefix, b->msg);
      dump_errors(&err);
      failures++;
    }
    ifm_errors_free(&err);
  }
  ASSERT_EQ(failures, 0);
}

/* Every file of the corpus is in the table, so none goes unchecked. */
static void test_corpus_listed(void) {
  const char *dir = src_path("tests/data/load");
  struct dirent *de;
  size_t i, unlisted = 0, seen = 0;
  DIR *d = opendir(dir);
  ASSERT(d != NULL);
  while ((de = readdir(d)) != NULL) {
    size_t n = strlen(de->d_name);
    int found = 0;
    if (n < 5 || strcmp(de->d_name + n - 5, ".yaml") != 0) continue;
    seen++;
    for (i = 0; i < N_CORPUS && !found; i++) found = strcmp(corpus[i].file, de->d_name) == 0;
    if (!found) printf("# %s is not in the corpus table\n", de->d_name), unlisted++;
  }
  closedir(d);
  ASSERT_EQ(unlisted, 0);
  ASSERT_EQ(seen, N_CORPUS);
}

/* ---- targets ---- */

static void test_target_defaults(void) {
  static const char text[] = "base_url: http://127.0.0.1:8080\n";
  ifm_errors err = {0};
  ifm_target t;
  ASSERT_EQ(ifm_load_target_buffer("targets/mini.yaml", text, strlen(text), &t, &err), 0);
  ASSERT_STREQ(t.name, "mini");
  ASSERT_STREQ(t.path, "targets/mini.yaml");
  ASSERT_STREQ(t.base_url, "http://127.0.0.1:8080");
  ASSERT_STREQ(t.resource, "/ifm/{{run}}/{{case}}/{{n}}");
  ASSERT_STREQ(t.collection, "/ifm/{{run}}/{{case}}/");
  ASSERT_STREQ(t.profile, "rfc9110");
  ASSERT_STREQ(t.case_header, "X-Ifmatch-Case");
  ASSERT(t.timeout_s == 10.0);
  ASSERT_EQ(t.tls_verify, 1);
  ASSERT_EQ(t.http_version, IFM_HTTP_1_1);
  ASSERT_EQ(t.n_secrets, 0);
  ASSERT_EQ(t.n_headers, 0);
  ASSERT_EQ(t.ops[IFM_OP_CREATE].defined, 1);
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].method, "PUT");
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].path, "{{path}}");
  ASSERT_EQ(t.ops[IFM_OP_CREATE].n_headers, 1);
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].headers[0].name, "Content-Type");
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].headers[0].value, "text/plain");
  ASSERT_STREQ(t.ops[IFM_OP_READ].method, "GET");
  ASSERT_EQ(t.ops[IFM_OP_READ].n_headers, 0);
  ASSERT_STREQ(t.ops[IFM_OP_UPDATE].method, "PUT");
  ASSERT_STREQ(t.ops[IFM_OP_PATCH].method, "PATCH");
  ASSERT_STREQ(t.ops[IFM_OP_DELETE].method, "DELETE");
  ASSERT(t.ops[IFM_OP_READ].body == NULL);
  ASSERT_EQ(t.ops[IFM_OP_REQUEST].defined, 0);
  ASSERT_EQ(ifm_target_has_capability(&t, "patch"), 0);
  ifm_target_free(&t);
  ASSERT(t.name == NULL && t.ops[0].method == NULL);
  ifm_errors_free(&err);
}

static int has_secret(const ifm_target *t, const char *v) {
  size_t i;
  for (i = 0; i < t->n_secrets; i++)
    if (strcmp(t->secrets[i], v) == 0) return 1;
  return 0;
}

static const char env_target[] =
    "name: envy\n"
    "base_url: \"http://${env:IFM_LOAD_TEST_HOST}:8080\"\n"
    "headers:\n"
    "  Authorization: \"Bearer ${env:IFM_LOAD_TEST_TOKEN}\"\n"
    "  X-Api-Key: k-123\n"
    "  X-Plain: hello\n"
    "secrets: [x-api-key]\n"
    "profile: cpp\n"
    "profile_overrides:\n"
    "  missing_if_match: [409]\n"
    "operations:\n"
    "  create: {method: POST, path: \"{{collection}}\"}\n"
    "  update: {headers: [[Content-Type, application/json], [X-B, \"{{body}}\"]]}\n"
    "  delete: {method: DELETE, path: \"{{path}}\", headers: {Cookie: \"c=1\"}}\n"
    "capabilities: [patch, delete]\n"
    "timeout: 2.5\n"
    "http_version: h2c\n"
    "tls: {verify: false, ca_file: /tmp/ca.pem}\n"
    "case_header: \"\"\n";

static void test_target_env_secrets(void) {
  ifm_errors err = {0};
  ifm_target t;
  setenv("IFM_LOAD_TEST_HOST", "127.0.0.1", 1);
  setenv("IFM_LOAD_TEST_TOKEN", "s3cr{{t", 1);
  ASSERT_EQ(ifm_load_target_buffer("env.yaml", env_target, strlen(env_target), &t, &err), 0);
  ASSERT_STREQ(t.base_url, "http://127.0.0.1:8080");
  ASSERT_EQ(t.n_headers, 3);
  ASSERT_STREQ(t.headers[0].value, "Bearer s3cr{{{{t");   /* "{{" of a value escaped for the template */
  ASSERT_EQ(t.headers[0].pos.line, 4);
  ASSERT(has_secret(&t, "127.0.0.1"));
  ASSERT(has_secret(&t, "s3cr{{t"));
  ASSERT(has_secret(&t, "Bearer s3cr{{t"));
  ASSERT(has_secret(&t, "k-123"));
  ASSERT(has_secret(&t, "c=1"));
  ASSERT(!has_secret(&t, "hello"));
  ASSERT_EQ(t.n_secrets, 5);
  ASSERT_STREQ(t.profile, "cpp");
  ASSERT_EQ(t.n_overrides, 1);
  ASSERT_STREQ(t.overrides[0].key, "missing_if_match");
  ASSERT_EQ(t.overrides[0].status.codes[0], 409);
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].method, "POST");
  ASSERT_STREQ(t.ops[IFM_OP_CREATE].path, "{{collection}}");
  ASSERT_EQ(t.ops[IFM_OP_CREATE].n_headers, 1);       /* the default Content-Type stays */
  ASSERT_STREQ(t.ops[IFM_OP_UPDATE].method, "PUT");
  ASSERT_EQ(t.ops[IFM_OP_UPDATE].n_headers, 2);
  ASSERT_STREQ(t.ops[IFM_OP_UPDATE].headers[0].value, "application/json");
  ASSERT_STREQ(t.ops[IFM_OP_UPDATE].headers[1].value, "{{body}}");
  ASSERT_EQ(t.ops[IFM_OP_DELETE].n_headers, 1);
  ASSERT(t.timeout_s == 2.5);
  ASSERT_EQ(t.http_version, IFM_HTTP_H2C);
  ASSERT_EQ(t.tls_verify, 0);
  ASSERT_STREQ(t.ca_file, "/tmp/ca.pem");
  ASSERT_STREQ(t.case_header, "");
  ASSERT_EQ(ifm_target_has_capability(&t, "delete"), 1);
  ASSERT_EQ(ifm_target_has_capability(&t, "ranges"), 0);
  ifm_target_free(&t);
  ifm_errors_free(&err);

  /* unset: refused at the position of ${env:...} inside the quoted value */
  unsetenv("IFM_LOAD_TEST_TOKEN");
  ASSERT_EQ(ifm_load_target_buffer("env.yaml", env_target, strlen(env_target), &t, &err), -1);
  ASSERT(has_error(&err, "env.yaml:4:26: ", "environment variable IFM_LOAD_TEST_TOKEN is not set"));
  ASSERT(t.name == NULL && t.secrets == NULL && t.headers == NULL);
  ifm_errors_free(&err);
  unsetenv("IFM_LOAD_TEST_HOST");
}

static void test_reference_target(void) {
  ifm_errors err = {0};
  ifm_target t;
  size_t i;
  int rc = ifm_load_target(src_path("targets/reference.yaml"), &t, &err);
  if (rc != 0) dump_errors(&err);
  ASSERT_EQ(rc, 0);
  ASSERT_STREQ(t.name, "reference");
  ASSERT_STREQ(t.base_url, "http://127.0.0.1:0");
  ASSERT_STREQ(t.profile, "rfc9110");
  ASSERT_STREQ(t.resource, "/ifm/{{run}}/{{case}}/{{n}}");
  ASSERT_EQ(t.n_capabilities, 11);
  ASSERT(ifm_target_has_capability(&t, "no_etag_resource"));
  /* the reference server answers TRACE with 405: it does not serve it */
  ASSERT(!ifm_target_has_capability(&t, "trace"));
  for (i = 0; i < t.n_headers; i++) ASSERT(strcmp(t.headers[i].name, "Authorization") != 0);
  ASSERT_EQ(t.n_secrets, 0);
  ifm_target_free(&t);
  ifm_errors_free(&err);
}

/* ---- profiles and status specs ---- */

static const char *const profile_keys[] = {
    "missing_if_match", "star_on_missing", "mismatch",         "malformed", "empty_value",
    "replay",           "missing_resource", "oversized_header", "write_ok",
};

static void test_profiles_real(void) {
  static const char *const names[] = {"rfc9110", "rfc9110-428", "cpp"};
  static const int missing[] = {204, 428, 400};
  size_t i, k;
  for (i = 0; i < 3; i++) {
    ifm_errors err = {0};
    ifm_profile p;
    int rc = ifm_load_profile(names[i], src_path("cases/profiles"), &p, &err);
    if (rc != 0) dump_errors(&err);
    ASSERT_EQ(rc, 0);
    ASSERT_STREQ(p.name, names[i]);
    ASSERT(p.description != NULL);
    ASSERT_EQ(p.n_entries, sizeof profile_keys / sizeof profile_keys[0]);
    for (k = 0; k < sizeof profile_keys / sizeof profile_keys[0]; k++)
      ASSERT(ifm_profile_lookup(&p, NULL, profile_keys[k]) != NULL);
    ASSERT(ifm_status_spec_accepts(&ifm_profile_lookup(&p, NULL, "missing_if_match")->status, missing[i]));
    ASSERT(ifm_status_spec_accepts(&ifm_profile_lookup(&p, NULL, "mismatch")->status, 412));
    ASSERT(ifm_status_spec_accepts(&ifm_profile_lookup(&p, NULL, "star_on_missing")->status, i == 2 ? 201 : 412));
    ifm_profile_free(&p);
    ASSERT(p.entries == NULL && p.name == NULL);
    ifm_errors_free(&err);
  }
}

static void test_profile_lookup_override(void) {
  static const char text[] = "base_url: http://h\nprofile_overrides: {missing_if_match: [409, 428]}\n";
  ifm_errors err = {0};
  ifm_profile p;
  ifm_target t;
  const ifm_profile_entry *e;
  ASSERT_EQ(ifm_load_profile("rfc9110", src_path("cases/profiles"), &p, &err), 0);
  ASSERT_EQ(ifm_load_target_buffer("o.yaml", text, strlen(text), &t, &err), 0);
  e = ifm_profile_lookup(&p, &t, "missing_if_match");
  ASSERT(e == &t.overrides[0]);
  ASSERT(ifm_status_spec_accepts(&e->status, 409));
  ASSERT(!ifm_status_spec_accepts(&e->status, 200));
  e = ifm_profile_lookup(&p, NULL, "missing_if_match");
  ASSERT(ifm_status_spec_accepts(&e->status, 200));
  e = ifm_profile_lookup(&p, &t, "mismatch");
  ASSERT(e != NULL && e >= p.entries && e < p.entries + p.n_entries);
  ASSERT(ifm_profile_lookup(&p, &t, "no_such_key") == NULL);
  ASSERT(ifm_profile_lookup(NULL, &t, "mismatch") == NULL);
  ifm_target_free(&t);
  ifm_profile_free(&p);
  ifm_errors_free(&err);
}

static void test_profile_name_mismatch(void) {
  char dir[] = "/tmp/ifm-load-XXXXXX";
  ifm_errors err = {0};
  ifm_profile p;
  ASSERT(mkdtemp(dir) != NULL);
  ASSERT_EQ(put(dir, "strict.yaml",
                "name: lenient\nstatuses: {missing_if_match: 2xx, star_on_missing: 412, mismatch: 412,\n"
                "  malformed: 400, empty_value: 412, replay: 412, missing_resource: 404,\n"
                "  oversized_header: 431, write_ok: 2xx}\n"), 0);
  ASSERT_EQ(ifm_load_profile("strict", dir, &p, &err), -1);
  ASSERT(err.n == 1);
  ASSERT_CONTAINS(err.msgs[0], "named 'lenient', not 'strict'");
  ifm_errors_free(&err);
  ASSERT_EQ(ifm_load_profile("absent", dir, &p, &err), -1);
  ASSERT_CONTAINS(err.msgs[0], "absent.yaml:1:1: cannot open");
  ifm_errors_free(&err);
  rm_tree(dir);
}

static void test_status_accepts(void) {
  static const struct {
    const char *spec;
    int status, want;
  } table[] = {
      {"2xx", 200, 1},        {"2xx", 204, 1},        {"2xx", 299, 1},   {"2xx", 199, 0},
      {"2xx", 300, 0},        {"2xx", 412, 0},        {"412", 412, 1},   {"412", 413, 0},
      {"[412, 409]", 409, 1}, {"[412, 409]", 400, 0}, {"[4xx, 200]", 404, 1},
      {"[4xx, 200]", 200, 1}, {"[4xx, 200]", 201, 0}, {"5xx", 599, 1},   {"5xx", 600, 0},
      {"1xx", 100, 1},        {"2xx", 0, 0},          {"2xx", -200, 0},  {"412,409", 409, 1},
  };
  ifm_status_spec s;
  size_t i;
  for (i = 0; i < sizeof table / sizeof table[0]; i++) {
    ASSERT_EQ(ifm_status_spec_parse_text(table[i].spec, &s), 0);
    if (ifm_status_spec_accepts(&s, table[i].status) != table[i].want)
      printf("# %s accepts %d: want %d\n", table[i].spec, table[i].status, table[i].want);
    ASSERT_EQ(ifm_status_spec_accepts(&s, table[i].status), table[i].want);
    ifm_status_spec_clear(&s);
  }
  memset(&s, 0, sizeof s);
  s.profile_key = NULL;
  s.classes = 1u << 2;
  ASSERT(ifm_status_spec_accepts(&s, 201));
  s.profile_key = (char *)"mismatch";   /* unresolved: accepts nothing */
  ASSERT(!ifm_status_spec_accepts(&s, 201));
  ASSERT(!ifm_status_spec_accepts(NULL, 200));
}

static void test_status_parse_text(void) {
  static const char *const bad[] = {"", "[]", "7xx", "600", "99", "41x", "[412,]", "2xx 3xx", "abc",
                                    "[1xx, 0]",
                                    /* 17 codes: more than a status set holds (16) */
                                    ("412, 412, 412, 412, 412, 412, 412, 412, 412, 412, 412, "
                                     "412, 412, 412, 412, 412, 412")};
  ifm_status_spec s;
  size_t i;
  ASSERT_EQ(ifm_status_spec_parse_text("412", &s), 0);
  ASSERT_STREQ(s.text, "412");
  ASSERT_EQ(s.n_codes, 1);
  ifm_status_spec_clear(&s);
  ASSERT_EQ(ifm_status_spec_parse_text(" [412 , 2XX] ", &s), 0);
  ASSERT_STREQ(s.text, "[412, 2xx]");
  ASSERT_EQ(s.classes, 1u << 2);
  ifm_status_spec_clear(&s);
  ASSERT_EQ(ifm_status_spec_parse_text("412,409", &s), 0);
  ASSERT_STREQ(s.text, "[412, 409]");
  ifm_status_spec_clear(&s);
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (ifm_status_spec_parse_text(bad[i], &s) != -1) printf("# accepted \"%s\"\n", bad[i]);
    ASSERT_EQ(ifm_status_spec_parse_text(bad[i], &s), -1);
    ASSERT(s.text == NULL);
  }
}

/* ---- suites ---- */

static const char suite_case[] =
    "cases:\n"
    "  - id: %s\n"
    "    requirement: IM-STALE-412\n"
    "    title: t\n"
    "    level: MUST\n"
    "    steps:\n"
    "      - read: {}\n";

static int put_case(const char *dir, const char *rel, const char *id) {
  char text[512];
  snprintf(text, sizeof text, suite_case, id);
  return put(dir, rel, text);
}

static void test_suite_walk(void) {
  char dir[] = "/tmp/ifm-load-XXXXXX", want[2][512];
  const char *paths[1];
  ifm_errors err = {0};
  ifm_suite s;
  size_t i;
  int rc;
  ASSERT(mkdtemp(dir) != NULL);
  ASSERT_EQ(mkdirs(dir, "a") | mkdirs(dir, "profiles") | mkdirs(dir, "regress-disabled") | mkdirs(dir, "a/profiles"), 0);
  ASSERT_EQ(put_case(dir, "b.yaml", "B-1"), 0);
  ASSERT_EQ(put_case(dir, "a/z.yml", "A-1"), 0);
  ASSERT_EQ(put(dir, "a/README.yaml", "not: [a case file"), 0);
  ASSERT_EQ(put(dir, "profiles/rfc.yaml", "name: x\n"), 0);
  ASSERT_EQ(put(dir, "a/profiles/rfc.yaml", "name: x\n"), 0);
  ASSERT_EQ(put(dir, "regress-disabled/x.yaml", "broken: ["), 0);
  ASSERT_EQ(put(dir, ".hidden.yaml", "broken: ["), 0);
  ASSERT_EQ(put(dir, "notes.txt", "broken: ["), 0);
  paths[0] = dir;
  rc = ifm_load_suite(paths, 1, NULL, 0, &s, &err);
  if (rc != 0) dump_errors(&err);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(s.n_files, 2);
  snprintf(want[0], sizeof want[0], "%s/a/z.yml", dir);
  snprintf(want[1], sizeof want[1], "%s/b.yaml", dir);
  ASSERT_STREQ(s.files[0].path, want[0]);
  ASSERT_STREQ(s.files[1].path, want[1]);
  ASSERT_STREQ(s.files[0].cases[0].id, "A-1");
  for (i = 0; i < 2; i++) {
    ASSERT(s.files[i].cases[0].file == &s.files[i]);
    ASSERT(s.files[i].cases[0].pos.file == s.files[i].path);
  }
  ifm_suite_free(&s);
  ASSERT(s.files == NULL);

  /* the same id in two files */
  ASSERT_EQ(put_case(dir, "c.yaml", "B-1"), 0);
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  snprintf(want[0], sizeof want[0], "%s/c.yaml:2:5: ", dir);
  snprintf(want[1], sizeof want[1], "duplicate case id 'B-1' (first defined at %s/b.yaml:2:5)", dir);
  if (!has_error(&err, want[0], want[1])) dump_errors(&err);
  ASSERT(has_error(&err, want[0], want[1]));
  ASSERT(s.files == NULL && s.n_files == 0);
  ifm_errors_free(&err);

  /* a broken file among good ones refuses the whole suite */
  ASSERT_EQ(put_case(dir, "c.yaml", "C-1"), 0);
  ASSERT_EQ(put(dir, "d.yaml", "cases: 3\n"), 0);
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  ASSERT_EQ(err.n, 1);
  ASSERT_CONTAINS(err.msgs[0], "d.yaml:1:8: cases: expected a list, got a number");
  ifm_errors_free(&err);
  rm_tree(dir);

  /* paths that are not there, and an empty directory */
  memcpy(dir, "/tmp/ifm-load-XXXXXX", sizeof dir);
  ASSERT(mkdtemp(dir) != NULL);
  paths[0] = "/nonexistent/ifm/cases";
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  ASSERT(has_error(&err, "/nonexistent/ifm/cases:1:1: ", "cannot open"));
  ifm_errors_free(&err);
  paths[0] = dir;
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  ASSERT_CONTAINS(err.n ? err.msgs[0] : "", "no case files");
  ifm_errors_free(&err);
  rm_tree(dir);
}

static void test_errors_list(void) {
  ifm_errors err = {0};
  ifm_pos pos = {"f.yaml", 3, 7};
  FILE *out = tmpfile();
  char line[128];
  ifm_errors_add(&err, &pos, "bad %s", "thing");
  ifm_errors_add(&err, NULL, "plain");
  ASSERT_EQ(err.n, 2);
  ASSERT_STREQ(err.msgs[0], "f.yaml:3:7: bad thing");
  ASSERT_STREQ(err.msgs[1], "plain");
  ASSERT(out != NULL);
  ifm_errors_print(&err, out);
  rewind(out);
  ASSERT(fgets(line, sizeof line, out) != NULL);
  ASSERT_STREQ(line, "f.yaml:3:7: bad thing\n");
  fclose(out);
  ifm_errors_free(&err);
  ASSERT(err.msgs == NULL && err.n == 0);
}

IFM_TEST_MAIN(TEST(test_good_case_header), TEST(test_good_case_steps), TEST(test_parallel_defaults),
              TEST(test_extra_vars), TEST(test_collects_errors), TEST(test_truncations),
              TEST(test_oversized), TEST(test_broken_corpus), TEST(test_corpus_listed),
              TEST(test_target_defaults), TEST(test_target_env_secrets), TEST(test_reference_target),
              TEST(test_profiles_real), TEST(test_profile_lookup_override),
              TEST(test_profile_name_mismatch), TEST(test_status_accepts), TEST(test_status_parse_text),
              TEST(test_suite_walk), TEST(test_errors_list))
