# SPDX-License-Identifier: EUPL-1.2
"""Delivery of form cases to a per-form endpoint: a receiver on 127.0.0.1 records what the
'forms.deliver' job POSTs. A case of a form with an endpoint arrives once as JSON with its
answers, files and PDF receipt, signed with the form's secret (the test recomputes the
HMAC); a 500 is tried again after the backoff and then delivered; a 400 fails at once
without a retry and "Erneut zustellen" (caseworker, CSRF) sends it again; the retries
follow the schedule 1, 5, 30, 120, 720 times form_delivery_backoff and end in failed; a
second run of the job or a replayed submission sends nothing twice; two instances on one
database deliver each of many cases exactly once; only admins set endpoints, https only
(http to 127.0.0.1 by the installation's setting), and the secret is never shown back."""
import base64
import hashlib
import hmac
import json
import math
import re
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import test_appointments_staff as appt
from harness import Server, Suite, check, db_rows, eventually, run_cli
from test_forms_api import definition, fill, png, post, upload

CITY = "/t/luenen"
STAFF = CITY + "/verwaltung/antraege"
TARGETS = CITY + "/verwaltung/formulare/zustellung"
DOG = "hundesteuer-anmeldung"
BULKY = "sperrmuell-abholung"
PARKING = "bewohnerparkausweis"
SECRET = "whsec-7f3a9c2e51d84b06a1"
PASSWORD = "ein-langes-passwort-2026"
COARSE_CLOCK_LAG = 0.02  # seconds; a kernel tick is at most 10 ms
BACKOFF = 1  # RATHAUS_FORM_DELIVERY_BACKOFF: the first retry after a second
SCHEDULE = [1, 5, 30, 120, 720]


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that records each POST and answers from a script of
    statuses per path (then 200)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.script = {}
        recv = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with recv.lock:
                    recv.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body, "at": time.time()})
                    todo = recv.script.get(self.path, [])
                    status = todo.pop(0) if todo else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"nope\x1b[31m" if status >= 400 else b"ok")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, path, *statuses):
        with self.lock:
            self.script[path] = list(statuses)

    def at(self, path):
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def stop(self):
        self.httpd.shutdown()


def admin(s):
    """The demo admin's browser, logged in once per server (logins are rate-limited per IP)."""
    if not getattr(s, "admin", None):
        s.admin = appt.Browser(s, CITY, "demo@rathaus.example", s.demo_password)
    return s.admin


def set_target(s, form, url, secret=SECRET, want=(302, 303)):
    b = admin(s)
    b.get(f"{TARGETS}/{form}")
    r = b.post(f"{TARGETS}/{form}", {"url": url, "secret": secret})
    check(r.status in want, (form, url, r.status, r.text[:300]))
    return r


def submit(s, form, key=None, **answers):
    r = post(s, form, dict(fill(definition(s, form)), **answers), key=key)
    check(r.status in (200, 201), (form, r.status, r.text[:300]))
    return json.loads(r.body)["case"]


def delivery(s, case):
    rows = db_rows(s, "SELECT d.state, d.attempts, d.last_status, d.last_error "
                      "FROM form_delivery d JOIN form_case c ON c.id = d.case_id "
                      f"WHERE c.case_no = '{case}'")
    return rows[0] if rows else None


def state_is(s, case, state, timeout=60):
    return eventually(lambda: (delivery(s, case) or ("",))[0] == state and delivery(s, case),
                      (case, state, delivery(s, case)), timeout)


def by_case(reqs, case):
    return [r for r in reqs if r["headers"].get("Idempotency-Key") == case]


def verify(req, secret=SECRET):
    """The signature header checked as a receiver would: t=<unix>,v1=<hex>."""
    parts = dict(p.split("=", 1) for p in req["headers"]["X-Rathaus-Signature"].split(","))
    want = hmac.new(secret.encode(), parts["t"].encode() + b"." + req["body"],
                    hashlib.sha256).hexdigest()
    check(hmac.compare_digest(want, parts["v1"]), "signature")
    check(abs(time.time() - int(parts["t"])) < 300, parts["t"])


