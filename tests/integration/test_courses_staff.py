# SPDX-License-Identifier: EUPL-1.2
"""The staff side of the courses under /verwaltung/kurse: roles, creating a
course through the form (checks, audit log, public page), editing (a capacity
below the places booked is refused, a higher one moves the waiting list up
with a mail), the participant and waiting lists, the injection-safe CSV
export, and tenant isolation."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import (Server, Suite, check, cookies_of, db_rows, hidden, run_cli,  # noqa: E402
                     staff_login)

CITY = "/t/luenen"
STAFF = CITY + "/verwaltung/kurse"
PASSWORD = "Kursleitung-Passwort-2026"


class Browser:
    """A staff member's browser: the session cookie of one tenant and its CSRF token."""

    def __init__(self, s, base, email, password):
        self.s, self.base = s, base
        r, jar = staff_login(s, base, email, password)
        jar.update(cookies_of(r))
        self.jar = jar
        self.csrf = None

    def get(self, path):
        r = self.s.get(path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())})
        token = hidden(r.text, "_csrf")
        if token:
            self.csrf = token
        return r

    def post(self, path, fields):
        if not self.csrf:
            self.get(self.base + "/verwaltung")
        return self.s.post_form(path, dict(fields, _csrf=self.csrf), cookies=self.jar)


def day(n):
    return (datetime.date.today() + datetime.timedelta(days=n)).isoformat()


def fields(**kw):
    f = {"titel": "Italienisch A1", "slug": "italienisch-a1", "kurztext": "Für Einsteiger.",
         "beschreibung": "Mit *Lehrbuch*.", "anbieter": "VHS Lünen", "kategorie": "sprache",
         "gebuehr": "49,50", "plaetze": "2", "anmeldung_ab": day(-1) + "T08:00",
         "anmeldung_bis": day(20) + "T23:59", "ort": "VHS-Haus", "adresse": "Kirchstraße 23",
         "termine": f"{day(21)} 18:00-19:30\n{day(28)} 18:00-19:30\n"}
    f.update(kw)
    return f


def book(s, slug, name, email, wait=False):
    r = s.get(f"{CITY}/kurse/{slug}/buchen")
    f = {"_csrf": hidden(r.text, "_csrf"), "name": name, "email": email, "places": "1"}
    if wait:
        f["warteliste"] = "1"
    return s.post_form(f"{CITY}/kurse/{slug}/buchen", f, cookies=cookies_of(r))


def test_roles(s, b):
    r = s.get(STAFF)
    check(r.status == 303 and "/anmelden" in r.header("Location"), ("anonymous", r.status))
    run_cli(["user", "add", "--email", "sb@example.org", "--tenant", "luenen", "--name", "SB",
             "--role", "caseworker"], s.db, stdin=PASSWORD + "\n")
    worker = Browser(s, CITY, "sb@example.org", PASSWORD)
    check(worker.get(STAFF).status == 403, "case workers do not manage courses")
    check(worker.get(STAFF + "/englisch-a1-abendkurs/teilnehmende.csv").status == 403, "csv")
    check(f'href="{STAFF}"' in b.get(CITY + "/verwaltung").text, "menu entry for admins")
    r = b.get(STAFF)
    check(r.status == 200 and "Englisch A1" in r.text, r.status)


def test_create_checks_audits_and_publishes(s, b):
    r = b.post(STAFF + "/neu", fields(titel="", gebuehr="12,345", plaetze="0",
                                     termine=f"{day(21)} 19:00-18:00", slug="Groß"))
    check(r.status == 422, r.status)
    for key in ("Titel an", "Gebühr als Betrag", "Zahl der Plätze", "Termine an", "Adresse darf"):
        check(key in r.text, key)
    check(b.post(STAFF + "/neu", fields(termine=f"{day(28)} 18:00-19:00\n{day(21)} 18:00-19:00"))
          .status == 422, "sessions out of order")
    check(b.post(STAFF + "/neu", fields(anmeldung_bis=day(-2) + "T08:00")).status == 422,
          "closes before it opens")
    check(b.post(STAFF + "/neu", fields(slug="englisch-a1-abendkurs")).status == 409, "taken")
    r = b.post(STAFF + "/neu", fields())
    check(r.status == 303 and r.header("Location").endswith("/verwaltung/kurse/italienisch-a1"),
          (r.status, r.text[:400]))
    audit = db_rows(s, "SELECT action, detail FROM audit_log WHERE action LIKE 'course.%'")
    check(("course.create", "italienisch-a1") in audit, audit)
    page = s.get(CITY + "/kurse/italienisch-a1")
    check(page.status == 200 and "49,50 €" in page.text and "<em>Lehrbuch</em>" in page.text,
          page.status)
    check(s.get(CITY + "/kurse/italienisch-a1.ics").text.count("BEGIN:VEVENT") == 2, "ics")


