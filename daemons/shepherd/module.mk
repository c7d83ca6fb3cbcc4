# pumice-shepherd: one per running job, between the agent and the job
# (DESIGN.md, "The agent and the shepherd"). Links libspool.a, libcommon.a,
# jansson and libnfs; never libuv or libcrypto (the agent's).
SHEP_SRC := $(filter-out daemons/shepherd/shepherd.c,$(wildcard daemons/shepherd/*.c))
SHEP_OBJ := $(SHEP_SRC:%.c=$(B)/%.o)
SHEP_LIBS = $(B)/libspool.a $(B)/libcommon.a $(JANSSON_LIBS) $(NFS_LIBS) -lpthread
# -z now: the long-lived shepherd resolves every symbol once at its start;
# the shepherds it forks inherit the bindings instead of each resolving
# (lazily, through ld.so) what the server itself never called.
SHEP_LDFLAGS := -Wl,-z,now
$(SHEP_OBJ) $(B)/daemons/shepherd/shepherd.o: MOD_CFLAGS = $(JANSSON_CFLAGS) $(NFS_CFLAGS) $(SPOOL_CFLAGS)
# rebuilt whole when this file changes: no stale member of a moved source
$(B)/libshepherd.a: $(SHEP_OBJ) daemons/shepherd/module.mk
	rm -f $@; $(AR) rcs $@ $(SHEP_OBJ)
$(B)/bin/pumice-shepherd: $(B)/daemons/shepherd/shepherd.o $(B)/libshepherd.a $(B)/libspool.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(SHEP_LDFLAGS) -o $@ $(B)/daemons/shepherd/shepherd.o $(B)/libshepherd.a $(SHEP_LIBS)
BINS += $(B)/bin/pumice-shepherd
