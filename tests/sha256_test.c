/* sha256_test.c: runner/model/ifm_sha256.c against the examples of FIPS 180-4
 * (NIST's "SHA256.pdf" example values) and block-boundary lengths. */
#include "ifm_sha256.h"
#include "ifm_test.h"

static const char *digest(const char *msg, size_t len, size_t chunk) {
  static char hex[65];
  ifm_sha256 s;
  size_t i;
  ifm_sha256_init(&s);
  for (i = 0; i < len; i += chunk) ifm_sha256_update(&s, msg + i, len - i < chunk ? len - i : chunk);
  ifm_sha256_final_hex(&s, hex);
  return hex;
}

static void test_fips_examples(void) {
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  ASSERT_STREQ(digest("abc", 3, 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ASSERT_STREQ(digest("", 0, 1), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ASSERT_STREQ(digest(two, strlen(two), 7), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a(void) {
  /* FIPS 180-2 appendix B.3: one million 'a' */
  static char a[1000000];
  memset(a, 'a', sizeof a);
  ASSERT_STREQ(digest(a, sizeof a, 4099), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

IFM_TEST_MAIN(TEST(test_fips_examples), TEST(test_million_a))
