/* ifm_catalogue.c: the 39 requirements of REQUIREMENTS.md. The level is that
 * of the requirement's core rule; a case may state a different level for a
 * SHOULD or MAY part of it. Each entry ends with its rule (the RFC text it
 * rests on, quoted verbatim) and its fix (what a server should change), for
 * reports to show with the evidence of a FAIL (ifm_catalogue.h). */
#include <string.h>
#include "ifm_catalogue.h"

static const ifm_requirement catalogue[] = {
  {1, "IM-MATCH-OK", IFM_MUST, "RFC 9110 13.1.1", "If-Match with the current ETag performs the write and a new ETag is issued", 0,
   "RFC 9110 13.1.1: \"If the field value is a list of entity tags, the condition is true if any of the "
   "listed tags match the entity tag of the selected representation.\" RFC 9110 13.2.2: \"if true, continue "
   "to step 3\" ... \"perform the requested method...\" "
   "RFC 9110 8.8.1: \"A strong validator is representation metadata that changes value whenever a change "
   "occurs to the representation data...\"",
   "Compare each If-Match tag with the current ETag by the strong comparison and, on a match, perform the "
   "method as if the field were absent; give the new state a new ETag and answer 200 or 204, not 201, to a "
   "PUT that replaces."},
  {2, "IM-STALE-412", IFM_MUST, "RFC 9110 13.1.1, 13.2.2", "a stale or never-issued tag gets 412 and changes nothing", 0,
   "RFC 9110 13.1.1: \"An origin server that evaluates an If-Match condition MUST NOT perform the requested "
   "method if the condition evaluates to false. Instead, the origin server MAY indicate that the conditional "
   "request failed by responding with a 412 (Precondition Failed) status code...\" RFC 9110 13.2.2: \"if "
   "false, respond 412 (Precondition Failed)...\"",
   "When no If-Match tag equals the current ETag, answer 412 before touching the store: write, delete and "
   "create nothing, and never let a stale or never-issued tag fall through to the write."},
  {3, "IM-ETAG-ROTATES", IFM_MUST, "RFC 9110 8.8.1", "every write that changes content yields a new ETag", 0,
   "RFC 9110 8.8.1: \"A strong validator is representation metadata that changes value whenever a change "
   "occurs to the representation data that would be observable in the content of a 200 (OK) response to "
   "GET.\" ... \"A strong validator is unique across all versions of all representations associated with a "
   "particular resource over time.\"",
   "Derive the ETag from something that changes on every write, such as a revision counter or a hash of the "
   "stored bytes, not from the size and a one-second modification time; the replaced tags then stop matching."},
  {4, "IM-ETAG-FUNCTIONAL", IFM_MUST, "RFC 9110 8.8.1; RFC 4918 8.8", "no ETag is ever seen with two different bodies", 0,
   "RFC 9110 8.8.1: \"A strong validator is unique across all versions of all representations associated "
   "with a particular resource over time.\" RFC 4918 8.8: \"For any given URL, an 'ETag' value MUST NOT be "
   "reused for different representations returned by GET.\"",
   "Make the ETag a function of the stored bytes (a content hash) or of a revision number that is never "
   "reused, also after a delete and a re-create; never serve a body under a tag computed for other bytes."},
  {5, "IM-PUT-RESP-ETAG", IFM_MUST, "RFC 9110 9.3.4", "an ETag in a 2xx PUT response is the stored representation's", 0,
   "RFC 9110 9.3.4: \"An origin server MUST NOT send a validator field (Section 8.8), such as an ETag or "
   "Last-Modified field, in a successful response to PUT unless the request's representation data was saved "
   "without any transformation applied to the content ... and the validator field value reflects the new "
   "representation.\"",
   "Compute the ETag of a PUT response from the representation that PUT stored, in the same step as the "
   "write, not from the state before it; send no ETag when the content was transformed."},
  {6, "IM-ETAG-WELLFORMED", IFM_MUST, "RFC 9110 8.8.3", "every ETag the server emits parses under the grammar", 0,
   "RFC 9110 8.8.3 (ABNF): ETag = entity-tag; entity-tag = [ weak ] opaque-tag; weak = %s\"W/\"; "
   "opaque-tag = DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text. And: \"An entity tag consists of "
   "an opaque quoted string, possibly prefixed by a weakness indicator.\"",
   "Emit every ETag as an optional W/ followed by a double-quoted string of visible ASCII other than the "
   "double quote (or bytes 0x80-0xFF): no unquoted tags, no spaces, no lower-case w/, no escapes."},
  {7, "IM-LIST-ANY", IFM_MUST, "RFC 9110 13.1.1", "a list matches when any member matches", 0,
   "RFC 9110 13.1.1: \"If the field value is a list of entity tags, the condition is true if any of the "
   "listed tags match the entity tag of the selected representation.\"",
   "Split the value into all of its members and compare each with the current ETag; do not compare only "
   "the first member, or the whole value as one string."},
  {8, "IM-LIST-LINES", IFM_MUST, "RFC 9110 5.3", "a list split over several field lines is one list", 0,
   "RFC 9110 5.2: \"When a field name is repeated within a section, its combined field value consists of the "
   "list of corresponding field line values within that section, concatenated in order, with each field line "
   "value separated by a comma.\" RFC 9110 5.3: \"A recipient MAY combine multiple field lines ... without "
   "changing the semantics of the message...\"",
   "Join every If-Match field line, whatever the case of its name, in order and with commas before parsing "
   "(use the framework's call that returns all values); never read only the first or the last line."},
  {9, "IM-LIST-OWS", IFM_MUST, "RFC 9110 5.6.1", "OWS around commas does not change the result", 0,
   "RFC 9110 5.6.1: \"The full form is '<n>#<m>element' indicating at least <n> and at most <m> elements, "
   "each separated by a single comma (',') and optional whitespace (OWS, defined in Section 5.6.3).\" "
   "RFC 9110 5.5: \"A field value does not include leading or trailing whitespace.\"",
   "Trim spaces and tabs around each list member and around the whole value before comparing; a member is "
   "the bytes from its opening to its closing quote."},
  {10, "IM-LIST-EMPTY", IFM_MUST, "RFC 9110 5.6.1.2", "recipients accept empty list elements", 0,
   "RFC 9110 5.6.1.2: \"A recipient MUST parse and ignore a reasonable number of empty list elements: "
   "enough to handle common mistakes by senders that merge values, but not so much that they could be used "
   "as a denial-of-service mechanism.\"",
   "Skip empty members (two commas in a row, a leading or a trailing comma) when splitting the list, and "
   "treat a value of commas only as a list with no members, which is false (412)."},
  {11, "IM-COMMA-IN-TAG", IFM_MUST, "RFC 9110 8.8.3", "a comma inside quotes is part of one tag", 0,
   "RFC 9110 8.8.3: \"opaque-tag = DQUOTE *etagc DQUOTE\" ... \"etagc = %x21 / %x23-7E / obs-text\" (the "
   "comma, %x2C, is an etagc). RFC 9110 5.5: \"Because commas (',') are used as the delimiter between "
   "members, they need to be treated with care if they are allowed as data within a member.\"",
   "Parse the list with a quote-aware scanner, in which a tag runs from its opening to its closing double "
   "quote, instead of splitting the value on commas first."},
  {12, "IM-SIZE", IFM_MUST, "RFC 9110 5.4", "large lists and tags are handled or refused cleanly, never 5xx", 0,
   "RFC 9110 5.4: \"A server that receives a request header field line, field value, or set of fields larger "
   "than it wishes to process MUST respond with an appropriate 4xx (Client Error) status code.\"",
   "Either evaluate a long If-Match in full or refuse it with 431 or 400 before doing anything; size the "
   "parser's buffers and limits so that a long list or tag never yields a 5xx or a dropped connection."},
  {13, "IM-WEAK-NEVER", IFM_MUST, "RFC 9110 13.1.1, 8.8.3.2", "If-Match uses the strong comparison", 0,
   "RFC 9110 13.1.1: \"An origin server MUST use the strong comparison function when comparing entity tags "
   "for If-Match (Section 8.8.3.2)...\" RFC 9110 8.8.3.2: \"Strong comparison: two entity tags are "
   "equivalent if both are not weak and their opaque-tags match character-by-character.\"",
   "Use the strong comparison for If-Match: a member or a current tag with the W/ prefix never matches; "
   "issue strong ETags for resources that clients are to update conditionally."},
  {14, "IM-CASE", IFM_MUST, "RFC 9110 8.8.3.2, 5.1", "opaque-tags are case-sensitive; field names are not", 0,
   "RFC 9110 8.8.3.2: \"two entity tags are equivalent if both are not weak and their opaque-tags match "
   "character-by-character.\" RFC 9110 5.1: \"Field names are case-insensitive...\"",
   "Compare opaque-tags byte for byte, never case-folded, and look the field name up case-insensitively; a "
   "quoted \"*\" is an ordinary tag, not the wildcard."},
  {15, "IM-MALFORMED", IFM_MUST, "RFC 9110 13.1.1, 8.8.3", "malformed values are refused (400/412), never performed", 0,
   "RFC 9110 13.1.1 (ABNF): If-Match = \"*\" / #entity-tag. And: \"Otherwise, the condition is false.\" "
   "\"An origin server that evaluates an If-Match condition MUST NOT perform the requested method if the "
   "condition evaluates to false.\" The project reads a value outside the grammar as neither * nor a list "
   "of tags: false, or refused with 400.",
   "Parse If-Match strictly by the grammar and answer 400 or 412 to anything else (a missing quote, a "
   "lower-case w/, * mixed with tags, text after a tag) without performing the method; never guess a tag."},
  {16, "IM-EMPTY-VALUE", IFM_MUST, "RFC 9110 13.1.1, 5.6.1", "an empty If-Match is not an absent one", 0,
   "RFC 9110 13.1.1 (ABNF): If-Match = \"*\" / #entity-tag, and #entity-tag admits a list with no members "
   "(RFC 9110 5.6.1). \"If the field value is a list of entity tags, the condition is true if any of the "
   "listed tags match the entity tag of the selected representation.\" \"Otherwise, the condition is false.\"",
   "Tell a present If-Match with an empty value from an absent field by checking the field's presence, not "
   "its length: an empty value gets 412 (or 400), never the unconditional path."},
  {17, "IM-BYTES", IFM_MUST, "RFC 9110 8.8.3", "obs-text compared byte for byte; CR/LF/NUL refused", 0,
   "RFC 9110 8.8.3: \"etagc = %x21 / %x23-7E / obs-text\" (obs-text = %x80-FF, RFC 9110 5.5). RFC 9110 "
   "5.5: \"a recipient of CR, LF, or NUL within a field value MUST either reject the message or replace each "
   "of those characters with SP before further processing or forwarding of that message.\"",
   "Compare tags as raw bytes, with no charset decoding and no backslash unescaping, keeping bytes "
   "0x80-0xFF as they are; reject a value that holds CR, LF or NUL with 400."},
  {18, "IM-STAR-EXISTS", IFM_MUST, "RFC 9110 13.1.1", "If-Match: * on an existing resource performs the write", 0,
   "RFC 9110 13.1.1: \"If the field value is '*', the condition is true if the origin server has a current "
   "representation for the target resource.\"",
   "Treat If-Match: * as true whenever the resource exists, whatever its ETag (or none), and perform the "
   "method."},
  {19, "IM-ABSENT-PUT", IFM_MUST, "RFC 9110 13.1.1, 13.2.1", "If-Match on a missing resource does not create it", 0,
   "RFC 9110 13.1.1: \"If the field value is '*', the condition is true if the origin server has a current "
   "representation for the target resource.\" ... \"Otherwise, the condition is false.\" \"An origin server "
   "that evaluates an If-Match condition MUST NOT perform the requested method if the condition evaluates to "
   "false.\" (Only the cpp profile lets * create; a tag is false in every profile.)",
   "Evaluate If-Match before the create path: on a missing resource a tag (and *, outside the cpp profile) "
   "is false, so answer 412 and create nothing."},
  {20, "IM-ABSENT-OTHER", IFM_MUST, "RFC 9110 13.2.1", "GET/HEAD/DELETE on a missing resource answer 404/410 whatever If-Match says", 0,
   "RFC 9110 13.2.1: \"A server MUST ignore all received preconditions if its response to the same request "
   "without those conditions, prior to processing the request content, would have been a status code other "
   "than a 2xx (Successful) or 412 (Precondition Failed).\"",
   "Resolve the target first and answer 404 (or 410) to a GET, HEAD or DELETE of a missing resource before "
   "evaluating If-Match, so that a precondition never turns a 404 into a 412."},
  {21, "IM-NO-ETAG", IFM_MUST, "RFC 9110 13.1.1", "a resource without an ETag: a tag fails, * succeeds", 0,
   "RFC 9110 13.1.1: \"If the field value is '*', the condition is true if the origin server has a current "
   "representation for the target resource.\" \"If the field value is a list of entity tags, the condition "
   "is true if any of the listed tags match the entity tag of the selected representation.\" \"Otherwise, the "
   "condition is false.\"",
   "For a resource that has no ETag, let no tag match (412) but treat * as true; do not skip the check or "
   "compare the tags with an empty string."},
  {22, "IM-MISSING-POLICY", IFM_MUST, "RFC 6585 3", "a write without If-Match gets the profile's answer", 0,
   "RFC 6585 3: \"The 428 status code indicates that the origin server requires the request to be "
   "conditional.\" The answer to a write without If-Match is the profile's (missing_if_match): performed "
   "under rfc9110, 428 under rfc9110-428, 400 under cpp; a refused write changes nothing (the project's "
   "reading).",
   "Choose one policy for unconditional writes and apply it to every write method: perform them, or refuse "
   "them (428, or 400 under cpp) before anything is written."},
  {23, "IM-MISSING-NOT-STAR", IFM_MUST, "RFC 9110 13.1.1", "a missing header is not If-Match: *", 0,
   "RFC 9110 13.1.1: \"If the field value is '*', the condition is true if the origin server has a current "
   "representation for the target resource.\" A request without If-Match has no condition to evaluate, so "
   "it is not the same as * (the project's reading).",
   "Keep a request without If-Match and one with If-Match: * apart: without the field a PUT may create "
   "(201), while * on a missing resource gets 412."},
  {24, "IM-428-FORM", IFM_SHOULD, "RFC 6585 3", "a 428 says how to retry and is not cached", 0,
   "RFC 6585 3: \"Responses using this status code SHOULD explain how to resubmit the request "
   "successfully.\" ... \"Responses with the 428 status code MUST NOT be stored by a cache.\"",
   "Give every 428 a body that says to retry with If-Match and the current ETag, and a Cache-Control: "
   "no-store header."},
  {25, "IM-PREC-IUS", IFM_MUST, "RFC 9110 13.1.4, 13.2.2", "If-Unmodified-Since is ignored when If-Match is present", 0,
   "RFC 9110 13.1.4: \"A recipient MUST ignore If-Unmodified-Since if the request contains an If-Match "
   "header field; the condition in If-Match is considered to be a more accurate replacement for the "
   "condition in If-Unmodified-Since...\"",
   "Evaluate If-Unmodified-Since only when the request has no If-Match; when If-Match is present, let it "
   "alone decide."},
  {26, "IM-PREC-INM", IFM_MUST, "RFC 9110 13.2.2", "If-Match is evaluated before If-None-Match", 0,
   "RFC 9110 13.2.2: \"A recipient cache or origin server MUST evaluate the request preconditions defined by "
   "this specification in the following order:\" ... \"When recipient is the origin server and If-Match is "
   "present, evaluate the If-Match precondition:\" ... \"if false, respond 412 (Precondition Failed)...\" "
   "... \"When If-None-Match is present, evaluate the If-None-Match precondition\"",
   "Evaluate If-Match first and answer 412 when it is false; look at If-None-Match only after If-Match held, "
   "so that a false If-Match is never a 304."},
  {27, "IM-PREC-RANGE-IMS", IFM_MUST, "RFC 9110 13.2.2", "a failed If-Match wins over Range and If-Modified-Since", 0,
   "RFC 9110 13.2.2: \"A recipient cache or origin server MUST evaluate the request preconditions defined by "
   "this specification in the following order:\" ... \"evaluate the If-Match precondition:\" ... \"if false, "
   "respond 412 (Precondition Failed)...\" If-Modified-Since (step 4) and If-Range with Range (step 5) come "
   "only after If-Match held.",
   "Evaluate If-Match before If-Modified-Since, If-Range and Range: a false If-Match is a 412, never a 206, "
   "304 or 416."},
  {28, "IM-ORDER-CHECKS", IFM_MUST, "RFC 9110 13.2.1", "401/403/405/413 and redirects come before 412", 0,
   "RFC 9110 13.2.1: \"A server MUST ignore all received preconditions if its response to the same request "
   "without those conditions, prior to processing the request content, would have been a status code other "
   "than a 2xx (Successful) or 412 (Precondition Failed). In other words, redirects and failures that can be "
   "detected before significant processing occurs take precedence over the evaluation of preconditions.\"",
   "Run the authentication, authorization, method, size and redirect checks before evaluating If-Match, and "
   "answer their 401, 403, 405, 413 or 3xx as such, changing nothing."},
  {29, "IM-ORDER-BODY", IFM_MUST, "RFC 9110 13.2.1", "a stale tag with an invalid body is never performed", 0,
   "RFC 9110 13.2.1: \"... a recipient cache or origin server MUST evaluate received request preconditions "
   "after it has successfully performed its normal request checks and just before it would process the "
   "request content (if any) or perform the action associated with the request method.\"",
   "Evaluate If-Match before parsing or applying the request body, so that a stale tag gets 412 whatever the "
   "body holds and an invalid body is never applied."},
  {30, "IM-METHODS", IFM_MUST, "RFC 9110 13.1.1; RFC 5789 2", "If-Match applies to every method that selects a representation", 0,
   "RFC 9110 13.1.1: \"When an origin server receives a request that selects a representation and that "
   "request includes an If-Match header field, the origin server MUST evaluate the If-Match condition per "
   "Section 13.2 prior to performing the method.\" RFC 5789 2: \"...the client can use a strong ETag "
   "[RFC2616] in an If-Match header on the PATCH request.\"",
   "Evaluate If-Match in one place that every method goes through (GET, HEAD, PUT, PATCH, DELETE and POST), "
   "not in the PUT handler only."},
  {31, "IM-METHODS-IGNORED", IFM_MUST, "RFC 9110 13.1.1", "OPTIONS and TRACE ignore If-Match", 0,
   "RFC 9110 13.2.1: \"... a server MUST ignore the conditional request header fields defined by this "
   "specification when received with a request method that does not involve the selection or modification "
   "of a selected representation, such as CONNECT, OPTIONS, or TRACE.\"",
   "Skip the precondition check for OPTIONS, TRACE and CONNECT: answer them as if If-Match were absent, "
   "never with 412."},
  {32, "IM-PATCH-ATOMIC", IFM_MUST, "RFC 5789 2", "a patch that fails part way changes nothing", 0,
   "RFC 5789 2: \"The server MUST apply the entire set of changes atomically and never provide (e.g., in "
   "response to a GET during this operation) a partially modified representation. If the entire patch "
   "document cannot be successfully applied, then the server MUST NOT apply any of the changes.\"",
   "Apply the patch to a copy and store the copy only when every operation succeeded (or roll back on "
   "failure), so that a failed patch leaves the bytes and the ETag as they were."},
  {33, "IM-ALREADY-APPLIED", IFM_MAY, "RFC 9110 13.1.1", "a replayed write changes the state once at most", 0,
   "RFC 9110 13.1.1: \"An origin server that evaluates an If-Match condition MUST NOT perform the requested "
   "method if the condition evaluates to false.\" ... \"Alternatively, if the request is a state-changing "
   "operation that appears to have already been applied to the selected representation, the origin server "
   "MAY respond with a 2xx (Successful) status code...\"",
   "Answer a replayed write whose tag is now stale with 412, or with a 2xx only after checking that the "
   "current state is exactly the one that write produced; never apply it a second time."},
  {34, "IM-RACE-ONE-WINNER", IFM_MUST, "RFC 9110 13.1.1", "concurrent writers with the same ETag: exactly one wins", 1,
   "RFC 9110 13.1.1: \"If-Match is most often used with state-changing methods (e.g., POST, PUT, DELETE) to "
   "prevent accidental overwrites when multiple user agents might be acting in parallel on the same "
   "resource...\" \"An origin server that evaluates an If-Match condition MUST NOT perform the requested "
   "method if the condition evaluates to false.\" Once one write has won, the others' tag is stale.",
   "Compare the If-Match tags with the current ETag and do the write in one atomic step (a lock or a "
   "compare-and-swap on the stored version), not check-then-write."},
  {35, "IM-RACE-STAR-LWW", IFM_MUST, "cpp profile", "concurrent If-Match: * writes: the last one wins whole", 1,
   "cpp profile (Cloud Partner Portal publishing API), not an RFC: there If-Match: * means a write without "
   "comparison, so concurrent * writes all succeed and the last one wins whole: the final body is exactly "
   "one of the bodies sent, under an ETag that then works for the next write.",
   "Replace the stored representation in one step (write to a temporary file and rename it, or swap the "
   "stored object under a lock), so that concurrent * writes never interleave."},
  {36, "IM-RACE-READERS", IFM_MUST, "RFC 9110 8.8.1", "readers during write storms never see torn bodies", 1,
   "RFC 9110 8.8.1: \"A strong validator is representation metadata that changes value whenever a change "
   "occurs to the representation data that would be observable in the content of a 200 (OK) response to "
   "GET.\" The project reads this, with PUT replacing the state whole (RFC 9110 9.3.4), as: a GET returns one "
   "state that was written whole, under that state's ETag.",
   "Let readers see the old or the new representation whole, never a mix: write to a temporary file and "
   "rename it (or take a read lock), and read the body and the ETag from the same version."},
  {37, "IM-RACE-CREATE", IFM_MUST, "RFC 9110 13.1.2", "concurrent creates: exactly one 201", 1,
   "RFC 9110 13.1.2: \"If the field value is '*', the condition is false if the origin server has a current "
   "representation for the target resource.\" ... \"An origin server that evaluates an If-None-Match "
   "condition MUST NOT perform the requested method if the condition evaluates to false; instead, the origin "
   "server MUST respond with either\" ... \"b) the 412 (Precondition Failed) status code for all other "
   "request methods.\"",
   "Make create-if-absent atomic (an exclusive create such as O_CREAT|O_EXCL, or a conditional insert), and "
   "evaluate If-Match: * and DELETE under the same lock, so that a deleted resource is never brought back."},
  {38, "IM-412-SHAPE", IFM_MUST, "RFC 9110 15.5.13", "a 412 is complete, framed, and keeps the connection usable", 0,
   "RFC 9110 15.5.13: \"The 412 (Precondition Failed) status code indicates that one or more conditions given "
   "in the request header fields evaluated to false when tested on the server (Section 13).\" The project "
   "reads a 412 as an ordinary response: complete, correctly framed, leaving the connection usable and "
   "announcing no new version.",
   "Send a 412 as a complete response with a correct Content-Length (no body to HEAD) and without the ETag "
   "of a write that did not happen; read or discard the unread request body so the connection stays usable."},
  {39, "IM-H2-EQUIV", IFM_MUST, "RFC 9113 8", "the same expectations hold over HTTP/1.1 and HTTP/2", 0,
   "RFC 9113 8: \"HTTP/2 is an instantiation of the HTTP message abstraction (Section 6 of [HTTP]).\" "
   "RFC 9113 2: \"HTTP/2 provides an optimized transport for HTTP semantics. HTTP/2 supports all of the "
   "core features of HTTP...\"",
   "Route HTTP/2 requests through the same precondition and storage code as HTTP/1.1, and join repeated "
   "if-match fields (lower-case in HTTP/2) exactly as over HTTP/1.1."},
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
