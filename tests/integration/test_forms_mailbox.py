# SPDX-License-Identifier: EUPL-1.2
"""My cases and the mailbox of the citizen account, over HTTP: a form sent while
logged in belongs to the account and is listed under /konto/antraege (on every
portal) with its status history and receipt; a staff message goes to the mailbox
with a document, and the notice mail says only that there is one; the citizen
reads it, downloads the document and replies with a file, which staff see and
download; another citizen, an anonymous visitor, forged numbers and file ids and
another tenant get nothing; the data export holds the cases and messages."""
import json
import re
import tempfile
import uuid

import test_appointments_staff as appt
from forms_web import CITY, Citizen, location
from harness import check, db_rows, hidden, run_module
from test_account import logged_in, mails_to, wait_mail
from test_account_privacy import export
from test_forms_web import dog_steps

DOG = "hundesteuer-anmeldung"
STAFF = CITY + "/verwaltung/antraege"
MINE = CITY + "/konto/antraege"
ANNA = "anna.antrag@example.org"
BERT = "bert.antrag@example.org"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATE = {}


def send_dog(s, b=None):
    """Send the dog tax form, logged in with account browser `b` (None: anonymous)."""
    c = Citizen(s, DOG)
    if b:
        c.jar.update(b.jar)
    c.start()
    for i, fields in enumerate(dog_steps(), 1):
        check(c.step(i, fields).status == 303, i)
    c.get("zusammenfassung")
    r = c.post("absenden", {"consent": "1"})
    check(r.status == 303 and location(r).endswith("/eingang"), r.status)
    return re.search(r"LUE-\d{4}-\d{6}", c.get("eingang").text).group(0)


