/* bench/runner/curl_probe.c: the bench script (create, then GET capturing the
 * ETag / PUT If-Match alternating, statuses checked) played by a bare libcurl
 * multi client on one connection, to see what the libcurl usage pattern costs
 * apart from the rest of ifmatch. Not run by bench/runner.sh.
 *
 *   cc -O2 -o bench/out/curl_probe bench/runner/curl_probe.c -lcurl
 *   bench/out/curl_probe http://127.0.0.1:PORT/some/new/path N MODE
 *
 * MODE 0: a new easy handle per request, bodies through CURLOPT_UPLOAD +
 *         CURLOPT_READFUNCTION (what runner/ifm_exec.c does);
 * MODE 1: a new easy handle per request, bodies through CURLOPT_POSTFIELDS;
 * MODE 2: one easy handle, curl_easy_reset between requests, POSTFIELDS.
 * Prints the rate; exits 1 if any status was wrong. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static char etag[256];
static char body[32];
static size_t body_off;

static size_t header_cb(char *b, size_t size, size_t n, void *u) {
  size_t len = size * n, i = 5, k;
  (void)u;
  if (len > 5 && strncasecmp(b, "etag:", 5) == 0) {
    while (i < len && b[i] == ' ') i++;
    k = len - i;
    while (k && (b[i + k - 1] == '\r' || b[i + k - 1] == '\n')) k--;
    if (k < sizeof etag) {
      memcpy(etag, b + i, k);
      etag[k] = '\0';
    }
  }
  return len;
}

static size_t write_cb(char *b, size_t size, size_t n, void *u) {
  (void)b;
  (void)u;
  return size * n;
}

static size_t read_cb(char *b, size_t size, size_t n, void *u) {
  size_t left = strlen(body) - body_off;
  (void)u;
  if (left > size * n) left = size * n;
  memcpy(b, body + body_off, left);
  body_off += left;
  return left;
}

int main(int argc, char **argv) {
  CURLM *m;
  CURL *reused = NULL;
  struct timespec t0, t1;
  int i, n, mode, bad = 0;
  double s;
  if (argc != 4) {
    fprintf(stderr, "usage: curl_probe URL N MODE(0|1|2)\n");
    return 2;
  }
  n = atoi(argv[2]);
  mode = atoi(argv[3]);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  m = curl_multi_init();
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (i = 0; i <= n; i++) {
    CURL *e;
    CURLMsg *msg;
    struct curl_slist *h = NULL;
    char line[300];
    int put = i == 0 || i % 2 == 0, running = 1, left;
    long status = 0;
    if (mode == 2) {
      if (reused) curl_easy_reset(reused);
      else reused = curl_easy_init();
      e = reused;
    } else {
      e = curl_easy_init();
    }
    curl_easy_setopt(e, CURLOPT_URL, argv[1]);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (put) {
      h = curl_slist_append(h, "Content-Type: text/plain");
      if (i == 0) {
        h = curl_slist_append(h, "If-None-Match: *");
      } else {
        snprintf(line, sizeof line, "If-Match: %s", etag);
        h = curl_slist_append(h, line);
      }
      snprintf(body, sizeof body, "v%d", i);
      curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PUT");
      if (mode == 0) {
        body_off = 0;
        curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)strlen(body));
      } else {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
      }
    }
    curl_multi_add_handle(m, e);
    while (running) {
      curl_multi_perform(m, &running);
      if (running) curl_multi_poll(m, NULL, 0, 50, NULL);
    }
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
    }
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (put ? (status < 200 || status > 299) : status != 200) bad++;
    curl_multi_remove_handle(m, e);
    curl_slist_free_all(h);
    if (mode != 2) curl_easy_cleanup(e);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("mode %d: %d requests in %.3f s = %.0f req/s, %d bad\n", mode, n + 1, s, (n + 1) / s, bad);
  if (reused) curl_easy_cleanup(reused);
  curl_multi_cleanup(m);
  curl_global_cleanup();
  return bad ? 1 : 0;
}
