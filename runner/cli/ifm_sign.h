/* ifm_sign.h: Ed25519 signatures on certificates (RFC 8032, through
 * OpenSSL's libcrypto). Keys are PEM files as `openssl genpkey -algorithm
 * ed25519` writes them; public keys and signatures travel in base64. The
 * private key's bytes are never printed. Without libcrypto at build time
 * every call fails with a message saying so. */
#ifndef IFM_SIGN_H
#define IFM_SIGN_H

#include <stddef.h>

typedef struct ifm_signer ifm_signer;

/* Loads a private Ed25519 key (PEM, unencrypted). NULL with why in err. */
ifm_signer *ifm_signer_new(const char *pem_path, char *err, size_t errlen);
void ifm_signer_free(ifm_signer *s);
/* The public key, base64 of its 32 raw bytes. */
const char *ifm_signer_public_b64(const ifm_signer *s);
/* ifm_cert_sign_cb: signs msg, base64 into sig. ctx is the ifm_signer. */
int ifm_signer_sign_cb(const void *msg, size_t len, char *sig, size_t siglen, char *err, size_t errlen,
                       void *ctx);

/* The public key of a PEM file (public or private), base64 of its raw bytes
 * into out. Returns 0, or -1 with why in err. */
int ifm_sign_public_from_pem(const char *pem_path, char *out, size_t outlen, char *err, size_t errlen);
/* 1 when sig_b64 is a valid Ed25519 signature of msg by pub_b64, 0 when
 * not, -1 with why in err when the key or signature cannot be read. */
int ifm_sign_verify(const char *pub_b64, const char *sig_b64, const void *msg, size_t len, char *err,
                    size_t errlen);

#endif
