# SPDX-License-Identifier: EUPL-1.2
"""The hourly limit of defect reports per client IP (tenant setting reports_limit_ip):
the report form and Open311 POST count together, across two instances on one database;
past the limit the form answers 429 with a German page and Open311 a 429 error list with
Retry-After; only hashes are stored; report_limits = off lifts it."""
import json
import tempfile
import time

import test_appointments_staff as appt
from harness import Server, Suite, check, cookies_of, db_rows, hidden
from test_files_settings import settings_form
from test_reports import submit
from test_reports_photos import TEXT_PNG, kept_boxes
from test_reports_photos import submit as submit_photos
from test_reports_post import issue

CITY = "/t/luenen"
V2 = CITY + "/open311/v2"
LIMIT = 3
FORM = {"kategorie": "graffiti", "frage.graffiti.anstoessig": "nein",
        "beschreibung": "Schmiererei am Rathaus.", "breite": "51.6166", "laenge": "7.5237"}
# A form with an error: its photos are kept for the next try.
SHORT = {"kategorie": "wilder-muell", "beschreibung": "kurz"}
POST = {"service_code": "graffiti", "lat": "51.6166", "long": "7.5237",
        "description": "Schmiererei am Rathaus.", "attribute[anstoessig]": "nein"}


def count(s):
    return int(db_rows(s, "SELECT count(*) FROM report")[0][0])


def test_the_form_and_open311_share_the_limit_across_instances(s, b, key):
    if time.time() % 3600 > 3570:  # the counters start again with each hour
        time.sleep(3601 - time.time() % 3600)
    a, other = s.second({"RATHAUS_REPORT_LIMITS": "on"}), None
    try:
        other = s.second({"RATHAUS_REPORT_LIMITS": "on"})
        before = count(s)
        check(submit(a, FORM).status == 303, "first, form, instance A")
        check(other.post_form(V2 + "/requests.json", dict(POST, api_key=key)).status == 201,
              "second, Open311, instance B")
        check(submit(other, FORM).status == 303, "third, form, instance B")
        r = submit(a, FORM)
        check(r.status == 429 and "in dieser Stunde" in r.text, (r.status, r.text[:300]))
        r = a.post_form(V2 + "/requests.json", dict(POST, api_key=key))
        check(r.status == 429 and r.header("Content-Type") == "application/json", r.status)
        check(json.loads(r.body)[0]["code"] == 429, r.text)
        check(0 < int(r.header("Retry-After")) <= 3600, r.header("Retry-After"))
        r = a.post_form(V2 + "/requests.xml", dict(POST, api_key=key))
        check(r.status == 429 and "<errors>" in r.text, r.status)
        check(count(s) == before + LIMIT, (count(s), before))
        rows = db_rows(s, "SELECT key_hash, reports FROM report_limit")
        check(len(rows) == 1 and rows[0][1] == str(LIMIT) and len(rows[0][0]) == 64, rows)
        check("127.0.0.1" not in rows[0][0], "a hash, not the address")
        # Without the limit (the first server runs with report_limits = off) it goes on.
        check(submit(s, FORM).status == 303, "limits off")
    finally:
        a.stop()
        if other:
            other.stop()


def test_photos_are_kept_within_limits(s, b, key):
    """Keeping the photos of a form with errors counts per client and hour (reports_limit_ip
    tries), and a session holds at most six unlinked ones."""
    if time.time() % 3600 > 3570:
        time.sleep(3601 - time.time() % 3600)
    a = s.second({"RATHAUS_REPORT_LIMITS": "on"})
    try:
        for i in range(LIMIT):
            r = submit_photos(a, SHORT, [(f"{i}.png", TEXT_PNG)])
            check(r.status == 422 and len(kept_boxes(r.text)) == 1, (i, r.status))
        r = submit_photos(a, SHORT, [("zu-viel.png", TEXT_PNG)])
        check(r.status == 422 and kept_boxes(r.text) == [] and "erneut aus" in r.text,
              "past the hourly limit the photos are not kept")
    finally:
        a.stop()
    page = s.get(CITY + "/maengel/melden")
    form = (cookies_of(page), hidden(page.text, "_csrf"))
    three = [("a.png", TEXT_PNG), ("b.png", TEXT_PNG), ("c.png", TEXT_PNG)]
    for i in range(2):
        r = submit_photos(s, SHORT, three, form)
        check(r.status == 422 and len(kept_boxes(r.text)) == 3, (i, r.status))
    r = submit_photos(s, SHORT, three, form)
    check(kept_boxes(r.text) == [] and "erneut aus" in r.text, "a session holds at most six")


if __name__ == "__main__":
    suite = Suite()
    server = appt.SERVER = Server(
        env={"RATHAUS_REPORT_LIMITS": "off",
             "RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-limits-")})
    try:
        staff = appt.Browser(server, CITY, "demo@rathaus.example", server.demo_password)
        fields = settings_form(staff.get(CITY + "/verwaltung/einstellungen").text)
        check("reports_limit_ip" in fields and fields["reports_limit_ip"] == "10", fields)
        fields["reports_limit_ip"] = str(LIMIT)
        check(staff.post(CITY + "/verwaltung/einstellungen", fields).status == 303, "set")
        time.sleep(0.1)
        suite.run([test_the_form_and_open311_share_the_limit_across_instances,
                   test_photos_are_kept_within_limits], server, staff, issue(staff, "Grenz-App"))
    finally:
        try:
            server.stop()
        except Exception as ex:  # a sanitizer report fails the run
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
    suite.finish()
