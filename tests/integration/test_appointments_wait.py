# SPDX-License-Identifier: EUPL-1.2
"""The waiting list per day, over HTTP with a local SMTP sink: a fully booked
day is offered on the week page, citizens put their address on its list (a
mail with the link that leaves it), each cancellation of that day offers the
freed place by mail to one waiting citizen in turn (never offered first, then
the one offered longest ago), leaving the list works once, and days one
cannot wait for are refused.  Cancellations on two instances at once offer
two places to two different citizens."""
import email
import email.policy
import json
import re
import threading

from harness import check, db_rows, eventually, hidden, run_module
from test_appointments_remind import local_day
from test_appointments_web import Citizen

CITY = "/t/luenen"
TYPE, LOC = "personalausweis", "buergerbuero"
WEEK = f"{CITY}/termine/{TYPE}/{LOC}"
API = CITY + "/api/v1/appointments"
PUBLIC = "https://portal.example.de"
DAY = local_day(4)
BOOKINGS = []  # the API answers of the bookings that fill DAY


def short_day(s, date):
    """Open `date` from 08:00 to 10:00 with one counter, whatever weekday it is."""
    db_rows(s, "INSERT INTO appt_exception (office_id, date, opens, closes, counters) "
               f"SELECT l.office_id, '{date}', '08:00', '10:00', 1 FROM appt_location l "
               f"JOIN office o ON o.id = l.office_id WHERE o.slug = '{LOC}'")


def free(s, date):
    r = s.get(f"{API}/slots?type={TYPE}&location={LOC}&from={date}&to={date}")
    check(r.status == 200, (r.status, r.text))
    return [it["start"] for it in json.loads(r.body)["items"]]


def mails(sink, addr, subject):
    out = []
    for _, rcpts, raw in sink.received():
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if rcpts == [f"<{addr}>"] and subject in msg["Subject"]:
            out.append(msg.get_body(("plain",)).get_content())
    return out


def join(s, addr, day=DAY):
    c = Citizen(s)
    page = c.get(f"{WEEK}?ab={DAY}")
    return c.post(WEEK + "/warteliste", {"tag": day, "email": addr}, page)


def cancel(s, b):
    r = s.request("DELETE", f"{API}/{b['id']}?token={b['cancel_token']}")
    check(r.status == 204, (r.status, r.text))


def test_1_a_full_day_is_offered_for_the_waiting_list(s, sink):
    short_day(s, DAY)
    for i in range(40):
        starts = free(s, DAY)
        if not starts:
            break
        body = json.dumps({"type": TYPE, "location": LOC, "start": starts[0],
                           "name": f"Person {i}", "email": f"fill{i}@example.org"})
        r = s.request("POST", API, body=body, headers={"Content-Type": "application/json"})
        check(r.status == 201, (r.status, r.text))
        BOOKINGS.append(json.loads(r.body))
    check(len(BOOKINGS) >= 6 and not free(s, DAY), ("the day is full", len(BOOKINGS)))
    page = s.get(f"{WEEK}?ab={DAY}")
    check(page.status == 200 and f'<option value="{DAY}">' in page.text, "the full day offered")
    check(f'action="{WEEK}/warteliste"' in page.text, "the form")
    other = local_day(5)
    check(f'<option value="{other}">' not in page.text, "a day that is not full")


def test_2_citizens_join_and_get_a_mail_with_the_way_out(s, sink):
    for addr in ("erste@example.org", "zweite@example.org", "dritte@example.org"):
        r = join(s, addr)
        check(r.status == 200 and "Warteliste" in r.text and addr in r.text, (addr, r.status))
        check("no-store" in r.header("Cache-Control"), r.header("Cache-Control"))
        text = eventually(lambda: mails(sink, addr, "Warteliste"), f"mail to {addr}")[0]
        check("/warteliste/verlassen?token=" in text and f"?ab={DAY}" in text, text)
    check(join(s, "erste@example.org").status == 200, "again")
    rows = db_rows(s, "SELECT email FROM appt_wait ORDER BY id")
    check(rows == [("erste@example.org",), ("zweite@example.org",), ("dritte@example.org",)],
          rows)


