/* load_test.c: the loader's case files and suites (runner/load/: the YAML
 * tree, ifm_load_case.c and the files it calls, ifm_load_suite.c).
 *
 * A good case file must load into exactly the model it describes; every
 * broken file of tests/data/load/ must be refused with the messages it names
 * at the positions worked out by reading it (the format: its README.md);
 * suites (directory walking, unique IDs) are checked on files written here.
 * The files of tests/data/positions/ hold what LINE and COL count (tabs,
 * CR LF, a BOM, multi-byte and invalid UTF-8) for every kind of file, each
 * position worked out by hand from the bytes. Targets, profiles and status
 * sets are load_target_test.c.
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
#include "ifm_waiver.h"

/* ---- helpers ---- */

/* The checkout: ctest sets IFM_SOURCE_DIR; without it the test cannot find
 * its data and says so. */
static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *src_path(const char *rel) {
  return ifm_test_source_path(rel);
}

/* 1 when some message starts with prefix and contains sub. */
static int has_error(const ifm_errors *e, const char *prefix, const char *sub) {
  return ifm_test_has_message(e->msgs, e->n, prefix, sub);
}

static void dump_errors(const ifm_errors *e) {
  ifm_test_print_messages(e->msgs, e->n);
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
  ifm_errors_clear(&err);
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
  ifm_errors_clear(&err);
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
  ifm_errors_clear(&err);
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
  ifm_errors_clear(&err);
  ASSERT_EQ(load_case_text(text, extra, 1, &f, &err), 0);
  ASSERT_STREQ(f.cases[0].steps[0].req.path, "/x/{{token}}");
  ifm_case_file_clear(&f);
  ifm_errors_clear(&err);
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
  ifm_errors_clear(&err);
}

/* `release:` takes none, last-byte, single-packet and auto; anything else
 * is refused where it stands. */
static void test_release_modes(void) {
  static const struct {
    const char *mode;
    int want;
  } table[] = {{"none", IFM_RELEASE_NONE}, {"last-byte", IFM_RELEASE_LAST_BYTE},
               {"single-packet", IFM_RELEASE_SINGLE_PACKET}, {"auto", IFM_RELEASE_AUTO}, {"one-packet", -1}};
  size_t i;
  for (i = 0; i < sizeof table / sizeof table[0]; i++) {
    char text[512];
    ifm_errors err = {0};
    ifm_case_file f;
    snprintf(text, sizeof text,
             "cases:\n"
             "  - id: P\n"
             "    requirement: IM-RACE-ONE-WINNER\n"
             "    title: t\n"
             "    level: MUST\n"
             "    steps:\n"
             "      - parallel: {clients: 2, release: %s, do: {update: {body: x}}}\n", table[i].mode);
    if (table[i].want < 0) {
      ASSERT_EQ(load_case_text(text, NULL, 0, &f, &err), -1);
      ASSERT(has_error(&err, "mem.yaml:7:41: ", "one-packet"));
    } else {
      ASSERT_EQ(load_case_text(text, NULL, 0, &f, &err), 0);
      ASSERT_EQ(f.cases[0].steps[0].par.release, table[i].want);
      ifm_case_file_clear(&f);
    }
    ifm_errors_clear(&err);
  }
}

/* Empty lists and mappings, first in the file or nested: the tree holds
 * them as nodes without children (clang's UBSan found the first one). */
