# SPDX-License-Identifier: EUPL-1.2
"""Moving a booking to another time ("Termin verschieben") from the link of its
confirmation mail: a week of other times of the same type and location, the
confirmation, the old place freed and the new one taken in one transaction, a
new mail whose calendar file keeps the UID and raises SEQUENCE, a taken slot
that keeps the old booking (409), two moves racing for the last place, and
hostile input."""
import email
import email.policy
import json
import re
import threading
import time

from harness import Server, Suite, check, cookies_of, db_rows, hidden
from smtp_sink import SmtpSink

CITY = "/t/luenen"
API = CITY + "/api/v1/appointments"
TYPE, LOC = "personalausweis", "buergerbuero"
PUBLIC = "https://portal.example.de"


def wait_for(cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


class Citizen:
    """A browser without JavaScript: keeps the session cookie and posts the forms."""

    def __init__(self, s):
        self.s, self.jar = s, {}

    def get(self, path):
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())} if self.jar else {}
        r = self.s.get(path, headers=h)
        self.jar.update(cookies_of(r))
        return r

    def post(self, path, fields, page):
        fields = dict(fields, _csrf=hidden(page.text, "_csrf"))
        r = self.s.post_form(path, fields, cookies=self.jar)
        self.jar.update(cookies_of(r))
        return r


def free_slots(s):
    # From the day after tomorrow: a booking of tomorrow may be reminded of at once (a second
    # mail), whenever the reminder job happens to run.
    frm = time.strftime("%Y-%m-%d", time.localtime(time.time() + 2 * 86400))
    to = time.strftime("%Y-%m-%d", time.localtime(time.time() + 20 * 86400))
    r = s.get(f"{API}/slots?type={TYPE}&location={LOC}&from={frm}&to={to}")
    check(r.status == 200, r.status)
    return {it["start"]: it["free"] for it in json.loads(r.body)["items"]}


def unix(iso):
    from datetime import datetime
    return int(datetime.fromisoformat(iso).timestamp())


def book(s, start, mail):
    body = json.dumps({"type": TYPE, "location": LOC, "start": start, "name": "Erika Mustermann",
                       "email": mail})
    r = s.request("POST", API, body=body, headers={"Content-Type": "application/json"})
    return r


def mails_to(sink, addr):
    out = []
    for _, rcpts, raw in sink.received():
        if rcpts == [f"<{addr}>"]:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            out.append((msg["Subject"], msg.get_body(("plain",)).get_content()))
    return out


def ics_of(s, booking):
    """The calendar file of the booking page `booking` (path with token)."""
    pid, token = re.search(r"/termin/([^?]+)\?token=([A-Za-z0-9_-]+)", booking).groups()
    r = s.get(f"{API}/{pid}/calendar.ics?token={token}")
    check(r.status == 200, r.status)
    return r.text


def booked_via_mail(s, sink, start, addr):
    r = book(s, start, addr)
    check(r.status == 201, (r.status, r.text))
    check(wait_for(lambda: len(mails_to(sink, addr)) == 1, 30), "confirmation")
    text = mails_to(sink, addr)[0][1]
    return re.search(re.escape(PUBLIC) + r"(/t/luenen/termin/\S+)", text).group(1)


