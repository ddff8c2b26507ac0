# SPDX-License-Identifier: EUPL-1.2
"""The event calendar over HTTP: the default list of the next 30 days, day,
week and month views, filters, strict query parameters (400), event pages
with schema.org Event, iCalendar per event and per filtered list
(ical_check.mjs), the Atom feed (feed_check.py), editing through the
editorial workflow, and isolation: drafts and other tenants' events stay
invisible, also by forged slugs."""
import datetime
import os
import re
import subprocess
import sys

from harness import SHARE, check, db_rows, run_module
from test_editor import admin, form_fields

CITY = "/t/luenen"
DISTRICT = "/t/landkreis-lueneburg"
TOOLS = os.path.join(SHARE, "tests", "tools")


def slugs(html):
    return set(re.findall(r'href="/t/luenen/veranstaltungen/([a-z0-9-]+)"', html))


def tool(s, args):
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, r.stdout[-2000:] + r.stderr[-1000:])


def test_default_list_links_twenty_events_of_the_next_thirty_days(s):
    r = s.get(CITY + "/veranstaltungen")
    check(r.status == 200, r.status)
    found = slugs(r.text)
    check(len(found) >= 20, sorted(found))
    today = datetime.date.today()
    for d in (today + datetime.timedelta(days=1), today + datetime.timedelta(days=29)):
        check(f'id="tag-{d.isoformat()}"' in r.text or "Bürgerhaus" in r.text, d)
    check('rel="alternate" type="application/atom+xml"' in r.text, "feed advertised")
    for slug in sorted(found)[:5]:
        p = s.get(f"{CITY}/veranstaltungen/{slug}")
        check(p.status == 200 and f"/veranstaltungen/{slug}.ics" in p.text, (slug, p.status))


def test_day_week_and_month_views_show_their_period(s):
    nxt = datetime.date.today().replace(day=1) + datetime.timedelta(days=32)
    month = nxt.strftime("%Y-%m")
    r = s.get(f"{CITY}/veranstaltungen?ansicht=monat&datum={month}")
    check(r.status == 200, r.status)
    days = re.findall(r'id="tag-(\d{4}-\d{2}-\d{2})"', r.text)
    check(days and all(d.startswith(month) for d in days), days)
    check("Wochenmarkt Lünen-Mitte" in r.text, "the weekly market recurs next month")
    r = s.get(f"{CITY}/veranstaltungen?ansicht=woche&datum={month}-10")
    days = re.findall(r'id="tag-(\d{4}-\d{2}-\d{2})"', r.text)
    check(r.status == 200 and 0 < len(days) <= 7, days)
    r = s.get(f"{CITY}/veranstaltungen?ansicht=tag&datum={days[0]}")
    check(r.status == 200 and re.findall(r'id="tag-([\d-]+)"', r.text) == [days[0]], r.text[-500:])
    check('aria-current="page"><strong>Tag' in r.text, "the day view is marked current")


def test_filters_narrow_the_list(s):
    base = f"{CITY}/veranstaltungen?ansicht=liste"
    politics = s.get(base + "&kategorie=politik").text
    check("Ausschuss" in politics and "Wochenmarkt" not in politics, "category")
    free = s.get(base + "&kostenlos=1").text
    check("Wochenmarkt" in free and "12,00" not in free and "Jazz im Foyer" not in free, "free")
    acc = s.get(base + "&barrierefrei=1").text
    check("Offener Lauftreff" not in acc and "Wochenmarkt" in acc, "accessible")
    start = datetime.date.today() + datetime.timedelta(days=9)
    r = s.get(f"{base}&von={start}&bis={start}")
    days = re.findall(r'id="tag-([\d-]+)"', r.text)
    check(r.status == 200 and days == [start.isoformat()], days)
    check('value="%s"' % start.isoformat() in r.text, "the range stays in the form")


def test_bad_parameters_are_a_clear_400(s):
    for q in ("ansicht=jahr", "datum=2026-02-30", "kategorie=%3Cscript%3E", "format=pdf",
              "kostenlos=ja", "von=2026-12-10&bis=2026-12-01", "von=2026-01-01&bis=2027-12-31",
              "ansicht=monat&datum=2026-13"):
        r = s.get(f"{CITY}/veranstaltungen?{q}")
        check(r.status == 400 and "Kalenderansicht" in r.text, (q, r.status))
    for p in ("Wochenmarkt", "a_b", "x" * 100, "..", "wochenmarkt-luenen-mitte.ICS",
              "gibt-es-nicht", "gibt-es-nicht.ics", ".ics"):
        r = s.get(f"{CITY}/veranstaltungen/{p}")
        check(r.status == 404, (p, r.status))


def test_icalendar_per_event_and_per_filtered_list_is_valid(s):
    base = f"http://127.0.0.1:{s.port}{CITY}/veranstaltungen"
    one = s.get(CITY + "/veranstaltungen/wochenmarkt-luenen-mitte.ics")
    check(one.status == 200 and one.header("Content-Type").startswith("text/calendar"),
          one.status)
    check(b"RRULE:FREQ=WEEKLY;BYDAY=TU,FR,SA" in one.body and b"TZID:Europe/Berlin" in one.body,
          one.text)
    lst = s.get(CITY + "/veranstaltungen?ansicht=monat&kategorie=politik&format=ics")
    check(lst.status == 200 and lst.body.count(b"BEGIN:VEVENT") >= 1, lst.text[:300])
    check(b"Wochenmarkt" not in lst.body, "the list file follows the filter")
    tool(s, ["node", os.path.join(TOOLS, "ical_check.mjs"), base + "/wochenmarkt-luenen-mitte.ics",
             base + "/bauernmarkt-am-rathaus.ics", base + "/buergersprechstunde-des-buergermeisters.ics",
             base + "?ansicht=monat&format=ics", base + "?kostenlos=1&format=ics"])


