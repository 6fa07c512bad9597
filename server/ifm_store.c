/* ifm_store.c: the resource map and entity-tag minting behind the reference
 * server (see ifm_store.h for the why). A chained hash map with FNV-1a keys,
 * doubled when the load factor reaches 1; one mutex for everything, which
 * makes the If-Match evaluation and the write one atomic step for the
 * handler (REQUIREMENTS item 34). A list in order of last touch (most
 * recent first) makes dropping untouched resources O(1) per resource.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ifm_mix.h"
#include "ifm_store.h"

struct ifm_store {
  pthread_mutex_t lock;
  ifm_res **buckets;
  size_t nbuckets;        /* a power of two */
  size_t count;
  size_t max_resources;
  uint64_t tag_counter;   /* next tag number; never goes back */
  uint64_t salt;          /* per boot, so two runs do not issue the same tags */
  uint64_t child_counter;
  size_t bytes, max_bytes;
  uint64_t evict_after_ms, grace_ms;
  ifm_res *lru_head, *lru_tail;
  uint64_t evicted, refused;
  uint64_t changes;       /* representations installed or removed by requests */
  size_t dropped_since_trim;  /* bytes dropped since ifm_store_trim_due said 1 */
};

/* ---- blobs ------------------------------------------------------------- */

ifm_blob *ifm_blob_alloc(size_t len, const char *ctype, size_t clen) {
  ifm_blob *b;

  if (!ctype || !clen) {
    ctype = "application/octet-stream";
    clen = strlen(ctype);
  }
  if (len > SIZE_MAX - sizeof *b - clen - 1) return NULL;
  b = malloc(sizeof *b + len + clen + 1);
  if (!b) return NULL;
  atomic_init(&b->refs, 1);
  b->len = len;
  memcpy(b->data + len, ctype, clen);
  b->data[len + clen] = '\0';
  b->ctype = b->data + len;
  return b;
}

ifm_blob *ifm_blob_ref(ifm_blob *b) {
  atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
  return b;
}

void ifm_blob_unref(ifm_blob *b) {
  if (!b) return;
  if (atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1) free(b);
}

/* ---- entity-tags ------------------------------------------------------- */


static void store_mint(ifm_store *st, char out[IFM_OPAQUE_LEN + 1]) {
  uint64_t v = ifm_mix64(st->tag_counter++ ^ st->salt);
  snprintf(out, IFM_OPAQUE_LEN + 1, "e%016llx", (unsigned long long)v);
}

static uint64_t boot_salt(const void *addr) {
  struct timespec ts;
  uint64_t s;

  clock_gettime(CLOCK_REALTIME, &ts);
  s = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
  s ^= (uint64_t)getpid() << 40;
  s ^= (uint64_t)(uintptr_t)addr;
  return ifm_mix64(s);
}

/* ---- the map ----------------------------------------------------------- */

static uint64_t hash_path(const char *s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 0x100000001b3ULL;
  }
  return h;
}

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* What a resource counts against max_bytes: its representation, content
 * type and path, and the fixed cost of the structures that hold them. */
static size_t rep_bytes(const ifm_blob *b) { return sizeof *b + b->len + strlen(b->ctype) + 1; }
static size_t res_bytes(const char *path, const ifm_blob *rep) {
  return sizeof(ifm_res) + strlen(path) + 1 + rep_bytes(rep);
}

static void lru_unlink(ifm_store *st, ifm_res *r) {
  if (r->lru_prev) r->lru_prev->lru_next = r->lru_next;
  else st->lru_head = r->lru_next;
  if (r->lru_next) r->lru_next->lru_prev = r->lru_prev;
  else st->lru_tail = r->lru_prev;
  r->lru_prev = r->lru_next = NULL;
}

static void lru_touch(ifm_store *st, ifm_res *r) {
  r->touched_ms = mono_ms();
  if (st->lru_head == r) return;
  if (r->lru_prev || r->lru_next || st->lru_tail == r) lru_unlink(st, r);
  r->lru_next = st->lru_head;
  if (st->lru_head) st->lru_head->lru_prev = r;
  st->lru_head = r;
  if (!st->lru_tail) st->lru_tail = r;
}

