# SPDX-License-Identifier: EUPL-1.2
"""Login through a SAML 2.0 identity provider (BundID and the like).

tests/tools/saml_idp.mjs runs an IdP on 127.0.0.1 that signs with npm
xml-crypto and encrypts with npm xml-encryption; it takes our certificates
from our metadata URL and refuses an AuthnRequest that is not signed with
ours.  These tests drive the whole flow over HTTP as a browser without
JavaScript: the portal's start, the IdP's answer page with its auto-post
form, the post to our ACS.  Every way a response can be wrong ends on a
German error page with 400 or 403 and no session.
"""
import base64
import http.client
import io
import json
import re
import subprocess
import threading
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile

from harness import check, db_rows, eventually, run_module
from test_account import BASE, PASSWORD, PUBLIC, Browser, verified_account
from test_files_settings import Staff, settings_form
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "tools", "saml_idp.mjs")
ADDR = "erika.saml@example.org"
ENTITY = PUBLIC + BASE + "/konto/saml/metadata"
ACS = PUBLIC + BASE + "/konto/saml/acs"
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
USERS = {"erika": {"email": ADDR}, "max": {"email": "max.saml@example.org"},
         "berta": {"email": "berta.saml@example.org"}, "nomail": {}}


class SamlIdP:
    def __init__(self, s):
        conf = {"sp_metadata": f"http://127.0.0.1:{s.port}{BASE}/konto/saml/metadata",
                "users": USERS}
        self.proc = subprocess.Popen(["node", TOOL, json.dumps(conf)], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        check(m, ("saml_idp did not start", line))
        self.base = m.group(1)
        self.metadata = self.base + "/metadata"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


IDP = []


def ready(s):
    """The IdP, started once, entered by the admin of luenen on the settings page."""
    if IDP:
        return IDP[0]
    idp = SamlIdP(s)
    IDP.append(idp)
    admin = Staff(s, BASE, "demo@rathaus.example", s.demo_password)
    page = admin.get("/verwaltung/einstellungen").text
    check("Anmeldung über SAML" in page and 'value="Mit BundID anmelden"' in page, page[-500:])
    fields = settings_form(page)
    check({"saml_metadata", "saml_attr_email", "saml_attr_subject"} <= set(fields), fields)
    fields["saml_metadata"] = idp.metadata
    r = admin.post("/verwaltung/einstellungen", fields)
    check(r.status == 303, (r.status, r.text[:300]))
    eventually(lambda: 'id="saml-login"' in s.get(BASE + "/konto/anmelden").text,
               "button after the settings reach the cache", timeout=30)
    return idp


def idp_get(url):
    u = urllib.parse.urlparse(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        c.request("GET", u.path + "?" + u.query)
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        c.close()


def answer(s, b, **test):
    """Start a login in browser b; the IdP's answer: (SAMLResponse, RelayState, ACS path)."""
    idp = ready(s)
    r = b.get(BASE + "/konto/saml/start?next=/konto")
    check(r.status == 303 and r.header("Location").startswith(idp.base + "/sso?"),
          (r.status, r.header("Location"), r.text[:300]))
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(r.header("Location")).query))
    check({"SAMLRequest", "SigAlg", "Signature"} <= set(q), sorted(q))
    status, page = idp_get(r.header("Location") + "&" + urllib.parse.urlencode(test))
    check(status == 200, (status, page[:300]))
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    check(action == ACS, action)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page))
    return fields["SAMLResponse"], fields.get("RelayState", ""), action[len(PUBLIC):]


def post(s, b, response, cookies=None):
    return b.keep(s.post_form(BASE + "/konto/saml/acs", {"SAMLResponse": response},
                              cookies=b.jar if cookies is None else cookies))


def login(s, user="erika", **test):
    b = Browser(s)
    response, _, _ = answer(s, b, user=user, **test)
    return b, post(s, b, response)


