#!/usr/bin/python3
# fakeagent.py - a registered host that lies or fails on purpose. Proves
# the cluster key as HOST and registers (one slot), then either
#   ID IDX: sends one "finished" for job ID[IDX] and prints "acked" or
#     "not acked" after waiting a moment for the ack (harden.bats), or
#   --refuse CAUSE SECONDS: answers every run with a refused of that cause
#     (refuse.h) for SECONDS, then prints how many runs it was sent
#     (spoolfull.bats).
# Usage: fakeagent.py PORT KEYFILE HOST {ID IDX | --refuse CAUSE SECONDS}
import hashlib, hmac, json, os, socket, struct, sys, time

port, keyfile, host = sys.argv[1], sys.argv[2], sys.argv[3]
raw = open(keyfile, 'rb').read().strip()
try:
    key = bytes.fromhex(raw.decode())
except ValueError:
    key = raw
s = socket.create_connection(('127.0.0.1', int(port)), timeout=10)

def send(msg):
    data = json.dumps(msg).encode()
    s.sendall(struct.pack('>I', len(data)) + data)

def recv():
    def exact(n):
        b = b''
        while len(b) < n:
            chunk = s.recv(n - len(b))
            if not chunk:
                raise EOFError('closed by the master')
            b += chunk
        return b
    n = struct.unpack('>I', exact(4))[0]
    return json.loads(exact(n))

def mac(role, nonce):
    return hmac.new(key, f'{role}|{nonce}|{host}'.encode(), hashlib.sha256).hexdigest()

send({'t': 'hello', 'v': 1, 'host': host, 'nonce': os.urandom(32).hex()})
ch = recv()
send({'t': 'auth', 'mac': mac('agent', ch['nonce'])})
assert recv()['t'] == 'welcome'
send({'t': 'register', 'host': host, 'ncpus': 1, 'mem_total': 1024, 'mem_free': 1024,
      'swap_total': 0, 'swap_free': 0, 'load': [0, 0, 0], 'arch': 'x86_64',
      'model': 'fake', 'version': 'fake', 'jobs': []})

def finish(jid, idx):
    send({'t': 'finished', 'id': jid, 'idx': idx, 'state': 'DONE', 'exit_code': 0})
    s.settimeout(3)
    try:
        while True:
            m = recv()
            if m.get('t') == 'finish_ack':
                print('acked')
                break
    except (socket.timeout, EOFError):
        print('not acked')

def refuse(cause, seconds):
    end, runs = time.monotonic() + seconds, 0
    while (left := end - time.monotonic()) > 0:
        s.settimeout(left)
        try:
            m = recv()
        except socket.timeout:
            break
        if m.get('t') == 'run':
            runs += 1
            j = m['job']
            send({'t': 'refused', 'id': j['id'], 'idx': j.get('idx', 0),
                  'cause': cause, 'err': f'refused on purpose ({cause})'})
    print(runs)

if sys.argv[4] == '--refuse':
    refuse(sys.argv[5], float(sys.argv[6]))
else:
    finish(int(sys.argv[4]), int(sys.argv[5]))
