/* ifm_netcheck.c: connection options checked before anything is sent (see
 * ifm_netcheck.h). The syntax is curl's, checked here because libcurl
 * says little about a bad entry: a malformed CURLOPT_RESOLVE line is skipped
 * with a note on its verbose log only, and the run would then go to DNS.
 * PEM files are read, not parsed: a readable file with the right blocks is
 * handed to libcurl, which says what it thinks of the contents.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ifm_netcheck.h"

#define PEM_MAX_BYTES (1u << 20)

/* Every byte printable and no space. */
static int plain_bytes(const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] == 0x7f) return 0;
  return 1;
}

/* A decimal port 1..65535 in s[0..n). */
static int port_ok(const char *s, size_t n) {
  size_t i;
  long v = 0;
  if (n == 0 || n > 5) return 0;
  for (i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i])) return 0;
    v = v * 10 + (s[i] - '0');
  }
  return v >= 1 && v <= 65535;
}

/* A numeric address: IPv4, or IPv6 with or without brackets. */
static int addr_ok(const char *s, size_t n) {
  char buf[64];
  unsigned char bin[16];
  if (n >= 2 && s[0] == '[' && s[n - 1] == ']') s++, n -= 2;
  if (n == 0 || n >= sizeof buf) return 0;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return inet_pton(AF_INET, buf, bin) == 1 || inet_pton(AF_INET6, buf, bin) == 1;
}

/* The next ':'-separated part of s (a bracketed IPv6 address is one part). */
static size_t part_len(const char *s) {
  const char *close;
  if (s[0] == '[' && (close = strchr(s, ']')) != NULL) return (size_t)(close + 1 - s);
  return strcspn(s, ":");
}

int ifm_netcheck_resolve(const char *s, char *err, size_t len) {
  const char *p = s + (s[0] == '+'), *a;
  size_t hl, pl, al;
  hl = strcspn(p, ":");
  if (hl == 0 || !p[hl] || !plain_bytes(p, hl)) {
    snprintf(err, len, "'%.200s': expected HOST:PORT:ADDR[,ADDR]... (a host name first)", s);
    return -1;
  }
  pl = strcspn(p + hl + 1, ":");
  if (!port_ok(p + hl + 1, pl) || !p[hl + 1 + pl]) {
    snprintf(err, len, "'%.200s': expected HOST:PORT:ADDR[,ADDR]... (a port from 1 to 65535 after the host)", s);
    return -1;
  }
  a = p + hl + 1 + pl + 1;
  do {
    al = strcspn(a, ",");
    if (!addr_ok(a, al)) {
      snprintf(err, len, "'%.200s': '%.*s' is not a numeric IPv4 or IPv6 address", s, (int)(al < 80 ? al : 80), a);
      return -1;
    }
    a += al;
  } while (*a++ == ',');
  return 0;
}

int ifm_netcheck_connect_to(const char *s, char *err, size_t len) {
  const char *p = s, *part[4];
  size_t n[4];
  int i;
  for (i = 0; i < 4; i++) {
    part[i] = p;
    n[i] = part_len(p);
    p += n[i];
    if (i < 3 && *p++ != ':') break;
  }
  if (i < 4 || *p) {
    snprintf(err, len, "'%.200s': expected HOST1:PORT1:HOST2:PORT2 (four parts; an empty one means any or the same)", s);
    return -1;
  }
  for (i = 0; i < 4; i++) {
    int port = i % 2;
    if (n[i] && (port ? !port_ok(part[i], n[i]) : !plain_bytes(part[i], n[i]))) {
      snprintf(err, len, "'%.200s': '%.*s' is not a %s", s, (int)(n[i] < 80 ? n[i] : 80), part[i],
               port ? "port from 1 to 65535" : "host name or address");
      return -1;
    }
  }
  if (!n[2] && !n[3]) {
    snprintf(err, len, "'%.200s': connects nowhere else: give HOST2, PORT2 or both", s);
    return -1;
  }
  return 0;
}

