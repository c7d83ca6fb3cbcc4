AGENT_SRC := $(filter-out daemons/agent/main.c daemons/agent/shepherd.c,$(wildcard daemons/agent/*.c))
AGENT_OBJ := $(AGENT_SRC:%.c=$(B)/%.o)
$(AGENT_OBJ) $(B)/daemons/agent/main.o $(B)/daemons/agent/shepherd.o: MOD_CFLAGS = $(UV_CFLAGS) $(JANSSON_CFLAGS) $(NFS_CFLAGS)
$(B)/libagent.a: $(AGENT_OBJ)
	$(AR) rcs $@ $^
$(B)/bin/pumice-agent: $(B)/daemons/agent/main.o $(B)/libagent.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/daemons/agent/main.o $(B)/libagent.a $(COMMON_LIBS) $(UV_LIBS)
$(B)/bin/pumice-shepherd: $(B)/daemons/agent/shepherd.o $(B)/libagent.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/daemons/agent/shepherd.o $(B)/libagent.a $(COMMON_LIBS) $(UV_LIBS) $(NFS_LIBS)
BINS += $(B)/bin/pumice-agent $(B)/bin/pumice-shepherd
