/* ifm_shape.c: the names and descriptions of the reference server's shapes
 * (`ifmatch serve --shape NAME`): forms that real services take and that
 * RFC 9110 allows, behind the same correct If-Match semantics. The table
 * order is the bit order of enum ifm_shape.
 */
#include <string.h>

#include "ifm_server.h"

typedef struct shape_info {
  const char *name;
  const char *desc;
} shape_info;

static const shape_info shape_table[IFM_SHAPE_COUNT] = {
  {"post-create", "creates only by POST to a collection with a server-chosen id (Location); PUT to a "
                  "missing resource is 404, as in JSON APIs"},
  {"no-write-etag", "write responses carry no ETag; a client reads the new one with GET (RFC 9110 9.3.4)"},
  {"no-etag", "no ETag field at all; If-Match with a tag is false, If-Match: * true when the resource "
              "exists (RFC 9110 8.8.3 makes ETags a SHOULD)"},
  {"read-only", "every write is 405 with Allow: GET, HEAD, OPTIONS; every path has a fixed representation"},
  {"weak-etags", "only weak entity-tags; If-Match compares strongly, so a conditional write with one "
                 "always gets 412 (RFC 9110 13.1.1)"},
  {"cap-conns", "serves at most 8 connections at once; further ones are refused until one closes"},
  {"header-close", "a request whose header exceeds 8 KiB gets 431 and the connection is closed"},
};

unsigned ifm_shape_parse(const char *name) {
  unsigned i;
  if (!name) return 0;
  for (i = 0; i < IFM_SHAPE_COUNT; i++)
    if (strcmp(name, shape_table[i].name) == 0) return 1u << i;
  return 0;
}

const char *ifm_shape_name(unsigned i) {
  return i < IFM_SHAPE_COUNT ? shape_table[i].name : NULL;
}

const char *ifm_shape_describe(unsigned i) {
  return i < IFM_SHAPE_COUNT ? shape_table[i].desc : NULL;
}
