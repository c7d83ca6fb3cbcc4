/*
 * conn.c - framed JSON over a libuv stream (see conn.h). Invariant: the
 * read buffer holds at most one partial frame after each read callback;
 * once closing is set nothing is delivered or written any more.
 */
#include <string.h>

#include "conn.h"
#include "log.h"
#include "proto.h"
#include "util.h"

struct conn_write {
	uv_write_t req;
	uint8_t *data;
};

struct conn *
conn_new(conn_msg_cb on_msg, conn_end_cb on_end, void *arg)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->on_msg = on_msg;
	c->on_end = on_end;
	c->arg = arg;
	c->h.handle.data = c;
	return c;
}

static void
conn_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct conn *c = h->data;

	if (c->cap - c->len < 65536) {
		c->cap = c->cap ? c->cap * 2 : 131072;
		c->buf = xrealloc(c->buf, c->cap);
	}
	buf->base = (char *)c->buf + c->len;
	buf->len = c->cap - c->len;
}

/* Delivers every complete frame; returns -1 after a bad one (conn ended). */
static int
conn_deliver(struct conn *c)
{
	char err[256];
	size_t off = 0, used;
	json_t *msg;
	int r;

	while (!c->closing) {
		r = proto_decode(c->buf + off, c->len - off, &msg, &used, err,
		    sizeof(err));
		if (r == 0)
			break;
		if (r < 0) {
			c->on_end(c, err);
			return -1;
		}
		off += used;
		c->on_msg(c, msg);
		json_decref(msg);
	}
	if (c->closing)
		return -1;
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	return 0;
}

static void
conn_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	if (c->closing)
		return;
	if (n == UV_EOF) {
		c->on_end(c, NULL);
		return;
	}
	if (n < 0) {
		c->on_end(c, uv_strerror((int)n));
		return;
	}
	c->len += (size_t)n;
	conn_deliver(c);
}

int
conn_start(struct conn *c, char *err, size_t errlen)
{
	int r = uv_read_start(&c->h.stream, conn_alloc_cb, conn_read_cb);

	if (r < 0)
		return errf(err, errlen, "read: %s", uv_strerror(r));
	return 0;
}

static void
conn_write_cb(uv_write_t *req, int status)
{
	struct conn_write *w = (struct conn_write *)req;

	free(w->data);
	free(w);
}

/* Writes w's len bytes of data; w is freed when written or on error. */
static int
conn_write(struct conn *c, struct conn_write *w, size_t len)
{
	uv_buf_t buf = uv_buf_init((char *)w->data, (unsigned int)len);
	int r;

	if ((r = uv_write(&w->req, &c->h.stream, &buf, 1, conn_write_cb)) < 0) {
		log_warnx("write: %s", uv_strerror(r));
		free(w->data);
		free(w);
		return -1;
	}
	return 0;
}

int
conn_send(struct conn *c, const json_t *msg)
{
	struct conn_write *w;
	size_t len;

	if (c->closing)
		return -1;
	w = xcalloc(1, sizeof(*w));
	w->data = proto_encode(msg, &len);
	return conn_write(c, w, len);
}

/* The messages of msgs (a JSON array), framed one after the other, in
 * one write (link.c sends what a loop turn queued so). */
int
conn_send_many(struct conn *c, const json_t *msgs)
{
	struct conn_write *w;
	size_t len, total = 0, cap = 0, i;
	uint8_t *one;

	if (c->closing)
		return -1;
	if (json_array_size(msgs) == 0)
		return 0;
	if (json_array_size(msgs) == 1)
		return conn_send(c, json_array_get(msgs, 0));
	w = xcalloc(1, sizeof(*w));
	for (i = 0; i < json_array_size(msgs); i++) {
		one = proto_encode(json_array_get(msgs, i), &len);
		if (total + len > cap)
			w->data = xrealloc(w->data, cap = (total + len) * 2);
		memcpy(w->data + total, one, len);
		total += len;
		free(one);
	}
	return conn_write(c, w, total);
}

static void
conn_close_cb(uv_handle_t *h)
{
	struct conn *c = h->data;

	free(c->buf);
	free(c);
}

void
conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	uv_close(&c->h.handle, conn_close_cb);
}
