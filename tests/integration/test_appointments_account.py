# SPDX-License-Identifier: EUPL-1.2
"""Appointments and the citizen account, over HTTP: a logged-in citizen finds
the booking form with the account's address, the booking belongs to the
account and is listed under /konto/termine, where it opens without the
mailed token with its calendar file and cancel button; another citizen, an
anonymous visitor and forged ids see none of it; the data export holds the
own bookings; and the reminder of a booking made in English is English."""
import json
import re
import time

from harness import check, db_rows, eventually, hidden, run_module
from test_account import logged_in
from test_account_privacy import export
from test_appointments_remind import local_day, open_day

CITY = "/t/luenen"
TYPE, LOC = "personalausweis", "buergerbuero"
WEEK = f"{CITY}/termine/{TYPE}/{LOC}"
API = CITY + "/api/v1/appointments"
PUBLIC = "https://portal.example.de"
ANNA = "anna.termin@example.org"
BERT = "bert.termin@example.org"


def first_slot(s, day):
    r = s.get(f"{API}/slots?type={TYPE}&location={LOC}&from={day}&to={day}")
    check(r.status == 200, (r.status, r.text))
    items = json.loads(r.body)["items"]
    check(items, f"no free slot on {day}")
    return items[0]["start"]


def book_as(b, day):
    """Book the first free time of `day` through the web form; the booking's id."""
    r = b.get(f"{WEEK}?ab={day}")
    link = re.search(r'href="(' + WEEK + r'/buchen\?start=\d+)"', r.text).group(1)
    page = b.get(link)
    check(page.status == 200, page.status)
    email = re.search(r'id="appt-email"[^>]*value="([^"]*)"', page.text).group(1)
    r = b.keep(b.s.post_form(link.split("?")[0], {
        "_csrf": hidden(page.text, "_csrf"), "start": hidden(page.text, "start"),
        "name": "Anna Termin", "email": email, "phone": "", "persons": "1"}, cookies=b.jar))
    check(r.status == 303, (r.status, r.text[:400]))
    return re.match(r".*/termin/([A-Za-z0-9_-]{22})\?token=", r.header("Location")).group(1)


def test_1_a_booking_from_the_account_is_listed_and_opens_without_token(s, sink):
    b = logged_in(s, sink, ANNA)
    day = local_day(3)
    open_day(s, day)
    r = b.get(f"{WEEK}?ab={day}")
    link = re.search(r'href="(' + WEEK + r'/buchen\?start=\d+)"', r.text).group(1)
    page = b.get(link)
    check(f'value="{ANNA}"' in page.text and "Meine Termine" in page.text, "prefilled, hint")
    check(f'value="{ANNA}"' not in s.get(link).text, "prefilled for an anonymous visitor")
    pid = book_as(b, day)
    rows = db_rows(s, f"SELECT c.email, a.lang FROM appointment a JOIN citizen c ON "
                      f"c.id = a.citizen_id WHERE a.public_id = '{pid}'")
    check(rows == [(ANNA, "de")], rows)
    r = b.get(CITY + "/konto/termine")
    check(r.status == 200 and f'href="{CITY}/konto/termine/{pid}"' in r.text, r.status)
    check("no-store" in r.header("Cache-Control"), r.header("Cache-Control"))
    check('href="' + CITY + '/konto/termine"' in b.get(CITY + "/konto").text, "account links it")
    page = b.get(f"{CITY}/konto/termine/{pid}")
    check(page.status == 200 and "Personalausweis" in page.text, page.status)
    check('name="token"' not in page.text, "no token on the account's page")
    ics = b.get(f"{CITY}/konto/termine/{pid}/calendar.ics")
    check(ics.status == 200 and ics.header("Content-Type").startswith("text/calendar")
          and f"UID:{pid}@" in ics.text, ics.status)


