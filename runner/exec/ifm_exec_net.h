/* ifm_exec_net.h: a transfer's connection options (ifm_netopts: client
 * certificate, proxy, resolve, connect_to) on its easy handle; inside the
 * executor only (ifm_exec.c calls it). */
#ifndef IFM_EXEC_NET_H
#define IFM_EXEC_NET_H

#include <curl/curl.h>
#include "ifm_model.h"

/* Sets n's options on e (n may be NULL: none given) and the proxy default
 * below. The lists libcurl reads when the transfer starts are built into
 * *resolve and *connect_to, which the caller keeps until the transfer is
 * freed and then frees (curl_slist_free_all). 0, or -1 out of memory.
 *
 * Proxies: a proxy given is used for every host but those of n->noproxy
 * (libcurl's NO_PROXY / no_proxy then apply when no noproxy is given). With
 * no proxy given, libcurl's environment variables (http_proxy, HTTPS_PROXY,
 * ALL_PROXY, NO_PROXY) choose, as for curl, except that loopback (localhost,
 * 127.0.0.1, ::1: the embedded server, a local test server) is never sent to
 * a proxy from the environment unless n->noproxy says otherwise. */
int ifm_exec_net_apply(CURL *e, const ifm_netopts *n, struct curl_slist **resolve,
                       struct curl_slist **connect_to);

#endif
