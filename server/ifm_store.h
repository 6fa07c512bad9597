/* ifm_store.h: the reference server's in-memory resource store.
 *
 * Resources are keyed by path in a chained hash map guarded by one mutex. A
 * representation (bytes + content type) is an immutable, reference-counted
 * blob: a write installs a new blob, and a response being sent holds its own
 * reference, so a reader never sees a torn body (REQUIREMENTS item 36) and
 * the lock is never held while bytes go to the network.
 *
 * Entity-tags (RFC 9110 section 8.8.3) are strong, minted from a store-wide
 * counter through a bijective 64-bit mix with a per-boot salt: every write
 * gets a tag never issued before during the server's life, even after a
 * delete and re-create of the same path (section 8.8.1; RFC 4918 8.8).
 * The opaque value is "e" + 16 lowercase hex digits, so it always contains
 * letters and a case-flipped copy never matches (REQUIREMENTS item 14).
 *
 * Bounded memory (RFC 4918 11.5): the store holds at most max_resources
 * resources and max_bytes bytes (representations, content types, paths and
 * the bookkeeping of each resource). A write that would go past either is
 * refused (IFM_STORE_FULL: 507 Insufficient Storage) and changes nothing.
 * Resources untouched (not read, written or named by any request) for
 * evict_after_ms are dropped, least recently touched first, at the next
 * write, so a long-lived server that runs suite after suite (each makes a
 * few hundred fresh resources) stays at the size of its recent work instead
 * of filling up. A write that would not fit first drops, least recently
 * touched first, resources untouched for grace_ms (the server's is a
 * minute: no running case leaves its resources alone that long); so past
 * its limits the store keeps serving suite after suite, and says 507 only
 * to more than its limit of writes within that minute. With evict_after_ms
 * 0 nothing is ever dropped.
 *
 * Unless said otherwise, every function below must be called with the store
 * locked (ifm_store_lock / ifm_store_unlock).
 */
#ifndef IFM_STORE_H
#define IFM_STORE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* An immutable representation. data[] holds len bytes; ctype points into
 * the same allocation. Created with refs = 1; the last ifm_blob_unref frees
 * it. Thread-safe without the store lock. */
typedef struct ifm_blob {
  atomic_uint refs;
  size_t len;
  const char *ctype;
  char data[];
} ifm_blob;

/* Allocates a blob of len bytes (uninitialised, for the caller to fill before
 * sharing it) with a copy of the ctype_len bytes at ctype (NULL or empty ->
 * application/octet-stream). Returns NULL when out of memory. The caller owns
 * the one reference. */
ifm_blob *ifm_blob_alloc(size_t len, const char *ctype, size_t ctype_len);
ifm_blob *ifm_blob_ref(ifm_blob *b);
void ifm_blob_unref(ifm_blob *b);   /* NULL allowed */

#define IFM_OPAQUE_LEN 17           /* "e" + 16 hex digits */

typedef struct ifm_res {
  char *path;                         /* owned */
  ifm_blob *rep;                      /* one reference owned by the store */
  char etag[IFM_OPAQUE_LEN + 1];      /* opaque-tag without quotes, NUL-terminated */
  time_t last_modified;               /* 1-second resolution (section 8.8.2) */
  uint64_t hash;
  struct ifm_res *next;               /* hash chain */
  struct ifm_res *lru_prev, *lru_next;  /* most recently touched first */
  uint64_t touched_ms;                /* CLOCK_MONOTONIC */
  size_t bytes;                       /* what it counts against max_bytes */
} ifm_res;

typedef struct ifm_store ifm_store;

typedef enum ifm_store_result {
  IFM_STORE_OK = 0,
  IFM_STORE_FULL,                     /* max_resources reached: 507 */
  IFM_STORE_NOMEM
} ifm_store_result;

/* Creates an empty store (no lock needed) with the limits above; 0 for
 * max_resources or max_bytes means the defaults 100000 and 32 MiB, 0 for
 * evict_after_ms never evicts; grace_ms is at most evict_after_ms. The
 * caller owns it and frees it with ifm_store_free(), which drops the
 * store's blob references. */
ifm_store *ifm_store_new(size_t max_resources, size_t max_bytes, uint64_t evict_after_ms,
                         uint64_t grace_ms);
void ifm_store_free(ifm_store *st);

void ifm_store_lock(ifm_store *st);
void ifm_store_unlock(ifm_store *st);

/* The resource at path, or NULL; finding it touches it. The pointer is
 * valid until the lock is released. */
ifm_res *ifm_store_find(ifm_store *st, const char *path);

/* Installs rep (taking over the caller's reference, also on failure) as the
 * current representation of path, creating the resource when missing. A new
 * entity-tag is minted unless keep_etag is set and the resource existed (the
 * etag-static flaw). Sets *created and *out (valid until unlock). First drops
 * resources as said above (never path itself); then IFM_STORE_FULL when the
 * result would still exceed a limit. */
ifm_store_result ifm_store_write(ifm_store *st, const char *path, ifm_blob *rep,
                                 int keep_etag, int *created, ifm_res **out);

/* Removes path. Returns 1 when it existed. */
int ifm_store_remove(ifm_store *st, const char *path);

/* The paths directly under collection prefix (which ends in '/'), sorted,
 * one per line, in a malloc'd buffer the caller frees. NULL on no memory. */
char *ifm_store_list(ifm_store *st, const char *prefix, size_t *len);

typedef struct ifm_store_stats {
  size_t resources, bytes;            /* held now */
  size_t max_resources, max_bytes;
  uint64_t evicted, refused;          /* dropped untouched; writes refused as full */
  uint64_t changes;                   /* representations installed or removed by
                                         requests (writes, deletes; not evictions) */
} ifm_store_stats;

void ifm_store_stats_get(ifm_store *st, ifm_store_stats *out);

/* 1 once evictions have dropped IFM_STORE_TRIM_BYTES since it last said so:
 * time to hand the freed pages back to the system (malloc_trim), outside
 * the lock. Freed memory is reused anyway; without the trim the holes the
 * dropped resources leave in the allocator's arenas stay resident (RSS
 * 61 MB against 47 MB after a trim, with the 32 MiB store full). */
#define IFM_STORE_TRIM_BYTES ((size_t)4 * 1024 * 1024)
int ifm_store_trim_due(ifm_store *st);

/* A fresh number for naming a child created by POST to a collection. */
uint64_t ifm_store_next_child(ifm_store *st);

#endif
