/* ifm_probe.h: `ifmatch probe`, the public side. A probe sends a few
 * requests of its own to a server the project never saw (every one on a
 * fresh path under a run-unique prefix, deleted afterwards where the server
 * lets it) and writes a target file (targets/README.md) that describes what
 * it found: how the server creates a resource, whether it sends ETags (on
 * reads, on writes; strong or weak), which methods it serves, how the payload
 * travels (plain or inside a wrapper), the profile its writes suggest and how
 * many connections it serves at once. Every key carries a comment with the
 * evidence: what was sent and what came back.
 *
 * A capability is claimed only when the probe saw it work the way the cases
 * that need it expect; a key it could not verify is left out, with a comment
 * saying why. Secrets (credential headers, ${env:NAME} values) never reach
 * the output or the log.
 */
#ifndef IFM_PROBE_H
#define IFM_PROBE_H

#include <stdio.h>
#include "ifm_buf.h"
#include "ifm_err.h"

struct ifm_netopts;

typedef struct ifm_probe_opts {
  const char *url;              /* scheme://host[:port][/prefix]: where to probe (required) */
  const char *partial;          /* a partial target file to start from (--target), or NULL */
  const char *body_template;    /* --body-template: a body wrapper for create and update */
  const char *extract;          /* --extract: read's extract (a POSIX ERE with a group) */
  double timeout_s;             /* per request; 0: 10 s */
  const char *const *headers;   /* --header "Name: value" (value may use ${env:NAME}) */
  size_t n_headers;
  const struct ifm_netopts *net;  /* --cert, --key, --proxy, --noproxy, --resolve, --connect-to
                                   (ifm_model.h; NULL: none): over the partial target's, used
                                   by every request and written into the file */
  FILE *log;                    /* one line per finding (secrets redacted); NULL: quiet */
  volatile int *stop;           /* set asynchronously to cut the probe short */
} ifm_probe_opts;

typedef struct ifm_probe ifm_probe;

/* Checks the options and loads the partial target. NULL with err on bad
 * input (a bad URL, header, template or target file: exit 2). Owner: the
 * caller, who frees it with ifm_probe_free. o must outlive the probe. */
ifm_probe *ifm_probe_new(const ifm_probe_opts *o, char *err, size_t errlen);
void ifm_probe_free(ifm_probe *p);

/* The probe's secrets (the partial target's, the --header credentials, the
 * userinfo of --url, with their forms: ifm_secrets.h), for the caller's
 * terminal to redact. Valid until ifm_probe_free. */
char *const *ifm_probe_secrets(const ifm_probe *p, size_t *n);

/* Probes the server and appends the target file to out. IFM_OK; otherwise
 * err says why no working target could be made (unreachable, not HTTP,
 * every write refused, no way to create found): exit 3. */
ifm_err ifm_probe_run(ifm_probe *p, ifm_buf *out, char *err, size_t errlen);

#endif
