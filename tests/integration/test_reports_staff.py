# SPDX-License-Identifier: EUPL-1.2
"""The staff side of the defect reports under /verwaltung/maengel: the list with its
filters, a report with its contact and text as written (there only), status rows
appended to the history with a public note and a mail to the reporter, moderation of
the public text, internal notes that never leave the staff pages, rerouting to another
office, messages to the reporter, hostile input, another tenant's staff (who find
nothing, by list, number or forged form) and roles."""
import json
import re
import time

import test_appointments_staff as appt
from harness import Server, Suite, check, db_rows, run_cli
from test_files_settings import settings_form
from test_reports import confirm_link, newest_number, outbox, submit

CITY = "/t/luenen"
OTHER = "/t/adendorf"
STAFF = CITY + "/verwaltung/maengel"
V2 = CITY + "/open311/v2"
PASSWORD = "ein-langes-passwort-2026"
EMAIL = "rita.rueckmeldung@example.org"


def new_report(s, **extra):
    fields = {"kategorie": "strassenschaden", "beschreibung": "Absackung vor Haus Nr. 7, "
              "Nachbar Herbert Heimlich weiß Bescheid.", "strasse": "Cappenberger Straße 7",
              "plz": "44534", "ort": "Lünen", "frage.strassenschaden.lage": "fahrbahn"}
    fields.update(extra)
    r = submit(s, fields)
    check(r.status == 303, (r.status, r.text[:500]))
    return newest_number(s)


def with_contact(s, confirm=True, **extra):
    """A report with Rita's contact, confirmed through the link mailed to her unless not `confirm`."""
    number = new_report(s, name="Rita Rückmeldung", email=EMAIL, einwilligung="1", **extra)
    if confirm:
        check(s.get(confirm_link(s, EMAIL)).status == 200, "confirmed")
    return number


def rid(s, number):
    return db_rows(s, "SELECT r.id FROM report r JOIN tenant t ON t.id = r.tenant_id "
                      f"WHERE t.slug = 'luenen' AND r.number = {number}")[0][0]


def history(s, number):
    return db_rows(s, "SELECT id, status, note, COALESCE(office_id, 0) FROM report_status "
                      f"WHERE report_id = {rid(s, number)} ORDER BY id")


def mails(s, to=EMAIL):
    """(subject, plain text) of the mails to `to` but the confirmation links."""
    return [m for m in outbox(s, to) if "bestätigen" not in m[0]]


def request_of(s, number):
    return json.loads(s.get(f"{V2}/requests/{number}.json").body)[0]


def public_answers(s, number):
    """Every public answer about report `number`: its page, the list, the feed, Open311."""
    return [s.get(f"{CITY}/maengel/{number}").text, s.get(CITY + "/maengel").text,
            s.get(CITY + "/maengel.atom").text, s.get(f"{V2}/requests/{number}.json").text,
            s.get(f"{V2}/requests/{number}.xml").text]


def rows(page):
    return re.findall(r'<tr class="kern-table__row" data-report="(\d+)">', page)


def test_list_filters_by_status_category_and_office(s, b):
    page = b.get(STAFF)
    check(page.status == 200 and len(rows(page.text)) >= 30, (page.status, len(rows(page.text))))
    check(page.header("Cache-Control") is None or "public" not in page.header("Cache-Control"),
          "not cached publicly")
    done = b.get(STAFF + "?status=done").text
    states = re.findall(r'data-status="([a-z_]+)"', done)
    check(states and set(states) == {"done"}, states)
    graffiti = b.get(STAFF + "?kategorie=graffiti").text
    check(rows(graffiti) and "Straßenschaden" not in graffiti.split("<tbody")[1], "category")
    n_office = len(rows(b.get(STAFF + "?stelle=buergerbuero").text))
    stored = db_rows(s, "SELECT count(*) FROM report r JOIN office o ON o.id = r.office_id "
                        "JOIN tenant t ON t.id = r.tenant_id WHERE t.slug = 'luenen' "
                        "AND o.slug = 'buergerbuero'")[0][0]
    check(n_office == min(int(stored), 50), (n_office, stored))
    check(rows(b.get(STAFF + "?stelle=standesamt").text) == [], "the demo routes no report there")
    r = b.get(STAFF + "?status=kaputt&stelle=%3Cx%3E")
    check(r.status == 200 and "Ein Filter war unbekannt" in r.text and "&lt;x&gt;" not in r.text,
          "unknown filters are said and ignored")


