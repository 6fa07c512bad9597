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
