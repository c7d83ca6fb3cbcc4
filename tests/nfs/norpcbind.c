/*
 * norpcbind.c - LD_PRELOAD library for the tests' nfs-ganesha: Debian's
 * ganesha 4.3 registers NFS and MOUNT with rpcbind at start and exits when
 * it cannot. We forward svc_reg() without a netconfig, so libntirpc
 * registers the programs in-process only, and make rpcb_unset() a no-op.
 * Clients then give nfsport= and mountport= in their URLs.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>

typedef bool (*norpcbind_reg)(void *, unsigned long, unsigned long, void *,
    const void *);

bool svc_reg(void *xprt, unsigned long prog, unsigned long vers, void *disp,
    const void *nconf);
bool rpcb_unset(unsigned long prog, unsigned long vers, const void *nconf);

bool
svc_reg(void *xprt, unsigned long prog, unsigned long vers, void *disp,
    const void *nconf)
{
	static norpcbind_reg next;

	(void)nconf;
	if (next == NULL)
		next = (norpcbind_reg)dlsym(RTLD_NEXT, "svc_reg");
	return next != NULL ? next(xprt, prog, vers, disp, NULL) : true;
}

bool
rpcb_unset(unsigned long prog, unsigned long vers, const void *nconf)
{
	(void)prog;
	(void)vers;
	(void)nconf;
	return true;
}
