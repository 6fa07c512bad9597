/* replay_main.c: main() for a harness built without libFuzzer. Runs
 * LLVMFuzzerTestOneInput once on every file named, and on every regular file
 * of every directory named (not recursive), so ctest can replay the seed
 * corpora and fuzz/regress/ on every build, with any compiler. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, as in libFuzzer: a harness that defines it is set up first. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *current;   /* the input being replayed, for abort_cb */

/* On abort (a failed CHECK, a sanitizer report), names the input. */
static void abort_cb(int sig) {
  static const char pre[] = "fuzz replay: crashed on input ";
  if (current && write(2, pre, sizeof pre - 1) >= 0 && write(2, current, strlen(current)) >= 0)
    (void)!write(2, "\n", 1);
  signal(sig, SIG_DFL);
  raise(sig);
}

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long len;
  if (!f) return perror(path), -1;
  if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
      !(buf = malloc((size_t)len + 1)) || fread(buf, 1, (size_t)len, f) != (size_t)len) {
    perror(path);
    free(buf);
    fclose(f);
    return -1;
  }
  fclose(f);
  /* An exact-size copy, as libFuzzer gives, so ASan sees any over-read. */
  {
    uint8_t *exact = malloc(len ? (size_t)len : 1);
    if (!exact) return free(buf), -1;
    memcpy(exact, buf, (size_t)len);
    free(buf);
    current = path;
    LLVMFuzzerTestOneInput(exact, (size_t)len);
    current = NULL;
    free(exact);
  }
  return 0;
}

static int replay_path(const char *path, size_t *count) {
  struct stat st;
  struct dirent **names;
  int i, n, bad = 0;
  if (stat(path, &st) != 0) return perror(path), 1;
  if (!S_ISDIR(st.st_mode)) return (*count)++, replay_file(path) != 0;
  if ((n = scandir(path, &names, NULL, alphasort)) < 0) return perror(path), 1;
  for (i = 0; i < n; i++) {
    char sub[4096];
    struct stat sst;
    snprintf(sub, sizeof sub, "%s/%s", path, names[i]->d_name);
    if (names[i]->d_name[0] != '.' && stat(sub, &sst) == 0 && S_ISREG(sst.st_mode)) {
      (*count)++;
      bad += replay_file(sub) != 0;
    }
    free(names[i]);
  }
  free(names);
  return bad;
}

int main(int argc, char **argv) {
  size_t count = 0;
  int i, bad = 0;
  signal(SIGABRT, abort_cb);
  signal(SIGSEGV, abort_cb);
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  for (i = 1; i < argc; i++) bad += replay_path(argv[i], &count);
  printf("replayed %zu inputs, %d unreadable\n", count, bad);
  return bad ? 1 : 0;
}