def test_a_case_arrives_once_signed_with_answers_files_and_receipt(s, s2, rx):
    path = "/hook/bulky"
    set_target(s, BULKY, rx.url + path)
    r = upload(s, png(4, 4), "wagen.png")
    check(r.status == 201, (r.status, r.text[:300]))
    up = json.loads(r.body)
    key = "delivery-replay-1"
    case = submit(s, BULKY, key=key, fotos=[up["id"]])
    check(submit(s, BULKY, key=key, fotos=[up["id"]]) == case, "replay gives the same case")
    state_is(s, case, "delivered")
    got = by_case(rx.at(path), case)
    check(len(got) == 1, len(got))
    req = got[0]
    check(req["headers"]["Content-Type"] == "application/json", req["headers"])
    check(req["headers"]["Idempotency-Key"] == case, req["headers"])
    verify(req)
    doc = json.loads(req["body"])
    check(doc["case"] == case and doc["tenant"] == "luenen", doc["case"])
    check(doc["form"]["id"] == BULKY and doc["form"]["version"] >= 1 and doc["form"]["title"],
          doc["form"])
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["submitted_at"]),
          doc["submitted_at"])
    stored = json.loads(db_rows(s, f"SELECT answers FROM form_case WHERE case_no = '{case}'")[0][0])
    check(doc["answers"] == stored, (doc["answers"], stored))
    check(doc["channel"] == "api", doc["channel"])
    (f,) = doc["files"]
    data = base64.b64decode(f["content_base64"])
    check(data == png(4, 4) and f["name"] == "wagen.png" and f["type"] == "image/png", f["name"])
    check(f["sha256"] == hashlib.sha256(data).hexdigest() and f["size"] == len(data), f)
    pdf = base64.b64decode(doc["receipt"]["content_base64"])
    check(pdf.startswith(b"%PDF-") and doc["receipt"]["type"] == "application/pdf", pdf[:8])
    check(doc["receipt"]["sha256"] == hashlib.sha256(pdf).hexdigest(), "receipt hash")
    check(doc["receipt"]["name"] == f"Eingangsbestaetigung-{case}.pdf", doc["receipt"]["name"])
    page = admin(s).get(f"{STAFF}/{case}").text
    check('data-state="delivered"' in page and "zugestellt" in page, "case page")
    check("Erneut zustellen" not in page, "no button when delivered")
    # Another run of the job for this delivery, as after a lost lease: nothing is sent again.
    (did,) = db_rows(s, "SELECT d.id FROM form_delivery d JOIN form_case c ON c.id = d.case_id "
                        f"WHERE c.case_no = '{case}'")[0]
    db_rows(s, "INSERT INTO job (kind, tenant_id, payload, run_at, created_at, updated_at) "
               f"VALUES ('forms.deliver', NULL, '{{\"delivery\": {did}}}', 0, 0, 0)")
    eventually(lambda: not db_rows(s, "SELECT id FROM job WHERE kind = 'forms.deliver'"),
               "the extra job ran")
    time.sleep(1)
    check(len(by_case(rx.at(path), case)) == 1, "still one request")
    check(admin(s).post(f"{STAFF}/{case}/zustellen", {}).status == 409, "no redelivery")


def test_a_500_is_tried_again_after_the_backoff_and_then_delivered(s, s2, rx):
    path = "/hook/dog-500"
    set_target(s, DOG, rx.url + path)
    rx.answer(path, 500)
    case = submit(s, DOG)
    row = state_is(s, case, "delivered")
    check(row[1] == "2" and row[2] == "200" and row[3] == "", row)
    got = by_case(rx.at(path), case)
    check(len(got) == 2, len(got))
    # Due times are whole seconds of time(2), which reads the kernel's coarse clock and may
    # still show the previous second for a few milliseconds after the boundary: the retry is
    # due BACKOFF seconds after the second the first answer came back in.
    came_back = math.floor(got[0]["at"] - COARSE_CLOCK_LAG)
    check(got[1]["at"] >= came_back + BACKOFF, (got[0]["at"], got[1]["at"]))
    first, second = (json.loads(g["body"]) for g in got)
    for d in (first, second):  # the receipt is drawn anew, with its own creation time
        del d["receipt"]["content_base64"], d["receipt"]["sha256"], d["receipt"]["size"]
    check(first == second, "the same document")
    for g in got:
        verify(g)


