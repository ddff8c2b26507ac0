# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the defect reports' public pages."""
import os
import shutil
import tempfile

from harness import SHARE, Server, Suite, check, cookies_of, hidden
from test_once_a11y import SHOTS, TOOLS, run_tool, serve_dir

PATHS = ["/t/luenen/maengel", "/t/luenen/maengel?seite=2",
         "/t/luenen/maengel?kategorie=graffiti&status=received",
         "/t/luenen/maengel?kategorie=unbekannt", "/t/luenen/maengel?lang=en",
         "/t/luenen/maengel/2", "/t/luenen/maengel/26", "/t/luenen/maengel/5?lang=en",
         "/t/luenen/maengel/melden", "/t/luenen/maengel/melden?lang=en"]


def saved_pages(s, www):
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
    os.makedirs(os.path.join(www, "t", "luenen"))
    with open(os.path.join(www, "t", "luenen", "theme.css"), "wb") as f:
        f.write(s.get("/t/luenen/theme.css").body)
    shutil.copytree(os.path.join(SHARE, "static"), os.path.join(www, "static"))
    for name, html in pages.items():
        os.makedirs(os.path.join(www, name))
        with open(os.path.join(www, name, "index.html"), "w", encoding="utf-8") as f:
            f.write(html)
    return list(pages)


def main():
    suite = Suite()
    s = Server()
    www = tempfile.mkdtemp(prefix="rathaus-a11y-reports-")
    httpd = None
    try:
        names = saved_pages(s, www)
        httpd = serve_dir(www)
        urls = [f"http://127.0.0.1:{s.port}{p}" for p in PATHS]
        urls += [f"http://127.0.0.1:{httpd.server_address[1]}/{n}/" for n in names]

        def test_axe_finds_no_wcag_violations():
            args = ["node", os.path.join(TOOLS, "a11y.mjs")]
            if SHOTS:
                args += ["--screenshot", SHOTS]
            rc, last = run_tool(args + urls)
            check(rc == 0 and ", 0 violations" in last, last)

        def test_html_validates_without_errors():
            rc, last = run_tool([os.path.join(TOOLS, "html_valid.sh")] + urls)
            check(rc == 0 and ", 0 errors" in last, last)

        suite.run([test_axe_finds_no_wcag_violations, test_html_validates_without_errors])
    finally:
        if httpd:
            httpd.shutdown()
        shutil.rmtree(www, ignore_errors=True)
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
