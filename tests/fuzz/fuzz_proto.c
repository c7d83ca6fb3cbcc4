/* fuzz_proto.c - libFuzzer target: proto_decode on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *msg;
	size_t used, off = 0;
	char err[256];

	while (off < size && proto_decode(data + off, size - off, &msg, &used, err,
	    sizeof(err)) == 1) {
		(void)proto_type(msg);
		json_decref(msg);
		off += used;
	}
	return 0;
}
