/* ifm_catalogue.c: the 39 requirements of REQUIREMENTS.md. The level is that
 * of the requirement's core rule; a case may state a different level for a
 * SHOULD or MAY part of it. */
#include <string.h>
#include "ifm_catalogue.h"

static const ifm_requirement catalogue[] = {
  {1, "IM-MATCH-OK", IFM_MUST, "RFC 9110 13.1.1", "If-Match with the current ETag performs the write and a new ETag is issued", 0},
  {2, "IM-STALE-412", IFM_MUST, "RFC 9110 13.1.1, 13.2.2", "a stale or never-issued tag gets 412 and changes nothing", 0},
  {3, "IM-ETAG-ROTATES", IFM_MUST, "RFC 9110 8.8.1", "every write that changes content yields a new ETag", 0},
  {4, "IM-ETAG-FUNCTIONAL", IFM_MUST, "RFC 9110 8.8.1; RFC 4918 8.8", "no ETag is ever seen with two different bodies", 0},
  {5, "IM-PUT-RESP-ETAG", IFM_MUST, "RFC 9110 9.3.4", "an ETag in a 2xx PUT response is the stored representation's", 0},
  {6, "IM-ETAG-WELLFORMED", IFM_MUST, "RFC 9110 8.8.3", "every ETag the server emits parses under the grammar", 0},
  {7, "IM-LIST-ANY", IFM_MUST, "RFC 9110 13.1.1", "a list matches when any member matches", 0},
  {8, "IM-LIST-LINES", IFM_MUST, "RFC 9110 5.3", "a list split over several field lines is one list", 0},
  {9, "IM-LIST-OWS", IFM_MUST, "RFC 9110 5.6.1", "OWS around commas does not change the result", 0},
  {10, "IM-LIST-EMPTY", IFM_MUST, "RFC 9110 5.6.1.2", "recipients accept empty list elements", 0},
  {11, "IM-COMMA-IN-TAG", IFM_MUST, "RFC 9110 8.8.3", "a comma inside quotes is part of one tag", 0},
  {12, "IM-SIZE", IFM_MUST, "RFC 9110 5.4", "large lists and tags are handled or refused cleanly, never 5xx", 0},
  {13, "IM-WEAK-NEVER", IFM_MUST, "RFC 9110 13.1.1, 8.8.3.2", "If-Match uses the strong comparison", 0},
  {14, "IM-CASE", IFM_MUST, "RFC 9110 8.8.3.2, 5.1", "opaque-tags are case-sensitive; field names are not", 0},
  {15, "IM-MALFORMED", IFM_MUST, "RFC 9110 13.1.1, 8.8.3", "malformed values are refused (400/412), never performed", 0},
  {16, "IM-EMPTY-VALUE", IFM_MUST, "RFC 9110 13.1.1, 5.6.1", "an empty If-Match is not an absent one", 0},
  {17, "IM-BYTES", IFM_MUST, "RFC 9110 8.8.3", "obs-text compared byte for byte; CR/LF/NUL refused", 0},
  {18, "IM-STAR-EXISTS", IFM_MUST, "RFC 9110 13.1.1", "If-Match: * on an existing resource performs the write", 0},
  {19, "IM-ABSENT-PUT", IFM_MUST, "RFC 9110 13.1.1, 13.2.1", "If-Match on a missing resource does not create it", 0},
  {20, "IM-ABSENT-OTHER", IFM_MUST, "RFC 9110 13.2.1", "GET/HEAD/DELETE on a missing resource answer 404/410 whatever If-Match says", 0},
  {21, "IM-NO-ETAG", IFM_MUST, "RFC 9110 13.1.1", "a resource without an ETag: a tag fails, * succeeds", 0},
  {22, "IM-MISSING-POLICY", IFM_MUST, "RFC 6585 3", "a write without If-Match gets the profile's answer", 0},
  {23, "IM-MISSING-NOT-STAR", IFM_MUST, "RFC 9110 13.1.1", "a missing header is not If-Match: *", 0},
  {24, "IM-428-FORM", IFM_SHOULD, "RFC 6585 3", "a 428 says how to retry and is not cached", 0},
  {25, "IM-PREC-IUS", IFM_MUST, "RFC 9110 13.1.4, 13.2.2", "If-Unmodified-Since is ignored when If-Match is present", 0},
  {26, "IM-PREC-INM", IFM_MUST, "RFC 9110 13.2.2", "If-Match is evaluated before If-None-Match", 0},
  {27, "IM-PREC-RANGE-IMS", IFM_MUST, "RFC 9110 13.2.2", "a failed If-Match wins over Range and If-Modified-Since", 0},
  {28, "IM-ORDER-CHECKS", IFM_MUST, "RFC 9110 13.2.1", "401/403/405/413 and redirects come before 412", 0},
  {29, "IM-ORDER-BODY", IFM_MUST, "RFC 9110 13.2.1", "a stale tag with an invalid body is never performed", 0},
  {30, "IM-METHODS", IFM_MUST, "RFC 9110 13.1.1; RFC 5789 2", "If-Match applies to every method that selects a representation", 0},
  {31, "IM-METHODS-IGNORED", IFM_MUST, "RFC 9110 13.1.1", "OPTIONS and TRACE ignore If-Match", 0},
  {32, "IM-PATCH-ATOMIC", IFM_MUST, "RFC 5789 2", "a patch that fails part way changes nothing", 0},
  {33, "IM-ALREADY-APPLIED", IFM_MAY, "RFC 9110 13.1.1", "a replayed write changes the state once at most", 0},
  {34, "IM-RACE-ONE-WINNER", IFM_MUST, "RFC 9110 13.1.1", "concurrent writers with the same ETag: exactly one wins", 1},
  {35, "IM-RACE-STAR-LWW", IFM_MUST, "cpp profile", "concurrent If-Match: * writes: the last one wins whole", 1},
  {36, "IM-RACE-READERS", IFM_MUST, "RFC 9110 8.8.1", "readers during write storms never see torn bodies", 1},
  {37, "IM-RACE-CREATE", IFM_MUST, "RFC 9110 13.1.2", "concurrent creates: exactly one 201", 1},
  {38, "IM-412-SHAPE", IFM_MUST, "RFC 9110 15.5.13", "a 412 is complete, framed, and keeps the connection usable", 0},
  {39, "IM-H2-EQUIV", IFM_MUST, "RFC 9113 8", "the same expectations hold over HTTP/1.1 and HTTP/2", 0},
};

size_t ifm_catalogue_count(void) { return sizeof catalogue / sizeof catalogue[0]; }

const ifm_requirement *ifm_catalogue_at(size_t i) {
  return i < ifm_catalogue_count() ? &catalogue[i] : NULL;
}

const ifm_requirement *ifm_catalogue_find(const char *id) {
  size_t i;
  for (i = 0; id && i < ifm_catalogue_count(); i++)
    if (strcmp(catalogue[i].id, id) == 0) return &catalogue[i];
  return NULL;
}
