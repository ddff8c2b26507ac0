# SPDX-License-Identifier: EUPL-1.2
"""Appointment booking from the citizen's pages without JavaScript: the types, a
week of free slots, the details form with its errors, the booking with its
confirmation mail (read from a local SMTP sink), the booking's page with the
calendar file, cancelling, and a slot taken meanwhile."""
import email
import email.policy
import re
import time
import urllib.parse

from harness import Server, Suite, check, cookies_of, hidden
from smtp_sink import SmtpSink

CITY = "/t/luenen"
WEEK = CITY + "/termine/personalausweis/buergerbuero"
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

    def _h(self):
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())} if self.jar else {}

    def get(self, path):
        r = self.s.get(path, headers=self._h())
        self.jar.update(cookies_of(r))
        return r

    def post(self, path, fields, page):
        fields = dict(fields, _csrf=hidden(page.text, "_csrf"))
        r = self.s.post_form(path, fields, cookies=self.jar)
        self.jar.update(cookies_of(r))
        return r


def slot_links(s):
    # From the day after tomorrow: a booking of tomorrow may be reminded of at once (a second
    # mail), whenever the reminder job happens to run.
    r = s.get(WEEK + "?ab=" + time.strftime("%Y-%m-%d", time.localtime(time.time() + 2 * 86400)))
    check(r.status == 200, r.status)
    return re.findall(r'href="(/t/luenen/termine/personalausweis/buergerbuero/buchen\?start=\d+)"',
                      r.text)


def test_types_link_their_week(s, sink):
    r = s.get(CITY + "/termine")
    check(r.status == 200 and 'href="' + WEEK + '"' in r.text, r.status)


def test_week_lists_free_times_and_pages_by_query(s, sink):
    r = s.get(WEEK)
    check(r.status == 200 and r.text.count('class="appt-day"') == 7, r.status)
    check("?ab=" in r.text, "a link to the next week")
    check(slot_links(s), "free slots ahead")
    for bad in ("?ab=2026-02-30", "?ab=morgen"):
        check(s.get(WEEK + bad).status == 400, bad)
    check(s.get(CITY + "/termine/gibt-es-nicht/buergerbuero").status == 404, "unknown type")


def test_form_errors_name_the_fields_and_keep_the_input(s, sink):
    c = Citizen(s)
    link = slot_links(s)[0]
    page = c.get(link)
    check(page.status == 200 and 'type="email"' in page.text, page.status)
    start = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["start"][0]
    r = c.post(link.split("?")[0], {"start": start, "name": "", "email": "kein-at",
                                    "phone": "", "persons": "99"}, page)
    check(r.status == 422, r.status)
    for anchor in ("#appt-name", "#appt-email", "#appt-persons"):
        check(f'href="{anchor}"' in r.text, anchor)
    check('value="kein-at"' in r.text and 'aria-invalid="true"' in r.text, "input kept")
    r = s.post_form(link.split("?")[0], {"start": start, "name": "X", "email": "x@example.org",
                                         "persons": "1"})
    check(r.status == 403, ("no CSRF token", r.status))
    for bad in ("9223372036854775807", "7258118401", "0", "1e9"):
        r = c.get(link.split("?")[0] + "?start=" + bad)
        check(r.status == 400, (bad, r.status))


def test_booking_mails_its_page_which_cancels_it(s, sink):
    c = Citizen(s)
    link = slot_links(s)[1]
    page = c.get(link)
    start = hidden(page.text, "start")
    before = len(sink.received())
    r = c.post(link.split("?")[0], {"start": start, "name": "Erika Mustermann",
                                    "email": "erika@example.org", "phone": "", "persons": "1"},
               page)
    check(r.status == 303, (r.status, r.text[:500]))
    booking = r.header("Location")
    check(re.fullmatch(r"/t/luenen/termin/[A-Za-z0-9_-]{22}\?token=[A-Za-z0-9_-]+", booking),
          booking)
    check(wait_for(lambda: len(sink.received()) == before + 1, 30), "confirmation mail")
    _, rcpts, raw = sink.received()[-1]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()
    check(rcpts == ["<erika@example.org>"] and PUBLIC + booking in text, text)
    files = [(p.get_filename(), p.get_content_type(), p.get_content())
             for p in msg.iter_attachments()]
    check(len(files) == 1 and files[0][:2] == ("termin.ics", "text/calendar"), files)
    ics_mail = files[0][2]
    ics_mail = ics_mail if isinstance(ics_mail, str) else ics_mail.decode()
    check("BEGIN:VEVENT" in ics_mail and "UID:" + booking.split("/")[-1].split("?")[0] + "@"
          in ics_mail, ics_mail)
    page = c.get(booking)
    check(page.status == 200 and "no-store" in page.header("Cache-Control"), page.status)
    ics = re.search(r'href="([^"]*calendar\.ics[^"]*)"', page.text).group(1).replace("&amp;", "&")
    r = s.get(ics)
    check(r.status == 200 and r.header("Content-Type").startswith("text/calendar"), r.status)
    cancel = re.search(r'action="([^"]*/absagen)"', page.text).group(1)
    token = hidden(page.text, "token")
    wrong = ("y" if token[0] == "x" else "x") + token[1:]
    check(c.post(cancel, {"token": wrong}, page).status == 404, "a wrong token")
    check(c.post(cancel, {"token": token}, page).status == 200, "cancelled")
    check(c.post(cancel, {"token": token}, page).status == 404, "a token works once")
    check(s.get(booking).status == 404, "the cancelled booking's page is gone")


def test_a_full_slot_answers_409_with_a_way_back(s, sink):
    c = Citizen(s)
    link = slot_links(s)[2]
    page = c.get(link)
    start = hidden(page.text, "start")
    codes = []
    while len(codes) < 20 and (not codes or codes[-1] == 303):
        i = len(codes)
        r = c.post(link.split("?")[0], {"start": start, "name": f"Person {i}",
                                        "email": f"p{i}@example.org", "persons": "1"}, page)
        codes.append(r.status)
    check(codes[-1] == 409 and set(codes[:-1]) == {303}, codes)
    check('href="' + WEEK + '"' in r.text, "a link back to the week")


def test_a_tenant_without_types_says_so(s, sink):
    r = s.get("/t/adendorf/termine")
    check(r.status == 200 and "appointments/buergerbuero" not in r.text
          and "keine Termine" in r.text, r.status)


if __name__ == "__main__":
    sink = SmtpSink()
    suite = Suite()
    s = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": PUBLIC + "/"})
    try:
        suite.run([test_types_link_their_week, test_week_lists_free_times_and_pages_by_query,
                   test_form_errors_name_the_fields_and_keep_the_input,
                   test_booking_mails_its_page_which_cancels_it,
                   test_a_full_slot_answers_409_with_a_way_back,
                   test_a_tenant_without_types_says_so], s, sink)
    finally:
        try:
            s.stop()
        except Exception as ex:
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
        sink.stop()
    suite.finish()
