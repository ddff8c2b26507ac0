# SPDX-License-Identifier: EUPL-1.2
"""Open311 GeoReport v2 POST requests.json/xml with API keys: keys issued by admins
(shown once, stored hashed) and revoked, the same checks as the report form (area by
postal code, text, place, contact), attributes validated against the service
definition, answers and Open311 error lists with 400/403/404, hostile input, another
tenant's keys and roles."""
import hashlib
import json
import re
import time
import xml.etree.ElementTree as ET

import test_appointments_staff as appt
from harness import Server, Suite, check, db_rows, run_cli
from test_files_settings import settings_form
from test_reports import confirm_link

CITY = "/t/luenen"
V2 = CITY + "/open311/v2"
KEYS = CITY + "/verwaltung/maengel/schluessel"
PASSWORD = "ein-langes-passwort-2026"
GOOD = {"service_code": "graffiti", "lat": "51.6166", "long": "7.5237",
        "description": "Schmiererei an der Stadthalle.", "attribute[anstoessig]": "nein"}


def issue(b, name, base=CITY):
    r = b.post(base + "/verwaltung/maengel/schluessel", {"name": name})
    check(r.status == 200 and r.header("Cache-Control") == "no-store", r.status)
    m = re.search(r'<code id="api-key">([A-Za-z0-9_-]{43})</code>', r.text)
    check(m, r.text[:500])
    return m.group(1)


def post(s, fields, fmt="json", base=CITY):
    return s.post_form(f"{base}/open311/v2/requests.{fmt}", fields)


def errors(r, status):
    check(r.status == status, (status, r.status, r.text[:300]))
    check(r.header("Content-Type") == "application/json", r.header("Content-Type"))
    v = json.loads(r.body)
    check(isinstance(v, list) and v[0]["code"] == status and v[0]["description"], v)
    return v[0]["description"]


def test_keys_are_shown_once_and_stored_hashed(s, b, key):
    page = b.get(KEYS)
    check(page.status == 200 and key not in page.text and "App eins" in page.text, page.status)
    h = hashlib.blake2b(key.encode(), digest_size=32).hexdigest()
    rows = db_rows(s, "SELECT key_hash FROM report_api_key WHERE name = 'App eins'")
    check(rows == [(h,)], (rows, h))
    check(db_rows(s, f"SELECT count(*) FROM report_api_key WHERE key_hash = '{key}'") == [("0",)],
          "the key itself is nowhere")


def test_the_demo_prints_a_working_key(s, b, key):
    check(s.demo_open311_key and len(s.demo_open311_key) == 43, "printed by rathaus demo")
    r = post(s, dict(GOOD, api_key=s.demo_open311_key))
    check(r.status == 201, (r.status, r.text))
    check("Demo-App" in b.get(CITY + "/verwaltung/maengel/schluessel").text, "listed for admins")


def test_post_without_email_answers_the_request_id_and_publishes(s, b, key):
    r = post(s, dict(GOOD, api_key=key))
    check(r.status == 201 and r.header("Content-Type") == "application/json", (r.status, r.text))
    v = json.loads(r.body)
    check(len(v) == 1 and v[0]["service_request_id"].isdigit() and "token" not in v[0], v)
    req = json.loads(s.get(f"{V2}/requests/{v[0]['service_request_id']}.json").body)[0]
    check(req["service_code"] == "graffiti" and abs(req["lat"] - 51.6166) < 1e-6, req)
    r = post(s, {"api_key": key, "service_code": "strassenschaden",
                 "address_string": "Lange Straße 1, 44532 Lünen", "attribute[lage]": "radweg",
                 "description": "Wurzelaufbruch im Radweg."}, fmt="xml")
    check(r.status == 201 and r.header("Content-Type") == "text/xml", (r.status, r.text))
    root = ET.fromstring(r.body)
    number = root.findtext("request/service_request_id")
    check(root.tag == "service_requests" and number and number.isdigit(), r.text)
    req = json.loads(s.get(f"{V2}/requests/{number}.json").body)[0]
    check(req["zipcode"] == "44532" and req["agency_responsible"] == "Bürgerbüro", req)
    r = post(s, {"api_key": key, "service_code": "wilder-muell", "lat": "51.61", "long": "7.52",
                 "description": "Sperrmüll und Reifen am Feldweg.",
                 "attribute[art]": "sperrmuell,reifen", "attribute[unbekannt]": "x"})
    check(r.status == 201, (r.status, r.text))
    # The answers are stored and shown to staff by the service definition's names.
    number = json.loads(r.body)[0]["service_request_id"]
    rows = db_rows(s, "SELECT answers FROM report r JOIN tenant t ON t.id = r.tenant_id "
                      f"WHERE t.slug = 'luenen' AND r.number = {number}")
    check(json.loads(rows[0][0]) == {"art": "sperrmuell,reifen"}, rows)
    page = b.get(f"{CITY}/verwaltung/maengel/{number}").text
    check("Zusatzangaben" in page and "Was liegt dort?" in page and "Altreifen" in page, "shown")
    check("Altreifen" not in s.get(f"{CITY}/maengel/{number}").text, "not public")


