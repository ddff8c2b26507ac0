# SPDX-License-Identifier: EUPL-1.2
"""Login to the citizen account through OpenID Connect, end to end over HTTP.

A provider in this process (fake_oidc.py) on 127.0.0.1 serves discovery,
keys, authorization and tokens; the test follows the redirects by hand as a
browser without JavaScript would.  The happy path makes an account and a
session with the trust level the provider asserts, the second login reuses
them; a wrong state, a replayed code or callback, tampered ID tokens (audience,
nonce, issuer, expiry, signature, alg none) and a cancelled login end on an
error page without a session; an existing account is linked only with its
password; one tenant's provider does not log in on another tenant.
"""
import http.client
import urllib.parse

from fake_oidc import FakeIdP
from harness import check, cookies_of, db_rows, eventually, hidden, run_module
from test_account import BASE, PASSWORD, PUBLIC, Browser, login, verified_account
from test_account_privacy import export

OTHER = "/t/landkreis-lueneburg"
IDP = FakeIdP("rathaus-luenen", "geheim-a")
IDP_B = FakeIdP("rathaus-kreis", "geheim-b")
EAIDAS_SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"


def configure(s, slug, idp):
    for key, value in (("oidc_issuer", idp.issuer), ("oidc_client_id", idp.client_id),
                       ("oidc_client_secret", idp.secret), ("oidc_name", "Mit Servicekonto"),
                       ("oidc_scopes", " email  openid email")):
        db_rows(s, "INSERT INTO tenant_setting (tenant_id, key, value, updated_at) "
                   f"SELECT id, '{key}', '{value}', 0 FROM tenant WHERE slug = '{slug}'")


