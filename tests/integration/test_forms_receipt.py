# SPDX-License-Identifier: EUPL-1.2
"""The PDF receipt of a case: the confirmation mail carries it as an
attachment that Python's email module reads back byte for byte; pdftotext
finds the case number and the answers with umlauts; a long form with a
repeating group runs over several numbered pages and hostile answers come
out as text; the citizen downloads it from the confirmation page with the
cookie that made the case and nobody else does; staff fetch it as caseworker
or admin, not as editor."""
import base64
import datetime
import email
import email.policy
import json
import re
import subprocess
import tempfile
import uuid

from forms_web import CITY, DOG_STEPS, Citizen
from harness import check, cookies_of, eventually, run_cli, run_module, staff_login

API = CITY + "/api/v1"
DOG = "hundesteuer-anmeldung"
WOHNGELD = "wohngeld-antrag"
IBAN = "DE89370400440532013000"
PASSWORD = "Quittung-Passwort-2026"
STAFF = CITY + "/verwaltung/formulare/vorgaenge"


def text_of(pdf):
    check(pdf[:5] == b"%PDF-", pdf[:20])
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], check=True,
                              capture_output=True).stdout.decode()


def soon(days=14):
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def submit(s, form, answers):
    r = s.request("POST", f"{API}/forms/{form}/submissions", body=json.dumps(answers),
                  headers={"Content-Type": "application/json"})
    check(r.status == 201, (r.status, r.text[:600]))
    return json.loads(r.body)["case"]


def dog(**over):
    base = {"anrede": "herr", "vorname": "Jürgen", "nachname": "Müller",
            "anschrift": {"street": "Große Straße 5", "postcode": "44532", "place": ""},
            "email": "juergen@example.org", "rufname": "Größe", "rasse": "Münsterländer",
            "geschlecht": "ruede", "haltung_seit": soon(), "anzahl_hunde": 1,
            "gefaehrlich": "nein", "ermaessigung": "keine", "zahlung": "lastschrift",
            "iban": IBAN, "kontoinhaber": "Jürgen Müller", "mandat": True}
    base.update(over)
    return base


class Staff:
    def __init__(self, s, role):
        mail = f"{role}-{uuid.uuid4().hex[:6]}@example.org"
        run_cli(["user", "add", "--email", mail, "--tenant", "luenen", "--name", role,
                 "--role", role], s.db, stdin=PASSWORD + "\n")
        r, jar = staff_login(s, CITY, mail, PASSWORD)
        jar.update(cookies_of(r))
        self.s, self.jar = s, jar

    def get(self, path):
        return self.s.get(path, headers={"Cookie": "; ".join(f"{k}={v}"
                                                              for k, v in self.jar.items())})


def test_the_confirmation_mail_attaches_the_receipt(s, sink):
    to = f"juergen-{uuid.uuid4().hex[:8]}@example.org"
    case = submit(s, DOG, dog(email=to))
    mails = eventually(lambda: [m for m in sink.received() if m[1] == [f"<{to}>"]],
                       "the confirmation mail arrives")
    msg = email.message_from_bytes(mails[0][2], policy=email.policy.default)
    check(msg.get_content_type() == "multipart/mixed", msg.get_content_type())
    check(case in msg.get_body(("plain",)).get_content(), "the text part comes first")
    atts = list(msg.iter_attachments())
    check(len(atts) == 1 and atts[0].get_content_type() == "application/pdf" and
          atts[0].get_filename() == f"Eingangsbestaetigung-{case}.pdf",
          [(a.get_content_type(), a.get_filename()) for a in atts])
    text = text_of(atts[0].get_content())
    for want in ("Eingangsbestätigung", "Hund zur Hundesteuer anmelden (Version 1)", case,
                 "Müller", "Jürgen", "Größe", "Münsterländer", "Große Straße 5, 44532 Lünen",
                 "Per Lastschrift (SEPA)", "Seite 1 von "):
        check(want in text, (want, text[:2000]))
    check(re.search(r"Eingegangen am\s+\d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", text), text[:800])
    # the staff download of the same case holds the same text
    got = Staff(s, "caseworker").get(f"{STAFF}/{case}/quittung.pdf")
    check(got.status == 200 and text_of(got.body) == text, got.status)