ifm_store *ifm_store_new(size_t max_resources, size_t max_bytes, uint64_t evict_after_ms,
                         uint64_t grace_ms) {
  ifm_store *st = calloc(1, sizeof *st);

  if (!st) return NULL;
  st->nbuckets = 1024;
  st->buckets = calloc(st->nbuckets, sizeof *st->buckets);
  if (!st->buckets) {
    free(st);
    return NULL;
  }
  pthread_mutex_init(&st->lock, NULL);
  st->max_resources = max_resources ? max_resources : 100000;
  st->max_bytes = max_bytes ? max_bytes : (size_t)32 * 1024 * 1024;
  st->evict_after_ms = evict_after_ms;
  st->grace_ms = grace_ms < evict_after_ms ? grace_ms : evict_after_ms;
  st->salt = boot_salt(st);
  st->tag_counter = 1;
  st->child_counter = 1;
  return st;
}

static void res_free(ifm_res *r) {
  ifm_blob_unref(r->rep);
  free(r->path);
  free(r);
}

void ifm_store_free(ifm_store *st) {
  size_t i;

  if (!st) return;
  for (i = 0; i < st->nbuckets; i++) {
    ifm_res *r = st->buckets[i];
    while (r) {
      ifm_res *next = r->next;
      res_free(r);
      r = next;
    }
  }
  free(st->buckets);
  pthread_mutex_destroy(&st->lock);
  free(st);
}

void ifm_store_lock(ifm_store *st) { pthread_mutex_lock(&st->lock); }
void ifm_store_unlock(ifm_store *st) { pthread_mutex_unlock(&st->lock); }

ifm_res *ifm_store_find(ifm_store *st, const char *path) {
  uint64_t h = hash_path(path);
  ifm_res *r;

  for (r = st->buckets[h & (st->nbuckets - 1)]; r; r = r->next)
    if (r->hash == h && strcmp(r->path, path) == 0) {
      lru_touch(st, r);
      return r;
    }
  return NULL;
}

/* Unlinks r from its hash chain and the touch list, and frees it. */
static void store_drop(ifm_store *st, ifm_res *r) {
  ifm_res **pp = &st->buckets[r->hash & (st->nbuckets - 1)];
  while (*pp != r) pp = &(*pp)->next;
  *pp = r->next;
  lru_unlink(st, r);
  st->bytes -= r->bytes;
  st->count--;
  res_free(r);
}

/* Drops resources, least recently touched first, sparing keep (the one
 * being written): those untouched for evict_after_ms; then, while a write
 * of `need` more bytes and `more` more resources would not fit, those
 * untouched for grace_ms. */
static int fits(const ifm_store *st, size_t need, size_t more) {
  return st->count + more <= st->max_resources && need <= st->max_bytes - st->bytes;
}

static void store_evict(ifm_store *st, const ifm_res *keep, size_t need, size_t more) {
  uint64_t now;
  if (!st->evict_after_ms) return;
  now = mono_ms();
  while (st->lru_tail && st->lru_tail != keep) {
    uint64_t idle = now - st->lru_tail->touched_ms;
    if (idle < st->grace_ms || (idle < st->evict_after_ms && fits(st, need, more))) break;
    st->dropped_since_trim += st->lru_tail->bytes;
    store_drop(st, st->lru_tail);
    st->evicted++;
  }
}

/* Doubles the bucket array; on no memory the map just stays denser. */
static void store_grow(ifm_store *st) {
  size_t n = st->nbuckets * 2, i;
  ifm_res **nb = calloc(n, sizeof *nb);

  if (!nb) return;
  for (i = 0; i < st->nbuckets; i++) {
    ifm_res *r = st->buckets[i];
    while (r) {
      ifm_res *next = r->next;
      r->next = nb[r->hash & (n - 1)];
      nb[r->hash & (n - 1)] = r;
      r = next;
    }
  }
  free(st->buckets);
  st->buckets = nb;
  st->nbuckets = n;
}