def refused(s, r, b, status, words):
    check(r.status == status, (r.status, r.text[:400],
                               re.findall(r"login refused: .*", s.output())[-3:]))
    check("Anmeldung nicht möglich" in r.text and words in r.text, r.text[:800])
    check("rh_konto_sid" not in b.jar, "no session")


def logged_in(r, b, s, addr=ADDR):
    check(r.status == 303 and r.header("Location") == BASE + "/konto",
          (r.status, r.text[:300], re.findall(r"login refused: .*", s.output())[-3:]))
    check(addr in b.get(BASE + "/konto").text, "logged in with the IdP's address")


def trust_form(s, level):
    db_rows(s, "UPDATE form SET definition = replace(definition, '\"id\": "
               "\"sperrmuell-abholung\",', '\"id\": \"sperrmuell-abholung\", "
               f"\"trust_level\": {level},') WHERE id = 'sperrmuell-abholung' "
               "AND definition NOT LIKE '%trust_level%'")


def test_a_metadata_names_our_certificate_and_acs(s, sink):
    r = s.get(BASE + "/konto/saml/metadata")
    check(r.status == 200 and r.header("Content-Type").startswith(
        "application/samlmetadata+xml"), (r.status, r.header("Content-Type")))
    check(b"PRIVATE" not in r.body, "no private key in the metadata")
    root = ET.fromstring(r.body)
    check(root.tag == MD + "EntityDescriptor" and root.get("entityID") == ENTITY, root.attrib)
    sp = root.find(MD + "SPSSODescriptor")
    check(sp.get("AuthnRequestsSigned") == "true" and sp.get("WantAssertionsSigned") == "true",
          sp.attrib)
    acs = sp.findall(MD + "AssertionConsumerService")
    check([(a.get("Binding"), a.get("Location")) for a in acs] ==
          [("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", ACS)], acs)
    certs = {k.get("use"): k.find(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate").text
             for k in sp.findall(MD + "KeyDescriptor")}
    check(set(certs) == {"signing", "encryption"} and len(set(certs.values())) == 1, certs)
    pem = ("-----BEGIN CERTIFICATE-----\n" + certs["signing"] + "\n-----END CERTIFICATE-----\n")
    out = subprocess.run(["openssl", "x509", "-noout", "-text"], input=pem, text=True,
                         capture_output=True)
    check(out.returncode == 0 and "Public-Key: (3072 bit)" in out.stdout, out.stderr[:300])
    # The same pair for every tenant and every instance: it is kept in the database.
    other = s.get("/t/landkreis-lueneburg/konto/saml/metadata")
    check(other.status == 200 and certs["signing"].encode() in other.body and
          b"/t/landkreis-lueneburg/konto/saml/acs" in other.body, other.status)
    check(db_rows(s, "SELECT count(*) FROM saml_sp_key") == [("1",)], "one key pair")
    (key,), = db_rows(s, "SELECT substr(key_pem, 1, 9) FROM saml_sp_key")
    check(key == "sealed:1:", ("the private key is sealed at rest", key))
    two = s.second()
    try:
        check(certs["signing"].encode() in two.get(BASE + "/konto/saml/metadata").body,
              "second instance, same certificate")
    finally:
        two.stop()


def test_b_login_makes_account_session_and_trust_level(s, sink):
    idp = ready(s)
    page = s.get(BASE + "/konto/anmelden").text
    check(re.search(r'id="saml-login" href="[^"]*/konto/saml/start[^"]*"><span '
                    r'class="kern-label">Mit BundID anmelden</span>', page), page[-1500:])
    # The request's cookie must come back with the IdP's cross-site POST.
    r = s.get(BASE + "/konto/saml/start")
    cookie = [c for c in r.headers_all("Set-Cookie") if c.startswith("rh_konto_saml=")]
    check(len(cookie) == 1 and "; Secure" in cookie[0] and "SameSite=None" in cookie[0] and
          "HttpOnly" in cookie[0], cookie)
    b, r = login(s)
    logged_in(r, b, s)
    check(db_rows(s, "SELECT issuer, subject FROM citizen_identity ci JOIN citizen c ON "
                     f"c.id = ci.citizen_id WHERE c.email = '{ADDR}'") ==
          [(idp.metadata, "sub-erika")], "identity")
    check(db_rows(s, "SELECT trust_level FROM citizen_session cs JOIN citizen c ON "
                     f"c.id = cs.citizen_id WHERE c.email = '{ADDR}'") == [("3",)], "level 3")
    # "substantiell" is enough for a form that asks for it, not for "hoch".
    trust_form(s, 3)
    r = b.get(BASE + "/formulare/sperrmuell-abholung")
    check(r.status in (200, 303), ("form of level 3", r.status, r.text[:300]))
    db_rows(s, "UPDATE form SET definition = replace(definition, '\"trust_level\": 3', "
               "'\"trust_level\": 4') WHERE id = 'sperrmuell-abholung'")
    r = b.get(BASE + "/formulare/sperrmuell-abholung")
    check(r.status == 403, ("form of level 4", r.status))
    b4, r = login(s, acr="http://eidas.europa.eu/LoA/high")
    logged_in(r, b4, s)
    r = b4.get(BASE + "/formulare/sperrmuell-abholung")
    check(r.status in (200, 303), ("level 4 login, form of level 4", r.status))
    db_rows(s, "UPDATE form SET definition = replace(definition, '\"trust_level\": 4', "
               "'\"trust_level\": 3') WHERE id = 'sperrmuell-abholung'")
    b1, r = login(s, acr="STORK-QAA-Level-2")
    logged_in(r, b1, s)
    check(b1.get(BASE + "/formulare/sperrmuell-abholung").status == 403, "level 2 < 3")
    # The second login reused the account; the export lists the identity.
    check(db_rows(s, f"SELECT count(*) FROM citizen WHERE email = '{ADDR}'") == [("1",)],
          "one account")
    r = b.get(BASE + "/konto/daten/export.zip")
    doc = json.loads(zipfile.ZipFile(io.BytesIO(r.body)).read("meine-daten.json"))
    check([(i["portal"], i["provider"], i["subject"]) for i in doc["identities"]] ==
          [("luenen", idp.metadata, "sub-erika")], doc["identities"])


def test_c_encrypted_assertion_logs_in(s, sink):
    for mode in ("gcm", "cbc"):
        b = Browser(s)
        response, _, _ = answer(s, b, user="max", encrypt="1", enc=mode)
        xml = base64.b64decode(response).decode()
        check("EncryptedAssertion" in xml and "max.saml@example.org" not in xml, xml[:300])
        logged_in(post(s, b, response), b, s, "max.saml@example.org")


def test_d_tampered_assertion_is_refused(s, sink):
    b = Browser(s)
    response, _, _ = answer(s, b)
    xml = base64.b64decode(response).decode()
    check(ADDR in xml, "the address is in the signed assertion")
    forged = base64.b64encode(xml.replace(ADDR, "mallory@example.org").encode()).decode()
    refused(s, post(s, b, forged), b, 403, "konnte nicht bestätigt werden")
    check(db_rows(s, "SELECT count(*) FROM citizen WHERE email = 'mallory@example.org'") ==
          [("0",)], "no account")
    # Unsigned altogether, and a response signed as a whole: only the latter counts.
    b = Browser(s)
    response, _, _ = answer(s, b, sign="none")
    refused(s, post(s, b, response), b, 403, "konnte nicht bestätigt werden")
    b = Browser(s)
    response, _, _ = answer(s, b, sign="response")
    logged_in(post(s, b, response), b, s)


def test_e_replayed_response_is_refused(s, sink):
    b = Browser(s)
    response, _, _ = answer(s, b)
    cookies = dict(b.jar)
    logged_in(post(s, b, response), b, s)
    again = Browser(s)
    refused(s, post(s, again, response, cookies), again, 403, "schon verwendet")
    # Another instance on the same database refuses it as well.
    b = Browser(s)
    response, _, _ = answer(s, b)
    cookies = dict(b.jar)
    logged_in(post(s, b, response), b, s)
    two = s.second()
    try:
        r = two.post_form(BASE + "/konto/saml/acs", {"SAMLResponse": response}, cookies=cookies)
        check(r.status == 403 and "schon verwendet" in r.text, (r.status, r.text[:300]))
    finally:
        two.stop()


def test_f_replay_race_lets_one_in(s, sink):
    """The same response posted to two instances at once: exactly one login."""
    b = Browser(s)
    response, _, _ = answer(s, b)
    cookies = dict(b.jar)
    two = s.second()
    got = []
    try:
        def send(server):
            got.append(server.post_form(BASE + "/konto/saml/acs", {"SAMLResponse": response},
                                        cookies=cookies).status)
        ts = [threading.Thread(target=send, args=(x,)) for x in (s, two)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    finally:
        two.stop()
    check(sorted(got) == [303, 403], got)


def test_g_wrong_audience_is_refused(s, sink):
    b = Browser(s)
    response, _, _ = answer(s, b, audience="https://anderes-portal.example/saml")
    refused(s, post(s, b, response), b, 403, "nicht für dieses Portal bestimmt")
    check("audience 'https://anderes-portal.example/saml' is not our entity id" in s.output(),
          "reason in the log")


def test_h_expired_assertion_is_refused(s, sink):
    b = Browser(s)
    response, _, _ = answer(s, b, expired="1")
    refused(s, post(s, b, response), b, 403, "abgelaufen")
    check(re.search(r"saml: subject confirmation expired", s.output()), "reason in the log")


def test_i_response_to_another_request_is_refused(s, sink):
    b = Browser(s)
    old, _, _ = answer(s, b)
    answer(s, b)  # a new request in the same browser replaces the cookie
    refused(s, post(s, b, old), b, 400, "abgelaufen")
    check(re.search(r"saml: (answers|response to) request '", s.output()), "reason in the log")
    # Without a request of this browser, and with what is no SAML at all.
    stranger = Browser(s)
    refused(s, post(s, stranger, old), stranger, 400, "abgelaufen")
    b = Browser(s)
    answer(s, b)
    for junk in ("", "kein base64 !", base64.b64encode(b"<nicht/>").decode(),
                 base64.b64encode(b"\x00\xff" * 40).decode()):
        r = post(s, b, junk)
        check(r.status == 400 and "Anmeldung nicht möglich" in r.text, (junk, r.status))


def test_j_new_identity_without_an_address_is_refused(s, sink):
    b, r = login(s, user="nomail")
    refused(s, r, b, 403, "keine bestätigte E-Mail-Adresse")


def test_k_existing_account_is_linked_only_with_its_password(s, sink):
    addr = "berta.saml@example.org"
    verified_account(s, sink, addr)
    b, r = login(s, user="berta", acr="STORK-QAA-Level-4")
    check(r.status == 303 and r.header("Location") == BASE + "/konto/oidc/verknuepfen",
          (r.status, r.text[:300]))
    check("rh_konto_sid" not in b.jar and b.get(BASE + "/konto").status == 303, "no session")
    r = b.form(BASE + "/konto/oidc/verknuepfen", BASE + "/konto/oidc/verknuepfen",
               {"password": "falsch falsch falsch"})
    check(r.status == 401, r.status)
    r = b.form(BASE + "/konto/oidc/verknuepfen", BASE + "/konto/oidc/verknuepfen",
               {"password": PASSWORD})
    logged_in(r, b, s, addr)
    check(db_rows(s, "SELECT max(trust_level) FROM citizen_session WHERE citizen_id = "
                     f"(SELECT id FROM citizen WHERE email = '{addr}')") == [("4",)], "level 4")
    b2, r = login(s, user="berta")
    logged_in(r, b2, s, addr)


if __name__ == "__main__":
    try:
        run_module(globals(), {"RATHAUS_PUBLIC_URL": PUBLIC + "/", "RATHAUS_LOGIN_RATE": "1000"},
                   mail=True)
    finally:
        for idp in IDP:
            idp.stop()

