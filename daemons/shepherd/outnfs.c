/*
 * outnfs.c - an output file on an NFS server through libnfs 4.0.0 (NFSv3;
 * see outnfs.h). The file's base offset is fixed at the first open (0 for
 * -oo, the existing size for -o), so a retry after a timeout rewrites the
 * same bytes at the same place instead of appending them twice. Without
 * libnfs (configure --without-nfs) opening fails with a clear message.
 *
 * Only libnfs's async calls are used, run by our own poll() loop up to the
 * timeout. Its sync wrappers keep their callback's data on their caller's
 * stack; one that gives up (a dead connection) leaves the call queued, and
 * the nfs_destroy_context of the reconnect then completed it into a frame
 * long gone: shepherds died of SIGSEGV when the server was cut (fault s7).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfsurl.h"
#include "outnfs.h"
#include "util.h"

#if HAVE_NFS
#include <nfsc/libnfs.h>
#include <poll.h>

#define OUTNFS_CHUNK (1u << 20)
#define OUTNFS_TICK_MS 100	/* libnfs scans for its timeouts in nfs_service */

/*
 * The one call in flight. libnfs keeps a callback's argument until the
 * call completes, which a destroyed context does by cancelling it; so the
 * state lives here, as long as the context, never on a stack that a call
 * that timed out has left. busy is cleared when the call is abandoned, and
 * the context is destroyed at once: its callbacks then find busy clear or
 * another context and write nothing.
 */
struct outnfs_call {
	int busy, done, status;
	struct nfsfh *fh;	/* an open's */
	uint64_t size;		/* an fstat's */
	char why[256];		/* the error string a failed call passes */
};

struct outnfs {
	struct nfsurl url;
	char *mnt;		/* the export that mounted */
	const char *rel;	/* the file's path inside it */
	uid_t uid;
	gid_t gid;
	int timeout_s;
	int mode;		/* of a file created here: 0666 less the job's umask */
	uint64_t base;
	struct nfs_context *nfs;
	struct nfsfh *fh;
	struct outnfs_call call;
};

/* The call a callback completes, or NULL when it is a stale one. */
static struct outnfs_call *
outnfs_current(struct outnfs *o, struct nfs_context *nfs, int status, void *data)
{
	struct outnfs_call *c = &o->call;

	if (!c->busy || c->done || nfs != o->nfs)
		return NULL;
	c->done = 1;
	c->status = status;
	if (status < 0)
		snprintf(c->why, sizeof(c->why), "%s", data ? (const char *)data :
		    strerror(-status));
	return c;
}

static void
outnfs_cb(int status, struct nfs_context *nfs, void *data, void *arg)
{
	outnfs_current(arg, nfs, status, data);
}

static void
outnfs_open_cb(int status, struct nfs_context *nfs, void *data, void *arg)
{
	struct outnfs_call *c = outnfs_current(arg, nfs, status, data);

	if (c != NULL && status == 0)
		c->fh = data;
}

static void
outnfs_stat_cb(int status, struct nfs_context *nfs, void *data, void *arg)
{
	struct outnfs_call *c = outnfs_current(arg, nfs, status, data);

	if (c != NULL && status == 0)
		c->size = ((const struct nfs_stat_64 *)data)->nfs_size;
}

/* Before issuing a call: nothing of an earlier one remains. */
static void
outnfs_begin(struct outnfs *o)
{
	memset(&o->call, 0, sizeof(o->call));
	o->call.busy = 1;
}

/* Why the context failed, as libnfs tells it. */
static void
outnfs_why_context(struct outnfs *o)
{
	const char *e = nfs_get_error(o->nfs);

	snprintf(o->call.why, sizeof(o->call.why), "%s", e != NULL && *e != '\0' ? e :
	    "connection lost");
}

/*
 * Runs the context until the call issued (queued: rc from the *_async
 * function) completes, for at most the timeout. Its status, or -errno with
 * call.why saying why; a call that did not complete is abandoned (the
 * caller's outnfs_fail destroys the context).
 */
static int
outnfs_wait(struct outnfs *o, int rc)
{
	struct outnfs_call *c = &o->call;
	uint64_t now, deadline = now_mono_ms() + (uint64_t)o->timeout_s * 1000;
	struct pollfd pfd;
	int n;

	if (rc < 0) {
		c->busy = 0;
		outnfs_why_context(o);
		return -EIO;
	}
	while (!c->done) {
		if ((now = now_mono_ms()) >= deadline) {
			c->busy = 0;
			snprintf(c->why, sizeof(c->why), "no answer within %d s", o->timeout_s);
			return -ETIMEDOUT;
		}
		pfd.fd = nfs_get_fd(o->nfs);
		pfd.events = (short)nfs_which_events(o->nfs);
		pfd.revents = 0;
		n = poll(&pfd, 1, deadline - now < OUTNFS_TICK_MS ? (int)(deadline - now) :
		    OUTNFS_TICK_MS);
		if (n < 0 && errno != EINTR) {
			c->busy = 0;
			snprintf(c->why, sizeof(c->why), "poll: %s", strerror(errno));
			return -EIO;
		}
		if (nfs_service(o->nfs, n > 0 ? pfd.revents : 0) < 0 && !c->done) {
			c->busy = 0;
			outnfs_why_context(o);
			return -EIO;
		}
	}
	c->busy = 0;
	return c->status;
}

