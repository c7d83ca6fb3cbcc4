#!/usr/bin/python3
"""cdp.py - drives a headless chromium over the DevTools protocol for
webpage.bats: one browser, one tab, kept open across steps, so that a
change seen on the page was seen without a reload.

  cdp.py start URL DIR     starts chromium (profile in DIR), opens URL, waits
                           for the page; prints the browser's pid
  cdp.py eval DIR EXPR     prints the JSON value of EXPR in the page
  cdp.py wait DIR EXPR [S] polls EXPR until truthy (default 30 s); exit 1
                           and the last value when it never was
  cdp.py shot DIR FILE [W H]  a PNG of the page, W x H CSS pixels; prints
                           the page's width at that size (an emulated
                           size lasts only as long as this call's session)

DIR/port holds the DevTools port. Exit 2 on a protocol failure.
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

import websocket


def tab_ws(port):
    """The websocket URL of the first page target."""
    with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=5) as r:
        for t in json.load(r):
            if t.get("type") == "page":
                return t["webSocketDebuggerUrl"]
    raise RuntimeError("no page target")


class Tab:
    def __init__(self, d):
        with open(os.path.join(d, "port")) as f:
            self.ws = websocket.create_connection(tab_ws(int(f.read())), timeout=30,
                                                  suppress_origin=True)
        self.n = 0

    def call(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == self.n:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m["result"]

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("exception in %s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")


def start(url, d):
    os.makedirs(d, exist_ok=True)
    log = open(os.path.join(d, "chromium.log"), "w")
    p = subprocess.Popen(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-dev-shm-usage", "--no-first-run",
                          "--hide-scrollbars", "--window-size=1280,900",
                          "--remote-debugging-port=0", "--remote-allow-origins=*",
                          "--user-data-dir=" + os.path.join(d, "profile"), url],
                         stdout=log, stderr=log, start_new_session=True)
    portfile = os.path.join(d, "profile", "DevToolsActivePort")
    end = time.time() + 30
    while not os.path.exists(portfile) or os.path.getsize(portfile) == 0:
        if time.time() > end or p.poll() is not None:
            print("chromium did not start (see %s)" % log.name, file=sys.stderr)
            sys.exit(2)
        time.sleep(0.1)
    with open(portfile) as f:
        port = int(f.readline())
    with open(os.path.join(d, "port"), "w") as f:
        f.write(str(port))
    print(p.pid)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "start":
        return start(args[0], args[1])
    tab = Tab(args[0])
    if cmd == "eval":
        print(json.dumps(tab.eval(args[1])))
    elif cmd == "wait":
        end = time.time() + (float(args[2]) if len(args) > 2 else 30)
        v = None
        while time.time() < end:
            v = tab.eval(args[1])
            if v:
                print(json.dumps(v))
                return 0
            time.sleep(0.2)
        print("still false: %s -> %s" % (args[1], json.dumps(v)), file=sys.stderr)
        return 1
    elif cmd == "shot":
        import base64
        w, h = (int(args[2]), int(args[3])) if len(args) > 3 else (1280, 900)
        tab.call("Emulation.setDeviceMetricsOverride", width=w, height=h,
                 deviceScaleFactor=1, mobile=w < 600)
        time.sleep(0.3)	# a frame at the new size
        r = tab.call("Page.captureScreenshot", format="png")
        with open(args[1], "wb") as f:
            f.write(base64.b64decode(r["data"]))
        print(tab.eval("document.documentElement.scrollWidth"))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, websocket.WebSocketException) as e:
        print("cdp.py: %s" % e, file=sys.stderr)
        sys.exit(2)
