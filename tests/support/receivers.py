"""Real local servers for the delivery channels: a group-robot receiver (a tiny threaded
http.server that answers like 企业微信 / 钉钉 and checks 钉钉's signature) and an SMTP server
(aiosmtpd) that collects what it receives. Both listen on 127.0.0.1, on ports of TEST_PORTS."""
import base64
import email
import hashlib
import hmac
import json
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.support.workers import free_ports


class RobotReceiver:
    """Records each POST (path, query, JSON body). `script` holds what to answer next, one entry
    per request: an int (HTTP status), "slow" (sleep past the client's timeout), or a dict (the
    JSON answer); when empty it answers 200 {"errcode": 0}. With `secret`, a request whose
    `timestamp`/`sign` do not match 钉钉's algorithm is answered errcode 310000 (as 钉钉 does)."""

    def __init__(self, secret: str = "", slow_seconds: float = 3.0):
        self.secret = secret
        self.slow_seconds = slow_seconds
        self.requests: list[dict] = []
        self.script: list = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = None
                with receiver.lock:
                    step = receiver.script.pop(0) if receiver.script else None
                    receiver.requests.append({"path": parts.path, "query": query, "body": body,
                                              "content_type": self.headers.get("Content-Type"),
                                              "at": time.monotonic(), "answer": step})
                if step == "slow":
                    time.sleep(receiver.slow_seconds)
                    step = None
                if isinstance(step, int):
                    self._answer(step, {"errcode": -1, "errmsg": "server error"})
                    return
                if receiver.secret and not receiver.signature_ok(query):
                    self._answer(200, {"errcode": 310000, "errmsg": "sign not match"})
                    return
                self._answer(200, step if isinstance(step, dict) else {"errcode": 0, "errmsg": "ok"})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (timeout)
                    pass

        port, = free_ports(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def signature_ok(self, query: dict) -> bool:
        """钉钉's check: sign == Base64(HMAC-SHA256(secret, "timestamp\\nsecret")), timestamp
        within an hour of now (milliseconds)."""
        timestamp, sign = query.get("timestamp"), query.get("sign")
        if not timestamp or not sign:
            return False
        if abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
            return False
        expected = base64.b64encode(hmac.new(
            self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest())
        # parse_qs undid the URL encoding: a '+' of the Base64 arrives only if it was sent as %2B
        return hmac.compare_digest(expected.decode(), sign)

    def url(self, path: str = "/cgi-bin/webhook/send", **query) -> str:
        q = "&".join(f"{k}={v}" for k, v in query.items())
        return f"http://127.0.0.1:{self.port}{path}" + (f"?{q}" if q else "")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class SmtpCollector:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; `messages` holds (recipients, parsed message).
    `refuse` makes it answer 451 to DATA (a temporary failure)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        collector = self
        self.messages: list = []
        self.refuse = False

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if collector.refuse:
                    return "451 Try again later"
                msg = email.message_from_bytes(envelope.content, policy=policy.default)
                collector.messages.append((list(envelope.rcpt_tos), msg))
                return "250 OK"

        self.port, = free_ports(1)
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def bodies(self) -> list[str]:
        return [m.get_body().get_content() for _, m in self.messages]

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
