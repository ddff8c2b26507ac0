# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity checks of pages,
shared by the test_once_a11y*.py tests.

Public pages are checked where the server serves them.  Pages that need a
session, a POST or an error status are saved with their stylesheets and served
from a static copy, because the checkers load plain URLs and fail on 4xx.
"""
import functools
import http.server
import os
import shutil
import subprocess
import tempfile
import threading

from harness import SHARE, check, cookies_of, staff_login

TOOLS = os.path.join(SHARE, "tests", "tools")
SHOTS = os.environ.get("RATHAUS_SCREENSHOTS")  # a directory to keep PNGs of every page


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_dir(www):
    handler = functools.partial(QuietHandler, directory=www)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def run_tool(args):
    p = subprocess.run(args, capture_output=True, text=True)
    print(p.stdout[-8000:], p.stderr[-3000:], sep="\n")
    return p.returncode, (p.stdout.strip().splitlines() or [""])[-1]


def demo_staff(s, base="/t/luenen"):
    """The demo editor's cookies and a Cookie header with them, after logging in at `base`."""
    r, _ = staff_login(s, base, "demo@rathaus.example", s.demo_password)
    check(r.status == 303, r.status)
    jar = cookies_of(r)
    return jar, {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def save_pages(s, www, pages):
    """Write name -> HTML below `www` with the tenant theme and the static files they load."""
    os.makedirs(os.path.join(www, "t", "luenen"))
    with open(os.path.join(www, "t", "luenen", "theme.css"), "wb") as f:
        f.write(s.get("/t/luenen/theme.css").body)
    shutil.copytree(os.path.join(SHARE, "static"), os.path.join(www, "static"))
    for name, html in pages.items():
        os.makedirs(os.path.join(www, name))
        with open(os.path.join(www, name, "index.html"), "w", encoding="utf-8") as f:
            f.write(html)


def check_pages(suite, s, paths, pages, what):
    """Run axe and html-validate as two tests of `suite` over the server's `paths`
    and the saved `pages` (name -> HTML); `what` names the pages in the test names."""
    www = tempfile.mkdtemp(prefix="rathaus-a11y-")
    httpd = None
    try:
        save_pages(s, www, pages)
        httpd = serve_dir(www)
        urls = [f"http://127.0.0.1:{s.port}{p}" for p in paths]
        urls += [f"http://127.0.0.1:{httpd.server_address[1]}/{n}/" for n in pages]

        def axe():
            args = ["node", os.path.join(TOOLS, "a11y.mjs")]
            if SHOTS:
                args += ["--screenshot", SHOTS]
            rc, last = run_tool(args + urls)
            check(rc == 0 and ", 0 violations" in last, last)

        def html_valid():
            rc, last = run_tool([os.path.join(TOOLS, "html_valid.sh")] + urls)
            check(rc == 0 and ", 0 errors" in last, last)

        axe.__name__ = "test_axe_finds_no_wcag_violations_on_" + what
        html_valid.__name__ = "test_html_validates_without_errors_on_" + what
        suite.run([axe, html_valid])
    finally:
        if httpd:
            httpd.shutdown()
        shutil.rmtree(www, ignore_errors=True)
