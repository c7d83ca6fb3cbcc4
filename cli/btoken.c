/*
 * btoken.c - the caller's tokens for the master's HTTP API (pumice-http
 * 7): "btoken" makes one and prints it, once; "btoken -d" revokes every
 * token of the caller; "btoken -c" says how many they hold. The master
 * keeps only a hash. On the master host only (its own socket): a token
 * does not travel through an agent.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static int
btoken_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "btoken: %s\n", why);
	fprintf(stderr, "Usage: btoken [-d | -c]\n");
	return CLI_EXIT_FAIL;
}

int
btoken_main(int argc, char **argv)
{
	const char *action = "create";
	json_t *data;
	char err[512];
	int rc;

	if (argc > 2)
		return btoken_usage("too many arguments");
	if (argc == 2 && strcmp(argv[1], "-d") == 0)
		action = "revoke";
	else if (argc == 2 && strcmp(argv[1], "-c") == 0)
		action = "count";
	else if (argc == 2)
		return btoken_usage("illegal option");
	rc = client_call("token", json_pack("{s:s}", "action", action), &data, err,
	    sizeof(err));
	if (rc == CLIENT_UNREACHABLE)
		client_die_unreachable("btoken", err);
	if (rc != CLIENT_OK) {
		fprintf(stderr, "btoken: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	if (strcmp(action, "create") == 0)
		printf("%s\n", json_string_value(json_object_get(data, "token")));
	else if (strcmp(action, "revoke") == 0)
		printf("%" JSON_INTEGER_FORMAT " token(s) of %s revoked\n",
		    json_integer_value(json_object_get(data, "revoked")),
		    json_string_value(json_object_get(data, "user")));
	else
		printf("%s holds %" JSON_INTEGER_FORMAT " token(s)\n",
		    json_string_value(json_object_get(data, "user")),
		    json_integer_value(json_object_get(data, "tokens")));
	json_decref(data);
	return 0;
}
