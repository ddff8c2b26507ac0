# SPDX-License-Identifier: EUPL-1.2
"""The staff case inbox of the online forms under /verwaltung/antraege: who may see cases
(case workers and admins; an editor gets 403, a visitor the login, another tenant's staff
nothing), the list's filters, a case's answers with the labels of its form version and its
files, the status workflow with its history, notes, a message that reaches the SMTP sink,
the CSV export with formula cells defused, and the retention that deletes old cases with
their files and keeps fresh ones."""
import csv
import io
import json
import re
import tempfile
import time

import test_appointments_staff as appt
from harness import check, db_rows, eventually, run_cli, run_module
from test_account import mails_to
from test_forms_api import definition, fill, png, post, upload

CITY = "/t/luenen"
OTHER = "/t/adendorf"
STAFF = CITY + "/verwaltung/antraege"
PASSWORD = "ein-langes-passwort-2026"
BULKY = "sperrmuell-abholung"
DOG = "hundesteuer-anmeldung"
LANDLORD = "wohnungsgeberbestaetigung"


def staff(s, email="demo@rathaus.example", password=None, base=CITY):
    return appt.Browser(s, base, email, password or s.demo_password)


def user(s, email, role, tenant="luenen"):
    run_cli(["user", "add", "--email", email, "--tenant", tenant, "--name", role, "--role", role],
            s.db, stdin=PASSWORD + "\n")


def submit(s, form, **answers):
    body = dict(fill(definition(s, form)), **answers)
    r = post(s, form, body)
    check(r.status == 201, (form, r.status, r.text[:300]))
    return json.loads(r.body)["case"]


def rows(page):
    return re.findall(r'<tr class="kern-table__row" data-case="([A-Z0-9-]+)">', page)


def events(s, case):
    return db_rows(s, "SELECT e.kind, e.status, e.body FROM form_case_event e JOIN form_case c "
                      f"ON c.id = e.case_id WHERE c.case_no = '{case}' ORDER BY e.id")


def test_roles_let_case_workers_in_and_keep_others_out(s, sink):
    case = submit(s, DOG)
    user(s, "sachbearbeitung-f@example.org", "caseworker")
    user(s, "redaktion-f@example.org", "editor")
    user(s, "sachbearbeitung-a@example.org", "caseworker", "adendorf")
    worker = staff(s, "sachbearbeitung-f@example.org", PASSWORD)
    check(worker.get(STAFF).status == 200 and case in rows(worker.get(STAFF).text), "worker list")
    check(worker.get(f"{STAFF}/{case}").status == 200, "worker case")
    check('href="' + STAFF + '"' in worker.get(CITY + "/verwaltung").text, "menu entry")
    editor = staff(s, "redaktion-f@example.org", PASSWORD)
    for path in (STAFF, f"{STAFF}/{case}", STAFF + ".csv"):
        check(editor.get(path).status == 403, ("editor", path))
    check(editor.post(f"{STAFF}/{case}/notiz", {"notiz": "x"}).status == 403, "editor post")
    check('href="' + STAFF + '"' not in editor.get(CITY + "/verwaltung").text, "no menu entry")
    r = s.get(f"{STAFF}/{case}")
    check(r.status in (302, 303) and "/anmelden" in r.header("Location"), (r.status, "anonymous"))
    other = staff(s, "sachbearbeitung-a@example.org", PASSWORD, OTHER)
    check(other.get(f"{OTHER}/verwaltung/antraege/{case}").status == 404, "other tenant")
    check(case not in other.get(f"{OTHER}/verwaltung/antraege").text, "not listed elsewhere")
    check(other.post(f"{OTHER}/verwaltung/antraege/{case}/status",
                     {"status": "in_progress"}).status == 404, "no forged write")
    check(events(s, case) == [], "nothing written")


