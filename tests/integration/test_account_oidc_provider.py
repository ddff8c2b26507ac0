# SPDX-License-Identifier: EUPL-1.2
"""Login through a real OpenID Connect provider: npm oidc-provider on 127.0.0.1.

tests/tools/oidc_idp.mjs starts it with one client and one user; this test
drives the whole flow with plain HTTP, as a browser without JavaScript: the
portal's start, the provider's login and consent forms, the callback.  The
first login makes the account and a session, the second reuses both (the
provider remembers its own session), a replayed code is refused, and
discovery and keys are fetched once and then come from the cache.
"""
import json
import os
import re
import subprocess
import urllib.parse

import http.client

from harness import check, db_rows, eventually, run_module
from test_account import BASE, PUBLIC, Browser
from test_files_settings import admin, settings_form

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "tools", "oidc_idp.mjs")
CLIENT, SECRET = "rathaus-luenen", "geheim-real"
USER = "erika"
ADDR = "erika.mustermann@example.org"


class NodeIdP:
    def __init__(self):
        conf = {"clients": [{"client_id": CLIENT, "client_secret": SECRET,
                             "redirect_uris": [PUBLIC + BASE + "/konto/oidc/callback"]}],
                "users": {USER: {"email": ADDR, "email_verified": True}}}
        self.proc = subprocess.Popen(["node", TOOL, json.dumps(conf)], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        check(m, ("oidc_idp did not start", line))
        self.issuer = m.group(1)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


class IdPBrowser:
    """The browser's side at the provider: its cookies, its forms."""

    def __init__(self):
        self.jar = {}

    def request(self, method, url, body=None):
        u = urllib.parse.urlparse(url)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())} if self.jar else {}
        if body is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            c.request(method, u.path + ("?" + u.query if u.query else ""), body=body, headers=h)
            r = c.getresponse()
            text = r.read().decode("utf-8", "replace")
            for k, v in r.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    value = rest.split(";", 1)[0]
                    if value and "expires=Thu, 01 Jan 1970" not in v:
                        self.jar[name.strip()] = value
                    else:
                        self.jar.pop(name.strip(), None)
            return r.status, r.getheader("Location"), text
        finally:
            c.close()

    def through(self, url, login=USER):
        """Follow the provider's redirects and fill its forms until it sends us back."""
        method, body = "GET", None
        for _ in range(20):
            status, loc, text = self.request(method, url, body)
            if status in (302, 303) and loc:
                url = urllib.parse.urljoin(url, loc)
                method, body = "GET", None
                if url.startswith(PUBLIC):
                    return url[len(PUBLIC):]
                continue
            check(status == 200, (status, text[:500]))
            form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', text, re.S)
            check(form, text[:500])
            fields = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*'
                                     r'value="([^"]*)"', form.group(2)))
            if 'name="login"' in form.group(2):
                fields.update(login=login, password="beliebig")
            url = urllib.parse.urljoin(url, form.group(1).replace("&amp;", "&"))
            method, body = "POST", urllib.parse.urlencode(fields)
        raise AssertionError("too many steps at the provider")


IDP = NodeIdP()


def configure(s):
    """Set the provider as an admin does, on the settings page: the client secret is
    stored sealed and opened for the token request."""
    a = admin(s, BASE)
    fields = settings_form(a.get("/verwaltung/einstellungen").text)
    fields.update(oidc_issuer=IDP.issuer, oidc_client_id=CLIENT, oidc_client_secret=SECRET)
    r = a.post("/verwaltung/einstellungen", fields)
    check(r.status == 303, (r.status, r.text[:300]))
    (value,), = db_rows(s, "SELECT s.value FROM tenant_setting s JOIN tenant t ON t.id = "
                           "s.tenant_id WHERE t.slug = 'luenen' AND s.key = 'oidc_client_secret'")
    check(value.startswith("sealed:1:") and SECRET not in value, value)
    eventually(lambda: 'id="oidc-login"' in s.get(BASE + "/konto/anmelden").text,
               "button after the settings reach the cache", timeout=30)


def login(s, idp_browser):
    b = Browser(s)
    r = b.get(BASE + "/konto/oidc/start")
    check(r.status == 303 and r.header("Location").startswith(IDP.issuer + "/"), r.status)
    cb = idp_browser.through(r.header("Location"))
    check(cb.startswith(BASE + "/konto/oidc/callback?"), cb)
    return b, b.get(cb), cb


def test_real_provider_login_reuse_and_replay(s, sink):
    configure(s)
    ib = IdPBrowser()
    b, r, cb = login(s, ib)
    check(r.status == 303 and r.header("Location") == BASE + "/konto",
          (r.status, re.findall(r"login refused: .*", s.output())))
    check(ADDR in b.get(BASE + "/konto").text, "logged in with the provider's address")
    check(db_rows(s, "SELECT count(*) FROM citizen_identity WHERE subject = 'erika'")
          == [("1",)], "identity")
    # Second login: the provider still knows the browser; same account.
    b2, r, _ = login(s, ib)
    check(r.status == 303 and ADDR in b2.get(BASE + "/konto").text, r.status)
    check(db_rows(s, f"SELECT count(*) FROM citizen WHERE email = '{ADDR}'") == [("1",)],
          "one account")
    # The first code once more, with a fresh state: the provider refuses it.
    b3 = Browser(s)
    r = b3.get(BASE + "/konto/oidc/start")
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(r.header("Location")).query))[
        "state"]
    old = dict(urllib.parse.parse_qsl(cb.partition("?")[2]))
    r = b3.get(cb.partition("?")[0] + "?" + urllib.parse.urlencode(
        {"code": old["code"], "state": state}))
    check(r.status == 403 and "rh_konto_sid" not in b3.jar, (r.status, r.text[:300]))
    # Discovery and keys came from the cache after the first fetch.
    check(db_rows(s, "SELECT count(*) FROM oidc_cache") == [("2",)], "two cached documents")


if __name__ == "__main__":
    try:
        run_module(globals(), {"RATHAUS_PUBLIC_URL": PUBLIC + "/", "RATHAUS_LOGIN_RATE": "1000"},
                   mail=True)
    finally:
        IDP.stop()