def test_post_with_email_answers_a_token_until_confirmed(s, b, key):
    r = post(s, dict(GOOD, api_key=key, email="app.nutzer@example.org", first_name="Ada",
                     last_name="App"))
    check(r.status == 201, (r.status, r.text))
    v = json.loads(r.body)[0]
    check("service_request_id" not in v and len(v["token"]) == 43, v)
    check(s.get(f"{V2}/tokens/{v['token']}.json").status == 404, "unpublished")
    check(s.get(confirm_link(s, "app.nutzer@example.org")).status == 200, "confirmed")
    t = json.loads(s.get(f"{V2}/tokens/{v['token']}.json").body)[0]
    check(t["service_request_id"].isdigit(), t)
    req = s.get(f"{V2}/requests/{t['service_request_id']}.json").text
    check("Ada" not in req and "app.nutzer" not in req, "no contact in Open311")
    name = db_rows(s, f"SELECT contact_name FROM report WHERE number = {t['service_request_id']} "
                      "AND contact_email = 'app.nutzer@example.org'")
    check(name == [("Ada App",)], name)


def test_wrong_requests_get_open311_errors(s, b, key):
    before = db_rows(s, "SELECT count(*) FROM report")
    check("api_key" in errors(post(s, GOOD), 403), "no key")
    errors(post(s, dict(GOOD, api_key="x" * 43)), 403)
    errors(post(s, dict(GOOD, api_key=key + "x")), 403)
    r = post(s, GOOD, fmt="xml")
    check(r.status == 403 and r.header("Content-Type") == "text/xml", r.status)
    check(ET.fromstring(r.body).findtext("error/code") == "403", r.text)
    check(errors(post(s, dict(GOOD, api_key=key, service_code="")), 400), "service_code")
    errors(post(s, dict(GOOD, api_key=key, service_code="gibt-es-nicht")), 404)
    errors(post(s, dict(GOOD, api_key=key), fmt="csv"), 404)
    cases = [({"attribute[anstoessig]": ""}, "required"),
             ({"attribute[anstoessig]": "vielleicht"}, "unknown value"),
             ({"description": "kurz"}, "description"),
             ({"description": "x" * 4001}, "description"),
             ({"lat": "91"}, "lat"), ({"lat": "51,6"}, "lat"), ({"long": "abc"}, "lat"),
             ({"lat": "", "long": ""}, "postal code"),
             ({"lat": "", "long": "", "address_string": "Am Sande 1, 21335 Lüneburg"}, "outside"),
             ({"lat": "", "long": "", "address_string": "Weg 1, 00000 Nirgends"}, "unknown"),
             ({"address_string": "y" * 300}, "too long"),
             ({"email": "kein-at"}, "email"), ({"first_name": "z" * 300}, "too long")]
    for extra, word in cases:
        d = errors(post(s, dict(GOOD, api_key=key, **extra)), 400)
        check(word in d, (extra, d))
    d = errors(post(s, {"api_key": key, "service_code": "wilder-muell", "lat": "51.61",
                        "long": "7.52", "description": "Sperrmüll am Feldweg.",
                        "attribute[art]": "sperrmuell,x"}), 400)
    check("unknown value" in d, d)
    check(db_rows(s, "SELECT count(*) FROM report") == before, "nothing stored")


