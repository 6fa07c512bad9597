/* ifm_cmd_matrix.c: `ifmatch matrix REPORT.json...`, the runs of several
 * servers side by side (reports/ifm_matrix.h).
 *
 * This side reads the files: each JSON report (ifm_report_read_json), the
 * HTML report beside it (same stem, .html), and a certificate: the one named
 * by --certificate that pins the report, else certificate.json beside it
 * when it pins that very file (the layout `ifmatch certify` writes). A
 * certificate is "certified" on the grounds `ifmatch verify` checks
 * (ifm_cert_check.h): its digest and signature, the reports it pins, and
 * that it is byte for byte what this report gives. Then the writers get
 * the models, the labels, the links relative to each page and the
 * certificate statuses.
 *
 * Exit: 0 written; 2 bad command line, a report unreadable or not a JSON
 * report (file:line:col), the same report twice, a --name or --certificate
 * for none of the reports; 3 a page could not be written.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ifm_cert_check.h"
#include "ifm_certificate.h"
#include "ifm_cmd.h"
#include "ifm_matrix.h"
#include "ifm_out_file.h"
#include "ifm_report_read.h"

typedef struct mx_input {
  const char *path;          /* the JSON report, as given */
  struct stat st;            /* of path: the same file given twice is refused */
  ifm_report *rep;
  char *label;               /* owned */
  char *html;                /* the HTML report beside it (owned), or NULL */
  const char *cert;          /* its certificate: --certificate's, or certificate.json beside it */
  char *cert_owned;
  ifm_matrix_cert status;
  char cert_verdict[64];
  char *signer;              /* owned */
} mx_input;

typedef struct matrix_cli {
  const char *html, *md, *out_dir;
  const char **names, **certs;     /* --name LABEL=REPORT, --certificate CERT */
  size_t n_names, n_certs;
  int quiet;
  mx_input *in;
  size_t n_in;
} matrix_cli;

static void usage(FILE *out) {
  fputs("usage: ifmatch matrix REPORT.json... [options]\n"
        "\n"
        "Puts the runs of several servers (or versions) side by side: their JSON reports\n"
        "(as 'ifmatch run' and 'certify' write them) become an HTML page and a Markdown\n"
        "table of requirements and cases against implementations. Each cell is the\n"
        "case's verdict, linked to REPORT.html#case-ID when the run's HTML report is\n"
        "beside its JSON (same name, .html); what every cell that is not a PASS found is\n"
        "in the page itself. A case a run does not hold is shown as not run. Each column\n"
        "says the run's verdict, counts, profile, tool version, start, and certificate:\n"
        "certificate.json beside the report (as 'ifmatch certify' writes it) is checked\n"
        "as 'ifmatch verify' checks it.\n"
        "\n"
        "options:\n"
        "  --html FILE          the HTML page\n"
        "  --md FILE|-          the Markdown table (- = stdout)\n"
        "  --out DIR            the pages no option above places go to DIR/matrix.html\n"
        "                       and DIR/matrix.md; with neither --html nor --md, both go\n"
        "                       to results/\n"
        "  --name LABEL=REPORT  the column heading of REPORT (default: its file name\n"
        "                       without .json; for ifmatch.json, its folder's name)\n"
        "  --certificate CERT   a certificate for the report whose bytes it pins\n"
        "                       (repeatable)\n"
        "  -q, --quiet          no summary line\n"
        "  -h, --help           this text\n"
        "\n"
        "exit: 0 written; 2 bad command line, a report unreadable or not a JSON report,\n"
        "the same report twice, a --name or --certificate for none of the reports; 3 a\n"
        "page could not be written\n",
        out);
}

static int push(const char ***list, size_t *n, const char *v) {
  const char **p = realloc(*list, (*n + 1) * sizeof *p);
  if (!p) return -1;
  p[(*n)++] = v;
  *list = p;
  return 0;
}

