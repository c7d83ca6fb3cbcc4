/*
 * httptls.c - TLS for the master's HTTP server, when lsf.conf names a
 * certificate and its key (PUMICE_HTTP_CERT, PUMICE_HTTP_KEY): every
 * connection is then an OpenSSL bufferevent (libevent_openssl), whose
 * handshake runs on the loop like any other I/O, without blocking. TLS
 * 1.2 at least; the files are read once, at start.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>

#include "http.h"
#include "lsfconf.h"
#include "master.h"
#include "util.h"

static struct bufferevent *
http_tls_bev(struct event_base *base, void *arg)
{
	SSL *ssl = SSL_new(arg);
	struct bufferevent *bev;

	if (ssl == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev != NULL)	/* a peer that just closes is not an error */
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

static int
http_tls_err(SSL_CTX *ctx, const char *what, const char *file, char *err,
    size_t errlen)
{
	char e[256];

	ERR_error_string_n(ERR_get_error(), e, sizeof(e));
	SSL_CTX_free(ctx);
	return errf(err, errlen, "%s %s: %s", what, file, e);
}

int
http_tls_init(struct master *m, struct evhttp *http, void **ctxp, char *err,
    size_t errlen)
{
	const char *cert = cfg_get(&m->conf->lsfconf, "PUMICE_HTTP_CERT");
	const char *key = cfg_get(&m->conf->lsfconf, "PUMICE_HTTP_KEY");
	SSL_CTX *ctx;

	*ctxp = NULL;
	if ((cert == NULL || *cert == '\0') && (key == NULL || *key == '\0'))
		return 0;
	if (cert == NULL || *cert == '\0' || key == NULL || *key == '\0')
		return errf(err, errlen, "HTTP over TLS needs both PUMICE_HTTP_CERT "
		    "and PUMICE_HTTP_KEY");
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return http_tls_err(NULL, "TLS", "context", err, errlen);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		return http_tls_err(ctx, "PUMICE_HTTP_CERT", cert, err, errlen);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		return http_tls_err(ctx, "PUMICE_HTTP_KEY", key, err, errlen);
	evhttp_set_bevcb(http, http_tls_bev, ctx);
	*ctxp = ctx;
	return 0;
}

void
http_tls_free(void *ctx)
{
	SSL_CTX_free(ctx);
}
