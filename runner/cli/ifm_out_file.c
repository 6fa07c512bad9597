/* ifm_out_file.c: see ifm_out_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ifm_out_file.h"
#include "ifm_sha256.h"

/* The destination may be replaced: it is missing or a regular file (lstat:
 * a symlink is itself refused, not followed). */
static int dest_ok(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
  if (S_ISREG(st.st_mode)) return 0;
  errno = S_ISLNK(st.st_mode) ? ELOOP : S_ISDIR(st.st_mode) ? EISDIR : EEXIST;
  return -1;
}

static const char *dest_why(int e) {
  if (e == ELOOP) return "it is a symbolic link (a report replaces only a regular file)";
  if (e == EISDIR) return "it is a folder";
  if (e == EEXIST) return "it is not a regular file (a device, a FIFO or a socket)";
  return strerror(e);
}

int ifm_out_write(const char *path, ifm_out_write_cb write_cb, void *ctx) {
  char *tmp;
  const char *slash;
  size_t dirlen;
  FILE *f;
  int fd, rc, e;
  if (!path) return 0;
  if (strcmp(path, "-") == 0) {
    rc = write_cb(stdout, ctx);
    fflush(stdout);
    return rc;
  }
  if (dest_ok(path) != 0) {
    fprintf(stderr, "ifmatch: cannot write %s: %s\n", path, dest_why(errno));
    return -1;
  }
  slash = strrchr(path, '/');
  dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  if (!(tmp = malloc(dirlen + sizeof ".ifmatch-XXXXXX"))) return -1;
  memcpy(tmp, path, dirlen);
  memcpy(tmp + dirlen, ".ifmatch-XXXXXX", sizeof ".ifmatch-XXXXXX");
  fd = mkstemp(tmp);
  if (fd < 0 || !(f = fdopen(fd, "w"))) {
    e = errno;
    if (fd >= 0) {
      close(fd);
      unlink(tmp);
    }
    fprintf(stderr, "ifmatch: cannot write %s: %s\n", path, strerror(e));
    free(tmp);
    return -1;
  }
  fchmod(fd, 0644);     /* mkstemp makes 0600; a report is for reading */
  errno = 0;
  rc = write_cb(f, ctx);
  if (rc == 0 && (fflush(f) != 0 || fsync(fd) != 0)) rc = -1;
  e = errno;
  if (fclose(f) != 0 && rc == 0) {
    rc = -1;
    e = errno;
  }
  /* checked again: the destination may have become something else meanwhile */
  if (rc == 0 && dest_ok(path) != 0) {
    fprintf(stderr, "ifmatch: cannot write %s: %s\n", path, dest_why(errno));
    unlink(tmp);
    free(tmp);
    return -1;
  }
  if (rc == 0 && rename(tmp, path) != 0) {
    rc = -1;
    e = errno;
  }
  if (rc != 0) {
    fprintf(stderr, "ifmatch: cannot write %s: %s\n", path, strerror(e ? e : EIO));
    unlink(tmp);
  }
  free(tmp);
  return rc;
}

int ifm_out_sha256_file(const char *path, char hex[65]) {
  char chunk[65536];
  size_t n;
  ifm_sha256 s;
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  ifm_sha256_init(&s);
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) ifm_sha256_update(&s, chunk, n);
  n = (size_t)ferror(f);
  fclose(f);
  if (n) {
    errno = EIO;
    return -1;
  }
  ifm_sha256_final_hex(&s, hex);
  return 0;
}
