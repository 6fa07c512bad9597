/* ifm_netcheck.h: the connection options (ifm_netopts, ifm_model.h) checked
 * when they are read, from a target file or the command line, so that a
 * mistake stops the run before anything is sent (exit 2), named by its
 * option or its file:line:col. The meanings are curl's:
 *
 *   cert, key     CURLOPT_SSLCERT / CURLOPT_SSLKEY: PEM files, readable; the
 *                 key not encrypted (ifmatch never asks for a passphrase);
 *                 without a key, the cert file must hold the key too
 *   proxy         CURLOPT_PROXY: [scheme://][user:password@]host[:port], the
 *                 scheme http, https, socks4, socks4a, socks5 or socks5h
 *                 (none: http)
 *   noproxy       CURLOPT_NOPROXY: host names, domains and addresses separated
 *                 by commas, "*" for every host, "" for none
 *   resolve       CURLOPT_RESOLVE: [+]HOST:PORT:ADDR[,ADDR]... with numeric
 *                 addresses (an IPv6 one may be in brackets)
 *   connect_to    CURLOPT_CONNECT_TO: HOST1:PORT1:HOST2:PORT2, any part but
 *                 one of HOST2 and PORT2 may be empty
 *
 * Each check returns 0, or -1 with the reason in err, without a prefix:
 * the caller puts the option or the position in front.
 */
#ifndef IFM_NETCHECK_H
#define IFM_NETCHECK_H

#include <stddef.h>
#include "ifm_model.h"

int ifm_netcheck_resolve(const char *s, char *err, size_t len);
int ifm_netcheck_connect_to(const char *s, char *err, size_t len);
int ifm_netcheck_proxy(const char *s, char *err, size_t len);
int ifm_netcheck_noproxy(const char *s, char *err, size_t len);

/* The client certificate and its key (key may be NULL: then the cert file
 * must hold it). which gets 0 when the cert is at fault, 1 the key. */
int ifm_netcheck_tls(const char *cert, const char *key, int *which, char *err, size_t len);

#endif
