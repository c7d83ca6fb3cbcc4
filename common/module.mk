COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/%.o)
$(COMMON_OBJ): MOD_CFLAGS = $(JANSSON_CFLAGS) $(SODIUM_CFLAGS)
$(B)/libcommon.a: $(COMMON_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^
# auth.c needs libsodium; libcrypto stays for the master's SHA-256 (envtab.c)
COMMON_LIBS = $(B)/libcommon.a $(JANSSON_LIBS) $(SODIUM_LIBS) $(CRYPTO_LIBS)
