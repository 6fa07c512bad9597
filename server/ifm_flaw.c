/* ifm_flaw.c: the names and one-line descriptions of the reference server's
 * profiles and seeded flaws, as used on the command line (`ifmatch serve
 * --profile NAME --flaw NAME`) and in reports.
 *
 * Each flaw reproduces one bug class of REQUIREMENTS.md ("Bug classes seen in
 * real servers"); the table order is the bit order of enum ifm_flaw.
 */
#include <string.h>
#include <strings.h>

#include "ifm_server.h"

typedef struct flaw_info {
  const char *name;
  const char *desc;
} flaw_info;

static const flaw_info flaw_table[IFM_FLAW_COUNT] = {
  {"weak-compare", "If-Match uses the weak comparison: W/\"e\" matches \"e\" (RFC 9110 13.1.1 requires strong)"},
  {"star-creates", "If-Match: * is true on a missing resource, so PUT creates (RFC 9110 13.1.1: false)"},
  {"etag-static", "a successful write keeps the resource's ETag (timestamp/size tags that do not rotate)"},
  {"race", "check-then-write race: If-Match checked under the lock, then the lock dropped for --race-window-us before the write"},
  {"missing-ok", "a write without If-Match is accepted where the profile refuses it (428 / 400)"},
  {"list-first", "only the first element of an If-Match list is compared"},
  {"line-first", "only the first If-Match field line is read; later lines are ignored"},
  {"case-insensitive", "opaque-tags compared ignoring ASCII case"},
  {"write-then-412", "a write whose precondition fails is performed anyway, then answered 412"},
  {"ignore-on-delete", "DELETE never evaluates If-Match"},
  {"ius-first", "If-Unmodified-Since evaluated instead of If-Match when both are present (RFC 9110 13.1.4)"},
  {"malformed-500", "500 Internal Server Error on a malformed If-Match value (should be 400)"},
  {"comma-split", "the If-Match value split at every comma, even inside quotes: \"a,E,b\" matches E"},
  {"stale-etag-response", "a write's response carries the old ETag while a new one is stored"},
  {"ignore-on-put", "PUT never evaluates If-Match"},
  {"inm-first", "If-None-Match evaluated before If-Match (304 where 412 is due)"},
  {"missing-412", "412 instead of 404 for GET/HEAD/DELETE with If-Match on a missing resource"},
  {"replace-201", "201 Created instead of 204 when a PUT replaces an existing resource"},
};

static const char *const profile_names[] = {"rfc9110", "rfc9110-428", "cpp"};

int ifm_server_profile_parse(const char *name, ifm_server_profile *out) {
  size_t i;

  if (!name) return -1;
  for (i = 0; i < sizeof profile_names / sizeof profile_names[0]; i++) {
    if (strcasecmp(name, profile_names[i]) == 0) {
      *out = (ifm_server_profile)i;
      return 0;
    }
  }
  return -1;
}

const char *ifm_server_profile_name(ifm_server_profile p) {
  if ((unsigned)p >= sizeof profile_names / sizeof profile_names[0]) return "unknown";
  return profile_names[p];
}

unsigned ifm_flaw_parse(const char *name) {
  unsigned i;

  if (!name) return 0;
  for (i = 0; i < IFM_FLAW_COUNT; i++)
    if (strcmp(name, flaw_table[i].name) == 0) return 1u << i;
  return 0;
}

const char *ifm_flaw_name(unsigned i) {
  return i < IFM_FLAW_COUNT ? flaw_table[i].name : NULL;
}

const char *ifm_flaw_describe(unsigned i) {
  return i < IFM_FLAW_COUNT ? flaw_table[i].desc : NULL;
}
