/*
 * main.c - pumice-agent: reads the command line and hands over to
 * agent_main() (agent.c), which owns the loop.
 */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: pumice-agent [-d] [-e envdir] [--host name] [--cpus n] "
	    "[--mem size]\n"
	    "                    [--spool dir] [--socket path] [--master addr:port]\n"
	    "                    [--log file] [--pid file]\n");
	exit(2);
}

/*
 * A node's daemon should cost a Pi next to nothing: two libuv worker
 * threads, not the default four, unless the administrator sets
 * UV_THREADPOOL_SIZE (they resolve the master's name and read bpeek
 * output; two, so that a bpeek stuck on a hung mount does not hold up the
 * name lookup of a reconnection), and one malloc arena for all threads
 * (each thread's own arena was most of the agent's anonymous memory). Jobs
 * do not inherit the variable: the shepherd builds their environment.
 */
static void
agent_lean(void)
{
	setenv("UV_THREADPOOL_SIZE", "2", 0);
	mallopt(M_ARENA_MAX, 1);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "spool", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "master", required_argument, NULL, 'M' },
		{ "log", required_argument, NULL, 'l' },
		{ "pid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct agent_opts o;
	char *end;
	int ch;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "de:H:c:m:s:S:M:l:p:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o.debug = 1;
			break;
		case 'e':
			o.envdir = optarg;
			break;
		case 'H':
			o.host = optarg;
			break;
		case 'c':
			o.ncpus = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o.ncpus <= 0) {
				fprintf(stderr, "pumice-agent: --cpus: not a positive number: %s\n",
				    optarg);
				exit(2);
			}
			break;
		case 'm':
			o.mem = optarg;
			break;
		case 's':
			o.spool = optarg;
			break;
		case 'S':
			o.socket = optarg;
			break;
		case 'M':
			o.master = optarg;
			break;
		case 'l':
			o.logfile = optarg;
			break;
		case 'p':
			o.pidfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	o.argv = argv;
	agent_lean();
	return agent_main(&o);
}
