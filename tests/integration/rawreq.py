#!/usr/bin/env python3
# rawreq.py SOCKET OP ARGS_JSON [--rows]: one request straight to the
# master's command socket, as a command sends it, and its reply frame.
# Prints "ok code err" of the reply; with --rows, the reply's data head
# ({rows, cols, tail}) and then the raw bytes after its JSON.
import json
import socket
import struct
import sys

sock, op, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
s = socket.socket(socket.AF_UNIX)
s.connect(sock)


def send(m):
    b = json.dumps(m).encode()
    s.sendall(struct.pack(">I", len(b)) + b)


send({"t": "hello", "v": 1, "role": "cli"})
send({"t": "req", "id": 1, "op": op, "args": args})
buf = b""
while len(buf) < 4 or len(buf) < 4 + struct.unpack(">I", buf[:4])[0]:
    r = s.recv(65536)
    if not r:
        sys.exit("rawreq: connection closed before the reply")
    buf += r
frame = buf[4:4 + struct.unpack(">I", buf[:4])[0]]
head, end = json.JSONDecoder().raw_decode(frame.decode("latin-1"))
if "--rows" not in sys.argv[4:]:
    print(head.get("ok"), head.get("code"), head.get("err"))
    sys.exit(0)
tail = frame[end:]
data = head["data"]
print(json.dumps({"rows": data["rows"], "cols": data["cols"], "tail": len(tail)}))
sys.stdout.flush()
sys.stdout.buffer.write(tail)
