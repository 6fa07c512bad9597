/* out_file_test.c: runner/cli/ifm_out_file.c, how reports reach the disk.
 * The rules are those of ifm_out_file.h: a fresh temporary file in the
 * destination's folder, renamed over a regular file or nothing; a symlink,
 * a device, a folder or a FIFO at the destination is refused and left as it
 * was; a failed write leaves the old file whole and no temporary behind. */
#include "ifm_test.h"
#include "ifm_out_file.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/ifm-out-test.XXXXXX";

static int write_hello_cb(FILE *out, void *ctx) {
  (void)ctx;
  return fputs("hello\n", out) < 0 ? -1 : 0;
}

static int write_fail_cb(FILE *out, void *ctx) {
  (void)ctx;
  fputs("half", out);
  errno = EIO;
  return -1;
}

static char *slurp(const char *path) {
  static char buf[256];
  FILE *f = fopen(path, "r");
  size_t n;
  if (!f) return NULL;
  n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Entries in dir whose name starts with .ifmatch- (temporaries). */
static int leftovers(void) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  if (!d) return -1;
  while ((e = readdir(d))) n += strncmp(e->d_name, ".ifmatch-", 9) == 0;
  closedir(d);
  return n;
}

static void path_in(char *out, size_t len, const char *name) { snprintf(out, len, "%s/%s", dir, name); }

static void test_new_and_replace(void) {
  char p[256];
  struct stat st;
  path_in(p, sizeof p, "r.json");
  ASSERT_EQ(ifm_out_write(p, write_hello_cb, NULL), 0);
  ASSERT_STREQ(slurp(p), "hello\n");
  ASSERT_EQ(stat(p, &st), 0);
  ASSERT_EQ(st.st_mode & 0777, 0644);            /* readable, not mkstemp's 0600 */
  ASSERT_EQ(ifm_out_write(p, write_hello_cb, NULL), 0);   /* a regular file is replaced */
  ASSERT_STREQ(slurp(p), "hello\n");
  ASSERT_EQ(leftovers(), 0);
  ASSERT_EQ(ifm_out_write(NULL, write_hello_cb, NULL), 0);   /* no path: nothing asked */
}

static void test_failed_write_keeps_old(void) {
  char p[256];
  path_in(p, sizeof p, "keep.tap");
  ASSERT_EQ(ifm_out_write(p, write_hello_cb, NULL), 0);
  ASSERT_EQ(ifm_out_write(p, write_fail_cb, NULL), -1);
  ASSERT_STREQ(slurp(p), "hello\n");
  ASSERT_EQ(leftovers(), 0);
}

static void test_refused_destinations(void) {
  char p[256], victim[256], fifo[256];
  struct stat st;
  path_in(victim, sizeof victim, "victim");
  path_in(p, sizeof p, "link.json");
  ASSERT_EQ(ifm_out_write(victim, write_hello_cb, NULL), 0);
  ASSERT_EQ(symlink(victim, p), 0);
  ASSERT_EQ(ifm_out_write(p, write_fail_cb, NULL), -1);
  ASSERT_EQ(ifm_out_write(p, write_hello_cb, NULL), -1);      /* a symlink: refused, not followed */
  ASSERT_EQ(lstat(p, &st), 0);
  ASSERT(S_ISLNK(st.st_mode));
  path_in(p, sizeof p, "dangling.json");
  ASSERT_EQ(symlink("/nonexistent/ifm-out-test", p), 0);
  ASSERT_EQ(ifm_out_write(p, write_hello_cb, NULL), -1);      /* dangling: refused too */
  ASSERT_EQ(ifm_out_write("/dev/null", write_hello_cb, NULL), -1);   /* a device */
  ASSERT_EQ(stat("/dev/null", &st), 0);
  ASSERT(S_ISCHR(st.st_mode));
  ASSERT_EQ(ifm_out_write(dir, write_hello_cb, NULL), -1);    /* a folder */
  path_in(fifo, sizeof fifo, "fifo");
  ASSERT_EQ(mkfifo(fifo, 0600), 0);
  ASSERT_EQ(ifm_out_write(fifo, write_hello_cb, NULL), -1);   /* a FIFO (would block a reader) */
  path_in(p, sizeof p, "no/such/folder/r.json");
  ASSERT_EQ(ifm_out_write(p, write_hello_cb, NULL), -1);
  ASSERT_EQ(leftovers(), 0);
  unlink(fifo);
}

static void test_sha256_file(void) {
  char p[256], hex[65];
  path_in(p, sizeof p, "h");
  ASSERT_EQ(ifm_out_write(p, write_hello_cb, NULL), 0);
  ASSERT_EQ(ifm_out_sha256_file(p, hex), 0);
  /* sha256("hello\n"), as coreutils' sha256sum gives it */
  ASSERT_STREQ(hex, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  path_in(p, sizeof p, "missing");
  ASSERT_EQ(ifm_out_sha256_file(p, hex), -1);
}

static void cleanup(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "# could not remove %s\n", dir);
}

static void setup(void) {
  if (!mkdtemp(dir)) abort();
  atexit(cleanup);
}

IFM_TEST_MAIN(
  TEST(setup),
  TEST(test_new_and_replace),
  TEST(test_failed_write_keeps_old),
  TEST(test_refused_destinations),
  TEST(test_sha256_file)
)
