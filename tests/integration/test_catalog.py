# SPDX-License-Identifier: EUPL-1.2
"""The service catalogue: pages, canonical URLs, browsing, escaping of hostile
content, tenant scoping and the JSON API against docs/openapi.yaml."""
import html
import json
import os
import re
import subprocess
import tempfile

from harness import SHARE, Server, check, eventually, run_cli, run_module

CITY = "/t/hansestadt-lueneburg"
DISTRICT = "/t/landkreis-lueneburg"
PERSO = "99008001012000"      # Personalausweis beantragen (municipal)
KFZ = "99036008007000"        # Fahrzeug zulassen (district)
EVIL = '<script>alert("x")</script>'


def test_service_page_has_every_section_and_schema_org(s):
    r = s.get(CITY + "/leistungen/" + PERSO)
    check(r.status == 301, r.status)
    url = r.header("Location")
    check(url.startswith(CITY + "/leistungen/") and url.endswith("-" + PERSO), url)
    r = s.get(url)
    check(r.status == 200, r.status)
    for part in ("Voraussetzungen", "Erforderliche Unterlagen", "Kosten", "Rechtsgrundlagen",
                 "application/ld+json", '"GovernmentService"', 'rel="canonical"', PERSO):
        check(part in r.text, part)


def test_english_pages_mark_the_german_content(s):
    r = s.get(s.get(CITY + "/leistungen/" + PERSO).header("Location") + "?lang=en")
    check(r.status == 200 and '<html lang="en"' in r.text, "an English page")
    check('class="kern-heading-large" lang="de">Personalausweis' in r.text, "German title")
    check('class="kern-body markdown" lang="de">' in r.text, "German text modules")
    r = s.get(CITY + "/leistungen?buchstabe=P&lang=en")
    check('<li lang="de"><a class="kern-link"' in r.text, "German service names in lists")


def test_unknown_or_foreign_service_is_404(s):
    check(s.get(CITY + "/leistungen/gibt-es-nicht").status == 404, "no key")
    check(s.get(CITY + "/leistungen/x-00000000000000").status == 404, "unknown key")
    # Vehicle registration is the district's, not the city's.
    check(s.get(CITY + "/leistungen/x-" + KFZ).status == 404, "city does not offer it")
    check(s.get(DISTRICT + "/leistungen/x-" + KFZ).status == 301, "district does")


def test_az_list_letter_search_and_pages(s):
    r = s.get(CITY + "/leistungen")
    check(r.status == 200 and "Leistungen A–Z" in r.text, r.status)
    check('rel="next"' in r.text, "more than one page")
    r = s.get(CITY + "/leistungen?buchstabe=P")
    check("Personalausweis" in r.text, "letter P lists the ID card")
    r = s.get(CITY + "/suche?q=ausweis")
    check("Personalausweis" in r.text, "search")
    r = s.get(CITY + "/leistungen?seite=abc&buchstabe=%C3%84")
    check(r.status == 200, "bad page and letter fall back")


def test_browse_by_topic_and_life_situation(s):
    r = s.get(CITY + "/themen")
    check(r.status == 200 and "/themen/" in r.text, r.status)
    r = s.get(CITY + "/lebenslagen")
    check(r.status == 200 and "/lebenslagen/" in r.text, r.status)
    check(s.get(CITY + "/themen/gibt-es-nicht").status == 404, "unknown topic")
    # A topic lists its services once each, by title (byte order, as the A-Z list sorts).
    r = s.get(CITY + "/themen/familie-kind")
    links = re.findall(r'<li lang="de"><a class="kern-link" href="([^"]+)">([^<]+)</a>', r.text)
    titles = [html.unescape(t) for _, t in links]
    check(len(titles) > 100 and len({u for u, _ in links}) == len(links), len(titles))
    check([t.encode() for t in titles] == sorted(t.encode() for t in titles), titles[:5])
    check(f"{len(titles)} " in r.text, "the count says how many are listed")
    home = s.get(CITY + "/")
    check("Häufig gesucht" in home.text and "/themen/" in home.text, "home shows the catalogue")


def test_hostile_texts_are_escaped_in_html_and_json(s):
    doc = json.load(open(os.path.join(SHARE, "data", "services", "descriptions.json")))
    svc = next(x for x in doc["services"] if x["leika"] == PERSO)
    svc = dict(svc, title="Ausweis " + EVIL, short_text=EVIL + " [x](javascript:alert(1))",
               fees="<img src=x onerror=alert(1)>")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"format": 1, "services": [svc]}, f)
    run_cli(["import", "services", f.name], s.db)
    # Every instance sees the catalogue change within its poll interval (a second here).
    def escaped_title():
        page = s.get(s.get(CITY + "/leistungen/" + PERSO).header("Location"))
        return page if "&lt;script&gt;" in page.text else None

    page = eventually(escaped_title, "escaped title", 10)
    r = s.get(CITY + "/suche?q=ausweis")
    for body in (r.text, page.text):
        check(EVIL not in body and "onerror=alert" not in body, "raw script or handler")
        check('href="javascript' not in body.lower(), "javascript link")
    check("&lt;script&gt;" in page.text, "escaped title")
    api = s.get(CITY + "/api/v1/services/" + PERSO)
    check(api.header("Content-Type") == "application/json", api.headers)
    check(json.loads(api.body)["title"] == "Ausweis " + EVIL, "JSON keeps the text as data")
    check(api.header("X-Content-Type-Options") == "nosniff", "JSON is never sniffed as HTML")


