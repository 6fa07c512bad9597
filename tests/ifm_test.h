/* ifm_test.h: the project's unit-test harness. Each tests/<module>_test.c is
 * its own program that prints TAP (version 13), so ctest runs them and prove
 * can too.
 *
 *   static void test_something(void) { ASSERT_EQ(1 + 1, 2); }
 *   IFM_TEST_MAIN(TEST(test_something), TEST(test_other))
 *
 * An ASSERT that fails prints both sides as a TAP diagnostic, marks the test
 * "not ok" and returns from the test function (so use ASSERTs only in the test
 * function itself, or in helpers that return void and are followed by
 * IFM_TEST_BAIL_IF_FAILED()).
 */
#ifndef IFM_TEST_H
#define IFM_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ifm_test_entry {
  const char *name;
  void (*fn)(void);
} ifm_test_entry;

extern int ifm_test_failed_;

#define TEST(fn) { #fn, fn }

#define IFM_TEST_FAIL_(...)                                                   \
  do {                                                                        \
    printf("# %s:%d: ", __FILE__, __LINE__);                                  \
    printf(__VA_ARGS__);                                                      \
    printf("\n");                                                             \
    ifm_test_failed_ = 1;                                                     \
    return;                                                                   \
  } while (0)

#define IFM_TEST_BAIL_IF_FAILED() do { if (ifm_test_failed_) return; } while (0)

#define ASSERT(c)                                                             \
  do { if (!(c)) IFM_TEST_FAIL_("ASSERT(%s) failed", #c); } while (0)

#define ASSERT_EQ(a, b)                                                       \
  do {                                                                        \
    intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                          \
    if (a_ != b_)                                                             \
      IFM_TEST_FAIL_("ASSERT_EQ(%s, %s): %jd != %jd", #a, #b, a_, b_);        \
  } while (0)

#define ASSERT_NE(a, b)                                                       \
  do {                                                                        \
    intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                          \
    if (a_ == b_)                                                             \
      IFM_TEST_FAIL_("ASSERT_NE(%s, %s): both %jd", #a, #b, a_);              \
  } while (0)

#define ASSERT_GE(a, b)                                                       \
  do {                                                                        \
    intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                          \
    if (!(a_ >= b_))                                                          \
      IFM_TEST_FAIL_("ASSERT_GE(%s, %s): %jd < %jd", #a, #b, a_, b_);         \
  } while (0)

#define ASSERT_STREQ(a, b)                                                    \
  do {                                                                        \
    const char *a_ = (a), *b_ = (b);                                          \
    if (!a_ || !b_ || strcmp(a_, b_) != 0)                                    \
      IFM_TEST_FAIL_("ASSERT_STREQ(%s, %s): \"%s\" != \"%s\"", #a, #b,        \
                     a_ ? a_ : "(null)", b_ ? b_ : "(null)");                 \
  } while (0)

#define ASSERT_MEMEQ(a, alen, b, blen)                                        \
  do {                                                                        \
    size_t al_ = (alen), bl_ = (blen);                                        \
    if (al_ != bl_ || memcmp((a), (b), al_) != 0)                             \
      IFM_TEST_FAIL_("ASSERT_MEMEQ(%s, %s): \"%.*s\" != \"%.*s\"", #a, #b,    \
                     (int)al_, (const char *)(a), (int)bl_,                   \
                     (const char *)(b));                                      \
  } while (0)

#define ASSERT_CONTAINS(hay, needle)                                          \
  do {                                                                        \
    const char *h_ = (hay), *n_ = (needle);                                   \
    if (!h_ || !strstr(h_, n_))                                               \
      IFM_TEST_FAIL_("ASSERT_CONTAINS(%s, %s): \"%s\" not in \"%.300s\"",     \
                     #hay, #needle, n_, h_ ? h_ : "(null)");                  \
  } while (0)

int ifm_test_run(const ifm_test_entry *tests, size_t n, int argc, char **argv);

/* Writes text to DIR/name and returns the path (static storage, the last
 * four calls' stay valid); NULL when the file cannot be written. */
const char *ifm_test_write_file(const char *dir, const char *name, const char *text);
/* Removes DIR/names[i] for each name, then DIR; returns rmdir's result. */
int ifm_test_remove_files(const char *dir, const char *const *names, size_t n);
/* The checkout (IFM_SOURCE_DIR, which ctest sets), or a TAP "Bail out!" and
 * exit 1 when it is not set; source_path gives DIR/rel (static storage, the
 * last four calls' stay valid). */
const char *ifm_test_source_dir(void);
const char *ifm_test_source_path(const char *rel);
/* 1 when one of the n messages starts with prefix and contains sub. */
int ifm_test_has_message(char *const *msgs, size_t n, const char *prefix, const char *sub);
/* Prints the n messages as TAP comments. */
void ifm_test_print_messages(char *const *msgs, size_t n);

#define IFM_TEST_MAIN(...)                                                    \
  int main(int argc, char **argv) {                                           \
    static const ifm_test_entry tests_[] = { __VA_ARGS__ };                   \
    return ifm_test_run(tests_, sizeof tests_ / sizeof tests_[0], argc, argv);\
  }

#endif
