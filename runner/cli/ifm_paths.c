/* ifm_paths.c: see ifm_paths.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ifm_buf.h"
#include "ifm_paths.h"

#ifndef IFM_DATA_REL
#define IFM_DATA_REL "../share/ifmatch"   /* CMake passes the real one */
#endif

static const char *g_suite;              /* --suite DIR, or NULL */
static char g_check_msg[PATH_MAX + 160];

void ifm_paths_set_suite(const char *dir) { g_suite = dir; }

/* The suite named by the user, or NULL; *what says how it was named. */
static const char *named_suite(const char **what) {
  static const char *const env[] = {"IFMATCH_SUITE", "IFMATCH_HOME"};
  const char *v;
  size_t i;
  if (g_suite) {
    *what = "--suite";
    return g_suite;
  }
  for (i = 0; i < sizeof env / sizeof *env; i++)
    if ((v = getenv(env[i])) && *v) {
      *what = env[i];
      return v;
    }
  return NULL;
}

/* dir/rel, malloc'd, when it exists (a directory when want_dir). */
static char *try_path(const char *dir, const char *rel, int want_dir) {
  ifm_buf b = IFM_BUF_INIT;
  struct stat st;
  if (!dir || !*dir) return NULL;
  ifm_buf_printf(&b, "%s/%s", dir, rel);
  if (b.p && stat(b.p, &st) == 0 && (!want_dir || S_ISDIR(st.st_mode))) return ifm_buf_detach(&b);
  ifm_buf_clear(&b);
  return NULL;
}

/* dir resolved (malloc'd) when it holds a cases/ directory, else NULL. */
static char *suite_at(const char *dir) {
  char *cases = try_path(dir, "cases", 1);
  if (!cases) return NULL;
  free(cases);
  return realpath(dir, NULL);
}

/* The suite relative to the program's folder: the install prefix first,
 * then (build tree only) beside the program and its parent. */
static char *suite_near_program(void) {
  char exe[PATH_MAX], *slash, *p = NULL;
  ifm_buf b = IFM_BUF_INIT;
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return NULL;
  exe[n] = '\0';
  if (!(slash = strrchr(exe, '/'))) return NULL;
  *slash = '\0';                                        /* the program's folder */
  ifm_buf_printf(&b, "%s/%s", exe, IFM_DATA_REL);
  if (b.p) p = suite_at(b.p);
  ifm_buf_clear(&b);
#ifndef IFM_INSTALLED_BUILD
  if (!p) p = suite_at(exe);
  if (!p && (slash = strrchr(exe, '/'))) {
    *slash = '\0';
    p = suite_at(slash == exe ? "/" : exe);
  }
#endif
  return p;
}

char *ifm_paths_home(void) {
  const char *what, *named = named_suite(&what);
  char *p;
  if (named) return suite_at(named);
  if ((p = suite_near_program())) return p;
#if defined(IFM_SOURCE_DIR) && !defined(IFM_INSTALLED_BUILD)
  if ((p = suite_at(IFM_SOURCE_DIR))) return p;
#endif
  return NULL;
}

const char *ifm_paths_check(void) {
  const char *what, *named = named_suite(&what);
  char *p;
  if (!named) return NULL;
  if ((p = suite_at(named))) {
    free(p);
    return NULL;
  }
  snprintf(g_check_msg, sizeof g_check_msg,
           "%s %.*s: no cases/ directory there (name the folder that holds cases/ and targets/)",
           what, PATH_MAX, named);
  return g_check_msg;
}

char *ifm_paths_find(const char *rel) {
  char *home = ifm_paths_home(), *p = try_path(home, rel, 0);
  free(home);
  return p;
}

/* path cut to its parent directory ("/x/cases/" -> "/x", "/x" -> "/"). */
static void parent_dir(char *path) {
  char *slash;
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') path[--n] = '\0';
  if ((slash = strrchr(path, '/'))) slash[slash == path] = '\0';
}

/* dir cut to its longest leading directory that also leads path. */
static void common_dir(char *dir, const char *path) {
  size_t i, cut = 0;
  for (i = 0; dir[i] && dir[i] == path[i]; i++)
    if (dir[i] == '/') cut = i;
  if (!dir[i] && (path[i] == '/' || !path[i])) cut = i;
  dir[cut ? cut : 1] = '\0';
}

/* 1 when path is dir or lies below it. */
static int path_under(const char *path, const char *dir) {
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/') n--;
  if (n == 1 && dir[0] == '/') return path[0] == '/';
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || !path[n]);
}

/* See ifm_paths.h. */
char *ifm_paths_suite_root(const char *const *paths, size_t n_paths) {
  char *home = ifm_paths_home(), *cwd, *common = NULL, *root;
  int in_home = 1, in_cwd = 1;
  size_t i;
  if (!n_paths) return home;
  cwd = getcwd(NULL, 0);
  for (i = 0; i < n_paths; i++) {
    if (paths[i][0] != '/') continue;
    in_home &= home && path_under(paths[i], home);
    in_cwd &= cwd && path_under(paths[i], cwd);
    if (common) common_dir(common, paths[i]);
    else if ((common = ifm_strdup(paths[i]))) parent_dir(common);
  }
  root = common && in_home ? home : in_cwd ? cwd : common;
  if (root != home) free(home);
  if (root != cwd) free(cwd);
  if (root != common) free(common);
  return root;
}
