/* ifm_h2_pool.c: the handler threads of the reference server's h2c side.
 *
 * The connection loop (ifm_h2_server.c) hands over the streams that ended
 * in one read as one list; a thread takes one stream at a time and runs the
 * handler on it (ifm_h2_stream_handle: nghttp2 is never touched here), then
 * puts it on the done list and, when that list was empty, adds 1 to the
 * pool's eventfd so the loop wakes and submits the answers. First in, first
 * out: with one thread the answers come in the order the requests ended.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ifm_h2_int.h"

struct ifm_h2_pool {
  ifm_handler *handler;
  int wake;                  /* eventfd: readable when the done list is not empty */
  pthread_mutex_t mu;        /* the two lists and quit */
  pthread_cond_t cv;
  ifm_h2_stream *jobs, **jobs_tail, *done, **done_tail;
  int quit;
  pthread_t *threads;
  unsigned n_threads;
};

static void wake(ifm_h2_pool *p) {
  uint64_t one = 1;
  ssize_t r = write(p->wake, &one, sizeof one);
  (void)r;                   /* a full counter still wakes the loop */
}

static void *worker_main(void *arg) {
  ifm_h2_pool *p = arg;
  ifm_h2_stream *s;
  int was_empty;

  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->jobs && !p->quit) pthread_cond_wait(&p->cv, &p->mu);
    if (!(s = p->jobs)) break;          /* quit, and nothing left to do */
    if (!(p->jobs = s->next_job)) p->jobs_tail = &p->jobs;
    pthread_mutex_unlock(&p->mu);
    ifm_h2_stream_handle(s, p->handler);
    pthread_mutex_lock(&p->mu);
    s->next_job = NULL;
    was_empty = p->done == NULL;
    *p->done_tail = s;
    p->done_tail = &s->next_job;
    if (was_empty) wake(p);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

ifm_h2_pool *ifm_h2_pool_new(ifm_handler *handler, unsigned threads, char *err, size_t errlen) {
  ifm_h2_pool *p = calloc(1, sizeof *p);
  unsigned i, n = threads ? threads : 1;

  if (!p || !(p->threads = calloc(n, sizeof *p->threads)) ||
      (p->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
    snprintf(err, errlen, "h2c: out of resources: %s", strerror(errno ? errno : ENOMEM));
    if (p) free(p->threads);
    free(p);
    return NULL;
  }
  p->handler = handler;
  p->jobs_tail = &p->jobs;
  p->done_tail = &p->done;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  for (i = 0; i < n; i++, p->n_threads++)
    if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0) break;
  if (!p->n_threads) {
    snprintf(err, errlen, "h2c: cannot start its handler threads");
    ifm_h2_pool_free(p);
    return NULL;
  }
  return p;
}

int ifm_h2_pool_fd(const ifm_h2_pool *p) { return p->wake; }

void ifm_h2_pool_wake(ifm_h2_pool *p) { wake(p); }

void ifm_h2_pool_push(ifm_h2_pool *p, ifm_h2_stream *first, ifm_h2_stream **last_next) {
  pthread_mutex_lock(&p->mu);
  *p->jobs_tail = first;
  p->jobs_tail = last_next;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

ifm_h2_stream *ifm_h2_pool_take_done(ifm_h2_pool *p) {
  ifm_h2_stream *s;
  uint64_t v;
  ssize_t r = read(p->wake, &v, sizeof v);
  (void)r;
  pthread_mutex_lock(&p->mu);
  s = p->done;
  p->done = NULL;
  p->done_tail = &p->done;
  pthread_mutex_unlock(&p->mu);
  return s;
}

void ifm_h2_pool_drain(ifm_h2_pool *p) {
  unsigned i;
  pthread_mutex_lock(&p->mu);
  p->quit = 1;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  for (i = 0; i < p->n_threads; i++) pthread_join(p->threads[i], NULL);
  p->n_threads = 0;
}

void ifm_h2_pool_free(ifm_h2_pool *p) {
  if (!p) return;
  ifm_h2_pool_drain(p);
  close(p->wake);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  free(p->threads);
  free(p);
}
