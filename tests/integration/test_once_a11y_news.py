# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the news pages:
the list, its filter and paging, an article, a network's list, the newsletter's
pages and the staff pages, as test_once_a11y.py checks every other page type."""
import email
import email.policy
import re
import time

from harness import Server, Suite, check, cookies_of, hidden
from page_checks import check_pages, demo_staff
from smtp_sink import SmtpSink

CITY = "/t/luenen"


def public_paths():
    return list((
        CITY + "/", CITY + "/aktuelles", CITY + "/aktuelles?seite=2",
        CITY + "/aktuelles?kategorie=verkehr", CITY + "/aktuelles/buergerbuero-neue-oeffnungszeiten",
        CITY + "/aktuelles/sanierung-lippebruecke-kurt-schumacher-strasse",
        "/t/landkreis-lueneburg/aktuelles", CITY + "/newsletter"))


def mail_link(sink, addr, path):
    deadline = time.time() + 20
    while time.time() < deadline:
        for _, rcpts, raw in sink.received():
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            text = msg.get_body(preferencelist=("plain",)).get_content() + \
                str(msg["List-Unsubscribe"])
            m = re.search(re.escape(path) + r"\?token=([A-Za-z0-9_-]+)", text)
            if rcpts == [f"<{addr}>"] and m:
                return m.group(1)
        time.sleep(0.2)
    raise AssertionError("no mail to " + addr)


def newsletter_pages(s, sink):
    pages = {}
    form = s.get(CITY + "/newsletter")
    jar, csrf = cookies_of(form), hidden(form.text, "_csrf")
    r = s.post_form(CITY + "/newsletter", {"_csrf": csrf, "email": "kaputt"}, cookies=jar)
    check(r.status == 422, r.status)
    pages["news-subscribe-errors"] = r.text
    r = s.post_form(CITY + "/newsletter", {"_csrf": csrf, "email": "a11y@example.org",
                                           "consent": "1"}, cookies=jar)
    pages["news-subscribed"] = r.text
    token = mail_link(sink, "a11y@example.org", "/newsletter/bestaetigen")
    r = s.get(CITY + "/newsletter/bestaetigen?token=" + token)
    pages["news-confirm"] = r.text
    r = s.post_form(CITY + "/newsletter/bestaetigen", {"_csrf": hidden(r.text, "_csrf"),
                                                       "token": token}, cookies=cookies_of(r))
    check(r.status == 200, r.status)
    pages["news-confirmed"] = r.text
    pages["news-token-invalid"] = s.get(CITY + "/newsletter/bestaetigen?token=x").text
    token = mail_link(sink, "a11y@example.org", "/newsletter/abmelden")
    pages["news-unsubscribe"] = s.get(CITY + "/newsletter/abmelden?token=" + token).text
    pages["news-unsubscribed"] = s.request(
        "POST", CITY + "/newsletter/abmelden?token=" + token, body="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"}).text
    pages["news-bad-page"] = s.get(CITY + "/aktuelles?seite=x").text
    return pages


def staff_pages(s):
    pages = {}
    jar, cookie = demo_staff(s)
    r = s.get(CITY + "/verwaltung/aktuelles", headers=cookie)
    check(r.status == 200, r.status)
    csrf = hidden(r.text, "_csrf")
    pages["news-staff-list"] = r.text
    r = s.post_form(CITY + "/verwaltung/aktuelles", {"_csrf": csrf, "title": "Barrierefrei"},
                    cookies=jar)
    edit = r.header("Location")
    pages["news-staff-edit"] = s.get(edit, headers=cookie).text
    r = s.post_form(edit, {"_csrf": csrf, "aktion": "vorschau", "title": "Barrierefrei",
                           "body": "# Titel\n\n- eins\n- zwei", "categories": "Kultur"},
                    cookies=jar)
    pages["news-staff-preview"] = r.text
    r = s.post_form(edit, {"_csrf": csrf, "aktion": "speichern", "title": "",
                           "image": "fehlt", "expires": "morgen"}, cookies=jar)
    check(r.status == 422, r.status)
    pages["news-staff-errors"] = r.text
    pages["news-staff-history"] = s.get(edit + "/versionen", headers=cookie).text
    pages["news-staff-newsletter"] = s.get(CITY + "/verwaltung/newsletter", headers=cookie).text
    return pages


def main():
    suite = Suite()
    sink = SmtpSink()
    s = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": "https://portal.example.de/"})
    try:
        pages = newsletter_pages(s, sink)
        pages.update(staff_pages(s))
        check_pages(suite, s, public_paths(), pages, "news_pages")
    finally:
        s.stop()
        sink.stop()
    suite.finish()


if __name__ == "__main__":
    main()