def test_2_others_see_nothing_of_it(s, sink):
    (pid,), = db_rows(s, "SELECT a.public_id FROM appointment a JOIN citizen c ON "
                         f"c.id = a.citizen_id WHERE c.email = '{ANNA}'")
    b = logged_in(s, sink, BERT)
    r = b.get(CITY + "/konto/termine")
    check(r.status == 200 and pid not in r.text and "keine kommenden" in r.text, r.status)
    for path in (f"/konto/termine/{pid}", f"/konto/termine/{pid}/calendar.ics"):
        check(b.get(CITY + path).status == 404, path)
    page = b.get(CITY + "/konto")
    r = b.keep(b.s.post_form(f"{CITY}/konto/termine/{pid}/absagen",
                             {"_csrf": hidden(page.text, "_csrf")}, cookies=b.jar))
    check(r.status == 404, ("another's cancel", r.status))
    for path in (f"/konto/termine/{pid}", "/konto/termine"):
        r = s.get(CITY + path)
        check(r.status == 303 and "/konto/anmelden" in r.header("Location"), (path, r.status))
    anna = logged_in(s, sink, ANNA)
    check(anna.get(f"/t/adendorf/konto/termine/{pid}").status == 404, "another tenant")
    # The list is the account's on every portal, each booking linked on its own portal.
    r = anna.get("/t/adendorf/konto/termine")
    check(r.status == 200 and f'href="{CITY}/konto/termine/{pid}"' in r.text and
          "Lünen" in r.text, "listed on another portal too")
    check(f"/konto/termine/{pid}" not in b.get("/t/adendorf/konto/termine").text,
          "not in another account's list")
    check(db_rows(s, f"SELECT state FROM appointment WHERE public_id = '{pid}'")
          == [("booked",)], "still booked")


def test_3_the_export_holds_the_own_bookings(s, sink):
    doc, _ = export(logged_in(s, sink, ANNA))
    check(len(doc["appointments"]) == 1 and doc["appointments"][0]["email"] == ANNA
          and doc["appointments"][0]["location"] == "Bürgerbüro", doc["appointments"])
    doc, _ = export(logged_in(s, sink, BERT))
    check(doc["appointments"] == [], doc["appointments"])


def test_4_the_owner_cancels_from_the_account(s, sink):
    b = logged_in(s, sink, ANNA)
    (pid,), = db_rows(s, "SELECT a.public_id FROM appointment a JOIN citizen c ON "
                         f"c.id = a.citizen_id WHERE c.email = '{ANNA}'")
    page = b.get(f"{CITY}/konto/termine/{pid}")
    action = re.search(r'action="([^"]*/absagen)"', page.text).group(1)
    check(action == f"{CITY}/konto/termine/{pid}/absagen", action)
    r = b.keep(b.s.post_form(action, {"_csrf": hidden(page.text, "_csrf")}, cookies=b.jar))
    check(r.status == 200 and "abgesagt" in r.text.lower(), r.status)
    check(b.get(f"{CITY}/konto/termine/{pid}").status == 404, "gone from the account")
    r = b.get(CITY + "/konto/termine")
    check("abgesagt" in r.text and f"/konto/termine/{pid}" not in r.text, "listed as cancelled")
    r = b.keep(b.s.post_form(action, {"_csrf": hidden(page.text, "_csrf")}, cookies=b.jar))
    check(r.status == 404, ("twice", r.status))


def test_5_the_reminder_speaks_the_language_of_the_booking(s, sink):
    check(eventually(lambda: db_rows(s, "SELECT count(*) FROM job WHERE kind = 'appt.remind' "
                                        "AND run_at > %d" % (time.time() + 600)) == [("1",)],
                     "the first run at start is done"), "first run")
    day = local_day(1)
    open_day(s, day)
    addr = "english.visitor@example.org"
    body = json.dumps({"type": TYPE, "location": LOC, "start": first_slot(s, day),
                       "name": "Jane Visitor", "email": addr})
    r = s.request("POST", API, body=body, headers={"Content-Type": "application/json",
                                                   "Accept-Language": "en-GB,en;q=0.8"})
    check(r.status == 201, (r.status, r.text))
    check(db_rows(s, f"SELECT lang FROM appointment WHERE email = '{addr}'") == [("en",)], "en")
    db_rows(s, "UPDATE job SET run_at = 0 WHERE kind = 'appt.remind'")

    def reminder():
        for _, rcpts, raw in sink.received():
            if rcpts == [f"<{addr}>"] and b"Reminder" in raw:
                return raw
        return None
    raw = eventually(reminder, "an English reminder", timeout=60)
    check(b"Erinnerung" not in raw, "German words in the English reminder")


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_PUBLIC_URL": PUBLIC + "/", "RATHAUS_LOGIN_RATE": "1000",
                               "RATHAUS_BOOKING_LIMITS": "off"}, mail=True)
