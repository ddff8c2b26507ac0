# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the event
calendar's pages: the list, day, week and month views, a filtered list, an
empty period, event pages, and the staff list and edit form (with errors), the club submission form
(also with errors) and a submission waiting for moderation, the staff's list
of trusted organisers, and the confirmation page of a trusted organiser's
submission (its button, and its answer when the address is no longer trusted),
a citizen's prefilled submission form and list "Meine Veranstaltungen",
which are saved and served from a static copy like in test_once_a11y.py."""
import datetime
import re

from harness import Server, Suite, check, cookies_of, db_rows, hidden
from page_checks import check_pages, demo_staff
from smtp_sink import SmtpSink
from test_account import PUBLIC, login, verified_account, wait_mail


def public_paths():
    base = "/t/luenen/veranstaltungen"
    soon = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    paths = ["", "?ansicht=monat", f"?ansicht=woche&datum={soon}", f"?ansicht=tag&datum={soon}",
             "?kategorie=politik&kostenlos=1&barrierefrei=1", "?von=2030-01-01&bis=2030-01-02",
             "?lang=en", "/wochenmarkt-luenen-mitte", "/buergersprechstunde-des-buergermeisters",
             "/sitzung-des-rates-der-stadt", "/melden", "/melden?gesendet=1",
             "/bestaetigen?token=" + "A" * 43]
    return [base + p for p in paths]


def staff_pages(s, sink):
    sid, cookie = demo_staff(s)
    csrf = hidden(s.get("/t/luenen/verwaltung", headers=cookie).text, "_csrf")
    pages = {"events-staff-list": s.get("/t/luenen/verwaltung/veranstaltungen", headers=cookie).text}
    path = "/t/luenen/verwaltung/veranstaltungen/wochenmarkt-luenen-mitte"
    pages["events-staff-edit"] = s.get(path, headers=cookie).text
    r = s.post_form(path, {"_csrf": csrf, "aktion": "speichern", "title": "",
                           "start_date": "2026-02-30", "rrule": "FREQ=DAILY"}, cookies=sid)
    check(r.status == 422, r.status)
    pages["events-staff-errors"] = r.text
    form = s.get("/t/luenen/veranstaltungen/melden", headers=cookie)
    r = s.post_form("/t/luenen/veranstaltungen/melden",
                    {"_csrf": hidden(form.text, "_csrf"), "title": "Chorkonzert",
                     "start_date": "2030-05-04", "start_time": "19:00", "end_time": "18:00",
                     "location_name": "Kirche", "submitter_name": "Chor",
                     "submitter_email": "kein-at"}, cookies=sid)
    check(r.status == 422, r.status)
    pages["events-submit-errors"] = r.text
    r = s.post_form("/t/luenen/veranstaltungen/melden",
                    {"_csrf": hidden(form.text, "_csrf"), "title": "Chorkonzert",
                     "start_date": "2030-05-04", "start_time": "19:00", "end_time": "21:00",
                     "location_name": "Kirche", "submitter_name": "Chor",
                     "submitter_email": "chor@example.org"}, cookies=sid)
    check(r.status == 303, r.status)
    pages["events-staff-submission"] = s.get("/t/luenen/verwaltung/veranstaltungen/chorkonzert",
                                             headers=cookie).text
    r = s.post_form("/t/luenen/verwaltung/veranstalter",
                    {"_csrf": csrf, "email": "orga@example.org", "name": "Orga <e.V.>"}, cookies=sid)
    check(r.status == 303, r.status)
    pages["events-organisers"] = s.get("/t/luenen/verwaltung/veranstalter?erledigt=1",
                                       headers=cookie).text
    r = s.post_form("/t/luenen/veranstaltungen/melden",
                    {"_csrf": hidden(form.text, "_csrf"), "title": "Orgelnacht",
                     "start_date": "2030-05-05", "start_time": "19:00", "end_time": "21:00",
                     "location_name": "Kirche", "submitter_name": "Orga",
                     "submitter_email": "orga@example.org"}, cookies=sid)
    check(r.status == 303, r.status)
    text = wait_mail(sink, "orga@example.org").get_body(("plain",)).get_content()
    token = re.search(r"token=([A-Za-z0-9_-]{43})", text).group(1)
    (oid,), = db_rows(s, "SELECT id FROM event_organiser WHERE email = 'orga@example.org'")
    r = s.post_form(f"/t/luenen/verwaltung/veranstalter/{oid}/entfernen", {"_csrf": csrf},
                    cookies=sid)
    check(r.status == 303, r.status)
    page = s.get("/t/luenen/veranstaltungen/bestaetigen?token=" + token)
    r = s.post_form("/t/luenen/veranstaltungen/bestaetigen",
                    {"_csrf": hidden(page.text, "_csrf"), "token": token},
                    cookies=cookies_of(page))
    check(r.status == 200, r.status)
    pages["events-confirm-queued"] = r.text
    verified_account(s, sink, "buergerin@example.org")
    b, r = login(s, "buergerin@example.org")
    check(r.status == 303, r.status)
    pages["events-mine-empty"] = b.get("/t/luenen/konto/veranstaltungen").text
    form = b.get("/t/luenen/veranstaltungen/melden")
    check("buergerin@example.org" in form.text, "prefilled")
    pages["events-submit-account"] = form.text
    r = b.keep(s.post_form("/t/luenen/veranstaltungen/melden",
                           {"_csrf": hidden(form.text, "_csrf"), "title": "Lesung",
                            "start_date": "2030-05-06", "start_time": "19:00",
                            "end_time": "21:00", "location_name": "Bücherei",
                            "submitter_name": "Bürgerin",
                            "submitter_email": "buergerin@example.org"}, cookies=b.jar))
    check(r.status == 303, r.status)
    page = b.get("/t/luenen/konto/veranstaltungen")
    check("Lesung" in page.text, "listed")
    pages["events-mine"] = page.text
    r = s.get("/t/luenen/veranstaltungen?ansicht=jahr")
    check(r.status == 400, r.status)
    pages["events-bad-query"] = r.text
    return pages


def main():
    suite = Suite()
    sink = SmtpSink()
    s = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": PUBLIC,
                    "RATHAUS_LOGIN_RATE": "1000"})
    try:
        check_pages(suite, s, public_paths(), staff_pages(s, sink), "calendar_pages")
    finally:
        s.stop()
        sink.stop()
    suite.finish()


if __name__ == "__main__":
    main()
