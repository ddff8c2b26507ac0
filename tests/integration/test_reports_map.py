# SPDX-License-Identifier: EUPL-1.2
"""The map of the report form: none by default (no Leaflet, no foreign origin in the
Content-Security-Policy); once an admin sets a checked https tile source, the form
gets the map container with the tenant's centre, loads the vendored Leaflet and
report-map.js, and its Content-Security-Policy allows images from that origin only;
other pages keep the strict policy; bad tile addresses and centres are refused."""
import html
import json
import os
import subprocess

import test_appointments_staff as appt
from harness import Server, Suite, check, cookies_of, eventually, hidden
from test_files_settings import settings_form

CITY = "/t/luenen"
SETTINGS = CITY + "/verwaltung/einstellungen"
STRICT = "img-src 'self' data:;"
TILES = "https://tiles.example.org/osm/{z}/{x}/{y}.png"


def save(b, **values):
    fields = settings_form(b.get(SETTINGS).text)
    fields.update(values)
    return b.post(SETTINGS, fields)


def test_no_map_and_a_strict_policy_by_default(s, b):
    r = s.get(CITY + "/maengel/melden")
    check(r.status == 200 and "report-map" not in r.text and "leaflet" not in r.text, r.status)
    check(STRICT in r.header("Content-Security-Policy"), r.header("Content-Security-Policy"))


def test_bad_tile_sources_and_centres_are_refused(s, b):
    for key, value in (("map_tiles", "http://tiles.example.org/{z}/{x}/{y}.png"),
                       ("map_tiles", "https://tiles.example.org/{z}/{x}.png"),
                       ("map_tiles", "https://{s}.tiles.example.org/{z}/{x}/{y}.png"),
                       ("map_tiles", "https://tiles.example.org/{z}/{x}/{y}.png\" onerror=\"x"),
                       ("map_tiles", "https://user@tiles.example.org/{z}/{x}/{y}.png"),
                       ("map_tiles", "https://tiles.example.org/{z}/{x}/{y}/{y}.png"),
                       ("map_center", "91, 7"), ("map_center", "51.6"),
                       ("map_center", "51.6, 7.5x")):
        r = save(b, **{key: value})
        check(r.status == 422, (key, value, r.status))
    check("report-map" not in s.get(CITY + "/maengel/melden").text, "still no map")


def test_a_configured_map_loads_leaflet_and_allows_its_origin_only(s, b):
    r = save(b, map_tiles=TILES, map_attribution="© OSM <b>Mitwirkende</b>",
             map_center="51.6166,7.5237")
    check(r.status == 303, (r.status, r.text[:300]))
    check('value="51.616600, 7.523700"' in b.get(SETTINGS).text, "the centre, written back")
    # Instances see changed settings within the tenant cache's five seconds.
    r = eventually(lambda: (lambda x: "report-map" in x.text and x)(
        s.get(CITY + "/maengel/melden")), "the map appears", timeout=10)
    csp = r.header("Content-Security-Policy")
    check("img-src 'self' data: https://tiles.example.org;" in csp, csp)
    check("script-src 'self';" in csp and "default-src 'self';" in csp, csp)
    check(f'data-tiles="{html.escape(TILES)}"' in r.text and 'data-lat="51.616600"' in r.text
          and 'data-zoom="14"' in r.text, "the map container")
    check("&lt;b&gt;Mitwirkende&lt;/b&gt;" in r.text and "<b>Mitwirkende" not in r.text,
          "the attribution escaped")
    for src in ('<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">',
                '<script src="/static/vendor/leaflet/leaflet.js" defer></script>\n'
                '<script src="/static/js/report-map.js" defer></script>'):
        check(src in r.text, src)
    check('id="breite"' in r.text and 'id="laenge"' in r.text, "the typed fields stay")
    # A form with errors opens the map at the coordinates typed.
    page = s.get(CITY + "/maengel/melden")
    r = s.post_form(CITY + "/maengel/melden", {"_csrf": hidden(page.text, "_csrf"),
                                              "kategorie": "gruen", "beschreibung": "kurz",
                                              "breite": "51.62", "laenge": "7.53"},
                    cookies=cookies_of(page))
    check(r.status == 422 and 'data-lat="51.620000"' in r.text and 'data-zoom="16"' in r.text,
          r.status)
    for path in ("/maengel", "/", "/maengel/1"):
        check(STRICT in s.get(CITY + path).header("Content-Security-Policy"), path)
    js = s.get("/static/vendor/leaflet/leaflet.js")
    check(js.status == 200 and "javascript" in js.header("Content-Type"), js.status)
    check(s.get("/static/vendor/leaflet/images/marker-icon.png").status == 200, "marker icon")
    check(s.get("/static/js/report-map.js").status == 200, "the script")
    # In a browser: a click on the map's centre and Enter on the focused map fill the fields.
    run = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "report_map_click.mjs"),
                          f"http://127.0.0.1:{s.port}{CITY}/maengel/melden",
                          "https://tiles.example.org"], capture_output=True, text=True,
                         timeout=120)
    check(run.returncode == 0, run.stderr[-2000:])
    got = json.loads(run.stdout.strip().splitlines()[-1])
    check(got["errors"] == [] and got["tiles"] > 0 and got["marker"] == 1, got)
    lat, lon = (float(v) for v in got["click"])
    check(abs(lat - 51.6166) < 0.001 and abs(lon - 7.5237) < 0.001, got)
    check(got["status"] == ", ".join(got["click"]), got)
    lat, lon = (float(v) for v in got["keyboard"])
    check(lat > 51.6166 and abs(lon - 7.5237) < 0.001, ("the arrow moved the map north", got))
    check(sorted(got["origins"]) == sorted([f"http://127.0.0.1:{s.port}",
                                            "https://tiles.example.org"]), got["origins"])
    check(save(b, map_tiles="").status == 303, "switched off")
    eventually(lambda: "report-map" not in s.get(CITY + "/maengel/melden").text,
               "no map again", timeout=10)


if __name__ == "__main__":
    suite = Suite()
    server = appt.SERVER = Server(env={"RATHAUS_PAGE_CACHE_TTL": "0"})
    try:
        staff = appt.Browser(server, CITY, "demo@rathaus.example", server.demo_password)
        suite.run([test_no_map_and_a_strict_policy_by_default,
                   test_bad_tile_sources_and_centres_are_refused,
                   test_a_configured_map_loads_leaflet_and_allows_its_origin_only],
                  server, staff)
    finally:
        try:
            server.stop()
        except Exception as ex:  # a sanitizer report fails the run
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
    suite.finish()
