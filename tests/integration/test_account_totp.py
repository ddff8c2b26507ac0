# SPDX-License-Identifier: EUPL-1.2
"""Two-factor login of citizen accounts (RFC 6238) end to end over HTTP.

The codes are computed here with hmac and base64 from the secret the page
shows: switch on (a wrong code first), login with a code, a wrong code, a
replayed code, a recovery code once only, switch off with password and code;
no session before the second step; the code step is throttled; the secret
never reaches the server's log.
"""
import base64
import hashlib
import hmac
import re
import struct
import time
import urllib.parse

from harness import check, db_rows, hidden, run_module
from test_account import BASE, PASSWORD, PUBLIC, Browser, login, verified_account

STEP = 30


def hotp(secret, counter):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def now_step():
    return int(time.time()) // STEP


def wrong_code(secret):
    """Six digits that are the code of no step near now."""
    near = {hotp(secret, now_step() + d) for d in range(-3, 4)}
    return next(c for c in ("000000", "111111", "123456", "654321") if c not in near)


def setup_page(b):
    r = b.get(BASE + "/konto/zwei-faktor")
    check(r.status == 200, ("setup page", r.status))
    check("no-store" in r.header("Cache-Control"), r.header("Cache-Control"))
    m = re.search(r'id="totp-secret">([A-Z2-7 ]+)</code>', r.text)
    check(m, "secret as text")
    secret = m.group(1).replace(" ", "")
    uri = re.search(r'id="totp-uri" href="([^"]+)"', r.text)
    check(uri, "otpauth link")
    u = urllib.parse.urlparse(uri.group(1).replace("&amp;", "&"))
    qs = urllib.parse.parse_qs(u.query)
    check(u.scheme == "otpauth" and u.netloc == "totp", u)
    check(qs["secret"] == [secret] and qs["digits"] == ["6"] and qs["period"] == ["30"]
          and qs["algorithm"] == ["SHA1"], qs)
    svg = re.search(r'<svg [^>]*viewBox="0 0 (\d+) \1"[^>]*>.*?<path fill="#000" d="([^"]+)"',
                    r.text, re.S)
    check(svg and int(svg.group(1)) >= 29, "QR code as inline SVG")
    check("M4 4h7v1h-7z" in svg.group(2), "finder pattern at the quiet zone")
    check(len(secret) == 32 and len(base64.b32decode(secret)) == 20, secret)
    return secret, r


def post(s, b, page, action, fields):
    """Post a form of the page already loaded (loading the setup page again makes a new secret)."""
    data = dict(fields, _csrf=hidden(page.text, "_csrf"))
    return b.keep(s.post_form(action, data, cookies=b.jar))


def switch_on(s, b):
    secret, page = setup_page(b)
    r = post(s, b, page, BASE + "/konto/zwei-faktor", {"code": wrong_code(secret)})
    check(r.status == 422 and 'id="account-error"' in r.text, ("wrong code", r.status))
    check(secret in r.text.replace(" ", ""), "the same secret after a wrong code")
    step = now_step()
    r = post(s, b, page, BASE + "/konto/zwei-faktor", {"code": hotp(secret, step)})
    check(r.status == 200, ("switch on", r.status))
    codes = re.findall(r"<li><code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</code></li>",
                       r.text)
    check(len(codes) == 10 and len(set(codes)) == 10, codes)
    return secret, step, codes


def password_step(s, addr, b=None):
    b, r = login(s, addr, b=b or Browser(s))
    check(r.status == 303 and r.header("Location") == BASE + "/konto/anmelden/code",
          (r.status, r.header("Location")))
    check("rh_konto_sid" not in b.jar and "rh_konto_mfa" in b.jar, b.jar)
    return b


def code_step(b, code):
    return b.form(BASE + "/konto/anmelden/code", BASE + "/konto/anmelden/code", {"code": code})


def logout(b):
    r = b.form(BASE + "/konto", BASE + "/konto/abmelden", {})
    check(r.status == 303, r.status)


def citizen_id(s, addr):
    return int(db_rows(s, f"SELECT id FROM citizen WHERE email = '{addr}'")[0][0])


