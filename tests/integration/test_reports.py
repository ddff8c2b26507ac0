# SPDX-License-Identifier: EUPL-1.2
"""Defect reports: Open311 GeoReport v2 in JSON and XML, its filters and errors, the
open311-validator, the public list, report pages and Atom feed, and that no personal
data leaves through any of them."""
import datetime
import email
import email.policy
import hashlib
import json
import os
import re
import socket
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

from harness import SHARE, check, cookies_of, db_rows, hidden, run_module

TOOLS = os.path.join(SHARE, "tests", "tools")
B = "/t/luenen"
V2 = B + "/open311/v2"
PERSONAL_KEYS = ("email", "first_name", "last_name", "phone")
# Contact details and unapproved texts of the demo reports: never public.
PRIVATE = ("example.org", "Mustermann", "Yılmaz", "Herr Becker", "0231 123456",
           "Matratze und Teppich", "Scherben im Sandkasten")


def free_port():
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


PORT = free_port()
# A public_url with a trailing slash: the Open311 endpoints must not keep it.
# The tests report far more than the hourly limit per IP allows (test_reports_limits.py).
ENV = {"RATHAUS_LISTEN": f"127.0.0.1:{PORT}", "RATHAUS_PUBLIC_URL": f"http://127.0.0.1:{PORT}/",
       "RATHAUS_REPORT_LIMITS": "off"}


def get_json(s, path, status=200):
    r = s.get(path)
    check(r.status == status, (path, r.status, r.text[:300]))
    check(r.header("Content-Type") == "application/json", (path, r.header("Content-Type")))
    return json.loads(r.body)


def get_xml(s, path, status=200):
    r = s.get(path)
    check(r.status == status, (path, r.status, r.text[:300]))
    check(r.header("Content-Type") == "text/xml", (path, r.header("Content-Type")))
    return ET.fromstring(r.body)


def no_private_text(text, where):
    for word in PRIVATE:
        check(word not in text, (where, word))


def test_discovery_json_names_two_v2_endpoints_under_public_url(s):
    d = get_json(s, B + "/open311/discovery.json")
    check(d["contact"].startswith("Stadt Lünen") and d["key_service"], d)
    changeset = datetime.datetime.fromisoformat(d["changeset"].replace("Z", "+00:00"))
    check(changeset < datetime.datetime.now(datetime.timezone.utc), d["changeset"])
    types = sorted(e["type"] for e in d["endpoints"])
    check(types == ["production", "test"], types)
    for e in d["endpoints"]:
        check(e["specification"] == "http://wiki.open311.org/GeoReport_v2", e)
        check(e["url"] == f"http://127.0.0.1:{PORT}{V2}", e["url"])
        check({"text/xml", "application/json"} <= set(e["formats"]), e)


def test_discovery_xml_matches_json(s):
    root = get_xml(s, B + "/open311/discovery.xml")
    check(root.tag == "discovery", root.tag)
    eps = root.findall("endpoints/endpoint")
    check(len(eps) == 2, len(eps))
    for e in eps:
        check(e.findtext("url") == f"http://127.0.0.1:{PORT}{V2}", e.findtext("url"))
        check([f.text for f in e.findall("formats/format")] == ["text/xml", "application/json"],
              "formats")
    check(root.findtext("contact") == get_json(s, B + "/open311/discovery.json")["contact"],
          "contact")


def test_validator_reports_nothing_failed(s):
    p = subprocess.run([os.path.join(TOOLS, "open311_check.sh"),
                        f"http://127.0.0.1:{PORT}{B}/open311/discovery"],
                       capture_output=True, text=True, timeout=300)
    print(p.stdout[-3000:], p.stderr[-2000:])
    last = (p.stdout.strip().splitlines() or [""])[-1]
    check(p.returncode == 0 and ", 0 failed" in last, last)


