/* ifm_load_suite.c: a suite, the case files named on the command line:
 * each path a file, or a directory walked recursively for *.yaml / *.yml in
 * sorted order (skipping hidden entries, README*, and directories named
 * "profiles" or "regress-disabled"), every file loaded by ifm_load_case.c,
 * and case IDs unique across all of them.
 *
 * Files are read one at a time, and each file's buffer is freed as soon as
 * it is parsed, so at most one file's bytes and one file's tree are held
 * beside the suite's model. On a refusal the suite is emptied.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "ifm_buf.h"
#include "ifm_load_int.h"

#define SUITE_MAX_DEPTH 16

typedef struct path_list {
  char **v;
  size_t n, cap;
} path_list;

static int path_push(path_list *l, char *p) {
  char **v;
  if (!p) return -1;
  if (!(v = ifm_xrealloc_array(l->v, &l->cap, l->n + 1, sizeof *v))) {
    free(p);
    return -1;
  }
  l->v = v;
  l->v[l->n++] = p;
  return 0;
}

static int path_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_case_file_name(const char *name) {
  size_t n = strlen(name);
  if (name[0] == '.' || strncmp(name, "README", 6) == 0) return 0;
  return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static void path_error(ifm_errors *err, const char *path, const char *msg, const char *detail) {
  ifm_pos pos = {path, 1, 1};
  ifm_errors_add(err, &pos, "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
}

/* Appends the case files under dir (recursively, unsorted) to l. */
static int suite_walk(const char *dir, int depth, path_list *l, ifm_errors *err) {
  struct dirent *de;
  struct stat st;
  int rc = 0;
  DIR *d;
  if (depth > SUITE_MAX_DEPTH) {
    path_error(err, dir, "directories nested too deep", NULL);
    return -1;
  }
  if (!(d = opendir(dir))) {
    path_error(err, dir, "cannot open", strerror(errno));
    return -1;
  }
  while ((de = readdir(d)) != NULL) {
    ifm_buf full = IFM_BUF_INIT;
    if (de->d_name[0] == '.') continue;
    if (ifm_buf_printf(&full, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name) != 0) {
      path_error(err, dir, "out of memory", NULL);
      rc = -1;
      break;
    }
    if (stat(full.p, &st) != 0) {
      path_error(err, full.p, "cannot open", strerror(errno));
      rc = -1;
    } else if (S_ISDIR(st.st_mode)) {
      if (strcmp(de->d_name, "profiles") != 0 && strcmp(de->d_name, "regress-disabled") != 0 &&
          suite_walk(full.p, depth + 1, l, err) != 0)
        rc = -1;
    } else if (S_ISREG(st.st_mode) && is_case_file_name(de->d_name)) {
      if (path_push(l, ifm_buf_detach(&full)) != 0) {
        path_error(err, dir, "out of memory", NULL);
        rc = -1;
      }
    }
    ifm_buf_clear(&full);
  }
  closedir(d);
  return rc;
}

/* The files named by paths, each directory's in sorted order. */
static int suite_files(const char *const *paths, size_t n_paths, path_list *l, ifm_errors *err) {
  struct stat st;
  size_t i, mark;
  int rc = 0;
  for (i = 0; i < n_paths; i++) {
    if (!paths[i] || stat(paths[i], &st) != 0) {
      path_error(err, paths[i] ? paths[i] : "(null)", "cannot open", strerror(errno));
      rc = -1;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      if (path_push(l, ifm_strdup(paths[i])) != 0) path_error(err, paths[i], "out of memory", NULL), rc = -1;
      continue;
    }
    mark = l->n;
    if (suite_walk(paths[i], 0, l, err) != 0) rc = -1;
    if (l->n - mark > 1) qsort(l->v + mark, l->n - mark, sizeof *l->v, path_cmp);
    if (l->n == mark && rc == 0) {
      path_error(err, paths[i], "no case files (*.yaml, *.yml) in this directory", NULL);
      rc = -1;
    }
  }
  return rc;
}

int ifm_load_suite(const char *const *paths, size_t n_paths, const char *const *extra_vars, size_t n_extra,
                   ifm_suite *out, ifm_errors *err) {
  path_list l = {NULL, 0, 0};
  size_t i, k;
  int failed;
  memset(out, 0, sizeof *out);
  failed = suite_files(paths, n_paths, &l, err) != 0;
  if (n_paths == 0) {
    ifm_errors_add(err, NULL, "no case files given");
    failed = 1;
  }
  if (l.n && !(out->files = calloc(l.n, sizeof *out->files))) {
    ifm_errors_add(err, NULL, "out of memory");
    failed = 1;
  }
  for (i = 0; out->files && i < l.n; i++) {
    char *buf;
    size_t len;
    if (ifm_yaml_read_file(l.v[i], &buf, &len, err) != 0) {
      failed = 1;
      continue;
    }
    /* buf is the loader's now: freed once parsed */
    if (ifm_load_case_file(l.v[i], buf, len, buf, extra_vars, n_extra, &out->files[out->n_files], err) != 0)
      failed = 1;
    else
      out->n_files++;
  }
  for (i = 0; i < out->n_files; i++)
    for (k = 0; k < out->files[i].n_cases; k++) out->files[i].cases[k].file = &out->files[i];
  if (ifm_load_ids_check(out->files, out->n_files, err) != 0) failed = 1;
  for (i = 0; i < l.n; i++) free(l.v[i]);
  free(l.v);
  if (!failed) return 0;
  ifm_suite_clear(out);
  return -1;
}