def test_switch_on_login_replay_recovery_switch_off(s, sink):
    addr = "zwei@example.org"
    verified_account(s, sink, addr)
    b, r = login(s, addr)
    check(r.status == 303, r.status)
    r = b.get(BASE + "/konto")
    check('id="totp-state"' in r.text and "ausgeschaltet" in r.text, "state off on /konto")
    t0 = time.time()
    secret, step, codes = switch_on(s, b)
    print(f"     switched on in {time.time() - t0:.2f} s")
    cid = citizen_id(s, addr)
    rows = db_rows(s, f"SELECT totp_secret, totp_pending, totp_step FROM citizen WHERE id = {cid}")
    check(rows == [(secret, "", str(step))], rows)
    hashes = [h for (h,) in db_rows(s, f"SELECT code_hash FROM citizen_recovery "
                                       f"WHERE citizen_id = {cid}")]
    check(len(hashes) == 10, hashes)
    for c in codes:
        check(all(c not in h and c.replace("-", "") not in h for h in hashes), "hashed")
    check("eingeschaltet" in b.get(BASE + "/konto").text, "state on on /konto")
    logout(b)

    # The password alone gives no session: /konto pages send to the login.
    b = password_step(s, addr)
    for path in ("/konto", "/konto/zwei-faktor", "/konto/anmeldungen"):
        r = b.get(BASE + path)
        check(r.status == 303 and "/konto/anmelden" in r.header("Location"), (path, r.status))
    r = b.get(BASE + "/konto/anmelden/code")
    check(r.status == 200 and 'autocomplete="one-time-code"' in r.text, r.status)
    r = code_step(b, wrong_code(secret))
    check(r.status == 401 and 'id="account-error"' in r.text, ("wrong code", r.status))
    check("rh_konto_sid" not in b.jar, "no session after a wrong code")
    r = code_step(b, "9" * 300)
    check(r.status == 401, ("long code", r.status))
    r = code_step(b, "9" * 5000)
    check(r.status == 413, ("code over the form limit", r.status))
    r = code_step(b, "\u00e4\x01" + "1" * 6)
    check(r.status in (400, 401), ("control character", r.status))
    used = max(step + 1, now_step())  # later than the step that switched on, within ±1
    code = hotp(secret, used)
    r = code_step(b, code[:3] + " " + code[3:])
    check(r.status == 303 and r.header("Location") == BASE + "/konto", (r.status, r.headers))
    check("rh_konto_sid" in b.jar and "rh_konto_mfa" not in b.jar, b.jar)
    check(b.get(BASE + "/konto").status == 200, "logged in")
    logout(b)

    # The same code again is refused, even within its 90 seconds.
    b = password_step(s, addr)
    r = code_step(b, code)
    check(r.status == 401, ("replayed code", r.status))
    check(b.get(BASE + "/konto").status == 303, "no session after a replayed code")

    # A recovery code works once, written in any case and without dashes.
    r = code_step(b, codes[0].lower().replace("-", ""))
    check(r.status == 303, ("recovery code", r.status))
    logout(b)
    b = password_step(s, addr)
    r = code_step(b, codes[0])
    check(r.status == 401, ("recovery code twice", r.status))
    r = code_step(b, codes[1])
    check(r.status == 303, ("second recovery code", r.status))
    # The pending login is gone: its cookie gives no second session.
    r = b.get(BASE + "/konto/anmelden/code")
    check(r.status == 303, ("code page after login", r.status))

    # Switching off needs the password and a code.
    r = b.get(BASE + "/konto/zwei-faktor")
    check(r.status == 200 and re.search(r'id="recovery-left">[^<]*8</p>', r.text), r.text[-600:])
    r = b.form(BASE + "/konto/zwei-faktor", BASE + "/konto/zwei-faktor/aus",
               {"password": "nicht das Passwort", "code": codes[2]})
    check(r.status == 422, ("wrong password", r.status))
    r = b.form(BASE + "/konto/zwei-faktor", BASE + "/konto/zwei-faktor/aus",
               {"password": PASSWORD, "code": wrong_code(secret)})
    check(r.status == 422, ("wrong code", r.status))
    check(db_rows(s, f"SELECT totp_secret FROM citizen WHERE id = {cid}") == [(secret,)], "on")
    r = b.form(BASE + "/konto/zwei-faktor", BASE + "/konto/zwei-faktor/aus",
               {"password": PASSWORD, "code": codes[2]})
    check(r.status == 303 and r.header("Location") == BASE + "/konto?zwei-faktor=aus",
          (r.status, r.header("Location")))
    check(db_rows(s, f"SELECT length(totp_secret) FROM citizen WHERE id = {cid}") == [("0",)],
          "off")
    check(db_rows(s, f"SELECT count(*) FROM citizen_recovery WHERE citizen_id = {cid}")
          == [("0",)], "recovery codes deleted")
    logout(b)
    b, r = login(s, addr)
    check(r.status == 303 and r.header("Location") == BASE + "/konto", ("password only", r.status))

    # The history shows the code step's tries; the secret is in no log line.
    fails = db_rows(s, f"SELECT count(*) FROM citizen_login WHERE citizen_id = {cid} AND ok = 0")
    check(int(fails[0][0]) >= 4, fails)
    check(secret not in s.output(), "secret in the log")


def test_code_step_is_throttled_per_account(s, sink):
    addr = "drossel2@example.org"
    verified_account(s, sink, addr)
    b, _ = login(s, addr)
    secret, step, _ = switch_on(s, b)
    logout(b)
    b = password_step(s, addr)
    for i in range(5):
        r = code_step(b, wrong_code(secret))
        check(r.status == 401, (i, r.status))
    r = code_step(b, hotp(secret, max(step + 1, now_step())))
    check(r.status == 429 and r.header("Retry-After"), ("right code while throttled", r.status))
    # A new password login does not reset the code step's count.
    b = password_step(s, addr)
    r = code_step(b, hotp(secret, max(step + 1, now_step())))
    check(r.status == 429, ("after a new password step", r.status))
    check("rh_konto_sid" not in b.jar, "no session while throttled")


def test_code_page_without_pending_login_and_setup_without_login(s, sink):
    b = Browser(s)
    r = b.get(BASE + "/konto/anmelden/code")
    check(r.status == 303 and r.header("Location").endswith("/konto/anmelden"), r.status)
    b.jar["rh_konto_mfa"] = "A" * 43
    r = b.get(BASE + "/konto/anmelden/code")
    check(r.status == 303, ("made-up cookie", r.status))
    token = hidden(b.get(BASE + "/konto/anmelden").text, "_csrf")
    r = b.keep(s.post_form(BASE + "/konto/anmelden/code", {"_csrf": token, "code": "123456"},
                           cookies=b.jar))
    check(r.status == 303 and "rh_konto_sid" not in b.jar, ("made-up cookie post", r.status))
    r = b.get(BASE + "/konto/zwei-faktor")
    check(r.status == 303 and "/konto/anmelden" in r.header("Location"), r.status)
    r = s.post_form(BASE + "/konto/zwei-faktor", {"code": "123456"})
    check(400 <= r.status < 500, ("post without csrf", r.status))


if __name__ == "__main__":
    run_module(globals(), {"RATHAUS_PUBLIC_URL": PUBLIC + "/", "RATHAUS_LOGIN_RATE": "1000"},
               mail=True)