def multipart(b, path, fields, files, token_page=None):
    """POST fields and (field, name, bytes) files as multipart, with the form token of
    `token_page` (default: the page the form is on)."""
    page = b.get(token_page or path.rsplit("/", 1)[0])
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in dict(fields, _csrf=hidden(page.text, "_csrf")).items()]
    for field, name, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                     f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                     + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return b.s.request("POST", path, body=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Cookie": "; ".join(f"{k}={v}" for k, v in b.jar.items())})


def test_1_a_case_sent_from_the_account_is_listed_and_opens(s, sink):
    anna = logged_in(s, sink, ANNA)
    case = STATE["case"] = send_dog(s, anna)
    STATE["anonymous"] = send_dog(s)
    check(db_rows(s, f"SELECT c.email FROM form_case f JOIN citizen c ON c.id = f.citizen_id "
                     f"WHERE f.case_no = '{case}'") == [(ANNA,)], "owned")
    r = anna.get(MINE)
    check(r.status == 200 and "no-store" in r.header("Cache-Control"), r.status)
    check(f'href="{MINE}/{case}"' in r.text and STATE["anonymous"] not in r.text, "listed")
    check(f'href="{MINE}"' in anna.get(CITY + "/konto").text, "the account links it")
    page = anna.get(f"{MINE}/{case}")
    check(page.status == 200 and "Bello" in page.text and "Eingegangen" in page.text,
          page.status)
    pdf = anna.get(f"{MINE}/{case}/quittung.pdf")
    check(pdf.status == 200 and pdf.body.startswith(b"%PDF"), pdf.status)
    # Staff move it on: the citizen sees the new state, not the internal note.
    b = appt.Browser(s, CITY, "demo@rathaus.example", s.demo_password)
    check(b.post(f"{STAFF}/{case}/status", {"status": "in_progress",
                                            "notiz": "Wir prüfen die Angaben."}).status == 303,
          "moved")
    check(b.post(f"{STAFF}/{case}/notiz", {"notiz": "Intern: Nachbar fragen"}).status == 303,
          "note")
    page = anna.get(f"{MINE}/{case}")
    check("In Bearbeitung" in page.text, "the new state")
    check("Nachbar fragen" not in page.text and "Wir prüfen die Angaben." not in page.text,
          "notes and the remarks of state changes stay internal")


def test_2_a_staff_message_goes_to_the_mailbox_with_a_notice_only(s, sink):
    case = STATE["case"]
    b = appt.Browser(s, CITY, "demo@rathaus.example", s.demo_password)
    page = b.get(f"{STAFF}/{case}")
    check('name="dokumente"' in page.text and "Postfach" in page.text, "the mailbox form")
    before = len(mails_to(sink, ANNA))
    r = multipart(b, f"{STAFF}/{case}/nachricht",
                  {"nachricht": "Bitte reichen Sie den Impfpass nach. Geheimwort Zitrone."},
                  [("dokumente", "Bescheid <1>.pdf", PDF)])
    check(r.status == 303, (r.status, r.text[:300]))
    text = wait_mail(sink, ANNA, before + 1).get_body(("plain",)).get_content()
    check("Zitrone" not in text and "Impfpass" not in text, "no content in the notice")
    check(f"/t/luenen/konto/antraege/{case}" in text, text)
    anna = logged_in(s, sink, ANNA)
    check("1 neue Nachricht" in anna.get(MINE).text, "unread in the list")
    page = anna.get(f"{MINE}/{case}")
    check("Geheimwort Zitrone" in page.text and "Bescheid _1_.pdf" in page.text, "in the mailbox")
    check("neue Nachricht" not in anna.get(MINE).text, "read now")
    fid = re.search(rf'href="{MINE}/{case}/dateien/([A-Za-z0-9_-]{{22}})"', page.text).group(1)
    STATE["doc"] = fid
    got = anna.get(f"{MINE}/{case}/dateien/{fid}")
    check(got.status == 200 and got.body == PDF, got.status)


def test_3_the_citizen_replies_with_a_file_and_staff_read_it(s, sink):
    case = STATE["case"]
    anna = logged_in(s, sink, ANNA)
    r = multipart(anna, f"{MINE}/{case}/nachricht", {"nachricht": "Anbei der Impfpass."},
                  [("anhaenge", "impfpass.pdf", PDF)])
    check(r.status == 303 and "gesendet=1" in r.header("Location"), (r.status, r.text[:300]))
    page = anna.get(f"{MINE}/{case}")
    check("Anbei der Impfpass." in page.text and "Ihre Nachricht" in page.text, "own reply")
    r = multipart(anna, f"{MINE}/{case}/nachricht", {"nachricht": ""}, [])
    check(r.status == 422 and "höchstens 4000" in r.text, r.status)
    r = multipart(anna, f"{MINE}/{case}/nachricht", {"nachricht": "Vier Dateien"},
                  [("anhaenge", f"{i}.pdf", PDF) for i in range(4)])
    check(r.status == 422 and "höchstens drei" in r.text, r.status)
    r = multipart(anna, f"{MINE}/{case}/nachricht", {"nachricht": "Ein Programm"},
                  [("anhaenge", "x.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 64)])
    check(r.status == 422 and "Format" in r.text, r.status)
    b = appt.Browser(s, CITY, "demo@rathaus.example", s.demo_password)
    page = b.get(f"{STAFF}/{case}")
    check("Anbei der Impfpass." in page.text and "impfpass.pdf" in page.text, "staff see it")
    fid = re.search(rf'href="{STAFF}/{case}/dateien/([A-Za-z0-9_-]{{22}})">impfpass.pdf',
                    page.text).group(1)
    STATE["reply_file"] = fid
    got = b.get(f"{STAFF}/{case}/dateien/{fid}")
    check(got.status == 200 and got.body == PDF, got.status)


def test_4_others_reach_nothing(s, sink):
    case, anon = STATE["case"], STATE["anonymous"]
    bert = logged_in(s, sink, BERT)
    r = bert.get(MINE)
    check(r.status == 200 and case not in r.text and "noch keinen Antrag" in r.text, r.status)
    for path in (f"{MINE}/{case}", f"{MINE}/{case}/quittung.pdf",
                 f"{MINE}/{case}/dateien/{STATE['doc']}",
                 f"{MINE}/{case}/dateien/{STATE['reply_file']}", f"{MINE}/{anon}",
                 f"{MINE}/{anon}/quittung.pdf", f"{MINE}/LUE-2026-999999", f"{MINE}/x%27",
                 f"{MINE}/{case.lower()}"):
        check(bert.get(path).status == 404, path)
    r = multipart(bert, f"{MINE}/{case}/nachricht", {"nachricht": "Fremd"}, [],
                  token_page=CITY + "/konto")
    check(r.status == 404, ("another's reply", r.status))
    check("Fremd" not in json.dumps(db_rows(s, "SELECT body FROM case_message")), "nothing kept")
    anna = logged_in(s, sink, ANNA)
    # A file id of another case through her own case: 404 too.
    other = send_dog(s, anna)
    check(anna.get(f"{MINE}/{other}/dateien/{STATE['doc']}").status == 404, "wrong case")
    check(anna.get(f"/t/adendorf/konto/antraege/{case}").status == 404, "another tenant")
    for path in (MINE, f"{MINE}/{case}"):
        r = s.get(path)
        check(r.status == 303 and "/konto/anmelden" in r.header("Location"), path)


def test_5_the_export_holds_cases_and_messages(s, sink):
    doc, _ = export(logged_in(s, sink, ANNA))
    mine = {c["case_no"]: c for c in doc["cases"]}
    c = mine[STATE["case"]]
    check(c["portal"] == "luenen" and c["answers"]["rufname"] == "Bello", c)
    texts = [(m["from_me"], m["text"]) for m in c["messages"]]
    check((True, "Anbei der Impfpass.") in texts and any(not me for me, _ in texts), texts)
    doc, _ = export(logged_in(s, sink, BERT))
    check(doc["cases"] == [], doc["cases"])


def test_5b_replies_to_one_case_are_limited_a_day(s, sink):
    case = STATE["case"]
    anna = logged_in(s, sink, ANNA)
    statuses = [multipart(anna, f"{MINE}/{case}/nachricht", {"nachricht": f"Noch etwas {i}"},
                          []).status for i in range(25)]
    check(429 in statuses and set(statuses) <= {303, 429}, statuses)
    stored = int(db_rows(s, "SELECT count(*) FROM case_message m JOIN form_case c ON c.id = "
                            f"m.case_id WHERE c.case_no = '{case}' AND m.from_citizen = 1")[0][0])
    check(stored <= 20, stored)


def test_6_the_account_prefills_the_address(s, sink):
    c = Citizen(s, DOG)
    c.jar.update(logged_in(s, sink, BERT).jar)
    page = c.start()
    check(re.search(r'id="f-email"[^>]*value="bert.antrag@example.org"', page.text), "prefilled")
    page = Citizen(s, DOG).start()
    check("bert.antrag@example.org" not in page.text, "not for an anonymous visitor")


def test_7_a_form_may_ask_for_a_trust_level(s, sink):
    form = "sperrmuell-abholung"
    r = s.get(f"{CITY}/api/v1/forms/{form}")
    check(r.status == 200, r.status)
    doc = json.loads(r.body)
    doc["trust_level"] = 3
    text = json.dumps(doc, ensure_ascii=False).replace("'", "''")
    db_rows(s, f"UPDATE form SET definition = '{text}' WHERE id = '{form}' AND tenant_id = "
               "(SELECT id FROM tenant WHERE slug = 'luenen')")
    url = f"{CITY}/formulare/{form}"
    r = s.get(url)
    check(r.status == 403 and "„substantiell“" in r.text, (r.status, r.text[:300]))
    check(f'href="{CITY}/konto/anmelden?next=/formulare/{form}"' in r.text, "back here")
    check(s.get(url + "/schritt/1").status == 403, "every page")
    anna = logged_in(s, sink, ANNA)
    r = anna.get(url)
    check(r.status == 403 and "Passwort genügt nicht" in r.text, r.status)
    r = s.request("POST", f"{CITY}/api/v1/forms/{form}/submissions", body=b"{}",
                  headers={"Content-Type": "application/json"})
    check(r.status == 403 and r.header("Content-Type") == "application/problem+json", r.status)
    # A login whose provider asserted "substantial" (eIDAS, level 3) may use it.
    db_rows(s, "UPDATE citizen_session SET trust_level = 3 WHERE citizen_id = (SELECT id FROM "
               f"citizen WHERE email = '{ANNA}')")
    r = anna.get(url)
    check(r.status == 200, r.status)
    db_rows(s, "UPDATE citizen_session SET trust_level = 2 WHERE citizen_id = (SELECT id FROM "
               f"citizen WHERE email = '{ANNA}')")
    check(anna.get(url).status == 403, "low is not substantial")


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_PUBLIC_URL": "https://portal.example.de/",
                               "RATHAUS_LOGIN_RATE": "1000",
                               "RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-mbox-")},
               mail=True)