def test_services_list_eight_categories_in_both_formats(s):
    v = get_json(s, V2 + "/services.json")
    check(len(v) == 8, len(v))
    codes = [x["service_code"] for x in v]
    check("strassenbeleuchtung" in codes and "wilder-muell" in codes, codes)
    x = get_xml(s, V2 + "/services.xml")
    check([e.findtext("service_code") for e in x.findall("service")] == codes, "xml codes")
    check(all(e.findtext("metadata") in ("true", "false") for e in x.findall("service")), "meta")


def test_service_definition_has_attributes_with_values(s):
    d = get_json(s, V2 + "/services/strassenbeleuchtung.json")
    check(d["service_code"] == "strassenbeleuchtung", d)
    attrs = {a["code"]: a for a in d["attributes"]}
    check(attrs["fehler"]["datatype"] == "singlevaluelist" and attrs["fehler"]["required"], attrs)
    check([v["key"] for v in attrs["fehler"]["values"]] == ["aus", "flackert", "tag"], attrs)
    x = get_xml(s, V2 + "/services/strassenbeleuchtung.xml")
    check(x.tag == "service_definition", x.tag)
    keys = [v.findtext("key") for v in x.findall("attributes/attribute/values/value")]
    check(keys == ["aus", "flackert", "tag"], keys)
    e = get_json(s, V2 + "/services/gibt-es-nicht.json", 404)
    check(e[0]["code"] == 404, e)


def test_requests_without_filters_list_demo_reports_without_personal_data(s):
    r = s.get(V2 + "/requests.json")
    v = json.loads(r.body)
    check(len(v) >= 10, len(v))
    for x in v:
        for k in PERSONAL_KEYS:
            check(k not in x, (k, x))
        check(x["service_request_id"] and x["status"] in ("open", "closed"), x)
        check(x["address"].endswith("Lünen") and 51.5 < x["lat"] < 51.7, x)
    no_private_text(r.text, "requests.json")
    statuses = {x["status"] for x in v}
    check(statuses == {"open", "closed"}, statuses)


def test_requests_xml_lists_the_same_reports(s):
    j = get_json(s, V2 + "/requests.json")
    x = get_xml(s, V2 + "/requests.xml")
    check(x.tag == "service_requests", x.tag)
    ids = [e.findtext("service_request_id") for e in x.findall("request")]
    check(ids == [r["service_request_id"] for r in j], (ids[:3], len(ids)))
    for e in x.findall("request"):
        for k in PERSONAL_KEYS:
            check(e.find(k) is None, k)


def test_requests_filter_by_status_and_service_code(s):
    all_ = get_json(s, V2 + "/requests.json")
    open_ = get_json(s, V2 + "/requests.json?status=open")
    closed = get_json(s, V2 + "/requests.json?status=closed")
    check(open_ and closed and len(open_) + len(closed) == len(all_), (len(open_), len(closed)))
    check(all(r["status"] == "open" for r in open_), "open")
    check(all(r["status"] == "closed" for r in closed), "closed")
    both = get_json(s, V2 + "/requests.json?status=open,closed")
    check(len(both) == len(all_), len(both))
    g = get_json(s, V2 + "/requests.json?service_code=graffiti")
    check(g and all(r["service_code"] == "graffiti" for r in g), g)
    gx = get_xml(s, V2 + "/requests.xml?service_code=graffiti&status=open")
    check(all(e.findtext("status") == "open" for e in gx.findall("request")), "xml status")