int ifm_netcheck_proxy(const char *s, char *err, size_t len) {
  static const char *const schemes[] = {"http", "https", "socks4", "socks4a", "socks5", "socks5h"};
  const char *sep = strstr(s, "://"), *auth = sep ? sep + 3 : s, *at = NULL, *p;
  size_t alen, i, hl;
  if (!*s || !plain_bytes(s, strlen(s))) {
    snprintf(err, len, "expected [scheme://][user:password@]host[:port], without spaces");
    return -1;
  }
  if (sep) {
    for (i = 0; i < sizeof schemes / sizeof *schemes; i++)
      if (strlen(schemes[i]) == (size_t)(sep - s) && strncasecmp(s, schemes[i], (size_t)(sep - s)) == 0) break;
    if (i == sizeof schemes / sizeof *schemes) {
      snprintf(err, len, "unknown proxy scheme '%.*s' (http, https, socks4, socks4a, socks5, socks5h)",
               (int)(sep - s < 40 ? sep - s : 40), s);
      return -1;
    }
  }
  alen = strcspn(auth, "/?#");
  if (auth[alen] && strcmp(auth + alen, "/") != 0) {
    snprintf(err, len, "a proxy URL has no path, query or fragment: expected [scheme://][user:password@]host[:port]");
    return -1;
  }
  for (p = auth; p < auth + alen; p++)
    if (*p == '@') at = p;
  p = at ? at + 1 : auth;
  hl = part_len(p);
  if (hl == 0 || p + hl > auth + alen || (p[hl] == ':' && !port_ok(p + hl + 1, (size_t)(auth + alen - p - hl - 1))) ||
      (p[hl] != ':' && p + hl != auth + alen)) {
    snprintf(err, len, "expected [scheme://][user:password@]host[:port] with a port from 1 to 65535");
    return -1;
  }
  return 0;
}

int ifm_netcheck_noproxy(const char *s, char *err, size_t len) {
  const char *p;
  for (p = s; *p; p++)
    if ((unsigned char)*p < ' ' || *p == 0x7f) {
      snprintf(err, len, "expected host names, domains or addresses separated by commas ('*': every host)");
      return -1;
    }
  return 0;
}

/* Reads a PEM file into a NUL-terminated buffer; NULL with err set. */
static char *pem_read(const char *path, char *err, size_t len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  size_t n;
  if (!f) {
    snprintf(err, len, "%s: cannot read it: %s", path, strerror(errno));
    return NULL;
  }
  if (!(buf = malloc(PEM_MAX_BYTES + 1))) {
    fclose(f);
    snprintf(err, len, "out of memory");
    return NULL;
  }
  n = fread(buf, 1, PEM_MAX_BYTES + 1, f);
  if (ferror(f) || n > PEM_MAX_BYTES) {
    snprintf(err, len, "%s: %s", path, ferror(f) ? "cannot read it (a folder?)" : "over 1 MiB: not a PEM file");
    fclose(f);
    free(buf);
    return NULL;
  }
  fclose(f);
  buf[n] = '\0';
  return buf;
}

/* 1 when the text holds a private key block, 2 when that key is encrypted. */
static int pem_private_key(const char *pem) {
  const char *p;
  int found = 0;
  if (strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") || strstr(pem, "Proc-Type: 4,ENCRYPTED")) return 2;
  for (p = pem; (p = strstr(p, "-----BEGIN ")) != NULL; p += 11) {
    const char *end = strstr(p + 11, "-----");
    if (end && end - p < 64 && end - p >= 22 && strncmp(end - 11, "PRIVATE KEY", 11) == 0) found = 1;
  }
  return found;
}

int ifm_netcheck_tls(const char *cert, const char *key, int *which, char *err, size_t len) {
  char *c = NULL, *k = NULL;
  int rc = -1, kind;
  *which = key && !cert ? 1 : 0;
  if (!cert) {
    snprintf(err, len, "a key without a certificate: give the certificate too");
    return -1;
  }
  if (!(c = pem_read(cert, err, len))) return -1;
  if (!strstr(c, "-----BEGIN CERTIFICATE-----")) {
    snprintf(err, len, "%s: holds no PEM certificate (-----BEGIN CERTIFICATE-----)", cert);
    goto out;
  }
  *which = key ? 1 : 0;
  if (key && !(k = pem_read(key, err, len))) goto out;
  kind = pem_private_key(k ? k : c);
  if (kind == 2) {
    snprintf(err, len, "%s: the private key is encrypted, and ifmatch never asks for a passphrase: "
             "give it a decrypted copy (openssl pkey -in KEY -out PLAIN.pem), kept private", key ? key : cert);
    goto out;
  }
  if (kind == 0) {
    snprintf(err, len, key ? "%s: holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)"
                           : "%s: holds no private key beside the certificate: give the key file too",
             key ? key : cert);
    goto out;
  }
  rc = 0;
out:
  free(c);
  free(k);
  return rc;
}