def test_move_frees_the_old_place_takes_the_new_and_mails_an_updated_event(s, sink):
    slots = free_slots(s)
    starts = [k for k, v in slots.items() if v >= 2]
    old, new = starts[0], starts[-1]
    booking = booked_via_mail(s, sink, old, "verschieben@example.org")
    before = free_slots(s)
    ics0 = ics_of(s, booking)
    uid = re.search(r"^UID:(.+)\r$", ics0, re.M).group(1)
    check("SEQUENCE:0\r\n" in ics0, ics0)
    db_rows(s, "UPDATE appointment SET reminded_at = 1 WHERE email = 'verschieben@example.org'")
    c = Citizen(s)
    page = c.get(booking)
    check(page.status == 200, page.status)
    move = re.search(r'href="([^"]*/verschieben\?token=[^"]+)"', page.text).group(1)
    week = c.get(move.replace("&amp;", "&"))
    check(week.status == 200 and "no-store" in week.header("Cache-Control"), week.status)
    check("Zurück zu Ihrem Termin" in week.text, "a way back")
    links = [x.replace("&amp;", "&") for x in
             re.findall(r'href="([^"]*/verschieben\?token=[^"&]+&amp;start=\d+)"', week.text)]
    check(links, "other times offered")
    check(not [x for x in links if x.endswith(f"start={unix(old)}")], "not its own time")
    confirm = c.get(links[0].split("&start=")[0] + f"&start={unix(new)}")
    check(confirm.status == 200 and "Termin verschieben" in confirm.text, confirm.status)
    action = re.search(r'<form method="post" action="([^"]+)"', confirm.text).group(1)
    r = c.post(action, {"token": hidden(confirm.text, "token"),
                        "start": hidden(confirm.text, "start")}, confirm)
    check(r.status == 303 and "verschoben=1" in r.header("Location"), (r.status, r.text[:500]))
    done = c.get(r.header("Location"))
    check(done.status == 200 and "Ihr Termin ist verschoben" in done.text, done.status)
    after = free_slots(s)
    check(after.get(old, 0) == before.get(old, 0) + 1, (old, before.get(old), after.get(old)))
    check(after.get(new, 0) == before[new] - 1, (new, before[new], after.get(new)))
    check(wait_for(lambda: len(mails_to(sink, "verschieben@example.org")) == 2, 30), "mail")
    subject, text = mails_to(sink, "verschieben@example.org")[1]
    check(subject == "Ihr Termin ist verschoben", subject)
    check("calendar.ics?token=" in text and booking.split("?")[0] in text, text)
    ics1 = ics_of(s, booking)
    check(re.search(r"^UID:(.+)\r$", ics1, re.M).group(1) == uid, ics1)
    check("SEQUENCE:1\r\n" in ics1 and "METHOD:PUBLISH\r\n" in ics1, ics1)
    dt = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(unix(new)))
    check(f"DTSTART:{dt}\r\n" in ics1, (dt, ics1))
    rows = db_rows(s, "SELECT starts_at, revision, CASE WHEN reminded_at IS NULL THEN 'due' "
                      "ELSE 'sent' END FROM appointment WHERE email = 'verschieben@example.org'")
    check(rows == [(str(unix(new)), "1", "due")], rows)


def test_a_taken_slot_keeps_the_old_booking_and_answers_409(s, sink):
    slots = free_slots(s)
    starts = [k for k, v in slots.items() if v >= 1]
    old, full = starts[1], starts[-2]
    booking = booked_via_mail(s, sink, old, "bleibt@example.org")
    i = 0
    while free_slots(s).get(full, 0) > 0:
        check(book(s, full, f"voll{i}@example.org").status == 201, "filling up")
        i += 1
    before = free_slots(s)
    c = Citizen(s)
    pid_path, query = booking.split("?")
    confirm = c.get(f"{pid_path}/verschieben?{query}&start={unix(full)}")
    check(confirm.status == 200, confirm.status)
    r = c.post(f"{pid_path}/verschieben", {"token": hidden(confirm.text, "token"),
                                           "start": str(unix(full))}, confirm)
    check(r.status == 409, (r.status, r.text[:300]))
    check("gerade vergeben worden" in r.text and "bleibt bestehen" in r.text
          and "Einen anderen Termin wählen" in r.text, r.text[-3000:])
    check(free_slots(s) == before, "nothing changed")
    check(c.get(booking).status == 200, "the booking is still there")
    rows = db_rows(s, "SELECT starts_at, revision FROM appointment WHERE email = "
                      "'bleibt@example.org'")
    check(rows == [(str(unix(old)), "0")], rows)
    # The same time again is not a move.
    r = c.post(f"{pid_path}/verschieben", {"token": hidden(confirm.text, "token"),
                                           "start": str(unix(old))}, confirm)
    check(r.status == 422 and "bereits zu dieser Zeit" in r.text, r.status)