static void test_empty_containers(void) {
  static const struct {
    const char *text, *want;
  } table[] = {
      {"{}", "mem.yaml:1:1: case file: missing required key 'cases'"},
      {"[]", "mem.yaml:1:1: case file: expected a mapping, got a list"},
      {"cases: []", "mem.yaml:1:8: cases: a case file needs at least one case"},
      {"[{}, [], {a: []}]", "mem.yaml:1:1: case file: expected a mapping, got a list"},
  };
  size_t i;
  for (i = 0; i < sizeof table / sizeof table[0]; i++) {
    ifm_errors err = {0};
    ifm_case_file f;
    ASSERT_EQ(load_case_text(table[i].text, NULL, 0, &f, &err), -1);
    ASSERT_EQ(err.n, 1);
    ASSERT_STREQ(err.msgs[0], table[i].want);
    ifm_errors_clear(&err);
  }
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
    ifm_errors_clear(&err);
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
  ifm_errors_clear(&err);
  ASSERT(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/big.yaml", dir);
  ASSERT_EQ(write_file(path, big, n), 0);
  free(big);
  paths[0] = path;
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  ASSERT_CONTAINS(err.n ? err.msgs[0] : "", ":1:1: file too large");
  ASSERT(s.files == NULL && s.n_files == 0);
  ifm_errors_clear(&err);
  rm_tree(dir);
}

/* ---- the broken-file corpus (tests/data/load/README.md) ---- */

#define MAX_EXPECT 8

typedef struct broken {
  const char *name;
  char *text;                    /* the whole file */
  size_t input_len;              /* the input: text[0 .. input_len) */
  const char *kind;              /* "case", "target", "profile", "waivers", or NULL */
  const char *expect[MAX_EXPECT];   /* "FILE:LINE:COL: TEXT", each in text */
  size_t n_expect;
  size_t n_why;                  /* "# why: " lines: how the positions were worked out */
} broken;

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *p = NULL;
  long n;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (p = malloc((size_t)n + 1)) != NULL) {
    *len = fread(p, 1, (size_t)n, f);
    p[*len] = '\0';
  }
  fclose(f);
  return p;
}

/* Splits the block of "# load: " / "# expect: " / "# why: " / "# input: no
 * final newline" lines off the end of the file; its lines are NUL-terminated
 * in place. 0, or -1 when malformed. */
static int broken_parse(broken *b, size_t len) {
  size_t end = len;
  int cut = 0;
  while (end > 0) {
    size_t start = end - 1;    /* the last line ends at end - 1 ('\n') */
    char *line;
    while (start > 0 && b->text[start - 1] != '\n') start--;
    line = b->text + start;
    if (strncmp(line, "# load: ", 8) != 0 && strncmp(line, "# expect: ", 10) != 0 &&
        strncmp(line, "# why: ", 7) != 0 && strncmp(line, "# input: no final newline\n", 26) != 0)
      break;
    b->text[end - 1] = '\0';
    if (line[2] == 'w') {
      b->n_why++;
    } else if (line[2] == 'i') {
      cut = 1;
    } else if (line[2] == 'l') {
      if (b->kind) return -1;
      b->kind = line + 8;
    } else {
      if (b->n_expect == MAX_EXPECT) return -1;
      b->expect[b->n_expect++] = line + 10;
    }
    end = start;
  }
  b->input_len = end - (cut && end > 0 && b->text[end - 1] == '\n');
  return b->kind && b->n_expect ? 0 : -1;
}

/* "FILE:LINE:COL: TEXT" -> the prefix "DIR/FILE:LINE:COL: " and TEXT. */
static int expect_split(const broken *b, const char *e, const char *dir, char *prefix, size_t size,
                        const char **text) {
  size_t n = strlen(b->name);
  const char *p = e + n + 1;
  int line = 0, col = 0, used = 0;
  if (strncmp(e, b->name, n) != 0 || e[n] != ':') return -1;
  if (sscanf(p, "%d:%d: %n", &line, &col, &used) != 2 || used == 0 || line < 1 || col < 1) return -1;
  *text = p + used;
  snprintf(prefix, size, "%s/%s:%d:%d: ", dir, b->name, line, col);
  return 0;
}

/* Loads path as b->kind says: -1 refused with nothing left behind, 1
 * refused but something left, 0 accepted, -2 an unknown kind. */