def test_report_page_shows_contact_and_text_as_written_only_to_staff(s, b):
    number = with_contact(s)
    page = b.get(f"{STAFF}/{number}")
    check(page.status == 200, page.status)
    check(page.header("Cache-Control") == "no-store", page.header("Cache-Control"))
    for text in ("Rita Rückmeldung", EMAIL, "Herbert Heimlich", "Cappenberger Straße 7"):
        check(text in page.text, text)
    for text in public_answers(s, number):
        check("Herbert Heimlich" not in text and EMAIL not in text, "public stays clean")


def test_status_is_appended_to_the_history_and_mailed_to_the_reporter(s, b):
    number = with_contact(s)
    first = history(s, number)
    check([h[1] for h in first] == ["received"], first)
    r = b.post(f"{STAFF}/{number}/status", {"status": "in_progress",
                                            "notiz": "Bauhof ist informiert."})
    check(r.status == 303 and f"/verwaltung/maengel/{number}?erledigt=" in r.header("Location"),
          (r.status, r.text[:300]))
    r = b.post(f"{STAFF}/{number}/status", {"status": "done", "notiz": "Loch verfüllt."})
    check(r.status == 303, r.status)
    h = history(s, number)
    check([x[1] for x in h] == ["received", "in_progress", "done"], h)
    check(h[0] == first[0], "the first row is untouched")
    check([x[2] for x in h[1:]] == ["Bauhof ist informiert.", "Loch verfüllt."], h)
    check(db_rows(s, f"SELECT status FROM report WHERE id = {rid(s, number)}") == [("done",)],
          "status column follows")
    req = request_of(s, number)
    check(req["status"] == "closed" and req["status_notes"] == "Loch verfüllt.", req)
    check("Loch verfüllt." in s.get(f"{CITY}/maengel/{number}").text, "public history")
    m = mails(s)
    check(len(m) == 2 and all("Neuer Stand" in x[0] for x in m), m)
    check("Erledigt" in m[1][1] and "Loch verf" in m[1][1] and f"/maengel/{number}" in m[1][1],
          m[1][1][-900:])
    # A report without an address gets no mail, the status is kept all the same.
    quiet = new_report(s)
    before = db_rows(s, "SELECT count(*) FROM mail_outbox")
    check(b.post(f"{STAFF}/{quiet}/status", {"status": "rejected"}).status == 303, "no mail")
    check(db_rows(s, "SELECT count(*) FROM mail_outbox") == before, "nothing queued")
    check(history(s, quiet)[-1][1] == "rejected", history(s, quiet))


def test_an_unconfirmed_report_is_handled_but_gets_no_mail(s, b):
    before = len(mails(s))
    number = with_contact(s, confirm=False)
    page = b.get(f"{STAFF}/{number}").text
    check("Bestätigungslink noch nicht geöffnet" in page and 'id="nachricht"' not in page, "page")
    check("nicht bestätigt" in b.get(STAFF).text, "marked on the list")
    check(b.post(f"{STAFF}/{number}/status", {"status": "in_progress"}).status == 303, "status")
    check(len(mails(s)) == before, "no mail to an unconfirmed address")
    check(b.post(f"{STAFF}/{number}/nachricht", {"nachricht": "Hallo"}).status == 422, "message")
    check(s.get(f"{CITY}/maengel/{number}").status == 404, "not public")
    check(s.get(confirm_link(s, EMAIL)).status == 200, "confirmed")
    check(s.get(f"{CITY}/maengel/{number}").status == 200, "public now")
    check(b.post(f"{STAFF}/{number}/status", {"status": "done"}).status == 303, "status")
    check(len(mails(s)) == before + 1, "mailed once confirmed")


def test_public_text_is_shown_only_once_approved(s, b):
    number = new_report(s)
    check("wird noch geprüft" in s.get(f"{CITY}/maengel/{number}").text, "pending")
    check(request_of(s, number)["description"] == "", request_of(s, number))
    check("Herbert Heimlich" in b.get(f"{STAFF}/{number}").text, "the form starts from the text")
    r = b.post(f"{STAFF}/{number}/text", {"text": "Absackung der Fahrbahn vor Haus Nr. 7."})
    check(r.status == 303, r.status)
    check("Absackung der Fahrbahn vor Haus Nr. 7." in s.get(f"{CITY}/maengel/{number}").text,
          "approved text public")
    check(request_of(s, number)["description"] == "Absackung der Fahrbahn vor Haus Nr. 7.",
          "in Open311")
    check("Der öffentliche Text ist freigegeben." in b.get(f"{STAFF}/{number}").text, "page")
    r = b.post(f"{STAFF}/{number}/text", {"zurueckziehen": "1"})
    check(r.status == 303, r.status)
    check(request_of(s, number)["description"] == "", "withdrawn")
    for text in ("kurz", "x" * 4001, "Steuer\x01zeichen im Text"):
        r = b.post(f"{STAFF}/{number}/text", {"text": text})
        check(r.status in (400, 422), (len(text), r.status))
    check(request_of(s, number)["description"] == "", "nothing stored")