def test_hostile_bodies_are_refused_without_a_crash(s, b, key):
    before = db_rows(s, "SELECT count(*) FROM report")
    r = s.request("POST", V2 + "/requests.json", body=json.dumps(dict(GOOD, api_key=key)),
                  headers={"Content-Type": "application/json"})
    check(r.status in (400, 403, 415), ("a JSON body", r.status))
    r = s.request("POST", V2 + "/requests.json", body=b"api_key=%ff%fe&service_code=\x00",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status in (400, 403), ("bad bytes", r.status))
    r = s.request("POST", V2 + "/requests.json", body="a=" + "x" * 40000,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 413, ("too big", r.status))
    r = post(s, dict(GOOD, api_key=key, **{"attribute[<x>]": "1", "attribute[]": "2",
                                           "description": "Text mit <script>alert(1)</script>."}))
    check(r.status == 201, (r.status, r.text))
    fields = "&".join(f"f{i}=1" for i in range(400))
    r = s.request("POST", V2 + "/requests.json", body=fields,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status in (400, 403, 413), ("many fields", r.status))
    check(int(db_rows(s, "SELECT count(*) FROM report")[0][0]) == int(before[0][0]) + 1,
          "only the valid one stored")


def test_revoked_keys_and_other_tenants_keys_are_refused(s, b, key):
    other_key = issue(b, "App zwei")
    check(post(s, dict(GOOD, api_key=other_key)).status == 201, "works")
    kid = db_rows(s, "SELECT id FROM report_api_key WHERE name = 'App zwei'")[0][0]
    # Adendorf's admin cannot revoke Lünen's key.
    other = appt.Browser(s, "/t/adendorf", "demo@rathaus.example", s.demo_password)
    fields = settings_form(other.get("/t/adendorf/verwaltung/einstellungen").text)
    fields["feature_defects"] = "1"
    check(other.post("/t/adendorf/verwaltung/einstellungen", fields).status == 303, "enabled")
    deadline = time.time() + 10  # the tenant cache keeps settings for a few seconds
    while other.get("/t/adendorf/verwaltung/maengel/schluessel").status == 404 and \
            time.time() < deadline:
        time.sleep(0.5)
    r = other.post(f"/t/adendorf/verwaltung/maengel/schluessel/{kid}/widerrufen", {})
    check(r.status == 404, ("another tenant's key", r.status))
    check(post(s, dict(GOOD, api_key=other_key)).status == 201, "still valid")
    adendorf_key = issue(other, "Adendorfer App", base="/t/adendorf")
    errors(post(s, dict(GOOD, api_key=adendorf_key)), 403)
    r = b.post(f"{KEYS}/{kid}/widerrufen", {})
    check(r.status == 303, r.status)
    errors(post(s, dict(GOOD, api_key=other_key)), 403)
    check("Widerrufen" in b.get(KEYS).text, "shown as revoked")
    check(b.post(f"{KEYS}/{kid}/widerrufen", {}).status == 404, "twice")
    check(b.post(f"{KEYS}/abc/widerrufen", {}).status == 404, "no id")
    check(b.post(KEYS, {"name": ""}).status == 422 and b.post(KEYS, {"name": "n" * 101}).status
          == 422, "names")


def test_only_admins_handle_keys(s, b, key):
    check(s.get(KEYS).status == 303, "anonymous")
    run_cli(["user", "add", "--email", "sb-schluessel@example.org", "--tenant", "luenen",
             "--name", "SB", "--role", "caseworker"], s.db, stdin=PASSWORD + "\n")
    w = appt.Browser(s, CITY, "sb-schluessel@example.org", PASSWORD)
    check(w.get(KEYS).status == 403 and w.post(KEYS, {"name": "x"}).status == 403, "caseworker")
    check("/schluessel" not in w.get(CITY + "/verwaltung/maengel").text, "no link")
    check("/schluessel" in b.get(CITY + "/verwaltung/maengel").text, "admin link")


TESTS = [test_keys_are_shown_once_and_stored_hashed, test_the_demo_prints_a_working_key,
         test_post_without_email_answers_the_request_id_and_publishes,
         test_post_with_email_answers_a_token_until_confirmed,
         test_wrong_requests_get_open311_errors,
         test_hostile_bodies_are_refused_without_a_crash,
         test_revoked_keys_and_other_tenants_keys_are_refused,
         test_only_admins_handle_keys]


if __name__ == "__main__":
    suite = Suite()
    server = appt.SERVER = Server(env={"RATHAUS_REPORT_LIMITS": "off"})
    try:
        staff = appt.Browser(server, CITY, "demo@rathaus.example", server.demo_password)
        first = issue(staff, "App eins")
        suite.run(TESTS, server, staff, first)
    finally:
        try:
            server.stop()
        except Exception as ex:  # a sanitizer report fails the run
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
    suite.finish()