def test_event_page_has_schema_org_event_and_the_feed_is_valid_atom(s):
    base = f"http://127.0.0.1:{s.port}{CITY}/veranstaltungen"
    tool(s, ["node", os.path.join(TOOLS, "schemaorg_check.mjs"), base + "/wochenmarkt-luenen-mitte",
             base + "/buergersprechstunde-des-buergermeisters", base + "/sitzung-des-rates-der-stadt"])
    feed = s.get(CITY + "/veranstaltungen?format=atom")
    check(feed.status == 200 and feed.header("Content-Type").startswith("application/atom+xml"),
          feed.status)
    tool(s, [sys.executable, os.path.join(TOOLS, "feed_check.py"), base + "?format=atom"])


def test_drafts_and_other_tenants_events_are_invisible_also_by_forged_slugs(s):
    adm = admin(s)
    r = adm.post("/verwaltung/veranstaltungen", {"title": "Geheime Probe des Stadtrats"})
    check(r.status == 303, r.status)
    slug = r.header("Location").rsplit("/", 1)[1]
    check(slug == "geheime-probe-des-stadtrats", slug)
    # A draft row with dates and occurrences forged into the database stays private too.
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    db_rows(s, "UPDATE event SET starts_local = '%sT10:00', ends_local = '%sT11:00', "
               "location_name = 'Keller' WHERE slug = '%s'" % (tomorrow, tomorrow, slug))
    db_rows(s, "INSERT INTO event_occurrence (event_id, tenant_id, starts_at, ends_at, start_day, "
               "end_day) SELECT id, tenant_id, 1, 2, 0, 0 FROM event WHERE slug = '%s'" % slug)
    for path in (f"/veranstaltungen/{slug}", f"/veranstaltungen/{slug}.ics"):
        check(s.get(CITY + path).status == 404, path)
    for q in ("", "?format=ics", "?format=atom", "?von=1970-01-01"):
        r = s.get(CITY + "/veranstaltungen" + q)
        check("Geheime Probe" not in r.text, q)
    # Lünen's published events do not exist in another tenant.
    for path in ("/veranstaltungen/wochenmarkt-luenen-mitte",
                 "/veranstaltungen/wochenmarkt-luenen-mitte.ics"):
        check(s.get(DISTRICT + path).status == 404, path)
    r = s.get(DISTRICT + "/veranstaltungen")
    check(r.status == 200 and "Wochenmarkt" not in r.text, "another tenant's list")
    check(b"Wochenmarkt" not in s.get(DISTRICT + "/veranstaltungen?format=ics").body, "ics")


def test_staff_publish_an_event_through_the_workflow(s):
    adm = admin(s)
    r = adm.post("/verwaltung/veranstaltungen", {"title": "Lesung <b>im</b> Rathaus"})
    check(r.status == 303, r.status)
    slug = r.header("Location").rsplit("/", 1)[1]
    path = f"/verwaltung/veranstaltungen/{slug}"
    page = adm.get(path)
    check(page.status == 200 and 'name="rrule"' in page.text, page.status)
    f = {k: v for k, v in form_fields(page.text).items()
         if k not in ("all_day", "is_free", "accessible", "kommentar", "publish_at")}
    day = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    f.update(title="Lesung <b>im</b> Rathaus", start_date=day, start_time="19:00",
             end_date=day, end_time="21:00", office="buergerbuero", category="kultur",
             description="Mit **Autorin**. <script>alert(1)</script>", rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=3",
             is_free="1", summary="Eine Lesung.")
    for bad, says in ((dict(f, rrule="FREQ=DAILY"), "Wiederholungsregel"),
                      (dict(f, end_time="18:00"), "nach dem Beginn"),
                      (dict(f, office="gibt-es-nicht"), "Dienststelle gibt es nicht"),
                      (dict(f, image_file="A" * 22), "kein öffentliches Bild")):
        r = adm.post(path, dict(bad, aktion="speichern"))
        check(r.status == 422 and says in r.text, (says, r.status))
    check(s.get(f"{CITY}/veranstaltungen/{slug}").status == 404, "nothing public before")
    r = adm.post(path, dict(f, aktion="speichern"))
    check(r.status == 303, (r.status, r.text[-2000:]))
    check(s.get(f"{CITY}/veranstaltungen/{slug}").status == 404, "a draft stays private")
    r = adm.post(path, dict(f, aktion="veroeffentlichen"))
    check(r.status == 303, (r.status, r.text[-2000:]))
    pub = s.get(f"{CITY}/veranstaltungen/{slug}")
    check(pub.status == 200, pub.status)
    check("Lesung &lt;b&gt;im&lt;/b&gt; Rathaus" in pub.text and "<script>alert" not in pub.text,
          "escaped")
    check("<strong>Autorin</strong>" in pub.text and "Bürgerbüro" in pub.text, "markdown, office")
    check(pub.text.count("19:00–21:00") == 3, "three Mondays")
    ics = s.get(f"{CITY}/veranstaltungen/{slug}.ics")
    check(b"COUNT=3" in ics.body and b"DTSTART;TZID=Europe/Berlin" in ics.body, ics.text)


if __name__ == "__main__":
    run_module(globals())
