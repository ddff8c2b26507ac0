# SPDX-License-Identifier: EUPL-1.2
"""Defect reports on a portal network: the report form of Landkreis Lüneburg hands a
report to the member in charge of the place (Hansestadt Lüneburg, which takes reports)
by its postal code, or by a route of the network to a member's office; the member
stores it under its own number, with its photos, routes it, mails the confirmation
link of its own portal, and the citizen follows it there. A place whose member takes
no reports, or a category the member lacks, stays with the network."""
import re
import tempfile

from harness import check, cookies_of, db_rows, hidden, run_module
from test_reports import outbox
from test_reports_photos import GPS_JPEG, TEXT_PNG, kept_boxes
from test_reports_photos import submit as submit_photos

NET, CITY = "landkreis-lueneburg", "hansestadt-lueneburg"
FORM = f"/t/{NET}/maengel/melden"
BASE = {"kategorie": "gruen", "beschreibung": "Umgestürzter Baum auf dem Radweg.",
        "strasse": "Am Sande 1", "plz": "21335"}


def setup(s):
    """The demo lets both take reports with Lünen's categories; the member lacks one here."""
    check(s.get(FORM).status == 200, "the network takes reports")
    check(s.get(f"/t/{CITY}/maengel/melden").status == 200, "so does the member")
    check(db_rows(s, "SELECT count(*) FROM report_route r JOIN tenant t ON t.id = r.tenant_id "
                     f"WHERE t.slug = '{NET}'") == [("0",)], "the network has no route")
    db_rows(s, "DELETE FROM report_category WHERE code = 'spielplatz' AND tenant_id = "
               f"(SELECT id FROM tenant WHERE slug = '{CITY}')")


def report_of(s, r):
    """(tenant slug, number, office slug or '-') of the report a 303 leads to."""
    check(r.status == 303, (r.status, r.text[:600]))
    loc = r.header("Location")
    m = re.match(r"^/t/([a-z-]+)/maengel/verfolgen/([A-Za-z0-9_-]{43})$", loc)
    check(m, loc)
    check(s.get(loc).status == 200, ("tracking page", loc))
    (slug, number, office), = db_rows(
        s, "SELECT t.slug, r.number, COALESCE(o.slug, '-') FROM report r JOIN tenant t ON "
           "t.id = r.tenant_id LEFT JOIN office o ON o.id = r.office_id "
           "WHERE r.id = (SELECT max(id) FROM report)")
    check(slug == m.group(1), (slug, loc))
    return slug, int(number), office


def post(s, fields):
    page = s.get(FORM)
    return s.post_form(FORM, dict(fields, _csrf=hidden(page.text, "_csrf")),
                       cookies=cookies_of(page))


def test_1_a_place_of_a_member_goes_to_that_member(s, sink):
    setup(s)
    slug, number, office = report_of(s, post(s, BASE))
    check(slug == CITY and office == "buergerbuero", (slug, office))
    own = [r for r in s.get(f"/t/{CITY}/open311/v2/requests.json").text.split("},{")
           if f'"service_request_id":"{number}"' in r]
    check(own, "listed by the member's Open311")
    check("Umgestürzter" not in s.get(f"/t/{NET}/maengel").text, "not the network's")


def test_2_a_member_without_reports_or_the_category_leaves_it_with_the_network(s, sink):
    slug, _, _ = report_of(s, post(s, dict(BASE, plz="21357", strasse="Schulstraße 1")))
    check(slug == NET, ("Bardowick takes no reports", slug))
    slug, _, _ = report_of(s, post(s, dict(BASE, kategorie="spielplatz")))
    check(slug == NET, ("the member lacks the category", slug))
    slug, _, _ = report_of(s, post(s, {"kategorie": "gruen", "beschreibung": "Ast am Weg.",
                                       "breite": "53.25", "laenge": "10.41"}))
    check(slug == NET, ("coordinates alone name no member", slug))


def test_3_a_route_of_the_network_may_name_a_members_office(s, sink):
    db_rows(s, "INSERT INTO report_route (tenant_id, category_id, postal_code, office_id) "
               "SELECT n.id, c.id, '21357', o.id FROM tenant n JOIN report_category c ON "
               "c.tenant_id = n.id AND c.code = 'graffiti' JOIN tenant m ON m.slug = "
               f"'{CITY}' JOIN office o ON o.tenant_id = m.id AND o.slug = 'bauaufsicht' "
               f"WHERE n.slug = '{NET}'")
    slug, _, office = report_of(s, post(s, dict(BASE, kategorie="graffiti", plz="21357",
                                                **{"frage.graffiti.anstoessig": "nein"})))
    check((slug, office) == (CITY, "bauaufsicht"), (slug, office))
    # The member's own routes apply to what it takes by postal code.
    db_rows(s, "INSERT INTO report_route (tenant_id, category_id, postal_code, office_id) "
               "SELECT m.id, NULL, '21339', o.id FROM tenant m JOIN office o ON o.tenant_id = "
               f"m.id AND o.slug = 'standesamt' WHERE m.slug = '{CITY}'")
    slug, _, office = report_of(s, post(s, dict(BASE, plz="21339")))
    check((slug, office) == (CITY, "standesamt"), (slug, office))


def test_4_photos_and_the_confirmation_link_belong_to_the_member(s, sink):
    page = s.get(FORM)
    form = (cookies_of(page), hidden(page.text, "_csrf"))
    r = submit_photos(s, dict(BASE, beschreibung="kurz"), [("a.png", TEXT_PNG)], form, FORM)
    check(r.status == 422, r.status)
    (kept, _), = kept_boxes(r.text)
    fields = list(dict(BASE, email="nora.netz@example.org", name="Nora",
                       einwilligung="1").items()) + [("fotos_behalten[]", kept)]
    slug, number, _ = report_of(s, submit_photos(s, fields, [("b.jpg", GPS_JPEG)], form, FORM))
    check(slug == CITY, slug)
    rows = db_rows(s, "SELECT t.slug, f.expires_at FROM report_photo p JOIN report r ON "
                      "r.id = p.report_id JOIN file f ON f.id = p.file_id JOIN tenant t ON "
                      f"t.id = f.tenant_id WHERE r.number = {number} AND r.tenant_id = "
                      f"(SELECT id FROM tenant WHERE slug = '{CITY}') ORDER BY p.position")
    check(rows == [(CITY, "0"), (CITY, "0")], rows)
    old = db_rows(s, f"SELECT expires_at FROM file WHERE id = '{kept}'")
    check(old == [] or int(old[0][0]) > 0, ("the network's copy expires", old))
    mail = outbox(s, "nora.netz@example.org")[-1][1]
    check(f"/t/{CITY}/maengel/bestaetigen/" in mail, mail)


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_REPORT_LIMITS": "off", "RATHAUS_PAGE_CACHE_TTL": "0",
                               "RATHAUS_PUBLIC_URL": "https://portal.example.de/",
                               "RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-net-")},
               mail=True)
