# SPDX-License-Identifier: EUPL-1.2
"""Event submissions from the citizen account over HTTP: a logged-in
citizen finds the form prefilled (the account's address, the name of the
last submission), the submission belongs to the account and is listed under
/konto/veranstaltungen with its moderation state (waiting, published with
its link, not published with the editors' message); the list is the
owner's only (a second citizen, an anonymous visitor, another tenant and
forged parameters see none of it), and an anonymous submission belongs to
nobody."""
import datetime

from harness import check, db_rows, hidden, run_module
from test_account import logged_in
from test_account_privacy import export
from test_editor import admin, form_fields
from test_events_submit import CITY, PUBLIC, SINK, slug_of

ANNA = "anna.buerger@example.org"
BERT = "bert.buerger@example.org"


def fields(title, **extra):
    day = (datetime.date.today() + datetime.timedelta(days=6)).isoformat()
    f = {"title": title, "start_date": day, "start_time": "15:00", "end_date": day,
         "end_time": "17:00", "location_name": "Gemeindehaus", "summary": "Kurz."}
    f.update(extra)
    return f


def send(b, title, **extra):
    page = b.get(CITY + "/veranstaltungen/melden")
    check(page.status == 200, page.status)
    f = fields(title, _csrf=hidden(page.text, "_csrf"),
               submitter_name=extra.pop("submitter_name", "Anna Bürger"),
               submitter_email=hidden_value(page.text, "submitter_email"), **extra)
    return b.keep(b.s.post_form(CITY + "/veranstaltungen/melden", f, cookies=b.jar))


def hidden_value(html, name):
    """The value attribute of input `name` (not only hidden ones)."""
    i = html.find(f'name="{name}"')
    check(i >= 0, name)
    j = html.find('value="', i)
    return html[j + 7:html.find('"', j + 7)]


def mine(b):
    return b.get(CITY + "/konto/veranstaltungen")


def publish(s, slug):
    adm = admin(s)
    page = adm.get(f"/verwaltung/veranstaltungen/{slug}")
    f = {k: v for k, v in form_fields(page.text).items()
         if k not in ("all_day", "is_free", "accessible", "kommentar", "publish_at", "nachricht")}
    r = adm.post(f"/verwaltung/veranstaltungen/{slug}", dict(f, aktion="veroeffentlichen"))
    check(r.status == 303, r.status)


def test_1_a_citizens_submission_is_prefilled_linked_and_listed(s):
    b = logged_in(s, SINK, ANNA)
    page = b.get(CITY + "/veranstaltungen/melden")
    check(hidden_value(page.text, "submitter_email") == ANNA, "address prefilled")
    check(hidden_value(page.text, "submitter_name") == "", "no name yet")
    check("/konto/veranstaltungen" in page.text, "link to the own list")
    r = send(b, "Seniorennachmittag")
    check(r.status == 303, r.status)
    slug, status = slug_of(s, "Seniorennachmittag")
    rows = db_rows(s, "SELECT c.email FROM event e JOIN citizen c ON c.id = e.citizen_id "
                      "WHERE e.slug = '%s'" % slug)
    check(rows == [(ANNA,)], rows)
    page = b.get(CITY + "/veranstaltungen/melden")
    check(hidden_value(page.text, "submitter_name") == "Anna Bürger", "name of the last one")
    r = mine(b)
    check(r.status == 200 and "Seniorennachmittag" in r.text and "Wartet auf Prüfung" in r.text,
          (r.status, r.text[-800:]))
    check("no-store" in (r.header("Cache-Control") or ""), r.header("Cache-Control"))
    check(f"/veranstaltungen/{slug}\"" not in r.text, "a link to an unpublished page")
    check(s.get(f"{CITY}/veranstaltungen/{slug}").status == 404, "public before moderation")


def test_2_the_list_follows_moderation(s):
    b = logged_in(s, SINK, ANNA)
    slug, _ = slug_of(s, "Seniorennachmittag")
    publish(s, slug)
    r = mine(b)
    check("Veröffentlicht" in r.text and f'href="{CITY}/veranstaltungen/{slug}"' in r.text,
          r.text[-800:])
    check(send(b, "Flohmarkt im Hof").status == 303, "second")
    slug2, _ = slug_of(s, "Flohmarkt im Hof")
    r = admin(s).post(f"/verwaltung/veranstaltungen/{slug2}/ablehnen",
                      {"nachricht": "Bitte mit genauer Adresse erneut melden."})
    check(r.status == 303, r.status)
    r = mine(b)
    check("Nicht veröffentlicht" in r.text and "Bitte mit genauer Adresse erneut melden." in r.text,
          r.text[-800:])


def test_3_the_list_is_the_owners_only(s):
    b = logged_in(s, SINK, BERT)
    page = b.get(CITY + "/veranstaltungen/melden")
    check(hidden_value(page.text, "submitter_email") == BERT, "own address")
    check("Anna" not in page.text, "another citizen's name prefilled")
    (anna_id,), = db_rows(s, "SELECT id FROM citizen WHERE email = '%s'" % ANNA)
    for q in ("", f"?citizen_id={anna_id}", f"?konto={anna_id}"):
        r = b.get(CITY + "/konto/veranstaltungen" + q)
        check(r.status == 200 and "Seniorennachmittag" not in r.text and
              "Flohmarkt im Hof" not in r.text and "noch keine" in r.text, (q, r.status))
    r = s.get(CITY + "/konto/veranstaltungen")
    check(r.status == 303 and "/konto/anmelden" in r.header("Location"), r.status)
    r = s.get(CITY + "/konto/veranstaltungen", headers={"Cookie": "rh_konto_sid=" + "A" * 43})
    check(r.status == 303, ("forged session", r.status))
    # The same account on another tenant lists nothing of this one.
    r = logged_in(s, SINK, ANNA).get("/t/adendorf/konto/veranstaltungen")
    check(r.status == 200 and "Seniorennachmittag" not in r.text, r.status)


def test_3b_the_data_export_holds_the_own_submissions(s):
    doc, _ = export(logged_in(s, SINK, ANNA))
    titles = sorted(e["title"] for e in doc["events_submitted"])
    check("Seniorennachmittag" in titles and "Flohmarkt im Hof" in titles, titles)
    check(all(e["portal"] == "luenen" and e["submitter_email"] == ANNA
              for e in doc["events_submitted"]), doc["events_submitted"])
    doc, _ = export(logged_in(s, SINK, BERT))
    check(doc["events_submitted"] == [], doc["events_submitted"])


def test_4_an_anonymous_submission_belongs_to_nobody(s):
    page = s.get(CITY + "/veranstaltungen/melden")
    check(hidden_value(page.text, "submitter_email") == "", "prefilled for nobody")
    from test_events_submit import submit
    r = submit(s, "Anonymes Konzert")
    check(r.status == 303, r.status)
    rows = db_rows(s, "SELECT citizen_id IS NULL FROM event WHERE title = 'Anonymes Konzert'")
    check(rows[0][0] in ("1", "t"), rows)


if __name__ == "__main__":
    try:
        run_module(globals(), env={"RATHAUS_SMTP_URL": SINK.url,
                                   "RATHAUS_PUBLIC_URL": PUBLIC + "/",
                                   "RATHAUS_LOGIN_RATE": "1000",
                                   "RATHAUS_MAIL_FROM": "post@luenen.example"})
    finally:
        SINK.stop()
