#!/usr/bin/env python3
"""cycle.py - where a slot's turn goes, from the daemons' own log lines
(millisecond stamps, log level info): for each element of array JOBID,
  shepherd  the agent's "started for" (shepherd spawned) to its "ended"
            (status seen in the spool): the shepherd, the job, their syncs
  report    that "ended" to the master's "finished on": the finish message
  refill    the master's "finished on" to the next "started for" on the
            agent: the master's commit and pass, run, the agent's spool
            write and spawn of the job that takes the freed slot
Usage: cycle.py MASTER_LOG AGENT_LOG JOBID; prints one line per part:
"NAME mean p50" in ms. Measures and prints; never judges.
"""
import bisect
import datetime
import re
import statistics
import sys

STAMP = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)"


def ms(s):
    return datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1e3


def scan(path, pattern, job):
    out = {}
    rx = re.compile(STAMP + r" \S+ info: job (\d+)\[(\d+)\] " + pattern)
    with open(path, errors="replace") as f:
        for line in f:
            m = rx.match(line)
            if m and int(m.group(2)) == job:
                out[int(m.group(3))] = ms(m.group(1))
    return out


def main():
    master, agent, job = sys.argv[1], sys.argv[2], int(sys.argv[3])
    started = scan(agent, "started for", job)
    ended = scan(agent, "ended", job)
    finished = scan(master, "finished on", job)
    keys = [k for k in started if k in ended and k in finished]
    if not keys:
        print("no elements of job %d in the logs" % job, file=sys.stderr)
        return 1
    starts = sorted(started.values())
    parts = {"shepherd": [], "report": [], "refill": []}
    for k in keys:
        parts["shepherd"].append(ended[k] - started[k])
        parts["report"].append(finished[k] - ended[k])
        i = bisect.bisect_left(starts, finished[k])
        if i < len(starts):
            parts["refill"].append(starts[i] - finished[k])
    for name, v in parts.items():
        if v:
            print("%s %.3f %.3f" % (name, statistics.mean(v), statistics.median(v)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
