/* ifm_paths.c: see ifm_paths.h. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ifm_buf.h"
#include "ifm_paths.h"

static char *try_path(const char *dir, const char *rel) {
  ifm_buf b = IFM_BUF_INIT;
  struct stat st;
  if (!dir || !*dir) return NULL;
  ifm_buf_printf(&b, "%s/%s", dir, rel);
  if (b.p && stat(b.p, &st) == 0) return ifm_buf_detach(&b);
  ifm_buf_clear(&b);
  return NULL;
}

char *ifm_paths_find(const char *rel) {
  char exe[PATH_MAX], *slash, *p;
  ssize_t n;
  if ((p = try_path(getenv("IFMATCH_HOME"), rel))) return p;
  n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    if ((slash = strrchr(exe, '/'))) {
      *slash = '\0';
      if ((p = try_path(exe, rel))) return p;
      if ((slash = strrchr(exe, '/'))) {
        *slash = '\0';
        if ((p = try_path(exe, rel))) return p;
      }
    }
  }
#ifdef IFM_SOURCE_DIR
  if ((p = try_path(IFM_SOURCE_DIR, rel))) return p;
#endif
  return try_path(".", rel);
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
  char *dflt = ifm_paths_find("cases"), *home = NULL, *cwd, *common = NULL, *root;
  int in_home = 1, in_cwd = 1;
  size_t i;
  if (dflt) parent_dir(dflt);                           /* .../cases -> ... */
  if (!n_paths) return dflt;
  if (dflt) home = realpath(dflt, NULL);
  free(dflt);
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