def test_internal_notes_never_leave_the_staff_pages(s, b):
    number = with_contact(s)
    r = b.post(f"{STAFF}/{number}/notiz", {"notiz": "Vertraulich: Anwohnerin Zeugin Zilly."})
    check(r.status == 303, r.status)
    check("Zeugin Zilly" in b.get(f"{STAFF}/{number}").text, "on the staff page")
    for text in public_answers(s, number):
        check("Zeugin Zilly" not in text, "public")
    check(not any("Zilly" in m[1] for m in mails(s)), "not mailed")
    check(b.post(f"{STAFF}/{number}/notiz", {"notiz": ""}).status == 422, "empty note")


def test_rerouting_moves_the_report_and_keeps_the_history(s, b):
    number = new_report(s)
    check(request_of(s, number)["agency_responsible"] == "Bürgerbüro", request_of(s, number))
    r = b.post(f"{STAFF}/{number}/weiterleiten", {"stelle": "standesamt"})
    check(r.status == 303, (r.status, r.text[:300]))
    req = request_of(s, number)
    check(req["agency_responsible"] == "Standesamt" and req["status"] == "open", req)
    h = history(s, number)
    office = db_rows(s, "SELECT o.id FROM office o JOIN tenant t ON t.id = o.tenant_id "
                        "WHERE t.slug = 'luenen' AND o.slug = 'standesamt'")[0][0]
    check([x[1] for x in h] == ["received", "forwarded"] and h[1][3] == office, h)
    check("Weitergeleitet an Standesamt" in h[1][2], h[1])
    check(number in [int(n) for n in rows(b.get(STAFF + "?stelle=standesamt").text)],
          "the office filter finds it")
    for slug in ("gibt-es-nicht", "", "<script>"):
        r = b.post(f"{STAFF}/{number}/weiterleiten", {"stelle": slug})
        check(r.status == 422, (slug, r.status))
    check(len(history(s, number)) == 2, "nothing appended")


def test_message_to_the_reporter_goes_to_the_outbox_and_stays_on_record(s, b):
    number = with_contact(s)
    before = len(mails(s))
    r = b.post(f"{STAFF}/{number}/nachricht", {"nachricht": "Können Sie ein Foto schicken?"})
    check(r.status == 303, r.status)
    m = mails(s)
    check(len(m) == before + 1 and "Foto schicken" in m[-1][1], m[-1:])
    check(db_rows(s, f"SELECT kind, body FROM report_note WHERE report_id = {rid(s, number)}")
          == [("message", "Können Sie ein Foto schicken?")], "on record")
    check("Nachricht gesendet" in b.get(f"{STAFF}/{number}").text, "shown to colleagues")
    quiet = new_report(s)
    check('id="nachricht"' not in b.get(f"{STAFF}/{quiet}").text, "no form without an address")
    check(b.post(f"{STAFF}/{quiet}/nachricht", {"nachricht": "Hallo"}).status == 422,
          "no address, no message")


def nearby(page):
    return [int(n) for n in re.findall(r'data-nearby="(\d+)"', page)]


