# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the account pages.

The forms are checked where the server serves them; pages behind a login, a
POST, a mailed link or an error status are saved with their stylesheets and
served from a static copy, as test_once_a11y.py does.
"""
import re

import test_appointments_staff as appt
from forms_web import Citizen
from harness import Server, Suite, check, db_rows, eventually, hidden
from test_forms_web import dog_steps
from page_checks import check_pages
from smtp_sink import SmtpSink
from test_account import (BASE, PASSWORD, PUBLIC, Browser, link_of, local, login, register,
                          verified_account, wait_mail)
from test_account_totp import code_step, hotp, now_step, post, setup_page, wrong_code


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
    pages["account-data"] = b.get(BASE + "/konto/daten").text
    pages["account-reports-none"] = b.get(BASE + "/konto/meldungen").text
    pages["account-report-form"] = b.get(BASE + "/maengel/melden").text
    r = b.form(BASE + "/maengel/melden", BASE + "/maengel/melden",
               {"kategorie": "gruen", "beschreibung": "Ast über dem Weg.", "plz": "44532",
                "strasse": "Lange Straße 9"})
    check(r.status == 303, r.status)
    pages["account-reports"] = b.get(BASE + "/konto/meldungen").text
    number = re.search(r'href="/t/luenen/konto/meldungen/(\d+)"', pages["account-reports"])
    pages["account-report"] = b.get(f"{BASE}/konto/meldungen/{number.group(1)}").text
    r = b.form(BASE + "/konto/daten", BASE + "/konto/loeschen", {"password": "falsch"})
    check(r.status == 422, r.status)
    pages["account-data-error"] = r.text
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
    pages.update(saml_pages(s))
    pages.update(two_factor_pages(s, sink))
    pages.update(case_pages(s, sink))
    return pages


def saml_pages(s):
    """The login page with the button of a SAML IdP, and the page of a refused login."""
    db_rows(s, "INSERT INTO tenant_setting (tenant_id, key, value, updated_at) SELECT id, "
               "'saml_metadata', 'http://127.0.0.1:9/metadata', 0 FROM tenant WHERE slug = 'luenen'")
    page = eventually(lambda: (lambda t: 'id="saml-login"' in t and t)(
        s.get(BASE + "/konto/anmelden").text), "SAML button", timeout=30)
    check("Mit BundID anmelden" in page, page[-800:])
    r = s.post_form(BASE + "/konto/saml/acs", {"SAMLResponse": "PHNhbWxwOlJlc3BvbnNlLz4="})
    check(r.status == 400 and "Anmeldung nicht möglich" in r.text, r.status)
    return {"account-login-saml": page, "account-saml-refused": r.text}


def two_factor_pages(s, sink):
    """The pages of two-factor login: setup, recovery codes, code step, switch off."""
    pages = {}
    verified_account(s, sink, "a11y-2fa@example.org")
    b, r = login(s, "a11y-2fa@example.org")
    check(r.status == 303, r.status)
    secret, page = setup_page(b)
    pages["account-totp-setup"] = page.text
    r = post(s, b, page, BASE + "/konto/zwei-faktor", {"code": wrong_code(secret)})
    check(r.status == 422, r.status)
    pages["account-totp-setup-error"] = r.text
    step = now_step()
    r = post(s, b, page, BASE + "/konto/zwei-faktor", {"code": hotp(secret, step)})
    check(r.status == 200, r.status)
    pages["account-totp-codes"] = r.text
    pages["account-with-totp"] = b.get(BASE + "/konto").text
    r = b.get(BASE + "/konto/zwei-faktor")
    pages["account-totp-manage"] = r.text
    r = post(s, b, r, BASE + "/konto/zwei-faktor/aus", {"password": PASSWORD, "code": "x"})
    check(r.status == 422, r.status)
    pages["account-totp-off-error"] = r.text
    b2, r = login(s, "a11y-2fa@example.org")
    check(r.status == 303, r.status)
    pages["account-code"] = b2.get(r.header("Location")).text
    r = code_step(b2, wrong_code(secret))
    check(r.status == 401, r.status)
    pages["account-code-error"] = r.text
    return pages


def case_pages(s, sink):
    """My applications and the mailbox of a case, for the citizen and for staff."""
    verified_account(s, sink, "a11y-antrag@example.org")
    b, r = login(s, "a11y-antrag@example.org")
    check(r.status == 303, r.status)
    pages = {"account-cases-none": b.get(BASE + "/konto/antraege").text}
    c = Citizen(s, "hundesteuer-anmeldung")
    c.jar.update(b.jar)
    c.start()
    for i, fields in enumerate(dog_steps(), 1):
        check(c.step(i, fields).status == 303, i)
    c.get("zusammenfassung")
    check(c.post("absenden", {"consent": "1"}).status == 303, "sent")
    case = re.search(r"LUE-\d{4}-\d{6}", c.get("eingang").text).group(0)
    staff = appt.Browser(s, BASE, "demo@rathaus.example", s.demo_password)
    r = staff.post(f"{BASE}/verwaltung/antraege/{case}/nachricht",
                   {"nachricht": "Bitte reichen Sie den Impfpass nach."})
    check(r.status == 303, r.status)
    pages["account-cases"] = b.get(BASE + "/konto/antraege").text
    pages["account-case"] = b.get(f"{BASE}/konto/antraege/{case}").text
    page = b.get(f"{BASE}/konto/antraege/{case}")
    r = b.s.post_form(f"{BASE}/konto/antraege/{case}/nachricht",
                      {"_csrf": hidden(page.text, "_csrf"), "nachricht": ""}, cookies=b.jar)
    check(r.status == 422, r.status)
    pages["account-case-error"] = r.text
    pages["inbox-case-mailbox"] = staff.get(f"{BASE}/verwaltung/antraege/{case}").text
    # A form that asks for an identity of trust level "substantial".
    db_rows(s, "UPDATE form SET definition = replace(definition, '\"id\": "
               "\"sperrmuell-abholung\",', '\"id\": \"sperrmuell-abholung\", "
               "\"trust_level\": 3,') WHERE id = 'sperrmuell-abholung'")
    r = b.get(f"{BASE}/formulare/sperrmuell-abholung")
    check(r.status == 403, ("trust page", r.status, r.text[:200]))
    pages["form-trust"] = r.text
    return pages


def main():
    suite = Suite()
    sink = SmtpSink()
    s = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": PUBLIC,
                    "RATHAUS_LOGIN_RATE": "1000"})
    try:
        paths = [BASE + p for p in ("/konto/registrieren", "/konto/anmelden",
                                    "/konto/passwort-vergessen", "/konto/anmelden?lang=en",
                                    "/konto/datenschutz", "/konto/datenschutz?lang=en")]
        check_pages(suite, s, paths, saved_pages(s, sink), "account_pages")
    finally:
        s.stop()
        sink.stop()
    suite.finish()


if __name__ == "__main__":
    main()
