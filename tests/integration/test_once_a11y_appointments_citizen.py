# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the
citizen's appointment pages around the account and the waiting list: the
week with a fully booked day and the waiting list's form, the page after
joining, the button that leaves the list and the page after it, the booking
form of a signed-in citizen, "Meine Termine" and a booking opened from the
account.  Pages are saved and served from a static copy as in
page_checks.py; the week is checked live as well."""
import json
import re

import test_appointments_wait as wait
from harness import Server, Suite, check, eventually, hidden
from page_checks import check_pages
from smtp_sink import SmtpSink
from test_account import login, verified_account
from test_appointments_account import book_as

CITY = "/t/luenen"


def pages(s, sink):
    wait.short_day(s, wait.DAY)
    while True:
        starts = wait.free(s, wait.DAY)
        if not starts:
            break
        body = json.dumps({"type": wait.TYPE, "location": wait.LOC, "start": starts[0],
                           "name": "Voll", "email": "voll@example.org"})
        check(s.request("POST", wait.API, body=body,
                        headers={"Content-Type": "application/json"}).status == 201, "fill")
    out = {"appt-week-full": s.get(f"{wait.WEEK}?ab={wait.DAY}").text}
    check("appt-wait-day" in out["appt-week-full"], "the waiting list's form")
    r = wait.join(s, "warte@example.org")
    check(r.status == 200, r.status)
    out["appt-wait-joined"] = r.text
    text = eventually(lambda: wait.mails(sink, "warte@example.org", "Warteliste"), "mail")[0]
    link = re.search(r"https?://\S*/warteliste/verlassen\?token=\S+", text).group(0)
    c = wait.Citizen(s)
    page = c.get(link[len(wait.PUBLIC):])
    out["appt-wait-leave"] = page.text
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    out["appt-wait-left"] = c.post(action, {"token": hidden(page.text, "token")}, page).text
    verified_account(s, sink, "konto.termin@example.org")
    b, r = login(s, "konto.termin@example.org")
    check(r.status == 303, r.status)
    day = wait.local_day(3)
    wait.short_day(s, day)
    week = b.get(f"{wait.WEEK}?ab={day}").text
    out["appt-form-signed-in"] = b.get(
        re.search(r'href="(' + wait.WEEK + r'/buchen\?start=\d+)"', week).group(1)).text
    pid = book_as(b, day)
    out["appt-mine"] = b.get(CITY + "/konto/termine").text
    out["appt-mine-booking"] = b.get(f"{CITY}/konto/termine/{pid}").text
    return out


def main():
    sink = SmtpSink()
    s = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": wait.PUBLIC + "/",
                    "RATHAUS_BOOKING_LIMITS": "off", "RATHAUS_LOGIN_RATE": "1000"})
    suite = Suite()
    try:
        check_pages(suite, s, [wait.WEEK], pages(s, sink), "appointment_citizen_pages")
    finally:
        s.stop()
        sink.stop()
    suite.finish()


if __name__ == "__main__":
    main()