def test_list_filters_by_form_status_and_date(s, sink):
    b = staff(s)
    dog, bulky = submit(s, DOG), submit(s, BULKY)
    page = b.get(STAFF).text
    check(rows(page)[:2] == [bulky, dog], rows(page)[:3])
    check(rows(b.get(STAFF + "?formular=" + DOG).text).count(bulky) == 0, "form filter")
    check(dog in rows(b.get(STAFF + "?formular=" + DOG).text), "form filter keeps")
    check(b.post(f"{STAFF}/{dog}/status", {"status": "in_progress"}).status == 303, "moved")
    working = b.get(STAFF + "?status=in_progress").text
    check(rows(working) == [dog] and set(re.findall(r'data-status="([a-z_]+)"', working)) ==
          {"in_progress"}, rows(working))
    db_rows(s, "UPDATE form_case SET created_at = 1767225600 "  # 2026-01-01 00:00 UTC
               f"WHERE case_no = '{bulky}'")
    jan = b.get(STAFF + "?von=2026-01-01&bis=2026-01-01").text
    check(rows(jan) == [bulky], rows(jan))
    check(bulky not in rows(b.get(STAFF + "?von=2026-01-02").text), "from excludes")
    r = b.get(STAFF + "?status=kaputt&von=2026-13-01&formular=%3Cx%3E")
    check(r.status == 200 and "Ein Filter war ungültig" in r.text and "&lt;x&gt;" not in r.text,
          "bad filters are said and ignored")


def test_list_pages_newest_first_and_keeps_the_filter(s, sink):
    now = int(time.time())
    db_rows(s, "INSERT INTO form_case (tenant_id, case_no, form_id, form_version, channel, "
               "answers, created_at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
               "FROM n WHERE i < 60) SELECT t.id, 'LUE-2026-9' || CAST(10000 + n.i AS TEXT), "
               "'hundesteuer-abmeldung', (SELECT max(version) FROM form f WHERE "
               "f.tenant_id = t.id AND f.id = 'hundesteuer-abmeldung'), 'api', '{}', "
               f"{now - 30 * 86400} + n.i FROM n, tenant t WHERE t.slug = 'luenen'")
    b = staff(s)
    first = b.get(STAFF + "?formular=hundesteuer-abmeldung&status=received")
    total = int(re.search(r"Gefundene Anträge: (\d+)", first.text).group(1))
    check(total >= 60 and len(rows(first.text)) == 50, (total, len(rows(first.text))))
    check(rows(first.text)[0] > rows(first.text)[1] and "LUE-2026-910060" in rows(first.text),
          "newest first")
    nxt = re.search(r'href="([^"]+)" rel="next"', first.text).group(1).replace("&amp;", "&")
    check("formular=hundesteuer-abmeldung" in nxt and "status=received" in nxt, nxt)
    second = rows(b.get(nxt).text)
    check(len(second) == total - 50 and not set(second) & set(rows(first.text)), len(second))
    check(b.get(f"{STAFF}/LUE-2026-910001").status == 200, "an empty case opens")


def test_case_shows_answers_with_labels_groups_and_files(s, sink):
    b = staff(s)
    up = json.loads(upload(s, png(), "sofa.png").body)
    case = submit(s, BULKY, fotos=[up["id"]], gegenstaende=["moebel", "matratzen"],
                  hinweise="<script>alert(1)</script>")
    page = b.get(f"{STAFF}/{case}")
    check(page.status == 200 and page.header("Cache-Control") == "no-store", page.status)
    for text in ("Wo sollen wir den Sperrmüll abholen?", "Willy-Brandt-Platz 1, 44532 Lünen",
                 "Möbel, Matratzen", "sofa.png", "&lt;script&gt;"):
        check(text in page.text, text)
    check("<script>alert" not in page.text, "escaped")
    link = re.search(r'href="([^"]*/dateien/[^"]+)"', page.text).group(1)
    f = b.get(link)
    check(f.status == 200 and f.body == png() and "attachment" in
          f.header("Content-Disposition"), (f.status, f.header("Content-Disposition")))
    other = submit(s, DOG)
    check(b.get(f"{STAFF}/{other}/dateien/{up['id']}").status == 404, "only through its case")
    check(s.get(CITY + "/verwaltung/antraege/" + case + "/dateien/" + up["id"]).status in
          (302, 303), "anonymous")
    people = [{"vorname": "Ben", "nachname": "Beispiel"}, {"vorname": "Bea", "nachname": "Bsp"}]
    flat = submit(s, LANDLORD, personen=people)
    page = b.get(f"{STAFF}/{flat}").text
    check(page.count('<ol class="kern-list"><li><dl>') == 1 and page.count("<li><dl>") == 2,
          "a group is a nested list of its entries")
    check(re.search(r"<dt>Vorname</dt><dd[^>]*>Ben</dd><dt>Nachname</dt><dd[^>]*>Beispiel</dd>",
                    page) and "Bea" in page, "entries with their labels in order")


