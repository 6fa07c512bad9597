/* ifm_guard.c: connection limits and head / idle timeouts for the reference
 * server (see ifm_guard.h for the policy and why libmicrohttpd needs it).
 *
 * Connections are kept in one list, per-address counts in a small chained
 * hash map, both under one mutex. A connection's state and the time it
 * entered it share one atomic word, written by the connection's own thread
 * and read by the others, so the per-request path takes no lock. Finding
 * the connection to close at a limit, and the timer's sweep, walk the list:
 * O(connections), done only at a limit and a few times a second.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "ifm_guard.h"

struct ifm_guard_conn {
  struct ifm_guard_conn *prev, *next;
  atomic_uint_least64_t word;   /* now_ms() when it entered its state << 2 | state */
  int fd;
  uint32_t ip;
  int cut;                      /* shut down by the guard; no longer counted */
};

typedef struct ip_count {
  uint32_t ip;
  unsigned n;
  struct ip_count *next;
} ip_count;

#define IP_BUCKETS 1024u

struct ifm_guard {
  ifm_guard_opts o;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  pthread_t timer;
  int has_timer, stopping;
  ifm_guard_conn *head;         /* newest first */
  unsigned live;                /* tracked and not cut */
  ip_count *ips[IP_BUCKETS];
  ifm_guard_stats st;
};

/* Times are milliseconds since a process-wide origin, so that a
 * connection's own thread can stamp its word without the guard at hand. */
static struct timespec origin;
static pthread_once_t origin_once = PTHREAD_ONCE_INIT;
static void origin_init(void) { clock_gettime(CLOCK_MONOTONIC, &origin); }

static uint64_t now_ms(void) {
  struct timespec ts;
  int64_t ms;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ms = (int64_t)(ts.tv_sec - origin.tv_sec) * 1000 + (ts.tv_nsec - origin.tv_nsec) / 1000000;
  return ms > 0 ? (uint64_t)ms : 0;
}

static ip_count **ip_slot(ifm_guard *g, uint32_t ip) {
  ip_count **pp = &g->ips[(ip * 2654435761u) >> 22 & (IP_BUCKETS - 1)];
  while (*pp && (*pp)->ip != ip) pp = &(*pp)->next;
  return pp;
}

static unsigned ip_live(ifm_guard *g, uint32_t ip) {
  ip_count *c = *ip_slot(g, ip);
  return c ? c->n : 0;
}

/* +1 / -1 to an address's count; an entry is freed at 0. On no memory the
 * address goes uncounted (the global limit still holds). */
static void ip_add(ifm_guard *g, uint32_t ip, int d) {
  ip_count **pp = ip_slot(g, ip), *c = *pp;
  if (!c) {
    if (d < 0 || !(c = calloc(1, sizeof *c))) return;
    c->ip = ip;
    *pp = c;
  }
  if (d > 0) {
    c->n++;
  } else if (c->n && --c->n == 0) {
    *pp = c->next;
    free(c);
  }
}

/* Shuts the connection down and stops counting it (locked). */
static void cut(ifm_guard *g, ifm_guard_conn *c) {
  c->cut = 1;
  g->live--;
  ip_add(g, c->ip, -1);
  shutdown(c->fd, SHUT_RDWR);
}

/* May the guard close c to make room? Not while it is being answered, nor
 * while a body arrives at a normal pace (a race's clients hold their last
 * byte for a moment). */
static int cuttable(const ifm_guard *g, uint64_t word, uint64_t now) {
  ifm_guard_state s = (ifm_guard_state)(word & 3);
  uint64_t since = word >> 2;
  if (s == IFM_GUARD_IDLE || s == IFM_GUARD_HEAD) return 1;
  return s == IFM_GUARD_BODY && g->o.head_timeout_ms && now >= since &&
         now - since >= g->o.head_timeout_ms;
}

/* Closes the connection (of address ip, or any when !by_ip) that has waited
 * longest without a request in progress. 1 when one was closed. */
static int cut_oldest(ifm_guard *g, int by_ip, uint32_t ip) {
  ifm_guard_conn *c, *best = NULL;
  uint64_t now = now_ms(), best_since = 0;

  for (c = g->head; c; c = c->next) {
    uint64_t w = atomic_load_explicit(&c->word, memory_order_acquire);
    if (c->cut || (by_ip && c->ip != ip) || !cuttable(g, w, now)) continue;
    if (!best || (w >> 2) < best_since) {
      best = c;
      best_since = w >> 2;
    }
  }
  if (!best) return 0;
  cut(g, best);
  g->st.shed++;
  return 1;
}

/* Admissions on several server threads at one moment can each see the last
 * free slot (a connection counts from ifm_guard_open on), so the count may
 * stand a few over a limit; the next admission cuts back below it. */
