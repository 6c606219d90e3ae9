#!/usr/bin/env python3
"""N password resets completed at once against a running cluster (issue #14).

    bench-resets.py --base URL --sms-log FILE --accounts N --out FILE

Run by .ci/bench-cluster.sh after `surel import-simpeg --process` made the
accounts: each waits for activation, and its link is in the SMS sink's log.

  1. activates N of those mailboxes (POST /aktivasi/TOKEN, as the form does)
  2. starts a reset for each (POST /ganti-sandi action=start), one client
     address each (X-Forwarded-For 10.77.x.y): per-client limits are not
     what is measured here
  3. reads every code from the SMS log
  4. GET /ganti-sandi from a few threads for a few quiet seconds, then fires
     the N completes (code + new password) at once while those threads go
     on, so the page's latency during the hashing burst is measured too

Prints the figures and writes them as KEY=VALUE lines to --out (times in ms).
Exits 1 if any step did not answer as a browser would expect. Python's
standard library only.
"""
import argparse
import http.client
import math
import re
import sys
import threading
import time
import urllib.parse

ACTIVATION = re.compile(r"Nama pengguna: (\S+?)\. .*?(https?://\S+/aktivasi/[A-Za-z0-9_-]+)")
CODE = re.compile(r"Kode Surel (\d{6}) untuk mengganti kata sandi (\S+?)\. ")


def activation_password(i):
    return "kopi-Pelangi-teluk-7-kenari-%02d" % i


def reset_password(i):
    return "kenari-Samudra-lentera-4-sagu-%02d" % i


