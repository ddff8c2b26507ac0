# SPDX-License-Identifier: EUPL-1.2
"""Offices: the directory, office pages with hours and schema.org
GovernmentOffice data, the responsible office on service pages, changed days,
tenant scoping, escaping of hostile names, and the holiday import."""
import datetime
import json
import os
import re
import subprocess
import zoneinfo

from harness import SHARE, check, db_rows, run_cli, run_module

CITY = "/t/luenen"
DISTRICT = "/t/landkreis-lueneburg"
PERSO = "99008001012000"      # Personalausweis beantragen: Bürgerbüro
BIRTH = "99027002012000"      # Geburtsurkunde Ausstellung: Standesamt
KFZ = "99036008007000"        # Fahrzeug zulassen: Zulassungsstelle of the district
EVIL = '<script>alert("x")</script>'


def service_page(s, tenant, key):
    r = s.get(f"{tenant}/leistungen/{key}")
    check(r.status == 301, (key, r.status))
    page = s.get(r.header("Location"))
    check(page.status == 200, page.status)
    return page.text


def responsible(html):
    m = re.search(r'id="responsible".*?</section>', html, re.S)
    check(m, "no Zuständigkeit section")
    return m.group(0)


def test_directory_lists_the_tenants_offices_with_contacts(s):
    r = s.get(DISTRICT + "/stellen")
    check(r.status == 200, r.status)
    for part in ("Dienststellen und Kontakte", "Zulassungsstelle", "Kreishaus",
                 'href="tel:04131260"', "Auf dem Michaeliskloster 4",
                 f'href="{DISTRICT}/stellen/zulassungsstelle"'):
        check(part in r.text, part)
    check("Bürgerbüro" not in r.text, "no municipal office at the district")
    r = s.get(CITY + "/stellen?lang=en")
    check("Offices and contacts" in r.text and "Standesamt" in r.text, "English directory")
    # Each office says whether it is open now, as its own page does.
    r = s.get(CITY + "/stellen")
    entry = re.search(r'id="office-buergerbuero".*?</section>', r.text, re.S).group(0)
    check("Jetzt geöffnet" in entry or "Geschlossen – öffnet wieder" in entry, entry)
    entry = re.search(r'id="office-standesamt".*?</section>', r.text, re.S).group(0)
    check("Nur mit Termin" in entry and entry.count("Nur mit Termin") == 1, entry)


def test_office_page_has_hours_table_status_and_government_office(s):
    r = s.get(CITY + "/stellen/buergerbuero")
    check(r.status == 200, r.status)
    for part in ("<caption", '<th scope="row">Dienstag</th><td>08:00–12:30, 14:00–16:00</td>',
                 '<th scope="col">', "Willy-Brandt-Platz 1", "44532 Lünen",
                 "An gesetzlichen Feiertagen geschlossen", "Barrierefreiheit"):
        check(part in r.text, part)
    check("Jetzt geöffnet" in r.text or "Geschlossen – öffnet wieder" in r.text, "status")
    doc = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                               r.text, re.S).group(1))
    check(doc["@type"] == "GovernmentOffice" and doc["name"] == "Bürgerbüro", doc)
    check(doc["address"]["postalCode"] == "44532", doc["address"])
    r = s.get(CITY + "/stellen/standesamt")
    check("Nur mit Termin" in r.text and "Terminzeiten" in r.text, "appointment only")


def test_office_schema_org_data_is_valid(s):
    tool = os.path.join(SHARE, "tests", "tools", "schemaorg_check.mjs")
    r = subprocess.run(["node", tool, f"http://127.0.0.1:{s.port}{CITY}/stellen/buergerbuero",
                        f"http://127.0.0.1:{s.port}{DISTRICT}/stellen/zulassungsstelle"],
                       capture_output=True, text=True)
    print(r.stdout[-2000:])
    check(r.returncode == 0, r.stdout[-1500:])


def test_service_page_shows_the_responsible_office(s):
    part = responsible(service_page(s, CITY, PERSO))
    check(f'href="{CITY}/stellen/buergerbuero"' in part and "Bürgerbüro" in part, part)
    check("<caption" in part and "Montag" in part, "weekly hours")
    check("Jetzt geöffnet" in part or "Geschlossen" in part, "status line")
    part = responsible(service_page(s, CITY, BIRTH))
    check("Standesamt" in part and "Nur mit Termin" in part, part)


def test_kreis_service_at_the_district_shows_the_zulassungsstelle(s):
    part = responsible(service_page(s, DISTRICT, KFZ))
    check("Straßenverkehrsamt – Zulassungsstelle" in part, part)
    check(f'href="{DISTRICT}/stellen/zulassungsstelle"' in part, part)


def test_another_tenants_office_is_not_found(s):
    check(s.get(CITY + "/stellen/zulassungsstelle").status == 404, "district office at city")
    check(s.get(DISTRICT + "/stellen/buergerbuero").status == 404, "city office at district")
    check(s.get(CITY + "/stellen/gibt-es-nicht").status == 404, "unknown office")
    check(s.get(CITY + "/stellen/B%C3%BCro").status == 404, "not a slug")


def test_changed_day_in_the_next_two_weeks_is_listed(s):
    day = (datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Berlin")).date()
           + datetime.timedelta(days=2))
    db_rows(s, "INSERT INTO office_exception (office_id, date, closed, note) "
           "SELECT id, '%s', 1, 'Betriebsausflug' FROM office WHERE slug = 'kreishaus'"
           % day.isoformat())
    r = s.get(DISTRICT + "/stellen/kreishaus")
    check("Abweichende Öffnungszeiten" in r.text and "Betriebsausflug" in r.text, "exception")
    check(day.strftime("%d.%m.%Y") in r.text, "its date")


def test_hostile_office_names_are_escaped(s):
    db_rows(s, "UPDATE office SET name = '%s', phone = 'javascript:alert(1)' WHERE slug = "
           "'buergerbuero' AND tenant_id = (SELECT id FROM tenant WHERE slug = 'luenen')"
           % EVIL.replace("'", "''"))
    pages = [s.get(CITY + "/stellen").text, s.get(CITY + "/stellen/buergerbuero").text,
             service_page(s, CITY, PERSO)]
    for body in pages:
        check(EVIL not in body, "raw script")
        check("&lt;script&gt;" in body or "\\u003cscript\\u003e" in body, "escaped name")
        check('href="javascript' not in body.lower(), "javascript link")
    check("\\u003cscript\\u003e" in pages[1], "name escaped inside JSON-LD")


def test_holiday_import_is_idempotent(s):
    path = os.path.join(SHARE, "data", "feiertage", "feiertage_de_laender.csv")
    out = run_cli(["import", "holidays", path], s.db).stdout
    check("0 new or changed" in out, out)
    bad = run_cli(["import", "holidays", os.path.join(SHARE, "data", "leika", "kreis_groups.csv")],
                  s.db, check=False)
    check(bad.returncode == 1 and "no column" in bad.stderr, bad.stderr)
    out = run_cli(["demo"], s.db).stdout
    check("offices: 34 read, 0 new or changed" in out, out)


if __name__ == "__main__":
    run_module(globals(), last=test_hostile_office_names_are_escaped)
