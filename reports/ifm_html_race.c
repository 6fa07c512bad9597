/* ifm_html_race.c: a parallel step's round as a picture, inline SVG.
 *
 * One lane per client, in client order. Each request is a bar from the
 * moment it was sent (t_start) to its complete answer (t_done); a tick marks
 * when its last byte was released (last-byte release holds it back until
 * every client is ready), a dot when the first byte of the answer came.
 * Colour by outcome: 2xx green, 412 amber, any other answer grey, no answer
 * (timeout, reset) purple and dashed to the end of the round. A winner (a
 * 2xx: its write happened) is outlined in black, so two winners of a race
 * that allows one are seen at once; the exchanges the judge's explanation
 * names (ifm_exchange.named) have their lane label in red with a marker.
 *
 * Written on the figure: the spread of the release moments (the last bytes
 * of all clients went out within that span, measured on the client: the
 * arrival at the server is not observed), or of the send moments when the
 * step released nothing. Every bar has a <title> (a tooltip, and the text
 * a screen reader reads) saying the same in words.
 *
 * The kept rounds are the first failing one (result.failed_round) and one
 * passing round for contrast (runner/run/ifm_par.c); a round is drawn from
 * the exchanges whose client >= 0 and whose round is its number.
 */
#include <stdlib.h>
#include "ifm_html_int.h"
#include "ifm_escape.h"

#define SVG_W 760.0     /* the figure's width */
#define LABEL_W 92.0    /* the lane labels */
#define RIGHT_M 16.0
#define TOP_M 40.0      /* the spread line and the axis */
#define BOTTOM_M 8.0

typedef struct race_round {
  int round;
  const ifm_exchange **lane;   /* one per client exchange, by client */
  size_t n;
  double t0, t1;               /* the span drawn */
} race_round;

static int cmp_client(const void *a, const void *b) {
  const ifm_exchange *x = *(const ifm_exchange *const *)a, *y = *(const ifm_exchange *const *)b;
  return (x->client > y->client) - (x->client < y->client);
}

/* The distinct rounds with clients, in the order they first appear. */
static size_t rounds_of(const ifm_result *res, int *rounds, size_t cap) {
  size_t i, k, n = 0;
  for (i = 0; res->exchanges && i < res->n_exchanges; i++) {
    const ifm_exchange *x = &res->exchanges[i];
    if (x->client < 0) continue;
    for (k = 0; k < n && rounds[k] != x->round; k++) {}
    if (k == n && n < cap) rounds[n++] = x->round;
  }
  return n;
}

size_t ifm_html_race_rounds(const ifm_result *res) {
  int rounds[8];
  return rounds_of(res, rounds, 8);
}

static int round_collect(const ifm_result *res, int round, race_round *rr) {
  size_t i;
  rr->round = round;
  rr->n = 0;
  rr->lane = calloc(res->n_exchanges, sizeof *rr->lane);
  if (!rr->lane) return -1;
  rr->t0 = -1;
  rr->t1 = -1;
  for (i = 0; i < res->n_exchanges; i++) {
    const ifm_exchange *x = &res->exchanges[i];
    if (x->client < 0 || x->round != round) continue;
    rr->lane[rr->n++] = x;
    if (x->t_start > 0 && (rr->t0 < 0 || x->t_start < rr->t0)) rr->t0 = x->t_start;
    if (x->t_done > rr->t1) rr->t1 = x->t_done;
    if (x->t_first_byte > rr->t1) rr->t1 = x->t_first_byte;
  }
  qsort(rr->lane, rr->n, sizeof *rr->lane, cmp_client);
  if (rr->t0 < 0) rr->t0 = 0;
  if (rr->t1 <= rr->t0) rr->t1 = rr->t0 + 1.0;
  return 0;
}

static const char *outcome_class(const ifm_exchange *x) {
  if (x->error || x->status <= 0) return "o-none";
  if (x->status >= 200 && x->status <= 299) return "o-2xx";
  if (x->status == 412) return "o-412";
  return "o-other";
}