static int load_broken(const broken *b, const char *path, ifm_errors *err) {
  if (strcmp(b->kind, "case") == 0) {
    ifm_suite s;
    int rc = ifm_load_suite(&path, 1, NULL, 0, &s, err);
    if (rc == 0 || s.files || s.n_files) return rc == 0 ? 0 : 1;
    return -1;
  }
  if (strcmp(b->kind, "target") == 0) {
    ifm_target t;
    int rc = ifm_load_target(path, &t, err);
    if (rc == 0 || t.name || t.base_url || t.resource) return rc == 0 ? 0 : 1;
    return -1;
  }
  if (strcmp(b->kind, "profile") == 0) {
    ifm_profile p;
    int rc = ifm_load_profile(path, NULL, &p, err);
    if (rc == 0 || p.name || p.entries || p.path) return rc == 0 ? 0 : 1;
    return -1;
  }
  if (strcmp(b->kind, "waivers") == 0) {
    ifm_waivers w;
    int rc = ifm_waivers_load(path, &w, err), left = w.items || w.n;
    ifm_waivers_clear(&w);
    return rc == 0 ? 0 : left ? 1 : -1;
  }
  return -2;
}

/* The corpus's file names, sorted; *n of them. */
static char **corpus_names(const char *dir, size_t *n) {
  char **v = NULL, **w;
  struct dirent *de;
  DIR *d = opendir(dir);
  *n = 0;
  if (!d) return NULL;
  while ((de = readdir(d)) != NULL) {
    size_t len = strlen(de->d_name);
    if (len < 5 || strcmp(de->d_name + len - 5, ".yaml") != 0) continue;
    if (!(w = realloc(v, (*n + 1) * sizeof *v)) || !(w[*n] = strdup(de->d_name))) break;
    v = w;
    (*n)++;
  }
  closedir(d);
  if (*n > 1) qsort(v, *n, sizeof *v, cmp_str);
  return v;
}

/* One file: loaded from a copy of its input in tmp, under its own name;
 * with need_why, the file must say how its positions were worked out. */
static int broken_check(const char *dir, const char *name, const char *tmp, int need_why) {
  broken b;
  ifm_errors err = {0};
  char path[1200], prefix[1400];
  size_t len = 0, i;
  int rc, failures = 0;
  memset(&b, 0, sizeof b);
  b.name = name;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (!(b.text = read_all(path, &len)) || broken_parse(&b, len) != 0) {
    printf("# %s: no '# load:' line and '# expect:' lines at its end (see README.md)\n", name);
    free(b.text);
    return 1;
  }
  snprintf(path, sizeof path, "%s/%s", tmp, name);
  if (write_file(path, b.text, b.input_len) != 0) {
    printf("# %s: cannot write %s\n", name, path);
    free(b.text);
    return 1;
  }
  rc = load_broken(&b, path, &err);
  if (rc != -1) printf("# %s: rc %d (want -1 and an emptied result)\n", name, rc), failures++;
  if (need_why && !b.n_why) printf("# %s: no '# why:' line\n", name), failures++;
  for (i = 0; i < b.n_expect; i++) {
    const char *text;
    if (expect_split(&b, b.expect[i], tmp, prefix, sizeof prefix, &text) != 0) {
      printf("# %s: bad expectation \"%s\" (want %s:LINE:COL: TEXT)\n", name, b.expect[i], name);
      failures++;
    } else if (!has_error(&err, prefix, text)) {
      printf("# %s: want \"%s%s\"\n", name, prefix, text);
      failures++;
    }
  }
  if (failures) {
    printf("# %s: got:\n", name);
    dump_errors(&err);
  }
  ifm_errors_clear(&err);
  free(b.text);
  unlink(path);
  return failures != 0;
}

static void test_broken_corpus(void) {
  char tmp[] = "/tmp/ifm-load-XXXXXX";
  const char *dir = src_path("tests/data/load");
  size_t i, n, failures = 0;
  char **names = corpus_names(dir, &n);
  unsetenv("IFM_LOAD_TEST_UNSET");
  ASSERT(mkdtemp(tmp) != NULL);
  for (i = 0; i < n; i++) failures += (size_t)broken_check(dir, names[i], tmp, 0);
  for (i = 0; i < n; i++) free(names[i]);
  free(names);
  rm_tree(tmp);
  ASSERT_GE(n, 66);
  ASSERT_EQ(failures, 0);
}

/* tests/data/positions/README.md: what LINE and COL count, in every kind of
 * input file. */
