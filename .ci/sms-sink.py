#!/usr/bin/env python3
"""A loopback SMS gateway for the local cluster (.ci/cluster.sh): nothing is sent.

    sms-sink.py PORT LOGFILE

POST /sms    JSON {"to": "+62…", "text": "…"}, as Surel sends it (SUREL_SMS_URL).
             An Idempotency-Key seen before is answered 200 without "sending"
             again, as real gateways do, and counted as a duplicate.
             Each new message: one line on stdout and appended to LOGFILE,
             `[sms] +62… : text` (line breaks in the text shown as \\n).
GET /count   {"messages": n, "duplicates": d}

Listens on 127.0.0.1 only; Python's standard library only.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 * 1024


class Sink:
    def __init__(self, log_path):
        self.log_path = log_path
        self.lock = threading.Lock()
        self.messages = 0
        self.duplicates = 0
        self.keys = {}  # Idempotency-Key -> message number

    def accept(self, key, to, text):
        """Returns (message number, True if new)."""
        with self.lock:
            if key is not None and key in self.keys:
                self.duplicates += 1
                return self.keys[key], False
            self.messages += 1
            n = self.messages
            if key is not None:
                self.keys[key] = n
            line = "[sms] %s : %s" % (to, text.replace("\r", "").replace("\n", "\\n"))
            # Under the lock: lines never interleave, the count matches the log.
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")
            print(line, flush=True)
            return n, True

    def count(self):
        with self.lock:
            return {"messages": self.messages, "duplicates": self.duplicates}


class Handler(BaseHTTPRequestHandler):
    server_version = "surel-sms-sink"
    protocol_version = "HTTP/1.1"  # keep-alive, as Surel's HTTP client expects

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/count":
            self.reply(200, self.server.sink.count())
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            self.reply(413 if length > MAX_BODY else 400, {"error": "bad Content-Length"})
            return
        raw = self.rfile.read(length)
        if self.path != "/sms":
            self.reply(404, {"error": "not found"})
            return
        try:
            msg = json.loads(raw)
            to, text = msg["to"], msg["text"]
            if not isinstance(to, str) or not isinstance(text, str) or not to:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            self.reply(400, {"error": 'expected JSON {"to": "+62…", "text": "…"}'})
            return
        key = self.headers.get("Idempotency-Key") or None
        n, new = self.server.sink.accept(key, to, text)
        self.reply(200, {"id": n, "status": "sent" if new else "duplicate"})

    def log_message(self, fmt, *args):
        pass  # one line per message is printed by Sink.accept; no access log


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: sms-sink.py PORT LOGFILE")
    port, log_path = int(sys.argv[1]), sys.argv[2]
    open(log_path, "a").close()  # fail now, not at the first message
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.sink = Sink(log_path)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