def test_nearby_reports_are_offered_and_merged_reports_follow_the_original(s, b):
    otto = "otto.doppelt@example.org"
    street = {"strasse": "Am Dublettenweg 7", "plz": "44534"}
    first = with_contact(s, **street)
    second = new_report(s, name="Otto Doppelt", email=otto, einwilligung="1",
                        **dict(street, strasse="am dublettenweg 9"))
    check(s.get(confirm_link(s, otto)).status == 200, "Otto confirmed")
    check(first in nearby(b.get(f"{STAFF}/{second}").text), "same street and postal code")
    by_pos = {"strasse": "", "plz": ""}
    here = new_report(s, breite="51.6166", laenge="7.5237", **by_pos)
    near = new_report(s, breite="51.6169", laenge="7.5237", **by_pos)          # about 33 m
    far = new_report(s, breite="51.6180", laenge="7.5237", **by_pos)           # about 156 m
    other = new_report(s, kategorie="gruen", breite="51.6166", laenge="7.5237", **by_pos)
    page = b.get(f"{STAFF}/{near}").text
    check(here in nearby(page) and far not in nearby(page) and other not in nearby(page),
          nearby(page))
    check("33 m entfernt" in page, "distance shown")
    # Merge: the second report repeats the first.
    r = b.post(f"{STAFF}/{second}/zusammenfuehren", {"original": str(first)})
    check(r.status == 303, (r.status, r.text[:300]))
    h = history(s, second)
    check(h[-1][1] == "received" and f"Meldung {first}." in h[-1][2], h)
    check(f"Dublette von" in b.get(f"{STAFF}/{second}").text, "the duplicate names it")
    check(f'>Meldung {second}</a>' in b.get(f"{STAFF}/{first}").text, "the original lists it")
    r = b.post(f"{STAFF}/{first}/status", {"status": "done", "notiz": "Beide Löcher zu."})
    check(r.status == 303, r.status)
    check(history(s, second)[-1][1:3] == ("done", "Beide Löcher zu."), history(s, second))
    check(request_of(s, second)["status"] == "closed", "in Open311 too")
    for to in (EMAIL, otto):
        check("Erledigt" in mails(s, to)[-1][1] and "Beide Löcher zu." in mails(s, to)[-1][1],
              (to, mails(s, to)[-1:]))
    # Refused: chains, twice, itself, unknown numbers.
    n = len(history(s, first))
    for src, orig, status in ((first, second, 409), (second, first, 409), (here, here, 409),
                              (here, "abc", 422), (here, "999999", 422), (here, "", 422)):
        r = b.post(f"{STAFF}/{src}/zusammenfuehren", {"original": str(orig)})
        check(r.status == status, (src, orig, r.status))
    check(len(history(s, first)) == n, "nothing appended")
    # Undo the merge: the second is handled on its own again, with a note.
    check(f'action="{STAFF}/{second}/trennen"' in b.get(f"{STAFF}/{second}").text, "offered")
    check("/trennen" not in b.get(f"{STAFF}/{first}").text, "not on the original")
    r = b.post(f"{STAFF}/{second}/trennen", {})
    check(r.status == 303, (r.status, r.text[:300]))
    page = b.get(f"{STAFF}/{second}").text
    check("Dublette von" not in page and f"Zusammenführung aufgehoben; war als Dublette "
          f"geführt unter Meldung {first}." in page, "note")
    check(f'>Meldung {second}</a>' not in b.get(f"{STAFF}/{first}").text, "no longer listed")
    check(history(s, second)[-1][2] == "Diese Meldung wird wieder für sich bearbeitet.",
          history(s, second)[-1])
    check(b.post(f"{STAFF}/{second}/trennen", {}).status == 409, "twice")
    check(b.post(f"{STAFF}/{first}/trennen", {}).status == 409, "no duplicate")
    r = b.post(f"{STAFF}/{first}/status", {"status": "in_progress", "notiz": "Nur das erste."})
    check(r.status == 303, r.status)
    check(history(s, second)[-1][2] != "Nur das erste.", "it no longer follows")
    r = b.post(f"{STAFF}/{second}/zusammenfuehren", {"original": str(first)})
    check(r.status == 303, ("merged again", r.status))


def test_hostile_input_gets_clear_errors(s, b):
    number = with_contact(s)
    n = len(history(s, number))
    for fields in ({"status": "closed"}, {"status": ""}, {}, {"status": "done' OR 1=1 --"},
                   {"status": "done", "notiz": "a" * 2001},
                   {"status": "done", "notiz": "Null\x00Byte"}):
        r = b.post(f"{STAFF}/{number}/status", fields)
        check(r.status in (400, 422), (fields.get("status"), r.status))
    for nr in ("0", "abc", "-1", "99999999999999999999", "1e3", "%00", "%2e%2e"):
        check(b.get(f"{STAFF}/{nr}").status in (400, 404), nr)
        check(b.post(f"{STAFF}/{nr}/status", {"status": "done"}).status in (400, 404), nr)
    check(b.get(f"{STAFF}/999999").status == 404, "no such report")
    r = s.post_form(f"{STAFF}/{number}/status", {"status": "done"}, cookies=b.jar)
    check(r.status == 403, ("no CSRF token", r.status))
    r = b.post(f"{STAFF}/{number}/notiz", {"notiz": "x" * 40000})
    check(r.status in (413, 422), ("too big", r.status))
    check(len(history(s, number)) == n, "nothing appended")


