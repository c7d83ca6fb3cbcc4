# pumice-agent: the node's daemon on libuv. Shares the JOBSPEC, spool and
# usage code with the shepherd through libspool.a; links none of the
# shepherd's libraries (libnfs), and not libcrypto (auth.c is on libsodium).
AGENT_SRC := $(filter-out daemons/agent/main.c,$(wildcard daemons/agent/*.c))
AGENT_OBJ := $(AGENT_SRC:%.c=$(B)/%.o)
AGENT_LIBS = $(B)/libspool.a $(B)/libcommon.a $(JANSSON_LIBS) $(SODIUM_LIBS) $(UV_LIBS) -lutil
$(AGENT_OBJ) $(B)/daemons/agent/main.o: MOD_CFLAGS = $(UV_CFLAGS) $(JANSSON_CFLAGS) $(SPOOL_CFLAGS)
# rebuilt whole when this file changes: no stale member of a moved source
$(B)/libagent.a: $(AGENT_OBJ) daemons/agent/module.mk
	rm -f $@; $(AR) rcs $@ $(AGENT_OBJ)
$(B)/bin/pumice-agent: $(B)/daemons/agent/main.o $(B)/libagent.a $(B)/libspool.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/daemons/agent/main.o $(B)/libagent.a $(AGENT_LIBS)
BINS += $(B)/bin/pumice-agent