def idp_get(url):
    """One request to the provider, redirects not followed."""
    u = urllib.parse.urlparse(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        c.request("GET", u.path + ("?" + u.query if u.query else ""))
        r = c.getresponse()
        r.read()
        return r.status, r.getheader("Location")
    finally:
        c.close()


def local(url):
    check(url.startswith(PUBLIC + "/t/"), url)
    return url[len(PUBLIC):]


def start(b, base=BASE):
    """The start of a login up to the provider's redirect back: (callback path, query)."""
    r = b.get(base + "/konto/oidc/start?next=/konto")
    check(r.status == 303, ("start", r.status, r.text[:300]))
    check("rh_konto_oidc" in b.jar, "pending-login cookie")
    status, loc = idp_get(r.header("Location"))
    check(status == 302 and loc, ("authorize", status))
    return local(loc)


def oidc_login(s, base=BASE, b=None):
    b = b or Browser(s)
    cb = start(b, base)
    return b, b.get(cb), cb


def sessions_of(s, addr):
    return db_rows(s, "SELECT count(*) FROM citizen_session WHERE citizen_id = "
                      f"(SELECT id FROM citizen WHERE email = '{addr}')")[0][0]


def refused(s, r, b, status=403, text="fehlgeschlagen"):
    check(r.status == status, (r.status, r.text[:400]))
    check(text in r.text, r.text[:600])
    check("rh_konto_sid" not in cookies_of(r), "no session cookie")
    check(b.get(BASE + "/konto").status == 303, "not logged in")


def test_a_login_page_shows_the_providers_button(s, sink):
    configure(s, "luenen", IDP)
    configure(s, "landkreis-lueneburg", IDP_B)
    eventually(lambda: 'id="oidc-login"' in s.get(BASE + "/konto/anmelden").text,
               "button after the settings reach the cache", timeout=30)
    r = s.get(BASE + "/konto/anmelden?next=/konto/daten")
    check("Mit Servicekonto" in r.text, "label from the settings")
    check('href="/t/luenen/konto/oidc/start?next=/konto/daten"' in r.text, r.text[-1500:])
    check(r.text.count("<form") == 1, "still one form")
    r = s.get("/t/detmold/konto/anmelden")
    check(r.status == 200 and 'id="oidc-login"' not in r.text, "no button without provider")
    check(s.get("/t/detmold/konto/oidc/start").status == 404, "no start without provider")


def test_b_first_login_makes_an_account_and_a_session(s, sink):
    IDP.user = {"sub": "anna-1", "email": "Anna.Oidc@Example.org", "email_verified": True,
                "acr": EAIDAS_SUBSTANTIAL}
    b, r, _ = oidc_login(s)
    check(r.status == 303 and r.header("Location") == BASE + "/konto", (r.status, r.text[:500]))
    a = IDP.last_authorize
    check(a["redirect_uri"] == PUBLIC + BASE + "/konto/oidc/callback", a)
    check(a["scope"] == "openid email" and len(a["state"]) >= 43 and len(a["nonce"]) >= 43,
          a)
    sc = [v for v in r.headers_all("Set-Cookie") if v.startswith("rh_konto_sid=")]
    check(len(sc) == 1 and "HttpOnly" in sc[0], sc)
    r = b.get(BASE + "/konto")
    check(r.status == 200 and "anna.oidc@example.org" in r.text, r.status)
    rows = db_rows(s, "SELECT c.password_hash, c.verified_at > 0, i.subject, i.issuer FROM "
                      "citizen c JOIN citizen_identity i ON i.citizen_id = c.id "
                      "WHERE c.email = 'anna.oidc@example.org'")
    check(len(rows) == 1 and rows[0][0] == "" and rows[0][2] == "anna-1"
          and rows[0][3] == IDP.issuer, rows)
    check(rows[0][1] in ("1", "True", "t"), rows)
    check(db_rows(s, "SELECT max(trust_level) FROM citizen_session")[0][0] == "3", "level")
    doc, _ = export(b)
    check([(i["portal"], i["provider"], i["subject"]) for i in doc["identities"]] ==
          [("luenen", IDP.issuer, "anna-1")], doc["identities"])
    # No password: the password login does not open it.
    _, r = login(s, "anna.oidc@example.org", "")
    check(r.status in (401, 422), r.status)


def test_c_second_login_reuses_the_account(s, sink):
    IDP.user = {"sub": "anna-1", "email": "other@example.org", "email_verified": True}
    b, r, _ = oidc_login(s)
    check(r.status == 303, r.status)
    check(b.get(BASE + "/konto").text.count("anna.oidc@example.org") >= 1, "same account")
    check(db_rows(s, "SELECT count(*) FROM citizen_identity")[0][0] == "1", "one identity")
    check(db_rows(s, "SELECT count(*) FROM citizen WHERE email = 'other@example.org'")[0][0]
          == "0", "no second account")
    check(sessions_of(s, "anna.oidc@example.org") == "2", "two sessions")


def test_d_wrong_state_is_refused(s, sink):
    b = Browser(s)
    cb = start(b)
    path, _, query = cb.partition("?")
    qs = dict(urllib.parse.parse_qsl(query))
    qs["state"] = "x" + qs["state"][1:] if qs["state"][0] != "x" else "y" + qs["state"][1:]
    r = b.get(path + "?" + urllib.parse.urlencode(qs))
    refused(s, r, b, 400)


def test_e_replayed_callback_and_code_are_refused(s, sink):
    IDP.user = {"sub": "anna-1", "email": "anna.oidc@example.org", "email_verified": True}
    b, r, cb = oidc_login(s)
    check(r.status == 303, r.status)
    # The same callback again: the pending login is gone.
    r = b.get(cb)
    check(r.status == 400 and "abgelaufen" in r.text, (r.status, r.text[:300]))
    # The used code with a fresh state: the provider refuses it.
    b2 = Browser(s)
    cb2 = start(b2)
    state = dict(urllib.parse.parse_qsl(cb2.partition("?")[2]))["state"]
    code = dict(urllib.parse.parse_qsl(cb.partition("?")[2]))["code"]
    r = b2.get(cb.partition("?")[0] + "?" + urllib.parse.urlencode({"code": code,
                                                                      "state": state}))
    refused(s, r, b2)
    # A made-up cookie finds nothing.
    b3 = Browser(s)
    b3.jar["rh_konto_oidc"] = "A" * 43
    refused(s, b3.get(cb), b3, 400, "abgelaufen")


def test_f_tampered_id_tokens_are_refused(s, sink):
    IDP.user = {"sub": "anna-1", "email": "anna.oidc@example.org", "email_verified": True}
    before = sessions_of(s, "anna.oidc@example.org")
    try:
        for t in ("aud", "nonce", "iss", "exp", "sig", "alg_none"):
            IDP.tamper = t
            b, r, _ = oidc_login(s)
            refused(s, r, b)
            print(f"     tampered {t}: {r.status}")
    finally:
        IDP.tamper = None
    check(sessions_of(s, "anna.oidc@example.org") == before, "no session made")
    out = s.output()
    check("jwt: not for audience" in out and "jwt: the nonce does not match" in out
          and "jwt: bad signature" in out and "jwt: expired" in out, out[-3000:])


def test_g_cancelled_login_and_unverified_address(s, sink):
    b = Browser(s)
    cb = start(b)
    qs = dict(urllib.parse.parse_qsl(cb.partition("?")[2]))
    r = b.get(cb.partition("?")[0] + "?" + urllib.parse.urlencode(
        {"error": "access_denied", "state": qs["state"]}))
    refused(s, r, b, 403, "abgebrochen")
    IDP.user = {"sub": "nobody", "email": "nobody@example.org", "email_verified": False}
    b, r, _ = oidc_login(s)
    refused(s, r, b, 403, "keine bestätigte E-Mail-Adresse")
    check(db_rows(s, "SELECT count(*) FROM citizen WHERE email = 'nobody@example.org'")[0][0]
          == "0", "no account")


def test_h_existing_account_is_linked_only_with_its_password(s, sink):
    addr = "berta.link@example.org"
    verified_account(s, sink, addr)
    IDP.user = {"sub": "berta-9", "email": addr, "email_verified": True,
                "acr": "http://eidas.europa.eu/LoA/high"}
    b, r, _ = oidc_login(s)
    check(r.status == 303 and r.header("Location") == BASE + "/konto/oidc/verknuepfen",
          (r.status, r.headers))
    check("rh_konto_sid" not in cookies_of(r), "no session before the password")
    check(b.get(BASE + "/konto").status == 303, "not logged in yet")
    r = b.form(BASE + "/konto/oidc/verknuepfen", BASE + "/konto/oidc/verknuepfen",
               {"password": "falsch falsch falsch"})
    check(r.status == 401 and "nicht richtig" in r.text, r.status)
    check(db_rows(s, "SELECT count(*) FROM citizen_identity WHERE subject = 'berta-9'")[0][0]
          == "0", "not linked")
    r = b.form(BASE + "/konto/oidc/verknuepfen", BASE + "/konto/oidc/verknuepfen",
               {"password": PASSWORD})
    check(r.status == 303 and r.header("Location") == BASE + "/konto", (r.status, r.text[:300]))
    check(addr in b.get(BASE + "/konto").text, "logged in")
    check(db_rows(s, "SELECT max(trust_level) FROM citizen_session WHERE citizen_id = "
                     f"(SELECT id FROM citizen WHERE email = '{addr}')")[0][0] == "4", "level")
    # From now on the provider alone logs in.
    b2, r, _ = oidc_login(s)
    check(r.status == 303 and r.header("Location") == BASE + "/konto", r.status)
    # A link form without a pending login.
    b3 = Browser(s)
    r = b3.get(BASE + "/konto/oidc/verknuepfen")
    check(r.status == 400, r.status)


def test_i_tenants_are_apart(s, sink):
    # A login begun on the other tenant cannot finish on this one.
    IDP_B.user = {"sub": "kreis-1", "email": "kreis@example.org", "email_verified": True}
    b = Browser(s)
    cb = start(b, OTHER)
    check(cb.startswith(OTHER + "/konto/oidc/callback?"), cb)
    r = b.get(BASE + cb[len(OTHER):])
    refused(s, r, b, 400, "abgelaufen")
    # The other tenant's own flow works, with its own identity.
    b, r, _ = oidc_login(s, OTHER)
    check(r.status == 303 and r.header("Location") == OTHER + "/konto", (r.status, r.text[:300]))
    rows = db_rows(s, "SELECT t.slug FROM citizen_identity i JOIN tenant t ON t.id = "
                      "i.tenant_id WHERE i.subject = 'kreis-1'")
    check(rows == [("landkreis-lueneburg",)], rows)
    # The same subject at this tenant's provider is another person: no login to kreis@.
    IDP.user = {"sub": "kreis-1", "email": "kreis2@example.org", "email_verified": True}
    b, r, _ = oidc_login(s)
    check(r.status == 303, r.status)
    check("kreis2@example.org" in b.get(BASE + "/konto").text, "own account")


def test_j_logout_ends_the_session(s, sink):
    IDP.user = {"sub": "anna-1", "email": "anna.oidc@example.org", "email_verified": True}
    b, r, _ = oidc_login(s)
    check(r.status == 303, r.status)
    page = b.get(BASE + "/konto")
    r = b.s.post_form(BASE + "/konto/abmelden", {"_csrf": hidden(page.text, "_csrf")},
                      cookies=b.jar)
    b.keep(r)
    check(r.status == 303, r.status)
    check(b.get(BASE + "/konto").status == 303, "logged out")


if __name__ == "__main__":
    try:
        run_module(globals(), {"RATHAUS_PUBLIC_URL": PUBLIC + "/", "RATHAUS_LOGIN_RATE": "1000"},
                   mail=True)
    finally:
        IDP.stop()
        IDP_B.stop()