def test_status_workflow_appends_to_the_history(s, sink):
    b = staff(s)
    case = submit(s, DOG)
    check(b.post(f"{STAFF}/{case}/status", {"status": "done"}).status == 409, "no skipping")
    r = b.post(f"{STAFF}/{case}/status", {"status": "in_progress", "notiz": "Prüfe Angaben."})
    check(r.status == 303 and f"/verwaltung/antraege/{case}?erledigt=" in r.header("Location"),
          (r.status, r.text[:300]))
    check(b.post(f"{STAFF}/{case}/status", {"status": "rejected", "notiz": "Doppelt."}).status ==
          303, "rejected")
    check(b.post(f"{STAFF}/{case}/status", {"status": "in_progress"}).status == 409, "final")
    check(b.post(f"{STAFF}/{case}/status", {"status": "kaputt"}).status == 422, "unknown")
    check(events(s, case) == [("status", "in_progress", "Prüfe Angaben."),
                              ("status", "rejected", "Doppelt.")], events(s, case))
    stored = db_rows(s, f"SELECT status, closed_at IS NOT NULL FROM form_case "
                        f"WHERE case_no = '{case}'")[0]
    check(stored[0] == "rejected" and stored[1] in ("1", "t", "True"), stored)
    check(b.post(f"{STAFF}/{case}/notiz", {"notiz": "Intern: Rückruf erledigt."}).status == 303,
          "note")
    check(b.post(f"{STAFF}/{case}/notiz", {"notiz": ""}).status == 422, "empty note")
    check(b.post(f"{STAFF}/{case}/notiz", {"notiz": "a\x01b"}).status in (400, 422), "control")
    page = b.get(f"{STAFF}/{case}").text
    check("Abgelehnt" in page and "Doppelt." in page and "Intern: Rückruf erledigt." in page,
          "history on the page")
    check("Intern: Rückruf" not in s.get(f"{CITY}/formulare/{DOG}").text, "internal stays")
    audit = db_rows(s, f"SELECT action FROM audit_log WHERE detail = '{case}' ORDER BY id")
    check([a[0] for a in audit] == ["forms.case.status"] * 2 + ["forms.case.note"], audit)


def test_message_reaches_the_citizen_and_stays_on_record(s, sink):
    b = staff(s)
    to = "mira.meldung@example.org"
    case = submit(s, DOG, email=to)
    r = b.post(f"{STAFF}/{case}/nachricht", {"nachricht": "Bitte reichen Sie den Chipnachweis "
                                                           "nach."})
    check(r.status == 303, (r.status, r.text[:300]))

    def message():
        texts = [m.get_body(("plain",)).get_content() for m in mails_to(sink, to)]
        return [t for t in texts if "Chipnachweis" in t]
    text = eventually(message, "the message reaches the sink")[0]
    check(case in text and "schreibt" in text, text)
    check(len(message()) == 1, "one mail")
    check(events(s, case)[-1] == ("message", "", "Bitte reichen Sie den Chipnachweis nach."),
          events(s, case))
    check(b.post(f"{STAFF}/{case}/nachricht", {"nachricht": ""}).status == 422, "empty")
    no_mail = submit(s, LANDLORD, personen=[{"vorname": "Ben", "nachname": "Beispiel"}])
    check(b.post(f"{STAFF}/{no_mail}/nachricht", {"nachricht": "Hallo"}).status == 422,
          "a form without e-mail field has no channel")


