/* ifm_patch.h: the reference server's PATCH document format (RFC 5789).
 *
 * With Content-Type application/x-ifm-patch the body is a list of lines:
 *
 *   append <text>     add text at the end
 *   prepend <text>    add text at the start
 *   test <text>       the representation (as patched so far) must contain text
 *
 * Lines end in LF (a CR before it is dropped); empty lines are skipped. Any
 * other line is malformed (400); a failing test is a conflict (409). Either
 * way nothing is applied: a patch is atomic (RFC 5789 section 2,
 * REQUIREMENTS item 32). With any other content type the raw body is
 * appended. Not idempotent on purpose: replaying a patch changes the state
 * again, which is what If-Match is there to prevent.
 */
#ifndef IFM_PATCH_H
#define IFM_PATCH_H

#include <stddef.h>

#include "ifm_store.h"

#define IFM_PATCH_TYPE "application/x-ifm-patch"

typedef enum ifm_patch_result {
  IFM_PATCH_OK = 0,
  IFM_PATCH_MALFORMED,       /* 400 */
  IFM_PATCH_CONFLICT,        /* 409: a test line failed */
  IFM_PATCH_NOMEM
} ifm_patch_result;

/* Applies the patch (body, of media type ctype, which may be NULL) to cur
 * (NULL: empty). On success *out is a new blob with cur's content type that
 * the caller owns. On failure *bad_line is the 1-based number of the line at
 * fault (0 when not about a line). */
ifm_patch_result ifm_patch_apply(const ifm_blob *cur, const char *ctype, size_t ctype_len,
                                 const char *body, size_t body_len,
                                 ifm_blob **out, size_t *bad_line);

/* Whether a media type (parameters allowed) is the patch format. */
int ifm_patch_is_type(const char *ctype, size_t len);

#endif