int ifm_guard_admit(ifm_guard *g, uint32_t ip) {
  int ok = 1;

  pthread_mutex_lock(&g->lock);
  while (ok && g->o.max_per_ip && ip_live(g, ip) >= g->o.max_per_ip)
    ok = g->o.shed && cut_oldest(g, 1, ip);
  while (ok && g->o.max_conns && g->live >= g->o.max_conns)
    ok = g->o.shed && cut_oldest(g, 0, 0);
  if (!ok) g->st.refused++;
  pthread_mutex_unlock(&g->lock);
  return ok;
}

ifm_guard_conn *ifm_guard_open(ifm_guard *g, int fd, uint32_t ip) {
  ifm_guard_conn *c = calloc(1, sizeof *c);

  if (!c) return NULL;
  c->fd = fd;
  c->ip = ip;
  atomic_init(&c->word, now_ms() << 2 | IFM_GUARD_IDLE);
  pthread_mutex_lock(&g->lock);
  c->next = g->head;
  if (g->head) g->head->prev = c;
  g->head = c;
  g->live++;
  ip_add(g, ip, 1);
  g->st.open++;
  pthread_mutex_unlock(&g->lock);
  return c;
}

void ifm_guard_close(ifm_guard *g, ifm_guard_conn *c) {
  if (!c) return;
  pthread_mutex_lock(&g->lock);
  if (c->prev) c->prev->next = c->next;
  else g->head = c->next;
  if (c->next) c->next->prev = c->prev;
  if (!c->cut) {
    g->live--;
    ip_add(g, c->ip, -1);
  }
  g->st.open--;
  pthread_mutex_unlock(&g->lock);
  free(c);
}

void ifm_guard_set(ifm_guard_conn *c, ifm_guard_state s) {
  if (c) atomic_store_explicit(&c->word, now_ms() << 2 | (uint64_t)s, memory_order_release);
}

/* The timer: a few times per shortest timeout, close what is overdue. */
static void *timer_main(void *arg) {
  ifm_guard *g = arg;
  unsigned tick = g->o.head_timeout_ms;
  struct timespec until;

  if (!tick || (g->o.idle_timeout_ms && g->o.idle_timeout_ms < tick)) tick = g->o.idle_timeout_ms;
  tick /= 4;
  if (tick < 20) tick = 20;
  if (tick > 500) tick = 500;
  pthread_mutex_lock(&g->lock);
  while (!g->stopping) {
    ifm_guard_conn *c;
    uint64_t now = now_ms();
    for (c = g->head; c; c = c->next) {
      uint64_t w = atomic_load_explicit(&c->word, memory_order_acquire), since = w >> 2;
      ifm_guard_state s = (ifm_guard_state)(w & 3);
      if (c->cut || now < since) continue;
      if (s == IFM_GUARD_HEAD && g->o.head_timeout_ms && now - since >= g->o.head_timeout_ms) {
        cut(g, c);
        g->st.head_timeouts++;
      } else if (s == IFM_GUARD_IDLE && g->o.idle_timeout_ms &&
                 now - since >= g->o.idle_timeout_ms) {
        cut(g, c);
        g->st.idle_timeouts++;
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += (long)tick * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(&g->wake, &g->lock, &until);
  }
  pthread_mutex_unlock(&g->lock);
  return NULL;
}

ifm_guard *ifm_guard_new(const ifm_guard_opts *o) {
  ifm_guard *g = calloc(1, sizeof *g);
  pthread_condattr_t ca;

  if (!g) return NULL;
  pthread_once(&origin_once, origin_init);
  g->o = *o;
  pthread_mutex_init(&g->lock, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&g->wake, &ca);
  pthread_condattr_destroy(&ca);
  if (o->head_timeout_ms || o->idle_timeout_ms) {
    if (pthread_create(&g->timer, NULL, timer_main, g) != 0) {
      pthread_cond_destroy(&g->wake);
      pthread_mutex_destroy(&g->lock);
      free(g);
      return NULL;
    }
    g->has_timer = 1;
  }
  return g;
}

void ifm_guard_free(ifm_guard *g) {
  unsigned i;

  if (!g) return;
  if (g->has_timer) {
    pthread_mutex_lock(&g->lock);
    g->stopping = 1;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->timer, NULL);
  }
  while (g->head) {
    ifm_guard_conn *c = g->head;
    g->head = c->next;
    free(c);
  }
  for (i = 0; i < IP_BUCKETS; i++)
    while (g->ips[i]) {
      ip_count *c = g->ips[i];
      g->ips[i] = c->next;
      free(c);
    }
  pthread_cond_destroy(&g->wake);
  pthread_mutex_destroy(&g->lock);
  free(g);
}

void ifm_guard_stats_get(ifm_guard *g, ifm_guard_stats *s) {
  pthread_mutex_lock(&g->lock);
  *s = g->st;
  pthread_mutex_unlock(&g->lock);
}