static int
outnfs_fail(struct outnfs *o, const char *what, int rc, char *err, size_t errlen)
{
	errf(err, errlen, "%s nfs://%s%s: %s", what, o->url.server, o->url.path,
	    o->call.why[0] ? o->call.why : strerror(-rc));
	outnfs_disconnect(o);
	return -1;
}

/* A context with the URL's ports, the owner's credential and a timeout. */
static int
outnfs_context(struct outnfs *o, const char *mnt, char *err, size_t errlen)
{
	char *u = nfsurl_libnfs(&o->url, mnt);
	struct nfs_url *pu;

	o->call.why[0] = '\0';
	if ((o->nfs = nfs_init_context()) == NULL) {
		free(u);
		return errf(err, errlen, "nfs_init_context failed");
	}
	pu = nfs_parse_url_dir(o->nfs, u);	/* applies nfsport=, mountport=, ... */
	free(u);
	if (pu == NULL) {
		outnfs_why_context(o);
		return outnfs_fail(o, "bad URL", -EINVAL, err, errlen);
	}
	nfs_destroy_url(pu);
	nfs_set_uid(o->nfs, (int)o->uid);
	nfs_set_gid(o->nfs, (int)o->gid);
	nfs_set_timeout(o->nfs, o->timeout_s * 1000);
	/*
	 * No silent reconnects: a server that rebooted may have lost writes
	 * not yet committed, which only our own reconnect (resending from the
	 * last COMMIT) puts back.
	 */
	nfs_set_autoreconnect(o->nfs, 0);
	return 0;
}

/* Mounts the export= path, or the shortest prefix of the path that mounts. */
static int
outnfs_mount(struct outnfs *o, char *err, size_t errlen)
{
	const char *p = o->url.path;
	char *mnt;
	int rc = -ENOENT;

	while ((p = strchr(p + 1, '/')) != NULL) {
		mnt = o->url.exp ? xstrdup(o->url.exp) : xstrndup(o->url.path,
		    (size_t)(p - o->url.path));
		if (outnfs_context(o, mnt, err, errlen) < 0) {
			free(mnt);
			return -1;
		}
		outnfs_begin(o);
		rc = outnfs_wait(o, nfs_mount_async(o->nfs, o->url.server, mnt, outnfs_cb, o));
		if (rc == 0) {
			free(o->mnt);
			o->mnt = mnt;
			o->rel = o->url.path + strlen(mnt);
			return 0;
		}
		free(mnt);
		/* a refused connection or a timeout will not get better */
		if (o->url.exp || rc == -EIO || rc == -EINTR || rc == -ETIMEDOUT ||
		    strstr(o->call.why, "MNT3ERR") == NULL)
			break;
		outnfs_disconnect(o);
	}
	return outnfs_fail(o, "cannot mount", rc, err, errlen);
}

/* mkdir -p of the file's directory inside the export, as the owner. */
static int
outnfs_mkdirs(struct outnfs *o, char *err, size_t errlen)
{
	const char *p = o->rel;
	char *dir;
	int rc;

	while ((p = strchr(p + 1, '/')) != NULL) {
		dir = xstrndup(o->rel, (size_t)(p - o->rel));
		outnfs_begin(o);
		rc = outnfs_wait(o, nfs_mkdir_async(o->nfs, dir, outnfs_cb, o));
		free(dir);
		if (rc < 0 && rc != -EEXIST)
			return outnfs_fail(o, "cannot create the directories of", rc, err,
			    errlen);
	}
	return 0;
}

static int
outnfs_connect(struct outnfs *o, int flags, char *err, size_t errlen)
{
	int rc;

	if (outnfs_mount(o, err, errlen) < 0 || outnfs_mkdirs(o, err, errlen) < 0)
		return -1;
	outnfs_begin(o);
	rc = outnfs_wait(o, nfs_open2_async(o->nfs, o->rel, O_WRONLY | O_CREAT | flags,
	    o->mode, outnfs_open_cb, o));
	if (rc < 0)
		return outnfs_fail(o, "cannot open", rc, err, errlen);
	o->fh = o->call.fh;
	return 0;
}