def client_ip(i):
    return "10.77.%d.%d" % (i // 200, i % 200 + 1)


def percentile(values, p):
    """Nearest rank: the smallest value with at least p% of them at or below it."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)] if s else float("nan")


class Client:
    """One browser: its own connection, cookies and client address."""

    def __init__(self, base, ip=None):
        u = urllib.parse.urlsplit(base)
        self.base = base.rstrip("/")
        self.host, self.port = u.hostname, u.port or 80
        self.ip = ip
        self.cookies = {}
        self.conn = None

    def connect(self):
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.conn.connect()

    def request(self, method, path, form=None):
        """(status, headers, body); never follows a redirect."""
        if self.conn is None:
            self.connect()
        headers = {}
        body = None
        if self.ip:
            headers["X-Forwarded-For"] = self.ip
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.base  # the CSRF check: a same-site form post
        try:
            self.conn.request(method, path, body=body, headers=headers)
            r = self.conn.getresponse()
            data = r.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = None
            raise
        for name, value in r.getheaders():
            if name.lower() == "set-cookie":
                k, _, v = value.split(";", 1)[0].partition("=")
                if v:
                    self.cookies[k.strip()] = v
                else:
                    self.cookies.pop(k.strip(), None)
        if r.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return r.status, r.getheader("Location", ""), data


def parallel(items, fn, threads):
    """fn(item) for every item on a few threads; the first exception is raised."""
    items = list(items)
    errors = []
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not items or errors:
                    return
                item = items.pop(0)
            try:
                fn(item)
            except Exception as e:  # noqa: BLE001 (reported below)
                with lock:
                    errors.append(e)

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]


def wait_for(what, read, n, timeout):
    """Polls the SMS log until read(text) has n entries."""
    deadline = time.monotonic() + timeout
    while True:
        found = read()
        if len(found) >= n:
            return found
        if time.monotonic() > deadline:
            sys.exit("bench-resets: %d of %d %s in the SMS log after %d s" % (len(found), n, what, timeout))
        time.sleep(0.2)


def expect(ok, msg, status, data):
    if not ok:
        snippet = re.sub(r"\s+", " ", data.decode("utf-8", "replace"))[:300]
        raise RuntimeError("%s: HTTP %s %s" % (msg, status, snippet))


class PageProbe:
    """GET /ganti-sandi on a few threads, each at most one request per
    `every` seconds: visitors reading the page, not a load of its own that
    would take CPU from the hashing it measures. Keeps (start, seconds)."""

    def __init__(self, base, threads, every=0.025):
        self.base, self.threads, self.every = base, threads, every
        self.samples = []
        self.failures = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ts = []

    def run(self):
        c = Client(self.base)
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                status, _, _ = c.request("GET", "/ganti-sandi")
            except (http.client.HTTPException, OSError):
                status = 0
            dt = time.monotonic() - t0
            with self.lock:
                if status == 200:
                    self.samples.append((t0, dt))
                else:
                    self.failures += 1
            self.stop.wait(max(0.0, self.every - dt))

    def start(self):
        self.stop.clear()
        self.ts = [threading.Thread(target=self.run) for _ in range(self.threads)]
        for t in self.ts:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.ts:
            t.join()

    def between(self, a, b):
        """Requests that were under way at some time between a and b (ms)."""
        with self.lock:
            return [dt * 1000 for t0, dt in self.samples if t0 <= b and t0 + dt >= a]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", required=True, help="the cluster's URL (nginx)")
    ap.add_argument("--sms-log", required=True)
    ap.add_argument("--accounts", type=int, default=50)
    ap.add_argument("--page-threads", type=int, default=4)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    n, base = a.accounts, a.base.rstrip("/")

    def log_text():
        with open(a.sms_log, encoding="utf-8") as f:
            return f.read()

    # 1. activation links (the SIMPEG batch's SMS), first N distinct addresses
    def links():
        found = {}
        for address, url in ACTIVATION.findall(log_text()):
            found.setdefault(address, url)
        return found

    accounts = list(wait_for("activation links", links, n, 180).items())[:n]
    print("activating %d mailboxes (their first password, one Argon2 hash each)" % n, flush=True)

    def activate(i):
        address, url = accounts[i]
        status, location, data = Client(base, client_ip(i)).request(
            "POST", urllib.parse.urlsplit(url).path, {"password": activation_password(i), "password_confirm": activation_password(i)}
        )
        expect(status == 303 and location == "/sandi-tersimpan", "activating %s" % address, status, data)

    parallel(range(n), activate, 4)

    # 2. a reset started for each, each from its own client address
    clients = [Client(base, client_ip(i)) for i in range(n)]

    def start(i):
        status, location, data = clients[i].request("POST", "/ganti-sandi", {"action": "start", "address": accounts[i][0]})
        ok = status == 303 and location == "/ganti-sandi" and any("reset" in k for k in clients[i].cookies)
        expect(ok, "starting a reset for %s" % accounts[i][0], status, data)

    t0 = time.monotonic()
    parallel(range(n), start, 8)
    print("%d resets started in %.1f s" % (n, time.monotonic() - t0), flush=True)

    # 3. every code, from the SMS sink
    wanted = {address for address, _ in accounts}

    def codes():
        found = {}
        for code, address in CODE.findall(log_text()):
            if address in wanted:
                found[address] = code  # the newest, should a code be resent
        return found

    code_of = wait_for("reset codes", codes, n, 120)

    # 4. the page alone for a few seconds, then the N completes at once
    probe = PageProbe(base, a.page_threads)
    q0 = time.monotonic()
    probe.start()
    time.sleep(3)
    q1 = time.monotonic()
    for c in clients:  # connected now, so the burst is N requests, not N handshakes
        if c.conn is None:
            c.connect()
    go = threading.Barrier(n + 1)
    results = [None] * n

    def complete(i):
        form = {"action": "complete", "code": code_of[accounts[i][0]], "password": reset_password(i), "password_confirm": reset_password(i)}
        go.wait()
        t = time.monotonic()
        try:
            status, location, data = clients[i].request("POST", "/ganti-sandi", form)
        except (http.client.HTTPException, OSError) as e:
            status, location, data = 0, "", str(e).encode()
        results[i] = (time.monotonic() - t, status, location, data)

    ts = [threading.Thread(target=complete, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    go.wait()
    b0 = time.monotonic()
    for t in ts:
        t.join()
    b1 = time.monotonic()
    probe.finish()

    times = [r[0] * 1000 for r in results]
    bad = [(accounts[i][0], r) for i, r in enumerate(results) if not (r[1] == 303 and r[2] == "/sandi-tersimpan")]
    quiet, burst = probe.between(q0, q1), probe.between(b0, b1)
    figures = {
        "resets": n,
        "resets_ok": n - len(bad),
        "resets_p50_ms": percentile(times, 50),
        "resets_p99_ms": percentile(times, 99),
        "resets_max_ms": max(times),
        "burst_ms": (b1 - b0) * 1000,
        "page_quiet_p50_ms": percentile(quiet, 50),
        "page_quiet_p99_ms": percentile(quiet, 99),
        "page_burst_p50_ms": percentile(burst, 50),
        "page_burst_p99_ms": percentile(burst, 99),
        "page_burst_samples": len(burst),
        "page_failures": probe.failures,
    }
    print("%d completes at once: %d answered 303 -> /sandi-tersimpan; p50 %.0f ms, p99 %.0f ms, max %.0f ms; all done in %.0f ms"
          % (n, figures["resets_ok"], figures["resets_p50_ms"], figures["resets_p99_ms"], figures["resets_max_ms"], figures["burst_ms"]))
    print("GET /ganti-sandi (%d threads, each at most every 25 ms): quiet p50 %.1f / p99 %.1f ms (%d requests); during the burst p50 %.1f / p99 %.1f ms (%d requests); %d failed"
          % (a.page_threads, figures["page_quiet_p50_ms"], figures["page_quiet_p99_ms"], len(quiet),
             figures["page_burst_p50_ms"], figures["page_burst_p99_ms"], len(burst), probe.failures))
    with open(a.out, "w", encoding="utf-8") as f:
        for k, v in figures.items():
            f.write("%s=%s\n" % (k, ("%.1f" % v) if isinstance(v, float) else v))
    for address, (_, status, location, data) in bad[:5]:
        snippet = re.sub(r"\s+", " ", data.decode("utf-8", "replace"))[:200]
        print("  %s: HTTP %s %s %s" % (address, status, location, snippet), file=sys.stderr)
    if bad or probe.failures:
        sys.exit("bench-resets: %d of %d completes failed, %d page requests failed" % (len(bad), n, probe.failures))


if __name__ == "__main__":
    main()
