# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the account pages.

The forms are checked where the server serves them; pages behind a login, a
POST, a mailed link or an error status are saved with their stylesheets and
served from a static copy, as test_once_a11y.py does.
"""
import os
import shutil
import tempfile

from harness import SHARE, Server, Suite, check
from smtp_sink import SmtpSink
from test_account import BASE, PASSWORD, PUBLIC, Browser, link_of, local, login, register, wait_mail
from test_once_a11y import SHOTS, TOOLS, run_tool, serve_dir


def saved_pages(s, sink):
    """name -> HTML of every account page that needs a session, a post or a link."""
    pages = {}
    b = Browser(s)
    r = b.form(BASE + "/konto/registrieren", BASE + "/konto/registrieren",
               {"email": "kaputt", "password": "kurz", "password2": "anders"})
    check(r.status == 422, r.status)
    pages["account-register-error"] = r.text
    _, r = register(s, "a11y@example.org")
    check(r.status == 303, r.status)
    pages["account-register-sent"] = b.get(r.header("Location")).text
    url = local(link_of(wait_mail(sink, "a11y@example.org")))
    _, r = login(s, "a11y@example.org")
    check(r.status == 403, r.status)
    pages["account-unverified"] = r.text
    r = s.get(url)
    check(r.status == 200, r.status)
    pages["account-verified"] = r.text
    pages["account-link-invalid"] = s.get(url).text
    _, r = login(s, "a11y@example.org", "falsches Passwort")
    check(r.status == 401, r.status)
    pages["account-login-failed"] = r.text
    b, r = login(s, "a11y@example.org")
    check(r.status == 303, r.status)
    pages["account"] = b.get(BASE + "/konto").text
    pages["account-logins"] = b.get(BASE + "/konto/anmeldungen").text
    r = b.form(BASE + "/konto", BASE + "/konto/email", {"email": "neu@example.org",
                                                        "password": "falsch"})
    check(r.status == 422, r.status)
    pages["account-email-error"] = r.text
    r = b.form(BASE + "/konto", BASE + "/konto/email", {"email": "neu@example.org",
                                                        "password": PASSWORD})
    check(r.status == 303, r.status)
    pages["account-email-sent"] = b.get(r.header("Location")).text
    r = b.form(BASE + "/konto", BASE + "/konto/abmelden", {})
    pages["account-logged-out"] = b.get(r.header("Location")).text
    r = b.form(BASE + "/konto/passwort-vergessen", BASE + "/konto/passwort-vergessen",
               {"email": "a11y@example.org"})
    pages["account-forgot-sent"] = b.get(r.header("Location")).text
    url = local(link_of(wait_mail(sink, "a11y@example.org", 4)))
    pages["account-reset"] = b.get(url).text
    r = b.form(url, url, {"password": "password1", "password2": "password1"})
    check(r.status == 422, r.status)
    pages["account-reset-error"] = r.text
    return pages


def write_pages(s, www, pages):
    os.makedirs(os.path.join(www, "t", "luenen"))
    with open(os.path.join(www, "t", "luenen", "theme.css"), "wb") as f:
        f.write(s.get("/t/luenen/theme.css").body)
    shutil.copytree(os.path.join(SHARE, "static"), os.path.join(www, "static"))
    for name, html in pages.items():
        os.makedirs(os.path.join(www, name))
        with open(os.path.join(www, name, "index.html"), "w", encoding="utf-8") as f:
            f.write(html)


def main():
    suite = Suite()
    sink = SmtpSink()
    s = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": PUBLIC,
                    "RATHAUS_LOGIN_RATE": "1000"})
    www = tempfile.mkdtemp(prefix="rathaus-a11y-account-")
    httpd = None
    try:
        pages = saved_pages(s, sink)
        write_pages(s, www, pages)
        httpd = serve_dir(www)
        base = f"http://127.0.0.1:{s.port}"
        urls = [base + BASE + p for p in ("/konto/registrieren", "/konto/anmelden",
                                          "/konto/passwort-vergessen",
                                          "/konto/anmelden?lang=en")]
        urls += [f"http://127.0.0.1:{httpd.server_address[1]}/{n}/" for n in pages]

        def test_axe_finds_no_wcag_violations_on_account_pages():
            args = ["node", os.path.join(TOOLS, "a11y.mjs")]
            if SHOTS:
                args += ["--screenshot", SHOTS]
            rc, last = run_tool(args + urls)
            check(rc == 0 and ", 0 violations" in last, last)

        def test_account_pages_are_valid_html():
            rc, last = run_tool([os.path.join(TOOLS, "html_valid.sh")] + urls)
            check(rc == 0 and ", 0 errors" in last, last)

        suite.run([test_axe_finds_no_wcag_violations_on_account_pages,
                   test_account_pages_are_valid_html])
    finally:
        if httpd:
            httpd.shutdown()
        shutil.rmtree(www, ignore_errors=True)
        s.stop()
        sink.stop()
    suite.finish()


if __name__ == "__main__":
    main()
