/*
 * shepio.h - interactive jobs in the shepherd (bsub -I and kin): the
 * agent starts the shepherd with the job's stdio already on fds 0, 1, 2
 * (pipes, or a pseudo-terminal's slave: the agent's jobtty.c), and the
 * job inherits them instead of /dev/null and files.
 */
#ifndef PUMICE_SHEPIO_H
#define PUMICE_SHEPIO_H

#include "jobspec.h"

/* Child, first thing: its own process group, or for a pty its own session. */
void shepio_child_group(const struct jobspec *js);
/* Child, before exec: a pty becomes its controlling terminal; -1 with errno. */
int shepio_child_tty(const struct jobspec *js);
/* Parent, after the fork: whether it puts the child in its own group
 * (not for a pty, whose child leads a session). */
bool shepio_parent_groups(const struct jobspec *js);
/* Parent, after the fork: lets go of the job's stdio, so that the agent
 * sees the end of its output when the job (not the shepherd) closes it. */
void shepio_parent_release(const struct jobspec *js);

#endif
