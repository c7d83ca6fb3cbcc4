#!/usr/bin/python3
"""abuse.py - clients that misbehave on purpose, for the fault suite.
  abuse.py bigframe HOST:PORT CONNS MIB   CONNS connections each announce a
      64 MiB frame before any handshake and send MIB MiB of it, then hold
  abuse.py flood HOST:PORT CONNS SECONDS  open CONNS idle connections, hold
  abuse.py slowread SOCKET CONNS SECONDS  CONNS command connections ask for
      every job (all states, all users) and never read the answer
Each prints one line: what it did (connections opened, refused, closed)."""
import socket
import struct
import sys
import time


def tcp(addr):
    host, port = addr.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=5)


def frame(obj):
    data = obj.encode()
    return struct.pack(">I", len(data)) + data


def bigframe(addr, conns, mib):
    socks, closed = [], 0
    for _ in range(int(conns)):
        s = tcp(addr)
        s.sendall(struct.pack(">I", (64 << 20) - 1))
        socks.append(s)
    chunk = b"x" * (1 << 20)
    for s in socks:
        try:
            for _ in range(int(mib)):
                s.sendall(chunk)
        except OSError:
            closed += 1
    time.sleep(2)
    print(f"bigframe: {conns} connections sent up to {mib} MiB each; {closed} closed by the master")
    return socks


def flood(addr, conns, secs):
    socks, refused = [], 0
    for _ in range(int(conns)):
        try:
            socks.append(tcp(addr))
        except OSError:
            refused += 1
    time.sleep(float(secs))
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            alive += s.recv(1) != b""
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    print(f"flood: {len(socks)} opened, {refused} refused, {alive} still open after {secs} s")


def slowread(path, conns, secs):
    socks = []
    for i in range(int(conns)):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(path)
        s.sendall(frame('{"t":"hello","v":1,"role":"cli"}'))
        s.sendall(frame('{"t":"req","id":1,"op":"jobs","args":{"all_states":true,"user":"all","limit":5000}}'))
        socks.append(s)
    time.sleep(float(secs))
    print(f"slowread: {conns} connections asked for every job and read nothing for {secs} s")


{"bigframe": bigframe, "flood": flood, "slowread": slowread}[sys.argv[1]](*sys.argv[2:])
