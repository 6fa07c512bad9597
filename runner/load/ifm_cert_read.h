/* ifm_cert_read.h: a certificate's JSON (version 2) read back into what
 * `ifmatch verify` needs to issue it again: the ifm_certinfo (inputs,
 * reports, signature) and the digest it claims. */
#ifndef IFM_CERT_READ_H
#define IFM_CERT_READ_H

#include <stddef.h>
#include "ifm_certinfo.h"

/* buf[0..len) is the certificate file at path. Fills ci (zeroed first) and
 * digest (the 64 hex digits after "sha256:"). Returns 0, or -1 with
 * "path:line:col: why" in err. */
int ifm_cert_read_json(const char *path, const char *buf, size_t len, ifm_certinfo *ci, char digest[65],
                       char *err, size_t errlen);

#endif
