/*
 * jobreport.c - the LSF job report (jobreport.h), in OpenLava's wording:
 * Sender/Subject lines, where and as whom the job ran, the command, how it
 * ended and its resource usage. Dates use ctime's form like LSF's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobreport.h"
#include "jobspec.h"
#include "util.h"

#define JOBREPORT_RULE "------------------------------------------------------------\n"

static void
jobreport_date(FILE *fp, long t)
{
	time_t tt = (time_t)t;
	char buf[64];
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, sizeof(buf), "(unknown)");
	fputs(buf, fp);
}

static void
jobreport_head(FILE *fp, const struct jobspec *js, const struct jobreport *r,
    int ok)
{
	fprintf(fp, "\n" JOBREPORT_RULE "Sender: LSF System <%s@%s>\n", js->user, r->host);
	if (js->idx > 0)
		fprintf(fp, "Subject: Job %lld[%lld]: <%s> %s\n\n", js->id, js->idx,
		    js->name ? js->name : js->cmd, ok ? "Done" : "Exited");
	else
		fprintf(fp, "Subject: Job %lld: <%s> %s\n\n", js->id,
		    js->name ? js->name : js->cmd, ok ? "Done" : "Exited");
	fprintf(fp, "Job <%s> was submitted from host <%s> by user <%s>",
	    js->name ? js->name : js->cmd, js->subhost ? js->subhost : "unknown", js->user);
	if (r->submit > 0) {
		fputs(" at ", fp);
		jobreport_date(fp, r->submit);
	}
	fprintf(fp, ".\nJob was executed on host(s) <%s>, in queue <%s>, as user <%s>.\n",
	    r->host, js->queue ? js->queue : "normal", js->user);
	if (r->home != NULL)
		fprintf(fp, "<%s> was used as the home directory.\n", r->home);
	fprintf(fp, "<%s> was used as the working directory.\n", r->cwd ? r->cwd : "/tmp");
	fputs("Started at ", fp);
	jobreport_date(fp, r->start);
	fputs(", Results reported at ", fp);
	jobreport_date(fp, r->end);
	fputs("\n", fp);
}

static void
jobreport_body(FILE *fp, const struct jobspec *js, const struct jobreport *r, int ok)
{
	size_t n = strlen(js->cmd);

	fputs("Your job looked like:\n\n" JOBREPORT_RULE "# LSBATCH: User input\n", fp);
	fputs(js->cmd, fp);
	fputs(n > 0 && js->cmd[n - 1] == '\n' ? JOBREPORT_RULE : "\n" JOBREPORT_RULE, fp);
	fputs("\n", fp);
	if (ok)
		fputs("Successfully completed.\n", fp);
	else if (r->signal > 0)
		fprintf(fp, "Exited with signal termination: %s.\n", strsignal(r->signal));
	else
		fprintf(fp, "Exited with exit code %d.\n", r->exit_code);
	if (r->reason != NULL && r->reason[0] != '\0')
		fprintf(fp, "%s\n", r->reason);
	fprintf(fp, "\nResource usage summary:\n\n"
	    "    CPU time :                                   %.2f sec.\n"
	    "    Max Memory :                                 %ld MB\n"
	    "    Run time :                                   %ld sec.\n\n",
	    r->cpu, (r->maxrss + 1023) / 1024,
	    r->end > r->start && r->start > 0 ? r->end - r->start : 0L);
	fputs("The output (if any) is above this job summary.\n\n", fp);
}

char *
jobreport_text(const struct jobspec *js, const struct jobreport *r)
{
	int ok = r->exit_code == 0 && r->signal == 0 &&
	    (r->reason == NULL || r->reason[0] == '\0');
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	if (fp == NULL)
		return xstrdup("");
	jobreport_head(fp, js, r, ok);
	jobreport_body(fp, js, r, ok);
	fclose(fp);
	return out;
}
