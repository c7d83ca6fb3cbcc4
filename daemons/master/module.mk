# HTTP over TLS (httptls.c): libevent's OpenSSL bufferevents, in
# libevent-dev beside libevent itself.
EVENT_SSL_LIBS := -levent_openssl -lssl
MASTER_SRC := $(filter-out daemons/master/main.c,$(wildcard daemons/master/*.c))
MASTER_OBJ := $(MASTER_SRC:%.c=$(B)/%.o) $(B)/daemons/master/webpage.o
$(MASTER_OBJ) $(B)/daemons/master/main.o: MOD_CFLAGS = $(EVENT_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
$(B)/libmaster.a: $(MASTER_OBJ)
	$(AR) rcs $@ $^
$(B)/bin/pumice-master: $(B)/daemons/master/main.o $(B)/libmaster.a $(B)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/daemons/master/main.o $(B)/libmaster.a $(COMMON_LIBS) $(EVENT_SSL_LIBS) $(EVENT_LIBS) $(SQLITE_LIBS) -lm
BINS += $(B)/bin/pumice-master
# The web page (GET /), compiled in: one self-contained HTML file as bytes.
$(B)/daemons/master/webpage.c: daemons/master/web/index.html
	@mkdir -p $(@D)
	{ echo '/* generated from $< by daemons/master/module.mk */'; \
	  echo '#include "http.h"'; \
	  echo 'const unsigned char http_page_html[] = {'; \
	  od -An -v -tx1 <$< | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '};'; \
	  echo 'const unsigned int http_page_html_len = sizeof(http_page_html);'; } >$@
$(B)/daemons/master/webpage.o: $(B)/daemons/master/webpage.c
	$(CC) $(ALL_CFLAGS) -Idaemons/master -c -o $@ $<
