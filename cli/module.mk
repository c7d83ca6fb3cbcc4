# One multi-call binary; bsub, bjobs, ... are links to it.
CLI_SRC := $(filter-out cli/main.c,$(wildcard cli/*.c))
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
CLI_LINKS := bsub bjobs bkill bstop bresume brequeue bmod bswitch btop bbot bwait bwatch btoken bhosts bqueues lsid bhist bacct badmin lsadmin lsrmhost bparams lsclusters lsload lshosts bpeek bpost bread bresult bflow blaunch
$(CLI_OBJ) $(B)/cli/main.o: MOD_CFLAGS = $(JANSSON_CFLAGS)
$(B)/libcli.a: $(CLI_OBJ)
	$(AR) rcs $@ $^
$(B)/bin/pumice: $(B)/cli/main.o $(B)/libcli.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/cli/main.o $(B)/libcli.a $(COMMON_LIBS)
	cd $(@D) && for l in $(CLI_LINKS); do ln -sf pumice $$l; done
$(B)/bin/pumice-cluster: cli/pumice-cluster.sh
	@mkdir -p $(@D)
	install -m 755 $< $@
BINS += $(B)/bin/pumice $(B)/bin/pumice-cluster
