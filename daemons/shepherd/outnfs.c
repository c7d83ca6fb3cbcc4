/*
 * outnfs.c - an output file on an NFS server through libnfs 4.0.0 (NFSv3;
 * see outnfs.h). The file's base offset is fixed at the first open (0 for
 * -oo, the existing size for -o), so a retry after a timeout rewrites the
 * same bytes at the same place instead of appending them twice. Without
 * libnfs (configure --without-nfs) opening fails with a clear message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "nfsurl.h"
#include "outnfs.h"
#include "util.h"

#if HAVE_NFS
#include <nfsc/libnfs.h>

#define OUTNFS_CHUNK (1u << 20)

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
};

static int
outnfs_fail(struct outnfs *o, const char *what, int rc, char *err, size_t errlen)
{
	errf(err, errlen, "%s nfs://%s%s: %s", what, o->url.server, o->url.path,
	    o->nfs ? nfs_get_error(o->nfs) : strerror(-rc));
	outnfs_disconnect(o);
	return -1;
}

/* A context with the URL's ports, the owner's credential and a timeout. */
static int
outnfs_context(struct outnfs *o, const char *mnt, char *err, size_t errlen)
{
	char *u = nfsurl_libnfs(&o->url, mnt);
	struct nfs_url *pu;

	if ((o->nfs = nfs_init_context()) == NULL) {
		free(u);
		return errf(err, errlen, "nfs_init_context failed");
	}
	pu = nfs_parse_url_dir(o->nfs, u);	/* applies nfsport=, mountport=, ... */
	free(u);
	if (pu == NULL)
		return outnfs_fail(o, "bad URL", 0, err, errlen);
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
		if ((rc = nfs_mount(o->nfs, o->url.server, mnt)) == 0) {
			free(o->mnt);
			o->mnt = mnt;
			o->rel = o->url.path + strlen(mnt);
			return 0;
		}
		free(mnt);
		/* a refused connection or a timeout will not get better */
		if (o->url.exp || rc == -EIO || rc == -EINTR || rc == -ETIMEDOUT ||
		    strstr(nfs_get_error(o->nfs), "MNT3ERR") == NULL)
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
		rc = nfs_mkdir(o->nfs, dir);
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
	if ((rc = nfs_open2(o->nfs, o->rel, O_WRONLY | O_CREAT | flags, o->mode, &o->fh)) < 0)
		return outnfs_fail(o, "cannot open", rc, err, errlen);
	return 0;
}

struct outnfs *
outnfs_open(const char *url, uid_t uid, gid_t gid, int mode, int trunc, int timeout_s,
    char *err, size_t errlen)
{
	struct outnfs *o = xcalloc(1, sizeof(*o));
	struct nfs_stat_64 st;
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
		if ((rc = nfs_fstat64(o->nfs, o->fh, &st)) < 0) {
			outnfs_fail(o, "cannot stat", rc, err, errlen);
			goto fail;
		}
		o->base = st.nfs_size;
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
		rc = nfs_pwrite(o->nfs, o->fh, o->base + off, k, p);
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
	if ((rc = nfs_fsync(o->nfs, o->fh)) < 0)
		return outnfs_fail(o, "cannot commit", rc, err, errlen);
	return 0;
}

void
outnfs_disconnect(struct outnfs *o)
{
	/*
	 * nfs_close frees the handle (destroying the context does not); on a
	 * dead server its COMMIT fails after the timeout, which is harmless:
	 * everything not committed is resent after the reconnect.
	 */
	if (o->nfs != NULL && o->fh != NULL)
		nfs_close(o->nfs, o->fh);
	if (o->nfs != NULL)
		nfs_destroy_context(o->nfs);
	o->nfs = NULL;
	o->fh = NULL;
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
