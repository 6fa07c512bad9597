/* ifm_cmd.h: the subcommands of the ifmatch program. Each takes the
 * arguments after its name (argv[0] is the subcommand) and returns the exit
 * code. */
#ifndef IFM_CMD_H
#define IFM_CMD_H

#include <stdio.h>

int ifm_cmd_run(int argc, char **argv);
/* The --help text of cmd ("run", "certify" or "list"). */
void ifm_cmd_usage(const char *cmd, FILE *out);
/* Installs run's SIGINT/SIGTERM handler (an orderly stop that still writes
 * every report); main calls it first thing for run and certify, before
 * libcurl's slow start. */
void ifm_cmd_run_catch_signals(void);
int ifm_cmd_list(int argc, char **argv);
int ifm_cmd_certify(int argc, char **argv);
int ifm_cmd_fuzz(int argc, char **argv);
int ifm_cmd_probe(int argc, char **argv);
/* ifmatch verify CERT: a certificate checked against its reports (ifm_cmd_verify.c). */
int ifm_cmd_verify(int argc, char **argv);
/* ifmatch matrix REPORT.json...: several runs side by side (ifm_cmd_matrix.c). */
int ifm_cmd_matrix(int argc, char **argv);

#endif