static int parse(int argc, char **argv, matrix_cli *c) {
  static const struct option opts[] = {{"html", required_argument, 0, 'H'}, {"md", required_argument, 0, 'M'},
                                       {"out", required_argument, 0, 'o'},  {"name", required_argument, 0, 'n'},
                                       {"certificate", required_argument, 0, 'c'},
                                       {"quiet", no_argument, 0, 'q'},      {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  int ch, i;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
    switch (ch) {
      case 'H': c->html = optarg; break;
      case 'M': c->md = optarg; break;
      case 'o': c->out_dir = optarg; break;
      case 'n':
        if (!strchr(optarg, '=') || optarg[0] == '=') {
          fprintf(stderr, "ifmatch matrix: --name %s: give LABEL=REPORT.json\n", optarg);
          return -1;
        }
        if (push(&c->names, &c->n_names, optarg) != 0) return -1;
        break;
      case 'c':
        if (push(&c->certs, &c->n_certs, optarg) != 0) return -1;
        break;
      case 'q': c->quiet = 1; break;
      case 'h': usage(stdout); return 1;
      case ':': fprintf(stderr, "ifmatch matrix: option '%s' needs a value\n", argv[optind - 1]); return -1;
      default:
        fprintf(stderr, "ifmatch matrix: unknown option '%s' (see ifmatch matrix --help)\n", argv[optind - 1]);
        return -1;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "ifmatch matrix: name the JSON reports to compare (see ifmatch matrix --help)\n");
    return -1;
  }
  if ((c->html && strcmp(c->html, "-") == 0) || (c->md && c->html && strcmp(c->md, c->html) == 0)) {
    fprintf(stderr, "ifmatch matrix: --html needs a file of its own (only --md may be -)\n");
    return -1;
  }
  c->n_in = (size_t)(argc - optind);
  if (!(c->in = calloc(c->n_in, sizeof *c->in))) return -1;
  for (i = optind; i < argc; i++) c->in[i - optind].path = argv[i];
  return 0;
}

static int same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The label a report gets when --name gives none: its file name without
 * .json, or for the name every run writes (ifmatch.json) its folder's. */
static char *default_label(const char *path) {
  const char *base = strrchr(path, '/'), *end, *dir;
  size_t n;
  base = base ? base + 1 : path;
  n = strlen(base);
  if (n > 5 && strcmp(base + n - 5, ".json") == 0) n -= 5;
  if (n == 7 && strncmp(base, "ifmatch", 7) == 0 && base > path) {
    for (end = base - 1; end > path && end[-1] == '/'; end--) continue;
    for (dir = end; dir > path && dir[-1] != '/'; dir--) continue;
    if (end > dir && !(end - dir == 1 && *dir == '.')) return strndup(dir, (size_t)(end - dir));
  }
  return strndup(base, n);
}

/* Reads every report; labels; the HTML report beside each. */
static int read_reports(matrix_cli *c) {
  char err[1200];
  size_t i, j, n;
  struct stat st;
  for (i = 0; i < c->n_in; i++) {
    mx_input *in = &c->in[i];
    if (stat(in->path, &in->st) != 0) {
      fprintf(stderr, "ifmatch matrix: %s: cannot open: %s\n", in->path, strerror(errno));
      return -1;
    }
    for (j = 0; j < i; j++)
      if (same_file(&c->in[j].st, &in->st)) {
        fprintf(stderr, "ifmatch matrix: %s and %s are the same report: give each run once\n", c->in[j].path,
                in->path);
        return -1;
      }
    if (!(in->rep = ifm_report_new()) || ifm_report_read_json(in->path, in->rep, err, sizeof err) != 0) {
      fprintf(stderr, "ifmatch matrix: %s\n", in->rep ? err : "out of memory");
      return -1;
    }
    n = strlen(in->path);
    if (!(in->html = malloc(n + 6))) return -1;
    memcpy(in->html, in->path, n + 1);
    strcpy(in->html + (n > 5 && strcmp(in->path + n - 5, ".json") == 0 ? n - 5 : n), ".html");
    if (stat(in->html, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(in->html);
      in->html = NULL;
    }
  }
  for (j = 0; j < c->n_names; j++) {
    const char *eq = strchr(c->names[j], '=');
    for (i = 0; i < c->n_in; i++)
      if (stat(eq + 1, &st) == 0 && same_file(&st, &c->in[i].st)) break;
    if (i == c->n_in) {
      fprintf(stderr, "ifmatch matrix: --name %s: %s is not one of the reports given\n", c->names[j], eq + 1);
      return -1;
    }
    free(c->in[i].label);
    if (!(c->in[i].label = strndup(c->names[j], (size_t)(eq - c->names[j])))) return -1;
  }
  for (i = 0; i < c->n_in; i++) {
    char *l = c->in[i].label;
    if (!l && !(l = c->in[i].label = default_label(c->in[i].path))) return -1;
    for (j = 0; j < i; j++)
      if (strcmp(c->in[j].label, l) == 0) break;
    if (j < i) {       /* two runs of one server: tell the columns apart */
      char *both = malloc(strlen(l) + strlen(c->in[i].path) + 4);
      if (!both) return -1;
      sprintf(both, "%s (%s)", l, c->in[i].path);
      free(l);
      c->in[i].label = both;
    }
  }
  return 0;
}

/* The report a certificate pins, as a path beside the certificate, and
 * the SHA-256 it pins; 0, or -1 when it pins no JSON report. */
static int pinned_json(const char *cert, const ifm_certinfo *ci, char *path, size_t len, const char **sha) {
  size_t i, n;
  for (i = 0; i < ci->n_reports; i++) {
    n = strlen(ci->reports[i].name);
    if (n > 5 && strcmp(ci->reports[i].name + n - 5, ".json") == 0) {
      ifm_cert_check_report_path(cert, NULL, ci->reports[i].name, path, len);
      *sha = ci->reports[i].sha256;
      return 0;
    }
  }
  return -1;
}

/* Whether the certificate is the one of report in: it pins that file, or
 * (a certificate named explicitly) that file's bytes. */
static int pins(const char *cert, const ifm_certinfo *ci, const mx_input *in, int by_bytes) {
  char path[4200], hex[65];
  const char *sha;
  struct stat st;
  if (pinned_json(cert, ci, path, sizeof path, &sha) != 0) return 0;
  if (stat(path, &st) == 0 && same_file(&st, &in->st)) return 1;
  return by_bytes && ifm_out_sha256_file(in->path, hex) == 0 && strcmp(hex, sha) == 0;
}

/* The status of in's certificate (in->cert), as verify would find it. */
static void check_cert(mx_input *in, const ifm_buf *buf, const ifm_certinfo *ci, const char *digest) {
  char json[4200];
  int rc = ifm_cert_check_signature("matrix", in->cert, ci, buf, digest, NULL);
  if (rc == 0) rc = ifm_cert_check_pinned("matrix", in->cert, NULL, ci, json, sizeof json);
  if (rc == 0) rc = ifm_cert_check_issued("matrix", in->cert, ci, buf, in->rep, in->path);
  if (rc != 0) {
    in->status = rc == 3 ? IFM_MATRIX_CERT_UNCHECKED : IFM_MATRIX_CERT_MISMATCH;
    fprintf(stderr, "ifmatch matrix: %s: %s\n", in->path,
            rc == 3 ? "its certificate could not be checked" : "its certificate does not hold for it");
    return;
  }
  ifm_certificate_verdict(in->rep, ci, in->cert_verdict, sizeof in->cert_verdict);
  in->status = ci->sig_algorithm ? IFM_MATRIX_CERT_SIGNED : IFM_MATRIX_CERT_UNSIGNED;
  if (ci->sig_public_key) in->signer = strdup(ci->sig_public_key);
}

/* Loads cert and, when it is in's (by_bytes: or pins in's bytes; in NULL:
 * any report's without one yet), checks it for that report. Returns the
 * report it was for, or NULL (err says why when it could not be read). */
static mx_input *try_cert(matrix_cli *c, const char *cert, mx_input *in, int by_bytes, char *err, size_t errlen) {
  char digest[65];
  ifm_buf buf = IFM_BUF_INIT;
  ifm_certinfo ci;
  size_t i;
  err[0] = '\0';
  if (ifm_cert_check_load(cert, &buf, &ci, digest, err, errlen) == 0) {
    for (i = 0; !in && i < c->n_in; i++)
      if (!c->in[i].cert && pins(cert, &ci, &c->in[i], by_bytes)) in = &c->in[i];
    if (in && pins(cert, &ci, in, by_bytes)) {
      in->cert = cert;
      check_cert(in, &buf, &ci, digest);
    } else {
      in = NULL;
    }
  } else {
    in = NULL;
  }
  ifm_certinfo_clear(&ci);
  ifm_buf_clear(&buf);
  return in;
}

/* Each --certificate finds the report it pins; then every report without
 * one looks for certificate.json beside it (`ifmatch certify`'s layout),
 * which counts when it pins that very file. */
static int find_certs(matrix_cli *c) {
  char err[1200];
  size_t i, dlen;
  for (i = 0; i < c->n_certs; i++)
    if (!try_cert(c, c->certs[i], NULL, 1, err, sizeof err)) {
      if (err[0]) fprintf(stderr, "ifmatch matrix: --certificate %s\n", err);
      else fprintf(stderr, "ifmatch matrix: --certificate %s pins none of the reports given (or each has one "
                   "already)\n", c->certs[i]);
      return -1;
    }
  for (i = 0; i < c->n_in; i++) {
    mx_input *in = &c->in[i];
    const char *slash = strrchr(in->path, '/');
    if (in->cert) continue;
    dlen = slash ? (size_t)(slash - in->path + 1) : 0;
    if (!(in->cert_owned = malloc(dlen + sizeof "certificate.json"))) return -1;
    memcpy(in->cert_owned, in->path, dlen);
    memcpy(in->cert_owned + dlen, "certificate.json", sizeof "certificate.json");
    if (access(in->cert_owned, F_OK) == 0 && !try_cert(c, in->cert_owned, in, 0, err, sizeof err) && err[0]) {
      /* unreadable: whoever's it was, it does not hold (never read as none) */
      fprintf(stderr, "ifmatch matrix: %s\n", err);
      in->cert = in->cert_owned;
      in->status = IFM_MATRIX_CERT_MISMATCH;
    }
  }
  return 0;
}

/* path relative to the folder from (both absolute and canonical, as
 * realpath gives them), or NULL (out of memory). */
static char *relative_to(const char *from, const char *path) {
  size_t i = 0, common = 0, ups = 0, len;
  const char *rest, *p;
  char *out;
  for (; from[i] && from[i] == path[i]; i++)
    if (from[i] == '/') common = i + 1;
  if (!from[i] && path[i] == '/') {          /* path lies below from */
    rest = path + i + 1;
  } else {
    rest = path + common;
    if (from[common]) ups = 1;
    for (p = from + common; *p; p++) ups += *p == '/';
  }
  len = strlen(rest);
  if (!(out = malloc(ups * 3 + len + 1))) return NULL;
  for (i = 0; i < ups; i++) memcpy(out + 3 * i, "../", 3);
  memcpy(out + 3 * ups, rest, len + 1);
  return out;
}

/* The HTML reports' paths relative to the folder of page (NULL or "-": the
 * current directory) into hrefs; 0, or -1 when that folder does not exist. */
static int links_for(const matrix_cli *c, const char *page, char **hrefs) {
  char dir[PATH_MAX], *slash, *abs_dir = NULL, *abs;
  size_t i;
  snprintf(dir, sizeof dir, "%s", page && strcmp(page, "-") != 0 ? page : "./x");
  slash = strrchr(dir, '/');
  if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
  else snprintf(dir, sizeof dir, ".");
  if (!(abs_dir = realpath(dir, NULL))) {
    fprintf(stderr, "ifmatch matrix: cannot write %s: %s: %s\n", page, dir, strerror(errno));
    return -1;
  }
  for (i = 0; i < c->n_in; i++) {
    hrefs[i] = NULL;
    if (c->in[i].html && (abs = realpath(c->in[i].html, NULL))) {
      hrefs[i] = relative_to(abs_dir, abs);
      free(abs);
    }
  }
  free(abs_dir);
  return 0;
}

typedef struct mx_page {
  ifm_matrix *m;
  int md;
} mx_page;

static int write_page_cb(FILE *out, void *ctx) {
  const mx_page *p = ctx;
  return p->md ? ifm_matrix_write_md(p->m, out) : ifm_matrix_write_html(p->m, out);
}

/* Writes one page with the links relative to its folder. */
static int write_page(const matrix_cli *c, ifm_matrix_column *cols, ifm_matrix *m, const char *page, int md) {
  char **hrefs = calloc(c->n_in + 1, sizeof *hrefs);
  mx_page p = {m, md};
  size_t i;
  int rc = -1;
  if (hrefs && links_for(c, page, hrefs) == 0) {
    for (i = 0; i < c->n_in; i++) cols[i].report_href = hrefs[i];
    rc = ifm_out_write(page, write_page_cb, &p);
    for (i = 0; i < c->n_in; i++) cols[i].report_href = NULL;
  }
  for (i = 0; hrefs && i < c->n_in; i++) free(hrefs[i]);
  free(hrefs);
  return rc;
}

static void cli_free(matrix_cli *c) {
  size_t i;
  for (i = 0; c->in && i < c->n_in; i++) {
    ifm_report_free(c->in[i].rep);
    free(c->in[i].label);
    free(c->in[i].html);
    free(c->in[i].cert_owned);
    free(c->in[i].signer);
  }
  free(c->in);
  free(c->names);
  free(c->certs);
}

/* Where the pages go: as run places its reports (--out DIR takes what no
 * option placed; nothing placed at all: results/). */
static int place_pages(matrix_cli *c, char **html, char **md) {
  const char *dir = c->out_dir;
  *html = *md = NULL;
  if (!dir && !c->html && !c->md) dir = "results";
  if (dir && mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "ifmatch matrix: cannot create %s: %s\n", dir, strerror(errno));
    return -1;
  }
  if (c->html) *html = strdup(c->html);
  else if (dir && (*html = malloc(strlen(dir) + sizeof "/matrix.html"))) sprintf(*html, "%s/matrix.html", dir);
  if (c->md) *md = strdup(c->md);
  else if (dir && (*md = malloc(strlen(dir) + sizeof "/matrix.md"))) sprintf(*md, "%s/matrix.md", dir);
  return 0;
}

int ifm_cmd_matrix(int argc, char **argv) {
  matrix_cli c;
  ifm_matrix_column *cols = NULL;
  ifm_matrix m;
  char *html = NULL, *md = NULL;
  size_t i;
  int rc;
  memset(&c, 0, sizeof c);
  memset(&m, 0, sizeof m);
  if ((rc = parse(argc, argv, &c)) != 0) {
    cli_free(&c);
    return rc > 0 ? 0 : 2;
  }
  rc = 2;
  if (read_reports(&c) != 0 || find_certs(&c) != 0 || place_pages(&c, &html, &md) != 0) goto out;
  rc = 3;
  if (!(cols = calloc(c.n_in, sizeof *cols))) goto out;
  for (i = 0; i < c.n_in; i++) {
    cols[i].label = c.in[i].label;
    cols[i].report = c.in[i].rep;
    cols[i].source = c.in[i].path;
    cols[i].cert = c.in[i].status;
    cols[i].cert_verdict = c.in[i].cert_verdict;
    cols[i].cert_signer = c.in[i].signer;
  }
  if (ifm_matrix_build(&m, cols, c.n_in) != 0) goto out;
  if ((html && write_page(&c, cols, &m, html, 0) != 0) || (md && write_page(&c, cols, &m, md, 1) != 0)) goto out;
  rc = 0;
  if (!c.quiet)
    fprintf(stderr, "ifmatch matrix: %zu implementation%s, %zu case%s: %s%s%s\n", c.n_in, c.n_in == 1 ? "" : "s",
            m.n_rows, m.n_rows == 1 ? "" : "s", html ? html : "", html && md ? ", " : "",
            md ? (strcmp(md, "-") == 0 ? "stdout" : md) : "");
out:
  ifm_matrix_clear(&m);
  free(cols);
  free(html);
  free(md);
  cli_free(&c);
  return rc;
}
