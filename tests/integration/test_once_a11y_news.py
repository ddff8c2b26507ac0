# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the news pages:
the list, its filter and paging, an article, a network's list, the newsletter's
pages and the staff pages, as test_once_a11y.py checks every other page type."""
import email
import email.policy
import os
import re
import shutil
import tempfile
import time

from harness import SHARE, Server, Suite, check, cookies_of, hidden
from smtp_sink import SmtpSink
from test_once_a11y import TOOLS, run_tool, serve_dir

CITY = "/t/luenen"


def public_urls(s):
    base = f"http://127.0.0.1:{s.port}"
    return [base + p for p in (
        CITY + "/", CITY + "/aktuelles", CITY + "/aktuelles?seite=2",
        CITY + "/aktuelles?kategorie=verkehr", CITY + "/aktuelles/buergerbuero-neue-oeffnungszeiten",
        CITY + "/aktuelles/sanierung-lippebruecke-kurt-schumacher-strasse",
        "/t/landkreis-lueneburg/aktuelles", CITY + "/newsletter")]


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
    form = s.get(CITY + "/anmelden")
    r = s.post_form(CITY + "/anmelden", {"_csrf": hidden(form.text, "_csrf"),
                                        "email": "demo@rathaus.example",
                                        "password": s.demo_password}, cookies=cookies_of(form))
    jar = cookies_of(r)
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
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


def saved_pages(s, sink, www):
    pages = newsletter_pages(s, sink)
    pages.update(staff_pages(s))
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
    sink = SmtpSink()
    s = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": "https://portal.example.de/"})
    www = tempfile.mkdtemp(prefix="rathaus-a11y-news-")
    httpd = None
    try:
        names = saved_pages(s, sink, www)
        httpd = serve_dir(www)
        urls = public_urls(s) + [f"http://127.0.0.1:{httpd.server_address[1]}/{n}/"
                                 for n in names]

        def test_axe_finds_no_wcag_violations_on_news_pages():
            rc, last = run_tool(["node", os.path.join(TOOLS, "a11y.mjs")] + urls)
            check(rc == 0 and ", 0 violations" in last, last)

        def test_news_pages_validate_without_errors():
            rc, last = run_tool([os.path.join(TOOLS, "html_valid.sh")] + urls)
            check(rc == 0 and ", 0 errors" in last, last)

        suite.run([test_axe_finds_no_wcag_violations_on_news_pages,
                   test_news_pages_validate_without_errors])
    finally:
        if httpd:
            httpd.shutdown()
        shutil.rmtree(www, ignore_errors=True)
        s.stop()
        sink.stop()
    suite.finish()


if __name__ == "__main__":
    main()
