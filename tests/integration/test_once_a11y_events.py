# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the event
calendar's pages: the list, day, week and month views, a filtered list, an
empty period, event pages, and the staff list and edit form (with errors), the club submission form
(also with errors) and a submission waiting for moderation,
which are saved and served from a static copy like in test_once_a11y.py."""
import datetime
import os
import shutil
import tempfile

from harness import SHARE, Server, Suite, check, cookies_of, hidden
from test_once_a11y import TOOLS, run_tool, serve_dir


def public_urls(s):
    base = f"http://127.0.0.1:{s.port}/t/luenen/veranstaltungen"
    soon = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    paths = ["", "?ansicht=monat", f"?ansicht=woche&datum={soon}", f"?ansicht=tag&datum={soon}",
             "?kategorie=politik&kostenlos=1&barrierefrei=1", "?von=2030-01-01&bis=2030-01-02",
             "?lang=en", "/wochenmarkt-luenen-mitte", "/buergersprechstunde-des-buergermeisters",
             "/sitzung-des-rates-der-stadt", "/melden", "/melden?gesendet=1"]
    return [base + p for p in paths]


def staff_pages(s):
    form = s.get("/t/luenen/anmelden")
    jar = cookies_of(form)
    r = s.post_form("/t/luenen/anmelden", {"_csrf": hidden(form.text, "_csrf"),
                                           "email": "demo@rathaus.example",
                                           "password": s.demo_password}, cookies=jar)
    sid = cookies_of(r)
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in sid.items())}
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
    r = s.get("/t/luenen/veranstaltungen?ansicht=jahr")
    check(r.status == 400, r.status)
    pages["events-bad-query"] = r.text
    return pages


def save(s, www, pages):
    os.makedirs(os.path.join(www, "t", "luenen"))
    with open(os.path.join(www, "t", "luenen", "theme.css"), "wb") as f:
        f.write(s.get("/t/luenen/theme.css").body)
    shutil.copytree(os.path.join(SHARE, "static"), os.path.join(www, "static"))
    for name, html in pages.items():
        os.makedirs(os.path.join(www, name))
        with open(os.path.join(www, name, "index.html"), "w", encoding="utf-8") as f:
            f.write(html)
    return list(pages)


def main():
    suite = Suite()
    s = Server()
    www = tempfile.mkdtemp(prefix="rathaus-a11y-events-")
    httpd = None
    try:
        names = save(s, www, staff_pages(s))
        httpd = serve_dir(www)
        copies = [f"http://127.0.0.1:{httpd.server_address[1]}/{n}/" for n in names]
        urls = public_urls(s) + copies

        def test_axe_finds_no_wcag_violations_on_calendar_pages():
            rc, last = run_tool(["node", os.path.join(TOOLS, "a11y.mjs")] + urls)
            check(rc == 0 and ", 0 violations" in last, last)

        def test_calendar_pages_validate_without_errors():
            rc, last = run_tool([os.path.join(TOOLS, "html_valid.sh")] + urls)
            check(rc == 0 and ", 0 errors" in last, last)

        suite.run([test_axe_finds_no_wcag_violations_on_calendar_pages,
                   test_calendar_pages_validate_without_errors])
    finally:
        if httpd:
            httpd.shutdown()
        shutil.rmtree(www, ignore_errors=True)
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
