MASTER_SRC := $(filter-out daemons/master/main.c,$(wildcard daemons/master/*.c))
MASTER_OBJ := $(MASTER_SRC:%.c=$(B)/%.o)
$(MASTER_OBJ) $(B)/daemons/master/main.o: MOD_CFLAGS = $(EVENT_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
$(B)/libmaster.a: $(MASTER_OBJ)
	$(AR) rcs $@ $^
$(B)/bin/pumice-master: $(B)/daemons/master/main.o $(B)/libmaster.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/daemons/master/main.o $(B)/libmaster.a $(COMMON_LIBS) $(EVENT_LIBS) $(SQLITE_LIBS) -lm
BINS += $(B)/bin/pumice-master