static void num(FILE *out, double v) {            /* a coordinate, locale-independent */
  ifm_escape_fixed3(out, ifm_escape_round(v * 1000.0));
}

static double xpos(const race_round *rr, double t) {
  double w = SVG_W - LABEL_W - RIGHT_M;
  if (t < rr->t0) t = rr->t0;
  if (t > rr->t1) t = rr->t1;
  return LABEL_W + (t - rr->t0) / (rr->t1 - rr->t0) * w;
}

/* The span of the moments the last bytes went out (or, without a release,
 * the requests were sent); *what says which. */
static double spread(const race_round *rr, const char **what) {
  double lo = -1, hi = -1;
  size_t i;
  int released = 0;
  for (i = 0; i < rr->n; i++) released |= rr->lane[i]->t_release > 0;
  *what = released ? "last bytes released" : "requests sent";
  for (i = 0; i < rr->n; i++) {
    double t = released ? rr->lane[i]->t_release : rr->lane[i]->t_start;
    if (t <= 0) continue;
    if (lo < 0 || t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return lo < 0 ? 0 : hi - lo;
}

static void bar_title(FILE *out, const race_round *rr, const ifm_exchange *x, int winner) {
  fprintf(out, "<title>client %d: ", x->client);
  ifm_html_attr(out, x->method);
  if (x->status > 0) fprintf(out, " \xe2\x86\x92 %d", x->status);
  else fputs(" \xe2\x86\x92 no answer", out);
  if (winner) fputs(" (a winner: its write happened)", out);
  if (x->named) fputs(" (named by the judge)", out);
  fputs(", sent at +", out);
  num(out, x->t_start - rr->t0);
  if (x->t_release > 0) fputs(" ms, released at +", out), num(out, x->t_release - rr->t0);
  if (x->t_first_byte > 0) fputs(" ms, first byte at +", out), num(out, x->t_first_byte - rr->t0);
  if (x->t_done > 0) fputs(" ms, done at +", out), num(out, x->t_done - rr->t0);
  fputs(" ms", out);
  if (x->error) {
    fputs(": ", out);
    ifm_html_attr(out, x->error);
  }
  fputs("</title>", out);
}

static void lane(FILE *out, const race_round *rr, size_t i, double y, double h) {
  const ifm_exchange *x = rr->lane[i];
  int winner = x->status >= 200 && x->status <= 299 && !x->error;
  double x0 = xpos(rr, x->t_start > 0 ? x->t_start : rr->t0);
  double x1 = xpos(rr, x->t_done > 0 && !x->error ? x->t_done : rr->t1);
  if (x1 - x0 < 2) x1 = x0 + 2;
  fprintf(out, "<g class=\"lane%s\" data-client=\"%d\">", x->named ? " named" : "", x->client);
  fputs("<text class=\"label\" x=\"", out);
  num(out, LABEL_W - 6);
  fputs("\" y=\"", out);
  num(out, y + h * 0.75);
  fprintf(out, "\">%sclient %d</text>", x->named ? "\xe2\x96\xb6 " : "", x->client);
  fprintf(out, "<rect class=\"bar %s%s%s\" x=\"", outcome_class(x), winner ? " winner" : "",
          x->named ? " named" : "");
  num(out, x0);
  fputs("\" y=\"", out);
  num(out, y + 2);
  fputs("\" width=\"", out);
  num(out, x1 - x0);
  fputs("\" height=\"", out);
  num(out, h - 4);
  fputs("\">", out);
  bar_title(out, rr, x, winner);
  fputs("</rect>", out);
  if (x->t_release > 0) {
    fputs("<line class=\"mark release\" x1=\"", out);
    num(out, xpos(rr, x->t_release));
    fputs("\" x2=\"", out);
    num(out, xpos(rr, x->t_release));
    fputs("\" y1=\"", out);
    num(out, y);
    fputs("\" y2=\"", out);
    num(out, y + h);
    fputs("\" />", out);
  }
  if (x->t_first_byte > 0) {
    fputs("<circle class=\"mark first-byte\" cx=\"", out);
    num(out, xpos(rr, x->t_first_byte));
    fputs("\" cy=\"", out);
    num(out, y + h / 2);
    fputs("\" r=\"2.5\" />", out);
  }
  fputs("</g>\n", out);
}

static void axis(FILE *out, const race_round *rr, double y_end) {
  double span = rr->t1 - rr->t0;
  int k;
  fputs("<g class=\"axis\">", out);
  for (k = 0; k <= 4; k++) {
    double t = rr->t0 + span * k / 4.0, x = xpos(rr, t);
    fputs("<line x1=\"", out);
    num(out, x);
    fputs("\" x2=\"", out);
    num(out, x);
    fputs("\" y1=\"", out);
    num(out, TOP_M - 4);
    fputs("\" y2=\"", out);
    num(out, y_end);
    fputs("\" /><text x=\"", out);
    num(out, x);
    fputs("\" y=\"", out);
    num(out, TOP_M - 8);
    fprintf(out, "\" text-anchor=\"%s\">+", k == 0 ? "start" : k == 4 ? "end" : "middle");
    num(out, span * k / 4.0);
    fputs(" ms</text>", out);
  }
  fputs("</g>\n", out);
}

static void figure(FILE *out, const ifm_result *res, const race_round *rr) {
  const char *kind = rr->round == res->failed_round ? "failing"
                     : res->verdict == IFM_PASS || res->failed_round ? "passing" : "unjudged";
  double h = rr->n > 16 ? 12.0 : 20.0, height = TOP_M + h * (double)rr->n + BOTTOM_M;
  size_t i, winners = 0, named = 0;
  const char *what;
  double sp = spread(rr, &what);
  for (i = 0; i < rr->n; i++) {
    const ifm_exchange *x = rr->lane[i];
    winners += x->status >= 200 && x->status <= 299 && !x->error;
    named += x->named != 0;
  }
  fputs("<figure class=\"race\" data-case=\"", out);
  ifm_html_attr(out, res->case_id);
  fprintf(out, "\" data-round=\"%d\" data-kind=\"%s\">\n", rr->round, kind);
  fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"", out);
  num(out, SVG_W);
  fputs("\" height=\"", out);
  num(out, height);
  fputs("\" viewBox=\"0 0 ", out);
  num(out, SVG_W);
  fputc(' ', out);
  num(out, height);
  fprintf(out, "\"><title>Round %d (%s): %zu clients, %zu winner%s</title>\n", rr->round, kind, rr->n,
          winners, winners == 1 ? "" : "s");
  fputs("<text class=\"spread\" x=\"", out);
  num(out, LABEL_W);
  fprintf(out, "\" y=\"13\">arrival spread: %s within ", what);
  num(out, sp);
  fputs(" ms of each other (measured at the client)</text>\n", out);
  axis(out, rr, height - BOTTOM_M);
  for (i = 0; i < rr->n; i++) lane(out, rr, i, TOP_M + h * (double)i, h);
  fprintf(out, "</svg>\n<figcaption>Round %d, the %s round: %zu clients; %zu got a 2xx (outlined: "
               "their writes happened)", rr->round, kind, rr->n, winners);
  if (named) fprintf(out, "; %zu named by the judge (\xe2\x96\xb6)", named);
  fputs(". Bars run from send to answer; a tick marks the release of the last byte, a dot "
        "the first byte of the answer. Green 2xx, amber 412, grey another status, purple "
        "no answer.</figcaption>\n</figure>\n", out);
}

void ifm_html_races(FILE *out, const ifm_result *res) {
  int rounds[8];
  size_t n = rounds_of(res, rounds, 8), i;
  /* the failing round first, then the one for contrast */
  for (i = 1; i < n; i++)
    if (rounds[i] == res->failed_round) {
      int t = rounds[0];
      rounds[0] = rounds[i];
      rounds[i] = t;
    }
  for (i = 0; i < n; i++) {
    race_round rr;
    if (round_collect(res, rounds[i], &rr) != 0) return;
    if (rr.n) figure(out, res, &rr);
    free(rr.lane);
  }
}