def test_api_etag_cors_and_problems(s):
    r = s.get(DISTRICT + "/api/v1/services?per_page=5")
    check(r.status == 200 and r.header("Access-Control-Allow-Origin") == "*", r.status)
    body = json.loads(r.body)
    check(len(body["items"]) == 5 and body["total"] >= 200, body["total"])
    etag = r.header("ETag")
    r2 = s.get(DISTRICT + "/api/v1/services?per_page=5", headers={"If-None-Match": etag})
    check(r2.status == 304 and r2.body == b"", r2.status)
    r = s.get(DISTRICT + "/api/v1/services?per_page=500")
    check(r.status == 400 and r.header("Content-Type") == "application/problem+json", r.status)
    r = s.get(DISTRICT + "/api/v1/services/00000000000000")
    check(r.status == 404 and json.loads(r.body)["status"] == 404, r.text)


def test_office_api_is_scoped_to_its_tenant(s):
    r = s.get(DISTRICT + "/api/v1/offices")
    slugs = [o["slug"] for o in json.loads(r.body)["items"]]
    check("zulassungsstelle" in slugs, slugs)
    r = s.get(CITY + "/api/v1/offices/zulassungsstelle")
    check(r.status == 404 and r.header("Content-Type") == "application/problem+json", r.status)
    r = s.get(CITY + "/api/v1/offices/buergerbuero")
    body = json.loads(r.body)
    check(r.status == 200 and body["weekly_hours"] and isinstance(body["open_now"], bool), body)


def test_api_matches_openapi_description(s):
    spec = os.path.join(SHARE, "docs", "openapi.yaml")
    tool = os.path.join(SHARE, "tests", "tools", "openapi_check.mjs")
    lint = subprocess.run(["node", tool, "lint", spec], capture_output=True, text=True)
    check(lint.returncode == 0, lint.stdout[-2000:])
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(f"/services/{KFZ}\n/services/00000000000000 404\n/services?per_page=0 400\n"
                f"/services?themenfeld=mobilitaet-reisen\n/offices/zulassungsstelle\n"
                f"/offices/gibt-es-nicht 404\n")
    r = subprocess.run(["node", tool, "responses", spec,
                        f"http://127.0.0.1:{s.port}{DISTRICT}", "--paths", f.name],
                       capture_output=True, text=True)
    print(r.stdout[-3000:])
    check(r.returncode == 0, r.stdout[-2000:])


def test_schema_org_data_is_valid(s):
    url = s.get(CITY + "/leistungen/" + PERSO).header("Location")
    tool = os.path.join(SHARE, "tests", "tools", "schemaorg_check.mjs")
    r = subprocess.run(["node", tool, f"http://127.0.0.1:{s.port}{url}"], capture_output=True,
                       text=True)
    print(r.stdout[-2000:])
    check(r.returncode == 0, r.stdout[-1500:])


def test_anonymous_pages_are_reused_but_never_personal_ones(_):
    s = Server(env={"RATHAUS_PAGE_CACHE_TTL": "60"})
    try:
        a = s.get(CITY + "/leistungen?buchstabe=P")
        b = s.get(CITY + "/leistungen?buchstabe=P")
        check(a.header("X-Cache") == "miss" and b.header("X-Cache") == "hit", (a.headers, b.headers))
        check(a.body == b.body and b.header("Content-Security-Policy"), "same page, same headers")
        check(len(b.headers_all("Content-Security-Policy")) == 1, "headers are not doubled")
        c = s.get(CITY + "/leistungen?buchstabe=P", headers={"Cookie": "rh_hansestadt-lueneburg=x"})
        check(c.header("X-Cache") is None, "a visitor with a session is served fresh")
        d = s.get(CITY + "/leistungen?buchstabe=P&lang=en")
        check(d.header("X-Cache") is None and "lang=en" in d.header("Set-Cookie"), "language choice")
        e = s.get(CITY + "/leistungen?buchstabe=P", headers={"Accept-Language": "en"})
        check(e.header("X-Cache") == "miss" and "Services A–Z" in e.text, "a copy per language")
        api = s.get(CITY + "/api/v1/services/" + PERSO)
        again = s.get(CITY + "/api/v1/services/" + PERSO, headers={"If-None-Match": api.header("ETag")})
        check(again.status == 304 and again.header("X-Cache") == "hit", again.status)
        check(s.get(CITY + "/anmelden").header("X-Cache") is None, "forms are never reused")
    finally:
        s.stop()


def test_sitemap_lists_every_offered_service_and_validates(s):
    r = s.get(CITY + "/sitemap.xml")
    check(r.status == 200 and r.header("Content-Type") == "application/xml", r.status)
    n = int(json.loads(s.get(CITY + "/api/v1/services?per_page=1").body)["total"])
    check(r.text.count("/leistungen/") == n, (r.text.count("/leistungen/"), n))
    check(f"http://127.0.0.1:{s.port}{CITY}/stellen/" in r.text, "offices are listed")
    tool = os.path.join(SHARE, "tests", "tools", "sitemap_check.sh")
    v = subprocess.run([tool, f"http://127.0.0.1:{s.port}{CITY}/sitemap.xml"],
                       capture_output=True, text=True)
    print(v.stdout[-1500:])
    check(v.returncode == 0, v.stdout[-1500:])
    robots = s.get(CITY + "/robots.txt").text
    check(f"Sitemap: http://127.0.0.1:{s.port}{CITY}/sitemap.xml" in robots, robots)


def test_every_demo_tenant_offers_at_least_200_services(s):
    for slug in ("landkreis-lueneburg", "hansestadt-lueneburg", "samtgemeinde-ilmenau", "luenen"):
        r = s.get(f"/t/{slug}/api/v1/services?per_page=1")
        check(json.loads(r.body)["total"] >= 200, (slug, r.text[:200]))


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_LOGIN_RATE": "1000"})
