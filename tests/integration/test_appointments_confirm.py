# SPDX-License-Identifier: EUPL-1.2
"""Confirmation of a booking by its mailed link (tenant setting
appt_confirm_minutes), over HTTP with a local SMTP sink: the booking holds
its place but is only reserved, the browser learns nothing of its token, the
mail's link confirms it (twice is fine), the API answers 202 without a token,
a booking not confirmed in time is refused and then cancelled by the job with
its place given back, no reminder goes to an unconfirmed booking, and a
citizen account booking with its own verified address needs no link."""
import email
import email.policy
import json
import re
import time
from datetime import datetime

from harness import check, db_rows, eventually, hidden, run_module
from test_account import login, verified_account
from test_appointments_account import book_as
from test_appointments_remind import local_day, open_day
from test_appointments_web import Citizen
from test_files_settings import admin, settings_form

CITY = "/t/luenen"
TYPE, LOC = "personalausweis", "buergerbuero"
WEEK = f"{CITY}/termine/{TYPE}/{LOC}"
API = CITY + "/api/v1/appointments"
PUBLIC = "https://portal.example.de"


def free(s, day):
    r = s.get(f"{API}/slots?type={TYPE}&location={LOC}&from={day}&to={day}")
    check(r.status == 200, (r.status, r.text))
    return {it["start"]: it["free"] for it in json.loads(r.body)["items"]}


def mail_to(sink, addr, n=1):
    def got():
        out = [email.message_from_bytes(raw, policy=email.policy.default)
               for _, rcpts, raw in sink.received() if rcpts == [f"<{addr}>"]]
        return out if len(out) >= n else None
    msg = eventually(got, f"mail {n} to {addr}")[n - 1]
    return msg["Subject"], msg.get_body(("plain",)).get_content()


def run_job(s):
    db_rows(s, "UPDATE job SET run_at = 0 WHERE kind = 'appt.remind'")
    eventually(lambda: db_rows(s, "SELECT count(*) FROM job WHERE kind = 'appt.remind' AND "
                                  "run_at < 1000") == [("0",)], "the job ran")


def test_1_the_setting_is_set_on_the_settings_page(s, sink):
    a = admin(s)
    fields = settings_form(a.get("/verwaltung/einstellungen").text)
    check(fields.get("appt_confirm_minutes") == "0", fields.get("appt_confirm_minutes"))
    r = a.post("/verwaltung/einstellungen", dict(fields, appt_confirm_minutes="1441"))
    check(r.status == 422, r.status)
    r = a.post("/verwaltung/einstellungen", dict(fields, appt_confirm_minutes="30"))
    check(r.status == 303, r.status)
    time.sleep(6)  # each instance reads the tenants' settings again after 5 seconds


def test_2_a_web_booking_waits_for_the_mailed_link(s, sink):
    day = local_day(3)
    open_day(s, day)
    c = Citizen(s)
    r = c.get(f"{WEEK}?ab={day}")
    link = re.search(r'href="(' + WEEK + r'/buchen\?start=\d+)"', r.text).group(1)
    start = link.split("=")[-1]
    before = free(s, day)
    page = c.get(link)
    r = c.post(link.split("?")[0], {"start": start, "name": "Erika Mustermann",
                                    "email": "erika.bestaetigt@example.org", "persons": "1"},
               page)
    check(r.status == 303 and r.header("Location").endswith("/vorgemerkt")
          and "token" not in r.header("Location"), (r.status, r.header("Location")))
    pending = c.get(r.header("Location"))
    check(pending.status == 200 and "30 Minuten" in pending.text, pending.status)
    pid = r.header("Location").split("/")[-2]
    rows = db_rows(s, f"SELECT state, confirm_expires > {int(time.time())} FROM appointment "
                      f"WHERE public_id = '{pid}'")
    check(rows[0][0] == "booked" and rows[0][1] in ("1", "t"), rows)
    check(sum(free(s, day).values()) < sum(before.values()), "the place is held")
    subject, text = mail_to(sink, "erika.bestaetigt@example.org")
    check("bestätigen" in subject, subject)
    url = re.search(r"https?://\S*/termin/\S+", text).group(0)[len(PUBLIC):]
    page = c.get(url)
    check(page.status == 200 and "Termin bestätigen" in page.text, page.status)
    action = re.search(r'action="([^"]*/bestaetigen)"', page.text).group(1)
    for _ in range(2):
        r = c.post(action, {"token": hidden(page.text, "token")}, page)
        check(r.status == 303 and "token=" in r.header("Location"), r.status)
    check(db_rows(s, f"SELECT confirm_expires IS NULL FROM appointment WHERE public_id = "
                     f"'{pid}'")[0][0] in ("1", "t"), "confirmed")
    check("Termin bestätigen" not in c.get(url).text, "booked")
    r = c.post(action, {"token": "x" * 43}, page)
    check(r.status == 404, r.status)


