"""A stand-in for Twilio's Messages API on loopback, for process-level fault tests: it records
every send with the moment it arrived (time.monotonic, comparable with the test's own clock),
answers after a configurable delay, and lists what it holds (GET Messages.json?To=&From=), so
Crier can settle texts whose outcome it lost."""
import base64
import email.utils
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT_SID = "AC" + "c" * 32
AUTH_TOKEN = "fault-test-token"
FROM = "+447700900999"


class FakeTwilio:
    def __init__(self, delay=0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.received = []  # (monotonic arrival, To, Body, sid)
        self.lookups = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle(self):
                # A sender killed mid-call resets the connection: that is the test, not a failure.
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _json(self, status, obj):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                arrived = time.monotonic()
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode(errors="replace")))
                if not form.get("To") or form.get("Body") is None:
                    # Cut off mid-request (the sender was killed): Twilio refuses it, nothing is sent.
                    return self._json(400, {"code": 21602, "message": "Message body is required."})
                with fake.lock:
                    sid = "SM%032x" % (len(fake.received) + 1)
                    fake.received.append((arrived, form.get("To"), form.get("Body"), sid, time.time()))
                if fake.delay:
                    time.sleep(fake.delay)
                self._json(201, {"sid": sid, "to": form.get("To"), "from": form.get("From"), "body": form.get("Body"),
                                 "status": "queued", "num_segments": "1", "direction": "outbound-api"})

            def do_GET(self):
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(self.path).query))
                with fake.lock:
                    fake.lookups += 1
                    rows = [r for r in fake.received if query.get("To") in (None, r[1])]
                messages = [{"sid": sid, "to": to, "from": FROM, "body": body, "status": "sent", "direction": "outbound-api",
                             "date_created": email.utils.formatdate(wall, usegmt=True)}
                            for (_, to, body, sid, wall) in reversed(rows)]
                self._json(200, {"messages": messages[:int(query.get("PageSize", "50"))], "next_page_uri": None})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def sends(self):
        with self.lock:
            return list(self.received)

    def settings(self, public_url):
        return {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from": FROM, "api_base_url": self.url,
                "public_url": public_url}


def signed_inbound(base_url, sender, body, sid):
    """A Twilio inbound-text webhook, signed as Twilio signs it (HMAC-SHA1 of the URL and the
    sorted form fields, with the auth token)."""
    url = base_url + "/webhooks/twilio/inbound"
    form = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": sender, "To": FROM, "Body": body, "NumMedia": "0"}
    payload = url + "".join(k + form[k] for k in sorted(form))
    signature = base64.b64encode(hmac.new(AUTH_TOKEN.encode(), payload.encode(), hashlib.sha1).digest()).decode()
    return url, urllib.parse.urlencode(form).encode(), {"X-Twilio-Signature": signature,
                                                        "Content-Type": "application/x-www-form-urlencoded"}