ifm_store_result ifm_store_write(ifm_store *st, const char *path, ifm_blob *rep,
                                 int keep_etag, int *created, ifm_res **out) {
  ifm_res *r = ifm_store_find(st, path);
  size_t need;

  *created = 0;
  *out = NULL;
  if (r) {
    need = sizeof(ifm_res) + strlen(r->path) + 1 + rep_bytes(rep);
    store_evict(st, r, need > r->bytes ? need - r->bytes : 0, 0);
    if (need > r->bytes && need - r->bytes > st->max_bytes - st->bytes) {
      st->refused++;
      ifm_blob_unref(rep);
      return IFM_STORE_FULL;
    }
    st->bytes = st->bytes - r->bytes + need;
    r->bytes = need;
    ifm_blob_unref(r->rep);
    r->rep = rep;
    if (!keep_etag) store_mint(st, r->etag);
    r->last_modified = time(NULL);
    st->changes++;
    *out = r;
    return IFM_STORE_OK;
  }
  need = res_bytes(path, rep);
  store_evict(st, NULL, need, 1);
  if (!fits(st, need, 1)) {
    st->refused++;
    ifm_blob_unref(rep);
    return IFM_STORE_FULL;
  }
  r = calloc(1, sizeof *r);
  if (!r || !(r->path = strdup(path))) {
    free(r);
    ifm_blob_unref(rep);
    return IFM_STORE_NOMEM;
  }
  r->rep = rep;
  r->hash = hash_path(path);
  r->bytes = need;
  store_mint(st, r->etag);
  r->last_modified = time(NULL);
  if (st->count >= st->nbuckets) store_grow(st);
  r->next = st->buckets[r->hash & (st->nbuckets - 1)];
  st->buckets[r->hash & (st->nbuckets - 1)] = r;
  st->count++;
  st->bytes += need;
  lru_touch(st, r);
  st->changes++;
  *created = 1;
  *out = r;
  return IFM_STORE_OK;
}

int ifm_store_remove(ifm_store *st, const char *path) {
  ifm_res *r = ifm_store_find(st, path);

  if (!r) return 0;
  store_drop(st, r);
  st->changes++;
  return 1;
}

int ifm_store_trim_due(ifm_store *st) {
  if (st->dropped_since_trim < IFM_STORE_TRIM_BYTES) return 0;
  st->dropped_since_trim = 0;
  return 1;
}

void ifm_store_stats_get(ifm_store *st, ifm_store_stats *out) {
  out->resources = st->count;
  out->bytes = st->bytes;
  out->max_resources = st->max_resources;
  out->max_bytes = st->max_bytes;
  out->evicted = st->evicted;
  out->refused = st->refused;
  out->changes = st->changes;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *ifm_store_list(ifm_store *st, const char *prefix, size_t *len) {
  size_t plen = strlen(prefix), n = 0, total = 0, i, k = 0;
  const char **names = NULL;
  char *out;

  if (st->count) {
    names = malloc(st->count * sizeof *names);
    if (!names) return NULL;
  }
  for (i = 0; i < st->nbuckets; i++) {
    const ifm_res *r;
    for (r = st->buckets[i]; r; r = r->next) {
      /* direct children only: nothing after the prefix contains a '/' */
      if (strncmp(r->path, prefix, plen) != 0 || strchr(r->path + plen, '/')) continue;
      names[n++] = r->path;
      total += strlen(r->path) + 1;
    }
  }
  if (n) qsort(names, n, sizeof *names, cmp_str);
  out = malloc(total + 1);
  if (out) {
    for (i = 0; i < n; i++) {
      size_t l = strlen(names[i]);
      memcpy(out + k, names[i], l);
      k += l;
      out[k++] = '\n';
    }
    out[k] = '\0';
    *len = k;
  }
  free(names);
  return out;
}

uint64_t ifm_store_next_child(ifm_store *st) { return st->child_counter++; }