def test_lists_csv_and_capacity(s, b):
    slug = "italienisch-a1"  # 2 places, made by the test above
    check(book(s, slug, "=HYPERLINK(\"http://x\")", "a@example.org").status == 303, "book 1")
    check(book(s, slug, "Berta Beispiel", "b@example.org").status == 303, "book 2")
    check(book(s, slug, "Carl Warte", "c@example.org", wait=True).status == 303, "wait")
    r = b.get(f"{STAFF}/{slug}")
    check(r.status == 200 and "Berta Beispiel" in r.text and "Carl Warte" in r.text, r.status)
    check(r.text.index('id="crs-booked"') < r.text.index("Berta") < r.text.index(
        'id="crs-waiting"') < r.text.index("Carl Warte"), "booked first, then the waiting list")
    csv_ = b.get(f"{STAFF}/{slug}/teilnehmende.csv")
    check(csv_.status == 200 and csv_.header("Content-Type").startswith("text/csv"), csv_.status)
    text = csv_.body.decode("utf-8")
    check(text.startswith("\ufeff") and "\r\n" in text, "BOM and CRLF")
    check('"\'=HYPERLINK(""http://x"")"' in text, text)
    check('"Warteliste";"1";"Carl Warte"' in text, text)
    edit = b.get(f"{STAFF}/{slug}/bearbeiten")
    check(edit.status == 200 and "Italienisch A1" in edit.text, edit.status)
    r = b.post(f"{STAFF}/{slug}/bearbeiten", fields(plaetze="1"))
    check(r.status == 409 and "mehr Plätze gebucht" in r.text, r.status)
    r = b.post(f"{STAFF}/{slug}/bearbeiten", fields(plaetze="3", titel="Italienisch A1 (neu)"))
    check(r.status == 303, (r.status, r.text[:300]))
    st = db_rows(s, "SELECT name, state FROM course_booking WHERE email = 'c@example.org'")
    check(st == [("Carl Warte", "booked")], st)
    mails = db_rows(s, "SELECT subject FROM mail_outbox WHERE to_addr = 'c@example.org'")
    check(("Sie sind von der Warteliste nachgerückt",) in mails, mails)
    check("Italienisch A1 (neu)" in s.get(CITY + "/kurse/" + slug).text, "the new title")
    check(("course.update", slug) in db_rows(s, "SELECT action, detail FROM audit_log"), "audit")
    check(b.get(f"{STAFF}/nix").status == 404 and b.get(f"{STAFF}/nix/bearbeiten").status == 404,
          "unknown course")


def test_other_tenant_sees_nothing(s, b):
    other = Browser(s, "/t/adendorf", "demo@rathaus.example", s.demo_password)
    r = other.get("/t/adendorf/verwaltung/kurse")
    check(r.status == 200 and "Englisch" not in r.text, r.status)
    check(other.get("/t/adendorf/verwaltung/kurse/englisch-a1-abendkurs").status == 404, "page")
    check(other.get("/t/adendorf/verwaltung/kurse/italienisch-a1/teilnehmende.csv").status == 404,
          "csv")
    r = other.post("/t/adendorf/verwaltung/kurse/italienisch-a1/bearbeiten", fields(plaetze="9"))
    check(r.status == 404, r.status)


def main():
    suite = Suite()
    s = Server()
    try:
        b = Browser(s, CITY, "demo@rathaus.example", s.demo_password)
        suite.run([test_roles, test_create_checks_audits_and_publishes,
                   test_lists_csv_and_capacity, test_other_tenant_sees_nothing], s, b)
    finally:
        try:
            s.stop()
        except Exception as ex:  # a sanitizer report fails the run
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
    suite.finish()


if __name__ == "__main__":
    main()