struct outnfs *
outnfs_open(const char *url, uid_t uid, gid_t gid, int mode, int trunc, int timeout_s,
    char *err, size_t errlen)
{
	struct outnfs *o = xcalloc(1, sizeof(*o));
	int rc;

	o->uid = uid;
	o->gid = gid;
	o->mode = mode & 0777;
	o->timeout_s = timeout_s > 0 ? timeout_s : 5;
	if (nfsurl_parse(url, &o->url, err, errlen) < 0) {
		free(o);
		return NULL;
	}
	if (outnfs_connect(o, trunc ? O_TRUNC : 0, err, errlen) < 0)
		goto fail;
	if (!trunc) {
		outnfs_begin(o);
		rc = outnfs_wait(o, nfs_fstat64_async(o->nfs, o->fh, outnfs_stat_cb, o));
		if (rc < 0) {
			outnfs_fail(o, "cannot stat", rc, err, errlen);
			goto fail;
		}
		o->base = o->call.size;
	}
	return o;
fail:
	outnfs_close(o);
	return NULL;
}

uint64_t
outnfs_base(const struct outnfs *o)
{
	return o->base;
}

int
outnfs_reconnect(struct outnfs *o, char *err, size_t errlen)
{
	outnfs_disconnect(o);
	return outnfs_connect(o, 0, err, errlen);
}

int
outnfs_pwrite(struct outnfs *o, uint64_t off, const void *buf, size_t n,
    char *err, size_t errlen)
{
	const char *p = buf;
	size_t k;
	int rc;

	if (o->nfs == NULL && outnfs_reconnect(o, err, errlen) < 0)
		return -1;
	while (n > 0) {
		k = n < OUTNFS_CHUNK ? n : OUTNFS_CHUNK;
		outnfs_begin(o);
		rc = outnfs_wait(o, nfs_pwrite_async(o->nfs, o->fh, o->base + off, k, p,
		    outnfs_cb, o));
		if (rc <= 0)
			return outnfs_fail(o, "cannot write to", rc ? rc : -EIO, err, errlen);
		off += (uint64_t)rc;
		p += rc;
		n -= (size_t)rc;
	}
	return 0;
}

int
outnfs_commit(struct outnfs *o, char *err, size_t errlen)
{
	int rc;

	if (o->nfs == NULL && outnfs_reconnect(o, err, errlen) < 0)
		return -1;
	outnfs_begin(o);
	if ((rc = outnfs_wait(o, nfs_fsync_async(o->nfs, o->fh, outnfs_cb, o))) < 0)
		return outnfs_fail(o, "cannot commit", rc, err, errlen);
	return 0;
}

void
outnfs_disconnect(struct outnfs *o)
{
	struct nfs_context *nfs = o->nfs;

	if (nfs == NULL)
		return;
	/*
	 * Nothing is waited for here: the shepherd committed what it needs,
	 * and what is not committed is resent after the reconnect. Calls
	 * still in flight (one abandoned after a timeout, the COMMIT a close
	 * of a written file sends) are cancelled by the destroy; their
	 * callbacks see another context and leave o alone. nfs_close_async
	 * frees the handle, which destroying the context does not.
	 */
	o->nfs = NULL;
	o->call.busy = 0;
	if (o->fh != NULL)
		nfs_close_async(nfs, o->fh, outnfs_cb, o);
	o->fh = NULL;
	nfs_destroy_context(nfs);
}

void
outnfs_close(struct outnfs *o)
{
	if (o == NULL)
		return;
	outnfs_disconnect(o);
	nfsurl_free(&o->url);
	free(o->mnt);
	free(o);
}

#else /* !HAVE_NFS */

struct outnfs *
outnfs_open(const char *url, uid_t uid, gid_t gid, int mode, int trunc, int timeout_s,
    char *err, size_t errlen)
{
	errf(err, errlen, "%s: this build of Pumice has no NFS support "
	    "(configured --without-nfs); use a mounted path", url);
	return NULL;
}

int
outnfs_pwrite(struct outnfs *o, uint64_t off, const void *buf, size_t n,
    char *err, size_t errlen)
{
	return errf(err, errlen, "no NFS support");
}

int
outnfs_commit(struct outnfs *o, char *err, size_t errlen)
{
	return errf(err, errlen, "no NFS support");
}

void
outnfs_disconnect(struct outnfs *o)
{
}

uint64_t
outnfs_base(const struct outnfs *o)
{
	return 0;	/* never opened: there is no struct outnfs here */
}

int
outnfs_reconnect(struct outnfs *o, char *err, size_t errlen)
{
	return errf(err, errlen, "no NFS support");
}

void
outnfs_close(struct outnfs *o)
{
}

#endif
