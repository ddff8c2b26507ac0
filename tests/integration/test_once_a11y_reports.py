# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the defect reports' public pages."""
from harness import Server, Suite, check, cookies_of, hidden
from page_checks import check_pages

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
                         ("report-outside", {"kategorie": "graffiti", "plz": "21335",
                                             "strasse": "Am Sande 1",
                                             "beschreibung": "Schmiererei am Brunnen."})):
        r = s.post_form("/t/luenen/maengel/melden", dict(fields, _csrf=csrf), cookies=jar)
        check(r.status == 422, (name, r.status))
        pages[name] = r.text
    r = s.post_form("/t/luenen/maengel/melden",
                    {"_csrf": csrf, "kategorie": "graffiti", "plz": "44532",
                     "strasse": "Lange Straße 1", "beschreibung": "Schmiererei am Brunnen."},
                    cookies=jar)
    check(r.status == 303, r.status)
    pages["report-tracking"] = s.get(r.header("Location")[r.header("Location").index("/t/"):]).text
    return pages


def main():
    suite = Suite()
    s = Server()
    try:
        check_pages(suite, s, PATHS, saved_pages(s), "report_pages")
    finally:
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
