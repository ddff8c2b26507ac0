# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the staff case inbox of
the online forms: the list (all, filtered, with a bad filter, in English), a case with
answers, a file, a repeating group, history, notes and a message, a closed case, a case
without an e-mail answer, a case whose delivery failed with "Erneut zustellen", a form
error, and the admin's delivery endpoints (list, one form, refused input).  Staff pages
are saved and served from a static copy as in page_checks.py."""
import json
import tempfile

import test_appointments_staff as appt
from harness import Server, Suite, check, db_rows, eventually
from page_checks import check_pages
from test_forms_api import definition, fill, png, post, upload

CITY = "/t/luenen"
STAFF = CITY + "/verwaltung/antraege"
TARGETS = CITY + "/verwaltung/formulare/zustellung"


def submit(s, form, **answers):
    r = post(s, form, dict(fill(definition(s, form)), **answers))
    check(r.status == 201, (form, r.status, r.text[:300]))
    return json.loads(r.body)["case"]


def pages(s):
    b = appt.Browser(s, CITY, "demo@rathaus.example", s.demo_password)
    up = json.loads(upload(s, png(), "sofa.png").body)
    bulky = submit(s, "sperrmuell-abholung", fotos=[up["id"]])
    flat = submit(s, "wohnungsgeberbestaetigung",
                  personen=[{"vorname": "Ben", "nachname": "Beispiel"},
                            {"vorname": "Bea", "nachname": "Beispiel"}])
    # Nobody listens on port 1, and with no backoff the six tries fail within seconds.
    r = b.post(f"{TARGETS}/hundesteuer-abmeldung",
               {"url": "https://127.0.0.1:1/eingang", "secret": "geheimnis-0123456789"})
    check(r.status == 303, r.status)
    failed = submit(s, "hundesteuer-abmeldung")
    eventually(lambda: db_rows(s, "SELECT state FROM form_delivery") == [("failed",)],
               "the delivery failed")
    dog = submit(s, "hundesteuer-anmeldung")
    for path, fields in (("/status", {"status": "in_progress", "notiz": "Prüfe Angaben."}),
                         ("/notiz", {"notiz": "Termin mit dem Bauhof abstimmen."}),
                         ("/nachricht", {"nachricht": "Wir holen am Montag ab."})):
        r = b.post(f"{STAFF}/{bulky}{path}", fields)
        check(r.status == 303, (path, r.status))
    for status in ("in_progress", "done"):
        check(b.post(f"{STAFF}/{dog}/status", {"status": status}).status == 303, status)
    out = {"inbox-list": b.get(STAFF).text,
           "inbox-list-filtered": b.get(STAFF + "?formular=sperrmuell-abholung&status="
                                        "in_progress&von=2026-01-01&bis=2030-12-31").text,
           "inbox-list-bad-filter": b.get(STAFF + "?status=kaputt&von=gestern").text,
           "inbox-list-en": b.get(STAFF + "?lang=en").text,
           "inbox-case": b.get(f"{STAFF}/{bulky}?erledigt=1").text,
           "inbox-case-en": b.get(f"{STAFF}/{bulky}?lang=en").text,
           "inbox-case-group": b.get(f"{STAFF}/{flat}").text,
           "inbox-case-closed": b.get(f"{STAFF}/{dog}").text,
           "inbox-case-delivery-failed": b.get(f"{STAFF}/{failed}").text,
           "delivery-targets": b.get(TARGETS + "?gespeichert=1").text,
           "delivery-targets-en": b.get(TARGETS + "?lang=en").text,
           "delivery-target": b.get(f"{TARGETS}/hundesteuer-abmeldung").text}
    r = b.post(f"{TARGETS}/hundesteuer-anmeldung", {"url": "http://fach.example/", "secret": "x"})
    check(r.status == 422, r.status)
    out["delivery-target-error"] = r.text
    r = b.post(f"{STAFF}/{flat}/notiz", {"notiz": ""})
    check(r.status == 422, r.status)
    out["inbox-error"] = r.text
    return out


def main():
    suite = Suite()
    s = Server(env={"RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-inbox-a11y-"),
                    "RATHAUS_FORM_DELIVERY_BACKOFF": "0"})
    try:
        check_pages(suite, s, [], pages(s), "form_inbox_pages")
    finally:
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
