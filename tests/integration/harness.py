# SPDX-License-Identifier: EUPL-1.2
"""Start the real rathaus server on a fresh database and talk HTTP to it.

Used by the integration tests (standard library only).  The backend comes
from RATHAUS_TEST_DB: "sqlite:PATH" (a fresh file next to PATH is used) or a
postgresql:// URL (a fresh database is created on that server).
"""
import atexit
import base64
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

BIN = os.environ.get("RATHAUS_BIN", "build/test/rathaus")
SHARE = os.environ.get("RATHAUS_SHARE_DIR", os.getcwd())
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")


def send_raw(port, data, timeout=10, pause=0.5):
    """Send raw bytes; return what comes back until the server closes or pauses."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    chunks = []
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
            # A kept-alive connection stays open after our half-close:
            # once the answer started, stop at the first pause.
            s.settimeout(pause)
    except OSError:  # timeouts, resets, a server that closed first
        pass
    finally:
        s.close()
    return b"".join(chunks)


_SECRET_KEY = []


def secret_key_file():
    """A key file for sealed secrets (core/seal.h), made once per test process."""
    if not _SECRET_KEY:
        fd, path = tempfile.mkstemp(prefix="rathaus-secret-", suffix=".key")
        os.write(fd, base64.b64encode(os.urandom(32)) + b"\n")
        os.close(fd)
        atexit.register(os.unlink, path)
        _SECRET_KEY.append(path)
    return _SECRET_KEY[0]


def fresh_db():
    """A URL of an empty database of the backend under test."""
    base = os.environ.get("RATHAUS_TEST_DB", "")
    if base.startswith("postgres"):
        name = "t_" + uuid.uuid4().hex[:12]
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", base, "-c",
                        f"CREATE DATABASE {name}"], check=True, stdout=subprocess.DEVNULL)
        u = urllib.parse.urlsplit(base)
        return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, ""))
    d = tempfile.mkdtemp(prefix="rathaus-it-")
    return f"sqlite:{d}/rathaus.db"


def run_cli(args, db, stdin=None, env=None, check=True):
    e = dict(os.environ, RATHAUS_DB=db, RATHAUS_SHARE_DIR=SHARE)
    e.update(env or {})
    p = subprocess.run([BIN] + args, input=stdin, capture_output=True, text=True, env=e)
    if check and p.returncode != 0:
        raise RuntimeError(f"rathaus {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Server:
    """A rathaus server on a free loopback port with the demo data loaded."""

    def __init__(self, env=None, demo=True):
        self.db = fresh_db()
        # Tests change data and read it back at once: no page reuse unless asked for.
        # Stored secrets are sealed, as in production.
        self.env = {"RATHAUS_PAGE_CACHE_TTL": "0", "RATHAUS_SECRET_KEY_FILE": secret_key_file()}
        self.env.update(env or {})
        run_cli(["migrate"], self.db, env=self.env)
        self.demo_password = self.demo_open311_key = None
        if demo:
            out = run_cli(["demo"], self.db, env=self.env).stdout
            m = re.search(r"password (\S+)", out)
            self.demo_password = m.group(1) if m else None
            m = re.search(r"Open311 API key of luenen \(client Demo-App[^)]*\): (\S+)", out)
            self.demo_open311_key = m.group(1) if m else None
        self._serve()

    def _serve(self):
        self.log = tempfile.NamedTemporaryFile(prefix="rathaus-server-", suffix=".log", delete=False)
        e = dict(os.environ, RATHAUS_DB=self.db, RATHAUS_SHARE_DIR=SHARE,
                 RATHAUS_LISTEN="127.0.0.1:0")
        e.update(self.env)
        self.proc = subprocess.Popen([BIN, "serve"], stdout=self.log, stderr=self.log, env=e)
        self.port = self._wait_port()

    def second(self, env=None):
        """Another instance of the same installation: this database and settings (with `env`
        on top), its own port."""
        other = Server.__new__(Server)
        other.db, other.demo_password = self.db, self.demo_password
        other.env = dict(self.env, **(env or {}))
        other._serve()
        return other

    def _wait_port(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(self.log.name, encoding="utf-8", errors="replace") as f:
                m = re.search(r"serving on http://[^:]+:(\d+)/", f.read())
            if m:
                return int(m.group(1))
            if self.proc.poll() is not None:
                raise RuntimeError("server exited at start:\n" + self.output())
            time.sleep(0.05)
        raise RuntimeError("server did not start:\n" + self.output())

    def output(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            c.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, fields, cookies=None, headers=None):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        if cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        h.update(headers or {})
        return self.request("POST", path, body=urllib.parse.urlencode(fields), headers=h)

    def raw(self, data, timeout=10, pause=0.5):
        return send_raw(self.port, data, timeout, pause)

    def stop(self, timeout=30):
        """SIGTERM, wait, and fail on any sanitizer report in the server's output."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise RuntimeError("server did not stop on SIGTERM")
        out = self.output()
        for mark in SANITIZER_MARKS:
            if mark in out:
                raise RuntimeError("sanitizer report in server output:\n" + out[-6000:])
        if self.proc.returncode != 0:
            raise RuntimeError(f"server exited with {self.proc.returncode}:\n" + out[-3000:])
        return out


