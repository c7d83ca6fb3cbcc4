COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/%.o)
$(COMMON_OBJ): MOD_CFLAGS = $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
$(B)/libcommon.a: $(COMMON_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^
COMMON_LIBS = $(B)/libcommon.a $(JANSSON_LIBS) $(CRYPTO_LIBS)