def test_requests_filter_by_date_range(s):
    now = datetime.datetime.now(datetime.timezone.utc)
    start = (now - datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    q = urllib.parse.urlencode({"start_date": start, "end_date": end})
    v = get_json(s, V2 + "/requests.json?" + q)
    check(0 < len(v) < len(get_json(s, V2 + "/requests.json")), len(v))
    for r in v:
        check(start <= r["requested_datetime"] <= end, r["requested_datetime"])
    old = get_json(s, V2 + "/requests.json?end_date=2020-01-01T00:00:00%2B01:00")
    check(old == [], old)


def test_requests_by_id_and_single_request(s):
    v = get_json(s, V2 + "/requests.json?service_request_id=1,2")
    check(sorted(r["service_request_id"] for r in v) == ["1", "2"], v)
    one = get_json(s, V2 + "/requests/3.json")
    check(len(one) == 1 and one[0]["service_request_id"] == "3", one)
    x = get_xml(s, V2 + "/requests/3.xml")
    check(x.findtext("request/service_request_id") == "3", "xml one")
    for path in ("/requests/999999.json", "/requests/abc.json", "/requests/0.json"):
        e = get_json(s, V2 + path, 404)
        check(e[0]["code"] == 404, e)
    x = get_xml(s, V2 + "/requests/999999.xml", 404)
    check(x.tag == "errors" and x.findtext("error/code") == "404", x.tag)
    r = s.get(V2 + "/requests/1.txt")
    check(r.status == 404, r.status)


def test_tokens_answer_the_request_id(s):
    token = "tok-" + hashlib.sha256(b"reports").hexdigest()[:20]
    h = hashlib.blake2b(token.encode(), digest_size=32).hexdigest()
    db_rows(s, f"UPDATE report SET token_hash = '{h}' WHERE number = 5")
    v = get_json(s, f"{V2}/tokens/{token}.json")
    check(v == [{"service_request_id": "5", "token": token}], v)
    x = get_xml(s, f"{V2}/tokens/{token}.xml")
    check(x.findtext("request/service_request_id") == "5", "xml token")
    e = get_json(s, V2 + "/tokens/unbekannt.json", 404)
    check(e[0]["code"] == 404, e)


def test_bad_filters_are_open311_errors_with_400(s):
    for q in ("status=<script>", "status=offen", "start_date=2026-13-45",
              "start_date=2026-11-01T25:00Z", "end_date=yesterday",
              "start_date=2026-01-01&end_date=2026-06-01",
              "start_date=2026-06-01&end_date=2026-05-01", "service_request_id=1,abc",
              "service_request_id=" + ",".join(["1"] * 60),
              "service_code=" + urllib.parse.quote("' OR 1=1 --"),
              "service_code=" + "a" * 5000):
        e = get_json(s, V2 + "/requests.json?" + q, 400)
        check(e[0]["code"] == 400 and e[0]["description"], (q, e))
        x = get_xml(s, V2 + "/requests.xml?" + q, 400)
        check(x.tag == "errors" and x.findtext("error/code") == "400", q)
    for q in ("status=%00", "start_date=%ff", "service_code=%E2%80"):
        r = s.get(V2 + "/requests.json?" + q)
        check(r.status == 400, (q, r.status))
    check(s.get(V2 + "/requests.json").status == 200, "alive")


def test_unknown_format_jurisdiction_and_other_tenant_are_404(s):
    for path in (B + "/open311/discovery.html", B + "/open311/dings.json",
                 V2 + "/services.csv", V2 + "/dings.json",
                 V2 + "/requests.json?jurisdiction_id=dortmund",
                 "/t/detmold/open311/discovery.json",
                 "/t/detmold/open311/v2/requests.json"):
        r = s.get(path)
        check(r.status == 404, (path, r.status))
    get_json(s, V2 + "/requests.json?jurisdiction_id=luenen")
    for path in ("/t/detmold/maengel", "/t/detmold/maengel/1"):
        check(s.get(path).status == 404, path)


def test_hostile_text_stays_well_formed(s):
    ctl = "char(1)" if s.db.startswith("sqlite:") else "chr(1)"
    db_rows(s, "UPDATE report SET public_text = 'A <b>&amp; \"x\" ''y'' ]]> ' || "
               f"{ctl} || ' z' WHERE number = 4")
    j = get_json(s, V2 + "/requests/4.json")
    check(j[0]["description"] == "A <b>&amp; \"x\" 'y' ]]> \x01 z", j[0]["description"])
    x = get_xml(s, V2 + "/requests/4.xml")
    check(x.findtext("request/description") == "A <b>&amp; \"x\" 'y' ]]>  z",
          x.findtext("request/description"))
    r = s.get(B + "/maengel/4")
    check(r.status == 200 and "&lt;b&gt;&amp;amp;" in r.text, r.text[:200])
    r = s.get(B + "/maengel.atom")
    ET.fromstring(r.body)
    deep = "[" * 20 + "1" + "]" * 20
    db_rows(s, "UPDATE report_category SET attributes = '[{\"code\": \"a&b\", "
               f"\"bad key<\": 1, \"values\": {deep}}}]' WHERE code = 'gruen'")
    x = get_xml(s, V2 + "/services/gruen.xml")
    check(x.findtext("attributes/attribute/code") == "a&b", ET.tostring(x)[:300])
    check(get_json(s, V2 + "/services/gruen.json")["attributes"][0]["bad key<"] == 1, "json")


def test_public_list_filters_and_hides_personal_data(s):
    r = s.get(B + "/maengel")
    check(r.status == 200 and "Gefundene Meldungen: 30" in r.text, r.status)
    check(r.text.count('class="report-entry"') == 20, r.text.count('class="report-entry"'))
    no_private_text(r.text, "list")
    r2 = s.get(B + "/maengel?seite=2")
    check(r2.text.count('class="report-entry"') == 10, "page 2")
    no_private_text(r2.text, "list page 2")
    r = s.get(B + "/maengel?kategorie=graffiti&status=received")
    check(r.status == 200 and "Meldung 30: Graffiti" in r.text, r.text[:200])
    check("Spielplätze</a>" not in r.text and "Gefundene Meldungen: 1" in r.text, "filtered")
    r = s.get(B + "/maengel?kategorie=%3Cscript%3E&status=x&seite=-3")
    check(r.status == 200 and "<script>" not in r.text and "role=\"alert\"" in r.text, r.status)


def test_report_page_shows_history_without_contact(s):
    r = s.get(B + "/maengel/2")
    check(r.status == 200 and "Kurt-Schumacher-Straße 12" in r.text, r.status)
    check("Eingegangen" in r.text and "Erledigt" in r.text and "behoben" in r.text, "history")
    no_private_text(r.text, "report 2")
    r = s.get(B + "/maengel/26")
    check(r.status == 200 and "wird noch geprüft" in r.text, "unapproved")
    no_private_text(r.text, "report 26")
    for path in ("/maengel/999", "/maengel/abc", "/maengel/0", "/maengel/1e3"):
        check(s.get(B + path).status == 404, path)


def test_atom_feed_passes_feed_check(s):
    r = s.get(B + "/maengel.atom")
    check(r.status == 200 and r.header("Content-Type") == "application/atom+xml",
          r.header("Content-Type"))
    no_private_text(r.text, "feed")
    url = f"http://127.0.0.1:{PORT}{B}/maengel.atom"
    p = subprocess.run(["python3", os.path.join(TOOLS, "feed_check.py"), url],
                       capture_output=True, text=True, timeout=120)
    print(p.stdout[-2000:], p.stderr[-1000:])
    check(p.returncode == 0, p.stdout[-500:])


GOOD = {"kategorie": "strassenschaden", "beschreibung": "Tiefes Loch im Radweg <script>x</script>",
        "strasse": "Münsterstraße 5", "plz": "44534", "ort": "Lünen",
        "frage.strassenschaden.lage": "radweg"}


def submit(s, fields, csrf=True):
    r = s.get(B + "/maengel/melden")
    check(r.status == 200, r.status)
    jar = cookies_of(r)
    data = dict(fields)
    if csrf:
        data["_csrf"] = hidden(r.text, "_csrf")
    return s.post_form(B + "/maengel/melden", data, cookies=jar)


def track(s, r):
    check(r.status == 303, (r.status, r.text[:1500]))
    loc = r.header("Location")
    check("/t/luenen/maengel/verfolgen/" in loc, loc)
    return s.get(loc[loc.index("/t/"):])


def newest_request(s):
    return get_json(s, V2 + "/requests.json")[0]


def outbox(s, to):
    """(subject, plain text) of the mails queued for `to`, oldest first."""
    out = []
    # Line breaks as a token: psql answers one row per line.
    for subject, raw in db_rows(s, "SELECT subject, replace(message, '\r\n', '~NL~') "
                                   f"FROM mail_outbox WHERE to_addr = '{to}' ORDER BY id"):
        msg = email.message_from_string(raw.replace("~NL~", "\r\n"),
                                        policy=email.policy.default)
        out.append((subject, msg.get_body(("plain",)).get_content()))
    return out


def confirm_link(s, to):
    """The path of the confirmation link in the newest mail to `to`."""
    m = re.search(r"https?://[^/\s]+(/t/luenen/maengel/bestaetigen/[A-Za-z0-9_-]+)",
                  outbox(s, to)[-1][1])
    check(m, outbox(s, to)[-1])
    return m.group(1)


def newest_number(s):
    return int(db_rows(s, "SELECT max(r.number) FROM report r JOIN tenant t ON "
                          "t.id = r.tenant_id WHERE t.slug = 'luenen'")[0][0])


def test_submit_makes_a_report_with_tracking_link_and_hides_its_contact(s):
    fields = dict(GOOD, name="Paula Privat", email="paula.privat@example.org",
                  telefon="0231 99999", einwilligung="1")
    page = track(s, submit(s, fields))
    check(page.status == 200 and "Ihre Meldung ist eingegangen" in page.text, page.status)
    check("Bestätigungslink" in page.text, "the tracking page says a link was mailed")
    check("Tiefes Loch im Radweg &lt;script&gt;" in page.text and "<script>x" not in page.text,
          "own text escaped")
    check(page.header("Cache-Control") == "no-store", page.header("Cache-Control"))
    # With an email address the report waits for the link mailed to it.
    number = newest_number(s)
    check(s.get(f"{B}/maengel/{number}").status == 404, "not public before confirmation")
    check(s.get(f"{V2}/requests/{number}.json").status == 404, "not in Open311 either")
    check(str(number) not in [r["service_request_id"] for r in
                              get_json(s, V2 + "/requests.json")], "not listed")
    check(f"/maengel/{number}<" not in s.get(B + "/maengel.atom").text, "not in the feed")
    mails = outbox(s, "paula.privat@example.org")
    check(len(mails) == 1 and "bestätigen" in mails[0][0], mails)
    link = confirm_link(s, "paula.privat@example.org")
    check(s.get(link[:-4] + "AAAA").status == 404, "a wrong token confirms nothing")
    check(s.get(f"{B}/maengel/{number}").status == 404, "still unpublished")
    r = s.get(link)
    check(r.status == 200 and "ist bestätigt" in r.text, (r.status, r.text[:300]))
    confirmed = db_rows(s, f"SELECT confirmed_at FROM report r JOIN tenant t ON "
                           f"t.id = r.tenant_id WHERE t.slug = 'luenen' AND number = {number}")
    check(s.get(link).status == 200, "the link may be opened again")
    check(db_rows(s, f"SELECT confirmed_at FROM report r JOIN tenant t ON t.id = r.tenant_id "
                     f"WHERE t.slug = 'luenen' AND number = {number}") == confirmed, "once")
    req = newest_request(s)
    check(req["service_request_id"] == str(number), req)
    check(req["service_code"] == "strassenschaden" and req["description"] == "", req)
    check(req["agency_responsible"] == "Bürgerbüro" and req["zipcode"] == "44534", req)
    pub = s.get(B + "/maengel/" + req["service_request_id"])
    check("wird noch geprüft" in pub.text and "Tiefes Loch" not in pub.text, "public text")
    for text in (pub.text, s.get(V2 + "/requests.xml").text, s.get(B + "/maengel.atom").text):
        check("Paula" not in text and "99999" not in text and "privat@" not in text, "contact")
    rows = db_rows(s, "SELECT contact_email, consent_at IS NOT NULL FROM report "
                      f"WHERE number = {req['service_request_id']}")
    check(rows[0][0] == "paula.privat@example.org" and rows[0][1] in ("1", "t"), rows)


def test_submit_without_email_is_listed_at_once(s):
    track(s, submit(s, dict(GOOD, beschreibung="Gully verstopft am Markt.")))
    number = newest_number(s)
    check(newest_request(s)["service_request_id"] == str(number), "listed without confirmation")
    check(s.get(f"{B}/maengel/{number}").status == 200, "public page")
    check(db_rows(s, f"SELECT confirm_hash IS NULL FROM report WHERE number = {number}")[0][0]
          in ("1", "t"), "no confirmation pending")


def test_submit_with_coordinates_only(s):
    page = track(s, submit(s, {"kategorie": "gruen", "beschreibung": "Ast hängt über dem Weg.",
                               "breite": "51,6166", "laenge": "7.5237"}))
    check(page.status == 200 and "51.61660, 7.52370" in page.text, page.text[:300])


def test_submit_routes_by_category_and_postal_code(s):
    db_rows(s, "INSERT INTO report_route (tenant_id, category_id, postal_code, office_id) "
               "SELECT c.tenant_id, c.id, '44536', o.id FROM report_category c JOIN office o "
               "ON o.tenant_id = c.tenant_id AND o.slug = 'standesamt' "
               "JOIN tenant t ON t.id = c.tenant_id "
               "WHERE t.slug = 'luenen' AND c.code = 'graffiti'")
    base = {"kategorie": "graffiti", "beschreibung": "Schmiererei an der Mauer.",
            "frage.graffiti.anstoessig": "nein",
            "strasse": "Yorckstraße 3"}
    track(s, submit(s, dict(base, plz="44536")))
    check(newest_request(s)["agency_responsible"] == "Standesamt", newest_request(s))
    track(s, submit(s, dict(base, plz="44532")))
    check(newest_request(s)["agency_responsible"] == "Bürgerbüro", newest_request(s))
    track(s, submit(s, dict(base, kategorie="spielplatz", plz="44536")))
    check(newest_request(s)["agency_responsible"] == "Bürgerbüro", newest_request(s))


def test_submit_outside_the_area_names_the_responsible_portal(s):
    r = submit(s, dict(GOOD, plz="21335", ort="Lüneburg"))
    check(r.status == 422 and "Hansestadt Lüneburg" in r.text, (r.status, r.text[:300]))
    check("/t/hansestadt-lueneburg/maengel" in r.text, "link")
    r = submit(s, dict(GOOD, plz="80331", ort="München"))
    check(r.status == 422 and "München" in r.text and "nicht im Gebiet" in r.text, r.status)
    r = submit(s, dict(GOOD, plz="00000"))
    check(r.status == 422 and "kennen wir nicht" in r.text, r.status)


def test_submit_refuses_bad_input_with_422_and_keeps_it(s):
    before = len(get_json(s, V2 + "/requests.json"))
    cases = [({}, "Bitte wählen Sie eine Kategorie"),
             (dict(GOOD, beschreibung="kurz"), "10 bis 4000"),
             (dict(GOOD, beschreibung="x" * 5000), "10 bis 4000"),
             (dict(GOOD, plz="4453"), "fünfstellige"),
             (dict(GOOD, strasse="", plz=""), "Postleitzahl an"),
             (dict(GOOD, breite="91", laenge="7"), "Dezimalgrad"),
             (dict(GOOD, breite="51.5", laenge="abc"), "Dezimalgrad"),
             (dict(GOOD, email="paula"), "gültige E-Mail"),
             (dict(GOOD, name="Paula"), "willigen Sie ein"),
             (dict(GOOD, kategorie="<b>"), "Kategorie"),
             (dict(GOOD, strasse="y" * 300), "zu lang")]
    for fields, msg in cases:
        r = submit(s, fields)
        check(r.status == 422 and msg in r.text, (fields.get("plz"), r.status, msg))
        check('aria-invalid="true"' in r.text, "marked")
    r = submit(s, dict(GOOD, beschreibung="Noch ein Loch \"<i>\"", email="x"))
    check("Noch ein Loch &quot;&lt;i&gt;&quot;" in r.text, "value kept and escaped")
    r = submit(s, GOOD, csrf=False)
    check(r.status == 403, r.status)
    check(len(get_json(s, V2 + "/requests.json")) == before, "nothing stored")
    for path in ("/maengel/verfolgen/abc", "/maengel/verfolgen/" + "A" * 43):
        check(s.get(B + path).status == 404, path)
    check(s.get("/t/detmold/maengel/melden").status == 404, "a tenant without reports")


def test_submit_asks_the_chosen_categorys_questions(s):
    form = s.get(B + "/maengel/melden")
    for code in ("strassenbeleuchtung", "strassenschaden", "wilder-muell", "graffiti"):
        check(f'data-category="{code}"' in form.text, code)
    check('data-category="stadtmobiliar"' not in form.text, "a category without questions has no group")
    check('name="frage.strassenbeleuchtung.fehler"' in form.text and "Flackert" in form.text,
          "the question with its answers")
    check("/static/js/report-form.js" in form.text, "the script that hides the other groups")
    base = {"kategorie": "strassenbeleuchtung", "beschreibung": "Die Laterne ist dunkel.",
            "strasse": "Lange Straße 3", "plz": "44532",
            # Another category's answer is not read, however wrong.
            "frage.graffiti.anstoessig": "vielleicht"}
    r = submit(s, base)
    check(r.status == 422 and "Bitte beantworten Sie diese Frage." in r.text, r.status)
    m = re.search(r'<a class="kern-link" href="#(frage-\d+-\d+)">Was ist zu sehen\?: ', r.text)
    check(m, "the summary links to the question")
    check(f'id="{m.group(1)}" name="frage.strassenbeleuchtung.fehler" aria-invalid="true" '
          f'aria-describedby="{m.group(1)}-error"' in r.text, "marked at the field")
    check("Die Laterne ist dunkel." in r.text, "the other answers are kept")
    r = submit(s, dict(base, **{"frage.strassenbeleuchtung.fehler": "kaputt"}))
    check(r.status == 422 and "eine der angebotenen Antworten" in r.text, r.status)
    r = submit(s, dict(base, **{"frage.strassenbeleuchtung.fehler": "flackert",
                                "frage.strassenbeleuchtung.mast": "M-17 <b>"}))
    track(s, r)
    number = newest_number(s)
    answers = json.loads(db_rows(s, f"SELECT answers FROM report WHERE number = {number}")[0][0])
    check(answers == {"fehler": "flackert", "mast": "M-17 <b>"}, answers)
    # A question with several answers: checkboxes of one name, stored comma separated.
    page = s.get(B + "/maengel/melden")
    fields = [("_csrf", hidden(page.text, "_csrf")), ("kategorie", "wilder-muell"),
              ("beschreibung", "Reifen und ein Sofa am Weg."), ("breite", "51.6166"),
              ("laenge", "7.5237"), ("frage.wilder-muell.art[]", "sperrmuell"),
              ("frage.wilder-muell.art[]", "reifen")]
    track(s, s.post_form(B + "/maengel/melden", fields, cookies=cookies_of(page)))
    number = newest_number(s)
    answers = json.loads(db_rows(s, f"SELECT answers FROM report WHERE number = {number}")[0][0])
    check(answers == {"art": "sperrmuell,reifen"}, answers)
    fields[-1] = ("frage.wilder-muell.art[]", "gold")
    r = s.post_form(B + "/maengel/melden", fields, cookies=cookies_of(page))
    check(r.status == 422 and "eine der angebotenen Antworten" in r.text, r.status)
    check(re.search(r'type="checkbox" id="frage-\d+-\d+-1" name="frage.wilder-muell.art\[\]" '
                    r'value="sperrmuell" checked>', r.text), "the ticked answer stays ticked")


if __name__ == "__main__":
    run_module(globals(), env=ENV)