def test_3_the_api_answers_202_and_a_late_booking_is_cancelled(s, sink):
    day = local_day(3)
    start = next(iter(free(s, day)))
    held = free(s, day)[start]
    body = json.dumps({"type": TYPE, "location": LOC, "start": start,
                       "name": "Spät", "email": "spaet@example.org"})
    r = s.request("POST", API, body=body, headers={"Content-Type": "application/json"})
    check(r.status == 202, (r.status, r.text))
    doc = json.loads(r.body)
    check(doc["state"] == "pending" and "cancel_token" not in doc and doc["confirm_by"], doc)
    check(free(s, day).get(start, 0) == held - 1, "held")
    _, text = mail_to(sink, "spaet@example.org")
    url = re.search(r"https?://\S*/termin/\S+", text).group(0)[len(PUBLIC):]
    db_rows(s, f"UPDATE appointment SET confirm_expires = {int(time.time()) - 1} "
               f"WHERE public_id = '{doc['id']}'")
    c = Citizen(s)
    page = c.get(url)
    check(page.status == 404 and "nicht rechtzeitig" in page.text, page.status)
    token = url.split("token=")[1]
    form = c.get(f"{WEEK}/buchen?start={int(datetime.fromisoformat(start).timestamp())}")
    r = c.post(f"{CITY}/termin/{doc['id']}/bestaetigen", {"token": token}, form)
    check(r.status == 409, r.status)
    run_job(s)
    check(db_rows(s, f"SELECT state FROM appointment WHERE public_id = '{doc['id']}'")
          == [("cancelled",)], "cancelled by the job")
    check(free(s, day).get(start, 0) == held, "the place is back")


def test_4_no_reminder_for_an_unconfirmed_booking(s, sink):
    day = local_day(1)
    open_day(s, day)
    start = next(iter(free(s, day)))
    body = json.dumps({"type": TYPE, "location": LOC, "start": start,
                       "name": "Offen", "email": "offen@example.org"})
    r = s.request("POST", API, body=body, headers={"Content-Type": "application/json"})
    check(r.status == 202, r.status)
    mail_to(sink, "offen@example.org")
    run_job(s)
    time.sleep(2)
    subjects = [email.message_from_bytes(raw, policy=email.policy.default)["Subject"]
                for _, rcpts, raw in sink.received() if rcpts == ["<offen@example.org>"]]
    check(len(subjects) == 1 and "Erinnerung" not in subjects[0], subjects)


def test_5_an_account_with_its_own_address_books_at_once(s, sink):
    verified_account(s, sink, "konto.sofort@example.org")
    b, r = login(s, "konto.sofort@example.org")
    check(r.status == 303, r.status)
    pid = book_as(b, local_day(3))
    check(db_rows(s, f"SELECT confirm_expires IS NULL FROM appointment WHERE public_id = '{pid}'")
          [0][0] in ("1", "t"), "no confirmation needed")


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_PUBLIC_URL": PUBLIC + "/", "RATHAUS_LOGIN_RATE": "1000",
                               "RATHAUS_BOOKING_LIMITS": "off"}, mail=True)
