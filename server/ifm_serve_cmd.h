/* ifm_serve_cmd.h: the `ifmatch serve` subcommand, which runs the reference
 * server in the foreground until SIGINT or SIGTERM. runner/ifm_main.c calls
 * it with argv[0] being the subcommand name ("serve").
 */
#ifndef IFM_SERVE_CMD_H
#define IFM_SERVE_CMD_H

/* Returns the process exit code: 0 after a clean stop (or --help, --flaw
 * list), 2 for a bad argument or environment value, 3 when the server cannot
 * start (e.g. the port is taken). */
int ifm_serve_main(int argc, char **argv);

#endif
