#!/usr/bin/env python3
"""ptyrun.py - runs a command on a pseudo-terminal, as a user at a
terminal would (for bsub -Is in interactive.bats).

usage: ptyrun.py [--rows R --cols C] [STEP ...] -- CMD [ARG ...]

Steps run in order: "expect:TEXT" waits until TEXT has appeared in the
output (since the previous expect), "send:BYTES" types BYTES (Python
escapes: \\n, \\x03 for ^C), "resize:RxC" changes the terminal's size
(the command gets SIGWINCH). Everything the command writes is copied to
stdout; the exit status is the command's. Gives up after 60 s.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

DEADLINE = time.monotonic() + 60


def winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def pump(fd, seen, want=None):
    """Reads output until want is in seen (or EOF, or the deadline)."""
    while want is None or want.encode() not in seen:
        left = DEADLINE - time.monotonic()
        if left <= 0:
            sys.exit("ptyrun: timed out waiting for %r" % want)
        r, _, _ = select.select([fd], [], [], min(left, 0.2 if want is None else left))
        if not r:
            if want is None:
                return seen, False
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            return seen, True
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        seen += data
    return seen, False


def main():
    args = sys.argv[1:]
    rows, cols, steps = 24, 80, []
    while args and args[0] != "--":
        a = args.pop(0)
        if a == "--rows":
            rows = int(args.pop(0))
        elif a == "--cols":
            cols = int(args.pop(0))
        else:
            steps.append(a)
    cmd = args[1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    winsize(fd, rows, cols)
    seen = b""
    for s in steps:
        kind, _, val = s.partition(":")
        if kind == "expect":
            seen, eof = pump(fd, seen, val)
            seen = seen[seen.index(val.encode()) + len(val):]
        elif kind == "send":
            os.write(fd, val.encode().decode("unicode_escape").encode("latin-1"))
        elif kind == "resize":
            r, c = val.split("x")
            winsize(fd, int(r), int(c))
    eof, status = False, None
    while not eof:
        seen, eof = pump(fd, seen)
        if not eof and status is not None:
            break  # exited, and a quiet pty has nothing more
        if status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            status = st if done == pid else None
    if status is None:
        _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
