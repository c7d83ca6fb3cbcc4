/*
 * conn.h - one framed JSON connection on a libuv stream (TCP or unix).
 * Reads bytes, hands each complete frame to on_msg, and writes frames.
 * A conn is freed only from its own close callback; after conn_close() no
 * callback of it runs again, so handlers may close it from on_msg.
 */
#ifndef PUMICE_CONN_H
#define PUMICE_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include <jansson.h>

struct conn;

/* msg is borrowed. why: NULL on orderly EOF, else what went wrong. */
typedef void (*conn_msg_cb)(struct conn *c, const json_t *msg);
typedef void (*conn_end_cb)(struct conn *c, const char *why);

struct conn {
	union {
		uv_handle_t handle;
		uv_stream_t stream;
		uv_tcp_t tcp;
		uv_pipe_t pipe;
	} h;
	uint8_t *buf;
	size_t len, cap;
	conn_msg_cb on_msg;
	conn_end_cb on_end;	/* read ended or failed; the owner closes */
	void *arg;
	int closing;
};

/* A new conn whose handle the caller initialises (uv_tcp_init, ...). */
struct conn *conn_new(conn_msg_cb on_msg, conn_end_cb on_end, void *arg);
/* Starts reading; -1 with err on failure. */
int conn_start(struct conn *c, char *err, size_t errlen);
/* Queues one frame; msg is borrowed. -1 when closing or on write error. */
int conn_send(struct conn *c, const json_t *msg);
int conn_send_many(struct conn *c, const json_t *msgs);
/* Closes the handle; the memory goes in the close callback. */
void conn_close(struct conn *c);

#endif
