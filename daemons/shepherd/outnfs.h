/*
 * outnfs.h - one output file on an NFS server, written through libnfs by
 * the shepherd (never by the agent's loop): mount, create missing
 * directories and the file as the job's owner (uid/gid in the AUTH_SYS
 * credential), write at explicit offsets, COMMIT. Calls block for at most
 * the timeout (libnfs's async calls run to completion inside them); after a
 * failure the context is gone and the next call reconnects, so callers
 * simply retry at the same offset.
 */
#ifndef PUMICE_OUTNFS_H
#define PUMICE_OUTNFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct outnfs;

/*
 * Connects and opens url (nfs://...) for writing as uid/gid, creating it
 * with mode; trunc empties it, otherwise writes go after its current end.
 * timeout_s bounds each call. NULL with err (also in a build without NFS
 * support).
 */
struct outnfs *outnfs_open(const char *url, uid_t uid, gid_t gid, int mode, int trunc,
    int timeout_s, char *err, size_t errlen);
/* The file's size when it was opened: stream offset 0 is there. */
uint64_t outnfs_base(const struct outnfs *o);
/* Writes n bytes at stream offset off (the file's offset minus its base). */
int outnfs_pwrite(struct outnfs *o, uint64_t off, const void *buf, size_t n,
    char *err, size_t errlen);
/* Makes everything written so far stable on the server (COMMIT). */
int outnfs_commit(struct outnfs *o, char *err, size_t errlen);
/* Drops the connection (after a failure) so the next call reconnects. */
void outnfs_disconnect(struct outnfs *o);
/* Connects again and reopens the file without truncating it. */
int outnfs_reconnect(struct outnfs *o, char *err, size_t errlen);
void outnfs_close(struct outnfs *o);

#endif
