# SPDX-License-Identifier: EUPL-1.2
"""Defect reports and the citizen account, over HTTP: a report made while logged in
belongs to the account and is listed under /konto/meldungen, where it opens with the
citizen's own text and history (also before its confirmation); the account's own
address needs no confirmation link; another citizen, an anonymous visitor, forged
numbers and another tenant see none of it; the data export holds the own reports."""
import json
import re

from harness import check, db_rows, run_module
from test_account import Browser, logged_in
from test_account_privacy import export

CITY = "/t/luenen"
ANNA = "anna.meldung@example.org"
BERT = "bert.meldung@example.org"
FIELDS = {"kategorie": "gruen", "beschreibung": "Ast über dem Weg, Nachbar Heinz weiß mehr.",
          "strasse": "Lange Straße 9", "plz": "44532"}


def report(b, **extra):
    """Report through the form as browser `b`; the new report's number."""
    r = b.form(CITY + "/maengel/melden", CITY + "/maengel/melden", dict(FIELDS, **extra))
    check(r.status == 303, (r.status, r.text[:400]))
    return int(db_rows(b.s, "SELECT max(r.number) FROM report r JOIN tenant t ON "
                            "t.id = r.tenant_id WHERE t.slug = 'luenen'")[0][0])


def owner_of(s, number):
    return db_rows(s, "SELECT COALESCE(c.email, '-') FROM report r JOIN tenant t ON "
                      "t.id = r.tenant_id "
                      f"LEFT JOIN citizen c ON c.id = r.citizen_id WHERE t.slug = 'luenen' "
                      f"AND r.number = {number}")[0][0]


def test_1_reports_of_the_account_are_listed_and_open(s, sink):
    b = logged_in(s, sink, ANNA)
    form = b.get(CITY + "/maengel/melden")
    check('id="report-in-account"' in form.text, "the form says where the report will be")
    check('id="report-in-account"' not in s.get(CITY + "/maengel/melden").text, "anonymous")
    own = report(b, name="Anna", email=ANNA.upper(), einwilligung="1")
    check(owner_of(s, own) == ANNA, owner_of(s, own))
    check(db_rows(s, f"SELECT confirm_hash IS NULL FROM report WHERE number = {own}")[0][0]
          in ("1", "t"), "the account's own address needs no confirmation")
    other = report(b, email="zweite.adresse@example.org", einwilligung="1")
    check(db_rows(s, f"SELECT confirm_hash IS NULL FROM report WHERE number = {other}")[0][0]
          in ("0", "f"), "another address is confirmed by its link")
    anonymous = report(Browser(s))
    check(owner_of(s, anonymous) == "-", "a report without login has no owner")
    r = b.get(CITY + "/konto/meldungen")
    check(r.status == 200 and "no-store" in r.header("Cache-Control"), r.status)
    for n in (own, other):
        check(f'href="{CITY}/konto/meldungen/{n}"' in r.text, n)
    check(f'/konto/meldungen/{anonymous}"' not in r.text, "not another's report")
    check("noch nicht bestätigt" in r.text, "the unconfirmed one says so")
    check(f'href="{CITY}/konto/meldungen"' in b.get(CITY + "/konto").text, "account links it")
    page = b.get(f"{CITY}/konto/meldungen/{other}")
    check(page.status == 200 and "Nachbar Heinz" in page.text and 'id="report-own-text"'
          in page.text, page.status)
    check("Eingegangen" in page.text and "Meine Meldungen" in page.text, "history, way back")
    check("Nachbar Heinz" not in s.get(f"{CITY}/maengel/{own}").text, "not public")


def test_2_others_see_nothing_of_them(s, sink):
    numbers = [int(n) for (n,) in db_rows(
        s, "SELECT r.number FROM report r JOIN citizen c ON c.id = r.citizen_id "
           f"WHERE c.email = '{ANNA}'")]
    check(len(numbers) == 2, numbers)
    b = logged_in(s, sink, BERT)
    r = b.get(CITY + "/konto/meldungen")
    check(r.status == 200 and "noch keinen Mangel" in r.text, r.status)
    for n in numbers + [999999, "0", "-1", "abc", "1e3", "01"]:
        check(b.get(f"{CITY}/konto/meldungen/{n}").status == 404, n)
    for path in (f"/konto/meldungen/{numbers[0]}", "/konto/meldungen"):
        r = s.get(CITY + path)
        check(r.status == 303 and "/konto/anmelden" in r.header("Location"), (path, r.status))
    anna = logged_in(s, sink, ANNA)
    check(anna.get(f"/t/adendorf/konto/meldungen/{numbers[0]}").status == 404, "another tenant")
    # The list is the account's on every portal, each report linked on its own portal.
    r = anna.get("/t/landkreis-lueneburg/konto/meldungen")
    check(r.status == 200 and all(f'href="{CITY}/konto/meldungen/{n}"' in r.text
                                  for n in numbers) and "Lünen" in r.text, r.status)
    check("/konto/meldungen/" not in b.get("/t/landkreis-lueneburg/konto/meldungen").text,
          "not in another account's list")
    check(f'/konto/meldungen"' not in anna.get("/t/adendorf/konto").text,
          "no link where the tenant takes no reports")


def test_3_the_export_holds_the_own_reports(s, sink):
    doc, _ = export(logged_in(s, sink, ANNA))
    got = doc["defect_reports"]
    check(len(got) == 2 and got[0]["email"] == ANNA.upper() and got[0]["portal"] == "luenen"
          and "Nachbar Heinz" in got[0]["description"], got)
    doc, _ = export(logged_in(s, sink, BERT))
    check(doc["defect_reports"] == [], doc["defect_reports"])


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_PUBLIC_URL": "https://portal.example.de/",
                               "RATHAUS_LOGIN_RATE": "1000", "RATHAUS_REPORT_LIMITS": "off"},
               mail=True)
