"""The peer `crier-bench webhooks` measures Crier against: Twilio's tutorial stack for
receiving texts (Flask, the twilio library's RequestValidator and MessagingResponse, SQLite),
doing the same job as Crier's inbound route: check the signature, drop a repeated MessageSid,
find the customer by number, record STOP/START, store the text, answer TwiML.

Run by the benchmark under gunicorn with two workers:
    PEER_DB=/tmp/peer.sqlite PEER_TOKEN=... PEER_BASE=http://bench.example \
        gunicorn -w 2 -b 127.0.0.1:8099 flask_peer:app
Customers are seeded by `python3 flask_peer.py seed N` (numbers as the benchmark's).
"""
import os
import sqlite3
import sys

from flask import Flask, Response, abort, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

DB = os.environ.get("PEER_DB", "/tmp/flask-peer.sqlite")
validator = RequestValidator(os.environ.get("PEER_TOKEN", "bench-token"))
BASE = os.environ.get("PEER_BASE", "http://bench.example")
app = Flask(__name__)


_conn = None


def db():
    # One connection per worker process, WAL with synchronous=NORMAL: the usual advice for SQLite
    # under Flask. (Crier's commits are fsynced before it answers; this peer's are not.)
    global _conn
    if _conn is None:
        _conn = sqlite3.connect(DB, timeout=10)
        _conn.execute("PRAGMA journal_mode=WAL")
        _conn.execute("PRAGMA synchronous=NORMAL")
    return _conn


@app.post("/webhooks/twilio/inbound")
def inbound():
    url = BASE + request.path
    if not validator.validate(url, request.form.to_dict(), request.headers.get("X-Twilio-Signature", "")):
        abort(403)
    sid, sender, body = request.form["MessageSid"], request.form["From"], request.form.get("Body", "")
    conn = db()
    with conn:
        row = conn.execute("SELECT id FROM customers WHERE mobile = ?", (sender,)).fetchone()
        customer = row[0] if row else None
        inserted = conn.execute(
            "INSERT OR IGNORE INTO messages (sid, customer_id, sender, body) VALUES (?, ?, ?, ?)",
            (sid, customer, sender, body)).rowcount
        keyword = body.strip().upper()
        if inserted and customer is not None and keyword in ("STOP", "START"):
            conn.execute("UPDATE customers SET opted_out = ? WHERE id = ?", (keyword == "STOP", customer))
    reply = MessagingResponse()
    if inserted and keyword == "HELP":
        reply.message("Reply STOP to stop texts.")
    return Response(str(reply), mimetype="text/xml")


def seed(count):
    conn = sqlite3.connect(DB)
    conn.executescript("""
        PRAGMA journal_mode=WAL;
        DROP TABLE IF EXISTS customers; DROP TABLE IF EXISTS messages;
        CREATE TABLE customers (id INTEGER PRIMARY KEY, mobile TEXT UNIQUE, opted_out INTEGER DEFAULT 0);
        CREATE TABLE messages (id INTEGER PRIMARY KEY, sid TEXT UNIQUE, customer_id INTEGER, sender TEXT, body TEXT);
    """)
    conn.executemany("INSERT INTO customers (mobile) VALUES (?)", [("+4477009%05d" % i,) for i in range(count)])
    conn.commit()
    conn.close()


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "seed":
    seed(int(sys.argv[2]))