def cookies_of(resp):
    """name -> value of the Set-Cookie headers of a response."""
    jar = {}
    for v in resp.headers_all("Set-Cookie"):
        name, _, rest = v.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def hidden(html, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    return m.group(1) if m else None


def staff_login(s, base, email, password, headers=None):
    """Log in through the form of tenant path `base`: the answer and the cookies sent with it."""
    r = s.get(base + "/anmelden", headers=headers)
    jar = cookies_of(r)
    token = hidden(r.text, "_csrf")
    check(token and jar, "login form has a session and a token")
    r = s.post_form(base + "/anmelden", {"_csrf": token, "email": email, "password": password,
                                           "next": "/verwaltung"}, cookies=jar, headers=headers)
    return r, jar


def db_rows(s, statement):
    """Rows of one statement on the server's database (SQLite file or PostgreSQL), as text."""
    if s.db.startswith("sqlite:"):
        con = sqlite3.connect(s.db[len("sqlite:"):])
        try:
            cur = con.execute(statement)
            out = [tuple(str(v) for v in r) for r in cur.fetchall()]
            con.commit()
            return out
        finally:
            con.close()
    p = subprocess.run(["psql", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", s.db,
                        "-c", statement], check=True, capture_output=True, text=True)
    return [tuple(line.split("\t")) for line in p.stdout.splitlines() if line]


class Suite:
    """A tiny runner: each test is a function; prints 'N passed, M failed'."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, tests, *args):
        for t in tests:
            name = t.__name__
            try:
                t(*args)
                self.passed += 1
                print(f"ok   {name}")
            except Exception as ex:  # report and go on with the next test
                self.failed += 1
                print(f"FAIL {name}: {ex!r}")
            sys.stdout.flush()

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def run_module(namespace, env=None, last=None, mail=False):
    """Run every test_* function of a module against one demo server, `last` at the end.
    With `mail`, the server's mail goes to a fresh SMTP sink and each test gets (s, sink)."""
    from smtp_sink import SmtpSink  # noqa: only the tests of mail start one

    suite = Suite()
    sink = SmtpSink() if mail else None
    s = Server(env=dict(env or {}, **({"RATHAUS_SMTP_URL": sink.url} if sink else {})))
    args = (s, sink) if sink else (s,)
    tests = [v for k, v in sorted(namespace.items()) if k.startswith("test_") and v is not last]
    try:
        suite.run(tests, *args)
        if last:
            suite.run([last], *args)
    finally:
        try:
            s.stop()
        except Exception as ex:  # a sanitizer report or a hanging stop fails the run
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
        if sink:
            sink.stop()
    suite.finish()


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def eventually(probe, msg, timeout=60):
    """Call probe() until it returns a true value (returned) or timeout seconds pass."""
    deadline = time.time() + timeout
    while True:
        got = probe()
        if got or time.time() > deadline:
            check(got, msg)
            return got
        time.sleep(0.2)