static void test_positions(void) {
  char tmp[] = "/tmp/ifm-load-XXXXXX";
  const char *dir = src_path("tests/data/positions");
  size_t i, n, failures = 0;
  char **names = corpus_names(dir, &n);
  unsetenv("IFM_LOAD_TEST_UNSET");
  ASSERT(mkdtemp(tmp) != NULL);
  for (i = 0; i < n; i++) failures += (size_t)broken_check(dir, names[i], tmp, 1);
  for (i = 0; i < n; i++) free(names[i]);
  free(names);
  rm_tree(tmp);
  ASSERT_GE(n, 39);
  ASSERT_EQ(failures, 0);
}

/* Every input of the corpus is checked: each *.yaml has its block, which
 * names a loader and at least one message of the right shape. */
static void test_corpus_listed(void) {
  const char *dir = src_path("tests/data/load");
  size_t i, n, bad = 0;
  char **names = corpus_names(dir, &n);
  for (i = 0; i < n; i++) {
    broken b;
    char path[1200], prefix[1400];
    const char *text;
    size_t len = 0, k;
    memset(&b, 0, sizeof b);
    b.name = names[i];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (!(b.text = read_all(path, &len)) || broken_parse(&b, len) != 0 ||
        (strcmp(b.kind, "case") != 0 && strcmp(b.kind, "target") != 0 && strcmp(b.kind, "profile") != 0)) {
      printf("# %s: no valid '# load:' / '# expect:' block\n", names[i]);
      bad++;
    }
    for (k = 0; k < b.n_expect; k++)
      if (expect_split(&b, b.expect[k], dir, prefix, sizeof prefix, &text) != 0)
        printf("# %s: bad expectation \"%s\"\n", names[i], b.expect[k]), bad++;
    free(b.text);
    free(names[i]);
  }
  free(names);
  ASSERT_GE(n, 25);
  ASSERT_EQ(bad, 0);
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
  ifm_suite_clear(&s);
  ASSERT(s.files == NULL);

  /* the same id in two files */
  ASSERT_EQ(put_case(dir, "c.yaml", "B-1"), 0);
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  snprintf(want[0], sizeof want[0], "%s/c.yaml:2:5: ", dir);
  snprintf(want[1], sizeof want[1], "duplicate case id 'B-1' (first defined at %s/b.yaml:2:5)", dir);
  if (!has_error(&err, want[0], want[1])) dump_errors(&err);
  ASSERT(has_error(&err, want[0], want[1]));
  ASSERT(s.files == NULL && s.n_files == 0);
  ifm_errors_clear(&err);

  /* a broken file among good ones refuses the whole suite */
  ASSERT_EQ(put_case(dir, "c.yaml", "C-1"), 0);
  ASSERT_EQ(put(dir, "d.yaml", "cases: 3\n"), 0);
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  ASSERT_EQ(err.n, 1);
  ASSERT_CONTAINS(err.msgs[0], "d.yaml:1:8: cases: expected a list, got a number");
  ifm_errors_clear(&err);
  rm_tree(dir);

  /* paths that are not there, and an empty directory */
  memcpy(dir, "/tmp/ifm-load-XXXXXX", sizeof dir);
  ASSERT(mkdtemp(dir) != NULL);
  paths[0] = "/nonexistent/ifm/cases";
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  ASSERT(has_error(&err, "/nonexistent/ifm/cases:1:1: ", "cannot open"));
  ifm_errors_clear(&err);
  paths[0] = dir;
  ASSERT_EQ(ifm_load_suite(paths, 1, NULL, 0, &s, &err), -1);
  ASSERT_CONTAINS(err.n ? err.msgs[0] : "", "no case files");
  ifm_errors_clear(&err);
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
  ifm_errors_clear(&err);
  ASSERT(err.msgs == NULL && err.n == 0);
}

IFM_TEST_MAIN(TEST(test_good_case_header), TEST(test_good_case_steps), TEST(test_parallel_defaults),
              TEST(test_extra_vars), TEST(test_collects_errors), TEST(test_release_modes), TEST(test_empty_containers),
              TEST(test_truncations), TEST(test_oversized), TEST(test_broken_corpus), TEST(test_positions),
              TEST(test_corpus_listed), TEST(test_suite_walk), TEST(test_errors_list))
