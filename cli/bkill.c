/*
 * bkill.c - kill or signal jobs (LSF.md §4): ids, "123[4]" (quoted or
 * not), whole arrays, "0" for every job the other filters match, -s with a
 * signal name or number (STOP and CONT act as bstop and bresume), -d
 * (record DONE once it ended), -r (EXIT at once, without waiting for the
 * host), -b (accepted: every kill is cheap), -J, -u, -q, -m; selection
 * and output in ctlcmd.c. The master checks who may kill what.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "util.h"

static const struct bkill_sig {
	int num;
	const char *name;
} bkill_sigs[] = {
	{ 1, "HUP" }, { 2, "INT" }, { 3, "QUIT" }, { 6, "ABRT" }, { 9, "KILL" },
	{ 10, "USR1" }, { 12, "USR2" }, { 14, "ALRM" }, { 15, "TERM" },
	{ 18, "CONT" }, { 19, "STOP" }, { 20, "TSTP" }, { 21, "TTIN" },
	{ 22, "TTOU" }, { 24, "XCPU" }, { 25, "XFSZ" },
};

/* The protocol's name for -s NAME|SIGNAME|number; NULL if unknown. */
const char *
bkill_signame(const char *s)
{
	size_t i;
	char *end;
	long n;

	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		for (i = 0; *end == '\0' && i < nitems(bkill_sigs); i++)
			if (bkill_sigs[i].num == n)
				return bkill_sigs[i].name;
		return NULL;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < nitems(bkill_sigs); i++)
		if (strcasecmp(bkill_sigs[i].name, s) == 0)
			return bkill_sigs[i].name;
	return NULL;
}

static const struct ctlcmd_opt bkill_opts[] = {
	{ "s", "sig", true }, { "d", "done", false }, { "r", "forget", false },
	{ "b", "bulk", false }, { "g", "group", true },
};

static const struct ctlcmd bkill_cmd = {
	"bkill", "kill",
	"[-s signal_value | -d | -r] [-b] [-J job_name] [-g job_group]\n"
	"             [-q queue_name] [-m host_name] [-u user_name|all] [-json]\n"
	"             [job_ID | 0 | \"job_ID[index]\" ...]",
	bkill_opts, nitems(bkill_opts), NULL,
};

/* The kill request; NULL after a message. */
json_t *
bkill_request(int argc, char **argv)
{
	return ctlcmd_request(&bkill_cmd, argc, argv, NULL);
}

int
bkill_main(int argc, char **argv)
{
	return ctlcmd_main(&bkill_cmd, argc, argv);
}