def test_csv_holds_the_filtered_cases_with_safe_cells(s, sink):
    b = staff(s)
    case = submit(s, BULKY, name="=HYPERLINK(\"http://evil\")", hinweise="+1 Sofa; \"groß\"")
    r = b.get(STAFF + ".csv?formular=" + BULKY)
    check(r.status == 200 and r.header("Content-Type").startswith("text/csv") and
          "attachment" in r.header("Content-Disposition"), (r.status, r.header("Content-Type")))
    text = r.body.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    head = table[0]
    check(head[:5] == ["Vorgangsnummer", "Formular", "Version", "Status", "Eingegangen"], head)
    check({"anschrift.street", "anschrift.postcode", "name", "gegenstaende", "hinweise"} <=
          set(head), head)
    row = next(x for x in table[1:] if x[0] == case)
    cell = dict(zip(head, row))
    check(cell["Status"] == "received" and cell["Version"].isdigit(), cell)
    check(cell["name"] == "'=HYPERLINK(\"http://evil\")", cell["name"])
    check(cell["hinweise"] == "'+1 Sofa; \"groß\"", cell["hinweise"])
    check(cell["anschrift.place"] == "Lünen", cell)
    check(all(x[0].startswith("LUE-") for x in table[1:]) and
          all(x[1] == table[1][1] for x in table[1:]), "only the filtered form")
    check(b.get(STAFF + ".csv?von=gestern").status == 400, "bad filter")


def test_retention_deletes_old_cases_with_files_and_keeps_fresh_ones(s, sink):
    """Two instances share the database: the job is claimed by one, so the cases are
    deleted and counted once."""
    up = json.loads(upload(s, png(4, 4), "alt.png").body)
    old = submit(s, BULKY, fotos=[up["id"]])
    fresh = submit(s, BULKY)
    closed_late = submit(s, BULKY)
    closed_early = submit(s, BULKY)
    day = 86400
    now = int(time.time())
    db_rows(s, f"UPDATE form_case SET created_at = {now - 200 * day} WHERE case_no = '{old}'")
    db_rows(s, f"UPDATE form_case SET status = 'done', created_at = {now - 400 * day}, "
               f"closed_at = {now - 10 * day} WHERE case_no = '{closed_late}'")
    db_rows(s, f"UPDATE form_case SET status = 'done', created_at = {now - 400 * day}, "
               f"closed_at = {now - 190 * day} WHERE case_no = '{closed_early}'")
    b = staff(s)
    check(b.post(f"{STAFF}/{old}/notiz", {"notiz": "Alt."}).status == 303, "note")
    check(db_rows(s, f"SELECT count(*) FROM file WHERE id = '{up['id']}'") == [("1",)], "file")
    due = int(db_rows(s, "SELECT count(*) FROM form_case WHERE form_id = 'sperrmuell-abholung' "
                         f"AND COALESCE(closed_at, created_at) < {now - 180 * day}")[0][0])
    audits = len(db_rows(s, "SELECT id FROM audit_log WHERE action = 'forms.retention'"))
    s2 = s.second()
    try:
        db_rows(s, "UPDATE job SET run_at = 0 WHERE kind = 'forms.purge'")
        left = lambda: db_rows(s, "SELECT case_no FROM form_case WHERE case_no IN "
                                  f"('{old}', '{fresh}', '{closed_late}', '{closed_early}')")
        eventually(lambda: len(left()) == 2, "the old cases go")
        time.sleep(1)  # let a second run, if the claim failed, show itself in the audit log
    finally:
        s2.stop()
    check(sorted(x[0] for x in left()) == sorted([fresh, closed_late]), left())
    check(db_rows(s, f"SELECT count(*) FROM file WHERE id = '{up['id']}'") == [("0",)],
          "its file goes with it")
    check(db_rows(s, "SELECT count(*) FROM form_case_event e LEFT JOIN form_case c ON "
                     "c.id = e.case_id WHERE c.id IS NULL") == [("0",)], "no orphaned history")
    audit = db_rows(s, "SELECT detail FROM audit_log WHERE action = 'forms.retention' "
                       "ORDER BY id")
    check(len(audit) == audits + 1 and audit[-1][0] == f"{due} cases deleted", (due, audit))
    check(staff(s).get(f"{STAFF}/{old}").status == 404, "gone from the inbox")


if __name__ == "__main__":
    run_module(globals(), {"RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-inbox-"),
                           "RATHAUS_LOGIN_RATE": "1000", "RATHAUS_API_WRITE_RATE": "1000"},
               mail=True)