def test_a_400_fails_at_once_and_the_button_sends_it_again(s, s2, rx):
    path = "/hook/dog-400"
    set_target(s, DOG, rx.url + path)
    rx.answer(path, 400)
    case = submit(s, DOG)
    row = state_is(s, case, "failed")
    check(row[1] == "1" and row[2] == "400" and row[3].startswith("HTTP 400: nope?[31m"), row)
    time.sleep(BACKOFF * 3)
    check(len(by_case(rx.at(path), case)) == 1, "no retry after a 400")
    check(not db_rows(s, "SELECT id FROM job WHERE kind = 'forms.deliver'"), "no job left")
    run_cli(["user", "add", "--email", "sb-delivery@example.org", "--tenant", "luenen",
             "--name", "Sachbearbeitung", "--role", "caseworker"], s.db, stdin=PASSWORD + "\n")
    worker = appt.Browser(s, CITY, "sb-delivery@example.org", PASSWORD)
    page = worker.get(f"{STAFF}/{case}").text
    check('data-state="failed"' in page and "HTTP 400" in page, "failure shown")
    check("Erneut zustellen" in page and f'action="{STAFF}/{case}/zustellen"' in page, "button")
    r = s.post_form(f"{STAFF}/{case}/zustellen", {}, cookies=worker.jar)
    check(r.status == 403, ("no CSRF token", r.status))
    r = worker.post(f"{STAFF}/{case}/zustellen", {})
    check(r.status in (302, 303), r.status)
    row = state_is(s, case, "delivered")
    check(row[1] == "2", row)
    check(len(by_case(rx.at(path), case)) == 2, "sent again once")
    check(worker.post(f"{STAFF}/{case}/zustellen", {}).status == 409, "delivered now")
    audit = db_rows(s, "SELECT count(*) FROM audit_log WHERE action = 'forms.case.redeliver' "
                       f"AND detail = '{case}'")
    check(audit == [("1",)], audit)


def test_retries_follow_the_schedule_and_end_in_failed(s, s2, rx):
    path = "/hook/dog-503"
    set_target(s, DOG, rx.url + path)
    rx.answer(path, *([503] * 10))
    case = submit(s, DOG)
    for n, wait in enumerate(SCHEDULE, 1):
        want = [(str(n), str(wait * BACKOFF), str(wait * BACKOFF), "pending")]

        def seen():
            rows = db_rows(s, "SELECT d.attempts, j.run_at - d.updated_at, "
                              "d.next_at - d.updated_at, d.state FROM job j, form_delivery d "
                              "JOIN form_case c ON c.id = d.case_id WHERE j.kind = 'forms.deliver' "
                              f"AND j.claimed_by IS NULL AND c.case_no = '{case}'")
            # The first retry comes after a second by itself and may be over already.
            if n == 1 and rows and int(rows[0][0]) > 1:
                return "past"
            return rows == want
        if eventually(seen, (n, delivery(s, case))) == "past":
            continue
        # The test does not wait minutes: the next try is due now.
        db_rows(s, "UPDATE job SET run_at = 0 WHERE kind = 'forms.deliver' "
                   "AND claimed_by IS NULL")
    row = state_is(s, case, "failed")
    check(row[1] == "6" and row[2] == "503", row)
    check(len(by_case(rx.at(path), case)) == 6, len(by_case(rx.at(path), case)))
    check(not db_rows(s, "SELECT id FROM job WHERE kind = 'forms.deliver'"), "no job left")