def test_3_days_one_cannot_wait_for_are_refused(s, sink):
    for bad in (local_day(-1), local_day(0), "2026-02-30", "morgen", local_day(400)):
        r = join(s, "x@example.org", day=bad)
        check(r.status == 422, (bad, r.status))
    r = join(s, "kein-at", day=DAY)
    check(r.status == 422, r.status)
    c = Citizen(s)
    r = s.post_form(WEEK + "/warteliste", {"tag": DAY, "email": "y@example.org"})
    check(r.status == 403, ("no CSRF token", r.status))
    check(db_rows(s, "SELECT count(*) FROM appt_wait WHERE email IN ('x@example.org', "
                     "'kein-at', 'y@example.org')") == [("0",)], "nothing stored")
    for i in range(5):
        check(join(s, "viele@example.org", day=local_day(6 + i)).status == 200, i)
    check(join(s, "viele@example.org", day=local_day(11)).status == 429, "a sixth day")
    db_rows(s, "DELETE FROM appt_wait WHERE email = 'viele@example.org'")
    _ = c


def offers(sink):
    """The recipients of offers, in the order the sink received them."""
    out = []
    for _, rcpts, raw in sink.received():
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if "frei" in msg["Subject"]:
            out.append(rcpts[0].strip("<>"))
    return out


def test_4_each_cancellation_offers_one_place_in_turn(s, sink):
    for n, b in enumerate(BOOKINGS[:4], 1):
        cancel(s, b)
        eventually(lambda: len(offers(sink)) >= n, f"offer {n}")
    order = offers(sink)
    check(order == ["erste@example.org", "zweite@example.org", "dritte@example.org",
                    "erste@example.org"], order)
    text = mails(sink, "zweite@example.org", "frei")[0]
    check(f"{PUBLIC}{WEEK}?ab={DAY}" in text, text)


def test_5_leaving_the_list_works_once(s, sink):
    text = mails(sink, "zweite@example.org", "frei")[-1]
    link = re.search(r"https?://\S*/warteliste/verlassen\?token=\S+", text).group(0)
    c = Citizen(s)
    page = c.get(link[len(PUBLIC):])
    check(page.status == 200 and 'name="token"' in page.text, page.status)
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    r = c.post(action, {"token": hidden(page.text, "token")}, page)
    check(r.status == 200, r.status)
    check(db_rows(s, "SELECT count(*) FROM appt_wait WHERE email = 'zweite@example.org'")
          == [("0",)], "gone")
    check(c.post(action, {"token": hidden(page.text, "token")}, page).status == 404, "twice")
    check(s.get(WEEK + "/warteliste/verlassen?token=" + "A" * 43).status == 200, "a button only")
    check(s.get(WEEK + "/warteliste/verlassen?token=kurz").status == 404, "malformed")


def test_6_two_instances_offer_two_places_to_two_citizens(s, sink):
    s2 = s.second()
    try:
        before = {a: len(mails(sink, a, "frei")) for a in ("erste@example.org",
                                                           "dritte@example.org")}
        left = BOOKINGS[4:6]
        check(len(left) == 2, len(BOOKINGS))
        t = [threading.Thread(target=cancel, args=(srv, b)) for srv, b in zip((s, s2), left)]
        for x in t:
            x.start()
        for x in t:
            x.join()
        eventually(lambda: sum(len(mails(sink, a, "frei")) - n for a, n in before.items()) >= 2,
                   "two offers")
        got = {a: len(mails(sink, a, "frei")) - n for a, n in before.items()}
        check(got == {"erste@example.org": 1, "dritte@example.org": 1}, got)
    finally:
        s2.stop()


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_PUBLIC_URL": PUBLIC + "/",
                               "RATHAUS_BOOKING_LIMITS": "off"}, mail=True)
