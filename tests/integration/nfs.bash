# nfs.bash - what the NFS bats files share: the server script
# (tests/nfs/nfs-server.sh) and a free port pair for it (NFS, mount).

NFS_SH=$BATS_TEST_DIRNAME/../nfs/nfs-server.sh

# A port p with p and p + 1 free on this machine.
nfs_free_port() {
	local p
	for p in $(seq $((20500 + RANDOM % 2000 * 2)) 2 29998); do
		ss -ltnH "( sport = :$p or sport = :$((p + 1)) )" | grep -q . || { echo "$p"; return; }
	done
	return 1
}