def test_two_instances_deliver_each_case_exactly_once(s, s2, rx):
    path = "/hook/parking"
    set_target(s, PARKING, rx.url + path)
    cases = []
    lock = threading.Lock()

    def send(srv, n):
        for _ in range(n):
            c = submit(srv, PARKING, kennzeichen="UN-AB 123")
            with lock:
                cases.append(c)

    threads = [threading.Thread(target=send, args=(srv, 15)) for srv in (s, s2, s, s2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(len(set(cases)) == 60, len(set(cases)))
    eventually(lambda: len(rx.at(path)) >= 60, ("requests", len(rx.at(path))))
    time.sleep(2)
    keys = [r["headers"]["Idempotency-Key"] for r in rx.at(path)]
    check(sorted(keys) == sorted(cases), ("each case once", len(keys), len(set(keys))))
    states = db_rows(s, "SELECT d.state, d.attempts, count(*) FROM form_delivery d "
                        "JOIN form_case c ON c.id = d.case_id "
                        f"WHERE c.form_id = '{PARKING}' GROUP BY d.state, d.attempts")
    check(states == [("delivered", "1", "60")], states)


def test_only_admins_set_endpoints_https_only_and_the_secret_stays_hidden(s, s2, rx):
    b = admin(s)
    page = b.get(TARGETS).text
    check(f'href="{TARGETS}/{DOG}"' in page, "list links each form")
    check('href="' + TARGETS + '"' in b.get(CITY + "/verwaltung").text, "menu entry")
    page = b.get(f"{TARGETS}/{DOG}").text
    check(SECRET not in page and SECRET[-4:] in page, "only the end of the secret")
    check('type="password"' in page and 'value=""' in page, "empty password field")
    for bad in ("http://example.org/hook", "ftp://127.0.0.1/x", "https://user:pw@example.org/",
                "https://example.org/#frag", "javascript:alert(1)", "https://exa mple.org/",
                "127.0.0.1/hook"):
        r = b.post(f"{TARGETS}/{DOG}", {"url": bad, "secret": ""})
        check(r.status == 422 and 'aria-invalid="true"' in r.text, (bad, r.status))
    r = b.post(f"{TARGETS}/{BULKY}", {"url": rx.url + "/hook/bulky", "secret": "kurz"})
    check(r.status == 422, ("short secret", r.status))
    r = b.post(f"{TARGETS}/wohngeld-antrag", {"url": "https://fach.example/in", "secret": ""})
    check(r.status == 422, ("a new endpoint needs a secret", r.status))
    r = b.post(f"{TARGETS}/wohngeld-antrag", {"url": "https://fach.example/in", "secret": SECRET})
    check(r.status in (302, 303), r.status)
    r = b.post(f"{TARGETS}/wohngeld-antrag", {"url": "https://fach.example/neu", "secret": ""})
    check(r.status in (302, 303), ("an empty secret keeps the stored one", r.status))
    rows = db_rows(s, "SELECT url, secret FROM form_delivery_target WHERE form_id = "
                      "'wohngeld-antrag'")
    check(len(rows) == 1 and rows[0][0] == "https://fach.example/neu", rows)
    check(rows[0][1].startswith("sealed:1:") and SECRET not in rows[0][1],
          ("kept, and sealed at rest", rows))
    r = b.post(f"{TARGETS}/wohngeld-antrag", {"url": "", "secret": ""})
    check(r.status in (302, 303), r.status)
    check(not db_rows(s, "SELECT 1 FROM form_delivery_target WHERE form_id = 'wohngeld-antrag'"),
          "an empty URL switches delivery off")
    check(b.get(f"{TARGETS}/gibt-es-nicht").status == 404, "unknown form")
    run_cli(["user", "add", "--email", "sb-targets@example.org", "--tenant", "luenen",
             "--name", "Sachbearbeitung", "--role", "caseworker"], s.db, stdin=PASSWORD + "\n")
    worker = appt.Browser(s, CITY, "sb-targets@example.org", PASSWORD)
    check(worker.get(TARGETS).status == 403, "caseworker list")
    check(worker.post(f"{TARGETS}/{DOG}", {"url": "https://x.example/", "secret": SECRET})
          .status == 403, "caseworker write")
    check(s.get(TARGETS).status in (302, 303), "visitor goes to the login")


def test_a_form_without_endpoint_makes_no_delivery(s, s2, rx):
    case = submit(s, "hundesteuer-abmeldung")
    check(delivery(s, case) is None, "no delivery row")
    page = admin(s).get(f"{STAFF}/{case}").text
    check('id="case-delivery"' not in page, "no delivery section")


def test_http_to_loopback_needs_the_installation_setting(s, s2, rx):
    strict = Server(env={"RATHAUS_FORM_DELIVERY_HTTP_LOCAL": "off"})
    try:
        set_target(strict, DOG, rx.url + "/hook/strict", want=(422,))
        set_target(strict, DOG, "https://127.0.0.1:1/hook")
        case = submit(strict, DOG)
        row = eventually(lambda: (delivery(strict, case) or ("", "0"))[1] == "1" and
                         delivery(strict, case), ("one try", delivery(strict, case)))
        # Nobody listens on port 1: tried again after the default first backoff of a minute.
        check(row[0] == "pending" and "onnect" in row[3], row)
    finally:
        strict.stop()


def main():
    suite = Suite()
    rx = Receiver()
    env = {"RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-delivery-"),
           "RATHAUS_FORM_DELIVERY_HTTP_LOCAL": "on",
           "RATHAUS_FORM_DELIVERY_BACKOFF": str(BACKOFF)}
    s = Server(env=env)
    s2 = s.second()
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    try:
        suite.run(tests, s, s2, rx)
    finally:
        for srv in (s, s2):
            try:
                srv.stop()
            except Exception as ex:  # a sanitizer report fails the run
                print(f"FAIL server stop: {ex}")
                suite.failed += 1
        rx.stop()
    suite.finish()


if __name__ == "__main__":
    main()
