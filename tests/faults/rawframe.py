#!/usr/bin/python3
"""rawframe.py SOCKET JSON...: sends each JSON object as one frame (4-byte
big-endian length + JSON, pumice-protocol(7)) on a unix or host:port socket,
then prints every frame received until the peer closes or 3 s of silence.
Used by the fault suite to send what the real commands never would:
forged identity fields, frames before authentication."""
import socket
import struct
import sys


def connect(addr):
    if ":" in addr and not addr.startswith("/"):
        host, port = addr.rsplit(":", 1)
        return socket.create_connection((host, int(port)), timeout=3)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect(addr)
    return s


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def main():
    s = connect(sys.argv[1])
    for text in sys.argv[2:]:
        data = text.encode()
        s.sendall(struct.pack(">I", len(data)) + data)
    try:
        while True:
            head = read_exact(s, 4)
            if head is None:
                break
            body = read_exact(s, struct.unpack(">I", head)[0])
            if body is None:
                break
            print(body.decode(errors="replace"), flush=True)
    except socket.timeout:
        pass


main()
