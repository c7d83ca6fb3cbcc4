# What the agent and the shepherd share, built once into libspool.a: the
# JOBSPEC (jobspec.c), the spool directory through which they talk
# (spool.c) and the usage samples of a running job (usage.c). Blocking,
# loop-free code: both programs link it, neither's libraries come with it.
SPOOL_SRC := $(wildcard daemons/spool/*.c)
SPOOL_OBJ := $(SPOOL_SRC:%.c=$(B)/%.o)
SPOOL_CFLAGS := -iquote daemons/spool
$(SPOOL_OBJ): MOD_CFLAGS = $(JANSSON_CFLAGS) $(SPOOL_CFLAGS)
# rebuilt whole when this file changes: no stale member of a moved source
$(B)/libspool.a: $(SPOOL_OBJ) daemons/spool/module.mk
	rm -f $@; $(AR) rcs $@ $(SPOOL_OBJ)