def test_two_moves_race_for_the_last_place(s, sink):
    slots = free_slots(s)
    starts = [k for k, v in slots.items() if v >= 1]
    target = starts[-3]
    bookings = [booked_via_mail(s, sink, starts[2 + i], f"rennen{i}@example.org")
                for i in range(2)]
    i = 0
    while free_slots(s).get(target, 0) > 1:
        check(book(s, target, f"fast{i}@example.org").status == 201, "filling up")
        i += 1
    pages = []
    for b in bookings:
        c = Citizen(s)
        path, query = b.split("?")
        page = c.get(f"{path}/verschieben?{query}&start={unix(target)}")
        pages.append((c, path, page))
    go = threading.Barrier(2)
    codes = [None, None]

    def one(k):
        c, path, page = pages[k]
        go.wait()
        codes[k] = c.post(f"{path}/verschieben", {"token": hidden(page.text, "token"),
                                                  "start": str(unix(target))}, page).status

    threads = [threading.Thread(target=one, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(sorted(codes) == [303, 409], codes)
    check(free_slots(s).get(target, 0) == 0, "full, not overbooked")
    n = db_rows(s, f"SELECT count(*) FROM appointment WHERE starts_at = {unix(target)} AND "
                   "state = 'booked'")
    cap = db_rows(s, f"SELECT capacity, booked FROM appt_unit WHERE starts_at = {unix(target)}")
    check(cap and cap[0][0] == cap[0][1] and int(n[0][0]) == int(cap[0][0]), (n, cap))


def test_hostile_input_gets_clear_4xx(s, sink):
    slots = free_slots(s)
    start = [k for k, v in slots.items() if v >= 1][4]
    booking = booked_via_mail(s, sink, start, "boese@example.org")
    path, query = booking.split("?")
    c = Citizen(s)
    for q, status in ((f"{query}&start=abc", 400), (f"{query}&start=-5", 400),
                      (f"{query}&start=9223372036854775807", 400),
                      ("token=" + "x" * 43, 404), ("", 404), ("token=%00&start=1", 400)):
        r = c.get(f"{path}/verschieben?{q}")
        check(r.status == status, (q, r.status))
    page = c.get(f"{path}/verschieben?{query}&start={unix(start) + 60}")
    check(page.status == 200, page.status)
    r = c.post(f"{path}/verschieben", {"token": hidden(page.text, "token"),
                                       "start": str(unix(start) + 60)}, page)
    check(r.status == 422, r.status)
    r = s.post_form(f"{path}/verschieben", {"token": hidden(page.text, "token"),
                                            "start": str(unix(start) + 900)})
    check(r.status == 403, ("no CSRF token", r.status))
    r = c.post(f"{path}/verschieben", {"token": "y" * 43, "start": "1"}, page)
    check(r.status == 404, r.status)
    check(s.request("DELETE", f"{API}/{path.rsplit('/', 1)[1]}?{query}").status == 204, "gone")
    r = c.post(f"{path}/verschieben", {"token": hidden(page.text, "token"),
                                       "start": str(unix(start) + 900)}, page)
    check(r.status == 404, ("a cancelled booking cannot be moved", r.status))


if __name__ == "__main__":
    sink = SmtpSink()
    suite = Suite()
    s = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": PUBLIC,
                    "RATHAUS_BOOKING_LIMITS": "off"})
    try:
        suite.run([test_move_frees_the_old_place_takes_the_new_and_mails_an_updated_event,
                   test_a_taken_slot_keeps_the_old_booking_and_answers_409,
                   test_two_moves_race_for_the_last_place,
                   test_hostile_input_gets_clear_4xx], s, sink)
    finally:
        try:
            s.stop()
        except Exception as ex:  # a sanitizer report fails the run
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
        sink.stop()
    suite.finish()
