/* ifm_cmd.h: the subcommands of the ifmatch program. Each takes the
 * arguments after its name (argv[0] is the subcommand) and returns the exit
 * code. */
#ifndef IFM_CMD_H
#define IFM_CMD_H

int ifm_cmd_run(int argc, char **argv);
int ifm_cmd_list(int argc, char **argv);
int ifm_cmd_certify(int argc, char **argv);
int ifm_cmd_fuzz(int argc, char **argv);
int ifm_cmd_probe(int argc, char **argv);

#endif