def test_another_tenant_finds_nothing(s, b):
    number = with_contact(s)
    other = appt.Browser(s, OTHER, "demo@rathaus.example", s.demo_password)
    fields = settings_form(other.get(OTHER + "/verwaltung/einstellungen").text)
    fields["feature_defects"] = "1"
    check(other.post(OTHER + "/verwaltung/einstellungen", fields).status == 303, "enabled")
    theirs = OTHER + "/verwaltung/maengel"
    deadline = time.time() + 10  # the tenant cache keeps settings for a few seconds
    while other.get(theirs).status == 404 and time.time() < deadline:
        time.sleep(0.5)
    r = other.get(theirs)
    check(r.status == 200 and rows(r.text) == [] and "Herbert Heimlich" not in r.text,
          (r.status, rows(r.text)))
    check(other.get(f"{theirs}/{number}").status == 404, "Lünen's number in Adendorf")
    before = (history(s, number), db_rows(s, "SELECT count(*) FROM report_note"),
              db_rows(s, "SELECT count(*) FROM mail_outbox"),
              db_rows(s, f"SELECT public_text, office_id FROM report WHERE id = {rid(s, number)}"))
    for tail, f in (("/status", {"status": "done"}), ("/text", {"text": "Fremder Text hier."}),
                    ("/notiz", {"notiz": "fremd"}), ("/weiterleiten", {"stelle": "buergerbuero"}),
                    ("/nachricht", {"nachricht": "fremd"}),
                    ("/zusammenfuehren", {"original": "1"})):
        r = other.post(f"{theirs}/{number}{tail}", f)
        check(r.status == 404, (tail, r.status))
    after = (history(s, number), db_rows(s, "SELECT count(*) FROM report_note"),
             db_rows(s, "SELECT count(*) FROM mail_outbox"),
             db_rows(s, f"SELECT public_text, office_id FROM report WHERE id = {rid(s, number)}"))
    check(before == after, "nothing changed")
    r = s.get(f"{theirs}/{number}",
              headers={"Cookie": "; ".join(f"{k}={v}" for k, v in b.jar.items())})
    check(r.status == 303 and "/anmelden" in r.header("Location"), "Lünen's session elsewhere")
    check(s.get("/t/detmold/verwaltung/maengel").status in (303, 404), "off")


def test_roles_keep_citizens_and_editors_out(s, b):
    r = s.get(STAFF)
    check(r.status == 303 and "/anmelden" in r.header("Location"), ("anonymous", r.status))
    check(s.post_form(f"{STAFF}/1/status", {"status": "done"}).status == 403, "anonymous post")
    for email, role in (("redaktion-m@example.org", "editor"),
                        ("sachbearbeitung-m@example.org", "caseworker")):
        run_cli(["user", "add", "--email", email, "--tenant", "luenen", "--name", role,
                 "--role", role], s.db, stdin=PASSWORD + "\n")
    editor = appt.Browser(s, CITY, "redaktion-m@example.org", PASSWORD)
    check(editor.get(STAFF).status == 403 and editor.get(STAFF + "/1").status == 403, "editor")
    check(editor.post(STAFF + "/1/status", {"status": "done"}).status == 403, "editor post")
    check('href="' + STAFF + '"' not in editor.get(CITY + "/verwaltung").text, "no menu entry")
    worker = appt.Browser(s, CITY, "sachbearbeitung-m@example.org", PASSWORD)
    check('href="' + STAFF + '"' in worker.get(CITY + "/verwaltung").text, "menu entry")
    check(worker.get(STAFF + "/1").status == 200, "a case worker may")


TESTS = [test_list_filters_by_status_category_and_office,
         test_report_page_shows_contact_and_text_as_written_only_to_staff,
         test_status_is_appended_to_the_history_and_mailed_to_the_reporter,
         test_an_unconfirmed_report_is_handled_but_gets_no_mail,
         test_public_text_is_shown_only_once_approved,
         test_internal_notes_never_leave_the_staff_pages,
         test_rerouting_moves_the_report_and_keeps_the_history,
         test_message_to_the_reporter_goes_to_the_outbox_and_stays_on_record,
         test_nearby_reports_are_offered_and_merged_reports_follow_the_original,
         test_hostile_input_gets_clear_errors,
         test_another_tenant_finds_nothing,
         test_roles_keep_citizens_and_editors_out]


if __name__ == "__main__":
    suite = Suite()
    server = appt.SERVER = Server(env={"RATHAUS_REPORT_LIMITS": "off"})
    try:
        staff = appt.Browser(server, CITY, "demo@rathaus.example", server.demo_password)
        suite.run(TESTS, server, staff)
    finally:
        try:
            server.stop()
        except Exception as ex:  # a sanitizer report fails the run
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
    suite.finish()
