/* ifm_sign.c: see ifm_sign.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ifm_sign.h"

#ifdef IFM_HAVE_LIBCRYPTO
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

struct ifm_signer {
  EVP_PKEY *key;
  char pub[64];
};

/* The last libcrypto error as text, or fallback. */
static void crypto_why(char *err, size_t errlen, const char *what) {
  unsigned long e = ERR_get_error();
  char buf[256];
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  snprintf(err, errlen, "%s%s%s", what, e ? ": " : "", e ? buf : "");
  ERR_clear_error();
}

/* Never asks for a passphrase (a run in CI has no one to ask). */
static int no_passphrase_cb(char *buf, int size, int rwflag, void *u) {
  (void)buf, (void)size, (void)rwflag, (void)u;
  return -1;
}

static int b64(const unsigned char *raw, size_t n, char *out, size_t outlen) {
  if (outlen < 4 * ((n + 2) / 3) + 1) return -1;
  EVP_EncodeBlock((unsigned char *)out, raw, (int)n);
  return 0;
}

/* Decodes base64 of exactly want bytes. */
static int unb64(const char *s, unsigned char *raw, size_t want) {
  unsigned char buf[128];
  size_t len = strlen(s);
  int n;
  if (len == 0 || len % 4 || len > 4 * ((sizeof buf) / 3)) return -1;
  n = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)len);
  if (n < 0) return -1;
  n -= (s[len - 1] == '=') + (len > 1 && s[len - 2] == '=');
  if ((size_t)n != want) return -1;
  memcpy(raw, buf, want);
  return 0;
}

static int pub_b64(EVP_PKEY *k, char *out, size_t outlen) {
  unsigned char raw[32];
  size_t n = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(k, raw, &n) != 1 || n != 32) return -1;
  return b64(raw, n, out, outlen);
}

ifm_signer *ifm_signer_new(const char *pem_path, char *err, size_t errlen) {
  FILE *f = fopen(pem_path, "r");
  ifm_signer *s;
  EVP_PKEY *k;
  if (!f) {
    snprintf(err, errlen, "%s: cannot open the signing key", pem_path);
    return NULL;
  }
  k = PEM_read_PrivateKey(f, NULL, no_passphrase_cb, NULL);
  fclose(f);
  if (!k) {
    crypto_why(err, errlen, "not an unencrypted PEM private key");
    return NULL;
  }
  if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
    snprintf(err, errlen, "%s: not an Ed25519 key (make one: openssl genpkey -algorithm ed25519 -out KEY)",
             pem_path);
    EVP_PKEY_free(k);
    return NULL;
  }
  if (!(s = calloc(1, sizeof *s)) || pub_b64(k, s->pub, sizeof s->pub) != 0) {
    snprintf(err, errlen, "%s: cannot read its public key", pem_path);
    EVP_PKEY_free(k);
    free(s);
    return NULL;
  }
  s->key = k;
  return s;
}

void ifm_signer_free(ifm_signer *s) {
  if (!s) return;
  EVP_PKEY_free(s->key);
  free(s);
}

const char *ifm_signer_public_b64(const ifm_signer *s) { return s->pub; }

int ifm_signer_sign_cb(const void *msg, size_t len, char *sig, size_t siglen, char *err, size_t errlen,
                       void *ctx) {
  ifm_signer *s = ctx;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  unsigned char raw[64];
  size_t n = sizeof raw;
  int ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, s->key) == 1 &&
           EVP_DigestSign(md, raw, &n, msg, len) == 1 && n == 64;
  EVP_MD_CTX_free(md);
  if (!ok) {
    crypto_why(err, errlen, "Ed25519 signing failed");
    return -1;
  }
  return b64(raw, n, sig, siglen);
}

int ifm_sign_public_from_pem(const char *pem_path, char *out, size_t outlen, char *err, size_t errlen) {
  FILE *f = fopen(pem_path, "r");
  EVP_PKEY *k;
  int rc;
  if (!f) {
    snprintf(err, errlen, "%s: cannot open the key", pem_path);
    return -1;
  }
  k = PEM_read_PUBKEY(f, NULL, no_passphrase_cb, NULL);
  if (!k) {
    ERR_clear_error();
    rewind(f);
    k = PEM_read_PrivateKey(f, NULL, no_passphrase_cb, NULL);
  }
  fclose(f);
  if (!k || EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
    if (k) snprintf(err, errlen, "%s: not an Ed25519 key", pem_path);
    else crypto_why(err, errlen, "not a PEM public or private key");
    EVP_PKEY_free(k);
    return -1;
  }
  rc = pub_b64(k, out, outlen);
  EVP_PKEY_free(k);
  if (rc) snprintf(err, errlen, "%s: cannot read its public key", pem_path);
  return rc;
}

int ifm_sign_verify(const char *pub_b64, const char *sig_b64, const void *msg, size_t len, char *err,
                    size_t errlen) {
  unsigned char pub[32], sig[64];
  EVP_PKEY *k;
  EVP_MD_CTX *md;
  int ok;
  if (!pub_b64 || unb64(pub_b64, pub, sizeof pub) != 0) {
    snprintf(err, errlen, "the public key is not base64 of 32 bytes");
    return -1;
  }
  if (!sig_b64 || unb64(sig_b64, sig, sizeof sig) != 0) {
    snprintf(err, errlen, "the signature is not base64 of 64 bytes");
    return 0;        /* a mangled signature does not verify */
  }
  if (!(k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub))) {
    crypto_why(err, errlen, "not an Ed25519 public key");
    return -1;
  }
  md = EVP_MD_CTX_new();
  ok = md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) == 1 &&
       EVP_DigestVerify(md, sig, sizeof sig, msg, len) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(k);
  ERR_clear_error();
  if (!ok) snprintf(err, errlen, "the signature does not match the certificate's bytes");
  return ok;
}

#else /* no libcrypto */

static const char no_crypto[] = "this ifmatch was built without OpenSSL's libcrypto (libssl-dev): "
                                "no signatures";

ifm_signer *ifm_signer_new(const char *pem_path, char *err, size_t errlen) {
  (void)pem_path;
  snprintf(err, errlen, "%s", no_crypto);
  return NULL;
}
void ifm_signer_free(ifm_signer *s) { (void)s; }
const char *ifm_signer_public_b64(const ifm_signer *s) {
  (void)s;
  return "";
}
int ifm_signer_sign_cb(const void *msg, size_t len, char *sig, size_t siglen, char *err, size_t errlen,
                       void *ctx) {
  (void)msg, (void)len, (void)sig, (void)siglen, (void)ctx;
  snprintf(err, errlen, "%s", no_crypto);
  return -1;
}
int ifm_sign_public_from_pem(const char *pem_path, char *out, size_t outlen, char *err, size_t errlen) {
  (void)pem_path, (void)out, (void)outlen;
  snprintf(err, errlen, "%s", no_crypto);
  return -1;
}
int ifm_sign_verify(const char *pub_b64, const char *sig_b64, const void *msg, size_t len, char *err,
                    size_t errlen) {
  (void)pub_b64, (void)sig_b64, (void)msg, (void)len;
  snprintf(err, errlen, "%s", no_crypto);
  return -1;
}
#endif
