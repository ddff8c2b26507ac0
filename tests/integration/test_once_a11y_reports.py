# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the defect reports' public pages."""
import os

from harness import Server, Suite, check
from test_once_a11y import SHOTS, TOOLS, run_tool

PATHS = ["/t/luenen/maengel", "/t/luenen/maengel?seite=2",
         "/t/luenen/maengel?kategorie=graffiti&status=received",
         "/t/luenen/maengel?kategorie=unbekannt", "/t/luenen/maengel?lang=en",
         "/t/luenen/maengel/2", "/t/luenen/maengel/26", "/t/luenen/maengel/5?lang=en"]


def main():
    suite = Suite()
    s = Server()
    urls = [f"http://127.0.0.1:{s.port}{p}" for p in PATHS]
    try:
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
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