def test_a_long_form_runs_over_numbered_pages_and_hostile_answers_stay_text(s, sink):
    contract = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    members = [{"vorname": f"Kind{i}", "nachname": "Weiß-Öztürk", "geburtsdatum": "2010-05-01",
                "verhaeltnis": "kind", "einkommen": i} for i in range(12)]
    hostile = '<script>alert("ß")</script> &amp; ' + "Ä" * 50
    answers = {"vorname": hostile, "nachname": "Z" * 100, "geburtsdatum": "1980-02-29",
               "familienstand": "ledig",
               "anschrift": {"street": "Markt 1", "postcode": "44532", "place": ""},
               "email": f"wg-{uuid.uuid4().hex[:8]}@example.org", "einzug": "2020-01-01",
               "wohnflaeche": 70, "miete": 650, "heizung_inklusive": "nein",
               "mietvertrag": ["data:application/pdf;name=Mietvertrag Müller.pdf;base64," +
                               base64.b64encode(contract).decode()],
               "weitere_personen": "ja", "mitglieder": members, "einkommensarten": ["lohn"],
               "brutto": 2100, "iban": IBAN, "kontoinhaber": "Line\u2028Separator",
               "wahrheit": True}
    case = submit(s, WOHNGELD, answers)
    r = Staff(s, "admin").get(f"{STAFF}/{case}/quittung.pdf")
    check(r.status == 200 and r.header("Content-Type") == "application/pdf" and
          "no-store" in r.header("Cache-Control") and
          f'filename="Eingangsbestaetigung-{case}.pdf"' in r.header("Content-Disposition"),
          (r.status, r.headers))
    text = text_of(r.body)
    pages = text.count("\f")
    check(pages >= 2, pages)
    check(f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text, text[-300:])
    flat = re.sub(r"\s+", "", text)
    check('<script>alert("ß")</script>&amp;' + "Ä" * 50 in flat, "markup is drawn as text")
    check("Z" * 100 in flat, "a long word is cut onto lines and kept whole")
    for i in range(12):
        check(f"Haushaltsmitglieder {i + 1}" in text or f"Kind{i}" in text, i)
    check(all(f"Kind{i}" in text for i in range(12)) and "Weiß-Öztürk" in text, "members")
    check("Mietvertrag Müller.pdf" in text, "files by name")


def test_the_citizen_downloads_it_from_the_confirmation_page_and_nobody_else(s, sink):
    c = Citizen(s, DOG)
    c.start()
    steps = [dict(x) for x in DOG_STEPS]
    steps[0]["nachname"] = "Müller"
    steps[1]["haltung_seit"] = soon(3)
    for i, fields in enumerate(steps, 1):
        r = c.step(i, fields)
        check(r.status == 303, (i, r.status, r.text[:300]))
    check(c.get("zusammenfassung").status == 200, "summary")
    before = c.get("eingang/quittung.pdf")
    check(before.status == 404, ("no receipt before the case", before.status))
    r = c.post("absenden", {"consent": "1"})
    check(r.status == 303, r.status)
    page = c.get("eingang")
    case = re.search(r"LUE-\d{4}-\d{6}", page.text).group(0)
    link = f"{CITY}/formulare/{DOG}/eingang/quittung.pdf"
    check(f'href="{link}"' in page.text, "the confirmation page links the receipt")
    r = c.get(link)
    check(r.status == 200 and r.header("Content-Type") == "application/pdf" and
          "private, no-store" == r.header("Cache-Control"), (r.status, r.headers))
    text = text_of(r.body)
    check(case in text and "Müller" in text, text[:500])
    stranger = Citizen(s, DOG)
    r = stranger.get(link)
    check(r.status == 303 and r.header("Content-Type") != "application/pdf",
          ("another browser gets no receipt", r.status))


def test_staff_fetch_receipts_by_role(s, sink):
    case = submit(s, DOG, dog())
    url = f"{STAFF}/{case}/quittung.pdf"
    r = s.get(url)
    check(r.status == 303 and "/anmelden" in r.header("Location"), ("anonymous", r.status))
    check(Staff(s, "editor").get(url).status == 403, "editors see no cases")
    worker = Staff(s, "caseworker")
    check(worker.get(url).status == 200, "caseworker")
    check(worker.get(f"{STAFF}/LUE-1999-000001/quittung.pdf").status == 404, "unknown case")
    check(worker.get(f"{STAFF}/%2e%2e/quittung.pdf").status == 404, "no such case")


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-rcpt-")},
               mail=True)
