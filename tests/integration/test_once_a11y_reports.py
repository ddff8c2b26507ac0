# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the defect reports' public
pages and of the staff pages under /verwaltung/maengel (list, filtered list, a report with
contact, history, notes and a message, in German and English, and a form error), and a
report with a photo before and after approval, and the form with a refused photo."""
import re
import tempfile

import test_appointments_staff as appt
from harness import Server, Suite, check, cookies_of, hidden
from page_checks import check_pages
from test_reports import confirm_link
from test_reports_photos import GPS_JPEG, HTML, number_of, submit as submit_photos

STAFF = "/t/luenen/verwaltung/maengel"

PATHS = ["/t/luenen/maengel", "/t/luenen/maengel?seite=2",
         "/t/luenen/maengel?kategorie=graffiti&status=received",
         "/t/luenen/maengel?kategorie=unbekannt", "/t/luenen/maengel?lang=en",
         "/t/luenen/maengel/2", "/t/luenen/maengel/26", "/t/luenen/maengel/5?lang=en",
         "/t/luenen/maengel/melden", "/t/luenen/maengel/melden?lang=en"]


def saved_pages(s):
    """The report form with errors (422) and an outside place, saved to be served statically."""
    form = s.get("/t/luenen/maengel/melden")
    jar, csrf = cookies_of(form), hidden(form.text, "_csrf")
    pages = {}
    for name, fields in (("report-errors", {"name": "Paula", "breite": "x"}),
                         ("report-outside", {"kategorie": "graffiti", "frage.graffiti.anstoessig": "nein", "plz": "21335",
                                             "strasse": "Am Sande 1",
                                             "beschreibung": "Schmiererei am Brunnen."})):
        r = s.post_form("/t/luenen/maengel/melden", dict(fields, _csrf=csrf), cookies=jar)
        check(r.status == 422, (name, r.status))
        pages[name] = r.text
    r = s.post_form("/t/luenen/maengel/melden",
                    {"_csrf": csrf, "kategorie": "graffiti", "frage.graffiti.anstoessig": "nein", "plz": "44532",
                     "strasse": "Lange Straße 1", "beschreibung": "Schmiererei am Brunnen."},
                    cookies=jar)
    check(r.status == 303, r.status)
    pages["report-tracking"] = s.get(r.header("Location")[r.header("Location").index("/t/"):]).text
    return pages


def staff_pages(s):
    """The staff pages, saved: a report with a contact moved through status, text, note,
    rerouting and a message."""
    b = appt.Browser(s, "/t/luenen", "demo@rathaus.example", s.demo_password)
    form = s.get("/t/luenen/maengel/melden")
    r = s.post_form("/t/luenen/maengel/melden",
                    {"_csrf": hidden(form.text, "_csrf"), "kategorie": "graffiti", "frage.graffiti.anstoessig": "nein", "plz": "44532",
                     "strasse": "Lange Straße 2", "beschreibung": "Schmiererei an der Brücke.",
                     "name": "Paula Prüf", "email": "paula.pruef@example.org",
                     "einwilligung": "1"}, cookies=cookies_of(form))
    check(r.status == 303, r.status)
    loc = r.header("Location")
    pages = {"report-tracking-unconfirmed": s.get(loc[loc.index("/t/"):]).text}
    number = re.findall(r'data-report="(\d+)"', b.get(STAFF).text)[0]
    report = f"{STAFF}/{number}"
    pages["report-staff-unconfirmed"] = b.get(report).text
    r = s.get(confirm_link(s, "paula.pruef@example.org"))
    check(r.status == 200, r.status)
    pages["report-confirmed"] = r.text
    for tail, fields in (("/status", {"status": "in_progress", "notiz": "Wird geprüft."}),
                         ("/text", {"text": "Schmiererei an der Brücke."}),
                         ("/notiz", {"notiz": "Bauhof fragen."}),
                         ("/weiterleiten", {"stelle": "standesamt"}),
                         ("/nachricht", {"nachricht": "Danke für die Meldung."})):
        r = b.post(report + tail, fields)
        check(r.status == 303, (tail, r.status))
    pages.update({"report-staff-list": b.get(STAFF).text,
             "report-staff-list-filtered": b.get(STAFF + "?status=done&kategorie=graffiti"
                                                 "&stelle=unbekannt").text,
             "report-staff-list-en": b.get(STAFF + "?lang=en").text,
             "report-staff-report": b.get(report + "?erledigt=status").text,
             "report-staff-report-en": b.get(report + "?lang=en").text,
             "report-staff-demo": b.get(STAFF + "/2").text})
    # A second report on the same street: offered as a duplicate, then merged.
    form = s.get("/t/luenen/maengel/melden")
    r = s.post_form("/t/luenen/maengel/melden",
                    {"_csrf": hidden(form.text, "_csrf"), "kategorie": "graffiti", "frage.graffiti.anstoessig": "nein", "plz": "44532",
                     "strasse": "Lange Straße 4", "beschreibung": "Noch mehr an der Brücke."},
                    cookies=cookies_of(form))
    check(r.status == 303, r.status)
    second = re.findall(r'data-report="(\d+)"', b.get(STAFF).text)[0]
    pages["report-staff-nearby"] = b.get(f"{STAFF}/{second}").text
    check(f'data-nearby="{number}"' in pages["report-staff-nearby"], "offered")
    check(b.post(f"{STAFF}/{second}/zusammenfuehren", {"original": number}).status == 303, "merged")
    pages["report-staff-duplicate"] = b.get(f"{STAFF}/{second}").text
    pages["report-staff-original"] = b.get(report).text
    r = b.post(STAFF + "/schluessel", {"name": "Beispiel-App"})
    check(r.status == 200 and 'id="api-key"' in r.text, r.status)
    pages["report-staff-key-issued"] = r.text
    key = re.search(r'<code id="api-key">([A-Za-z0-9_-]{43})</code>', r.text).group(1)
    r = s.post_form("/t/luenen/open311/v2/requests.json",
                    {"api_key": key, "service_code": "wilder-muell", "lat": "51.61",
                     "long": "7.52", "description": "Sperrmüll und Reifen am Feldweg.",
                     "attribute[art]": "sperrmuell,reifen"})
    check(r.status == 201, r.status)
    r = b.get(STAFF + "/" + re.search(r'"service_request_id":"(\d+)"', r.text).group(1))
    check("Altreifen" in r.text, "the answers are on the page")
    pages["report-staff-answers"] = r.text
    pages["report-staff-keys"] = b.get(STAFF + "/schluessel?lang=en").text
    r = b.post(report + "/text", {"text": "kurz"})
    check(r.status == 422, r.status)
    pages["report-staff-error"] = r.text
    return pages


def photo_pages(s):
    """A report with a photo: the staff page before approval, the public page after; the
    form with a refused photo."""
    b = appt.Browser(s, "/t/luenen", "demo@rathaus.example", s.demo_password)
    fields = {"kategorie": "wilder-muell", "beschreibung": "Sperrmüll an der Ecke, mit Foto."}
    r = submit_photos(s, fields, [("html.jpg", HTML)])
    check(r.status == 422, r.status)
    pages = {"report-photo-error": r.text}
    number = number_of(s, submit_photos(s, fields, [("a.jpg", GPS_JPEG), ("b.jpg", GPS_JPEG)]))
    pages["report-photo-staff"] = b.get(f"{STAFF}/{number}").text
    check(b.post(f"{STAFF}/{number}/text", {"text": "Sperrmüll an der Ecke."}).status == 303, "ok")
    pages["report-photo-public"] = s.get(f"/t/luenen/maengel/{number}").text
    check("<img" in pages["report-photo-public"], "the photo is on the page")
    return pages


def main():
    suite = Suite()
    s = Server(env={"RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-a11y-photos-"),
                    "RATHAUS_REPORT_LIMITS": "off"})
    try:
        appt.SERVER = s
        check_pages(suite, s, PATHS, dict(saved_pages(s), **staff_pages(s), **photo_pages(s)), "report_pages")
    finally:
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
