# SPDX-License-Identifier: EUPL-1.2
"""Citizen accounts end to end over HTTP, mails read from the SMTP sink.

Register, verify, log in, see the address, log out; reset; token reuse and
expiry; CSRF; enumeration (same page, similar timing: the figures are
printed); throttling; log out everywhere; no page from the page cache.
"""
import email
import email.policy
import re
import statistics
import time

from harness import Server, check, cookies_of, db_rows, eventually, hidden, run_module

PUBLIC = "https://portal.example.de"
BASE = "/t/luenen"
PASSWORD = "Ein langer Satz als Passwort"


def wait_for(cond, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


class Browser:
    """A cookie jar over the harness, like a browser without JavaScript."""

    def __init__(self, s):
        self.s = s
        self.jar = {}

    def headers(self):
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())} if self.jar else {}

    def keep(self, r):
        for k, v in cookies_of(r).items():
            if v:
                self.jar[k] = v
            else:
                self.jar.pop(k, None)
        return r

    def get(self, path):
        return self.keep(self.s.get(path, headers=self.headers()))

    def form(self, page, action, fields, csrf=True):
        r = self.get(page)
        check(r.status == 200, (page, r.status))
        data = dict(fields)
        if csrf:
            data["_csrf"] = hidden(r.text, "_csrf")
        return self.keep(self.s.post_form(action, data, cookies=self.jar))


def mails_to(sink, addr):
    out = []
    for _, rcpts, raw in sink.received():
        if rcpts == [f"<{addr}>"]:
            out.append(email.message_from_bytes(raw, policy=email.policy.default))
    return out


def wait_mail(sink, addr, n=1):
    check(wait_for(lambda: len(mails_to(sink, addr)) >= n), f"no mail {n} to {addr}")
    return mails_to(sink, addr)[n - 1]


def link_of(msg):
    text = msg.get_body(("plain",)).get_content()
    m = re.search(r"https?://\S*/konto/\S*", text)
    check(m, text)
    return m.group(0)


def local(url):
    check(url.startswith(PUBLIC + BASE + "/konto/"), url)
    return url[len(PUBLIC):]


def register(s, addr, pw=PASSWORD):
    b = Browser(s)
    r = b.form(BASE + "/konto/registrieren", BASE + "/konto/registrieren",
               {"email": addr, "password": pw, "password2": pw})
    return b, r


def login(s, addr, pw=PASSWORD, b=None):
    b = b or Browser(s)
    r = b.form(BASE + "/konto/anmelden", BASE + "/konto/anmelden", {"email": addr, "password": pw})
    return b, r


def verified_account(s, sink, addr):
    register(s, addr)
    r = s.get(local(link_of(wait_mail(sink, addr))))
    check(r.status == 200, r.status)


_LOGGED_IN = {}


def logged_in(s, sink, addr):
    """A browser logged in to the verified account `addr` of server `s`, made on first use."""
    key = (id(s), addr)
    if key not in _LOGGED_IN:
        verified_account(s, sink, addr)
        b, r = login(s, addr)
        check(r.status == 303, ("login", addr, r.status))
        _LOGGED_IN[key] = b
    return _LOGGED_IN[key]


def test_register_form_has_the_fields_the_check_uses(s, sink):
    r = s.get(BASE + "/konto/registrieren")
    check(r.status == 200, r.status)
    forms = re.findall(r"<form[^>]*>.*?</form>", r.text, re.S)
    check(len(forms) == 1 and 'method="post"' in forms[0], forms)
    check(forms[0].count('type="email"') == 1 and forms[0].count('type="password"') in (1, 2),
          forms[0])
    check('type="hidden"' in forms[0] and hidden(r.text, "_csrf"), "csrf token")
    check("no-store" in r.header("Cache-Control"), r.header("Cache-Control"))
    check('href="/t/luenen/konto"' in r.text and "Mein Konto" in r.text, "header entry")


def test_register_verify_login_shows_address_then_logout(s, sink):
    addr = "anna.buerger@example.org"
    t0 = time.time()
    _, r = register(s, addr)
    check(r.status in (200, 303), r.status)
    msg = wait_mail(sink, addr)
    print(f"     verification mail {time.time() - t0:.2f} s after the post")
    url = link_of(msg)
    check(url.startswith(PUBLIC + "/t/luenen/konto/bestaetigen/"), url)
    _, r = login(s, addr)
    check(r.status == 403, ("login before verification", r.status))
    r = s.get(local(url))
    check(r.status == 200 and "bestätigt" in r.text, r.status)
    check("no-store" in r.header("Cache-Control"), r.header("Cache-Control"))
    b, r = login(s, addr)
    check(r.status == 303 and r.header("Location") == BASE + "/konto", (r.status, r.headers))
    sc = [v for v in r.headers_all("Set-Cookie") if v.startswith("rh_konto_sid=")]
    check(len(sc) == 1 and "HttpOnly" in sc[0] and "SameSite=Lax" in sc[0] and "Secure" in sc[0],
          sc)
    r = b.get(BASE + "/konto")
    check(r.status == 200 and addr in r.text, r.status)
    check("no-store" in r.header("Cache-Control"), r.header("Cache-Control"))
    # Any tenant: one account per installation, one cookie per host.
    r = b.get("/t/landkreis-lueneburg/konto")
    check(r.status == 200 and addr in r.text, r.status)
    r = b.form(BASE + "/konto", BASE + "/konto/abmelden", {})
    check(r.status == 303, r.status)
    r = b.get(BASE + "/konto")
    check(r.status == 303 and "/konto/anmelden" in r.header("Location"), r.status)


def test_old_session_id_is_dead_after_logout_server_side(s, sink):
    addr = "bert@example.org"
    verified_account(s, sink, addr)
    b, r = login(s, addr)
    sid = b.jar["rh_konto_sid"]
    b.form(BASE + "/konto", BASE + "/konto/abmelden", {})
    r = s.get(BASE + "/konto", headers={"Cookie": f"rh_konto_sid={sid}"})
    check(r.status == 303, ("replayed cookie after logout", r.status))


def test_login_gives_a_new_session_id(s, sink):
    addr = "fix@example.org"
    verified_account(s, sink, addr)
    b = Browser(s)
    b.jar["rh_konto_sid"] = "A" * 43  # planted by an attacker
    b, r = login(s, addr, b=b)
    check(r.status == 303 and b.jar["rh_konto_sid"] != "A" * 43, b.jar)


def test_login_history_shows_own_tries_only(s, sink):
    addr = "verlauf@example.org"
    verified_account(s, sink, addr)
    check(login(s, addr, "falsches Passwort")[1].status == 401, "wrong password")
    b, r = login(s, addr)
    check(r.status == 303, r.status)
    r = b.get(BASE + "/konto/anmeldungen")
    check(r.status == 200 and "no-store" in r.header("Cache-Control"), r.status)
    check(r.text.count("Falsches Passwort") == 1 and r.text.count(">Angemeldet<") == 1, r.text)
    check("Stadt Lünen" in r.text, "portal named")
    other = "andere@example.org"
    verified_account(s, sink, other)
    b2, _ = login(s, other)
    r = b2.get(BASE + "/konto/anmeldungen")
    check("Falsches Passwort" not in r.text and r.text.count(">Angemeldet<") == 1, "own only")
    check(s.get(BASE + "/konto/anmeldungen").status == 303, "login needed")


def test_log_out_everywhere_ends_another_session(s, sink):
    addr = "ueberall@example.org"
    verified_account(s, sink, addr)
    phone, _ = login(s, addr)
    laptop, _ = login(s, addr)
    r = laptop.get(BASE + "/konto")
    check(r.text.count("<tr class=\"kern-table__row\">") >= 3, "two sessions listed")
    r = laptop.form(BASE + "/konto", BASE + "/konto/ueberall-abmelden", {})
    check(r.status == 303, r.status)
    check(phone.get(BASE + "/konto").status == 303, "the other session ended")
    check(laptop.get(BASE + "/konto").status == 303, "this session ended")


def test_reset_flow_and_token_reuse(s, sink):
    addr = "reset@example.org"
    verified_account(s, sink, addr)
    other, _ = login(s, addr)
    b = Browser(s)
    r = b.form(BASE + "/konto/passwort-vergessen", BASE + "/konto/passwort-vergessen",
               {"email": addr})
    check(r.status == 303, r.status)
    url = local(link_of(wait_mail(sink, addr, 2)))
    check("/konto/passwort-neu/" in url, url)
    new = "ganz neues geheimes Wort"
    r = b.form(url, url, {"password": "kurz", "password2": "kurz"})
    check(r.status == 422, r.status)
    r = b.form(url, url, {"password": new, "password2": new})
    check(r.status == 303, r.status)
    check(other.get(BASE + "/konto").status == 303, "sessions end at a reset")
    r = b.get(url)
    check(r.status == 410, ("reused reset link", r.status))
    r = s.post_form(url, {"_csrf": "x", "password": new, "password2": new})
    check(r.status in (403, 410), r.status)
    check(login(s, addr)[1].status == 401, "old password refused")
    check(login(s, addr, new)[1].status == 303, "new password works")
    token = url.rsplit("/", 1)[1]
    eventually(lambda: "/konto/passwort-neu/:token status=410" in s.output(), "logged")
    check(token not in s.output(), "the access log never holds the reset token")


def test_login_sends_only_to_paths_of_this_site(s, sink):
    addr = "weiter@example.org"
    verified_account(s, sink, addr)
    for nxt, where in (("/konto/anmeldungen", "/konto/anmeldungen"), ("//evil.example", "/konto"),
                       ("/\\evil.example", "/konto"), ("/\t/evil.example", "/konto"),
                       ("https://evil.example", "/konto")):
        b = Browser(s)
        r = b.form(BASE + "/konto/anmelden", BASE + "/konto/anmelden",
                   {"email": addr, "password": PASSWORD, "next": nxt})
        check(r.status == 303 and r.header("Location").endswith(where),
              (nxt, r.status, r.header("Location")))


def test_verification_link_reuse_and_expiry_are_refused(s, sink):
    addr = "ablauf@example.org"
    register(s, addr)
    url = local(link_of(wait_mail(sink, addr)))
    check(s.get(url).status == 200, "first use")
    check(s.get(url).status == 410, "second use")
    addr = "spaet@example.org"
    register(s, addr)
    url = local(link_of(wait_mail(sink, addr)))
    db_rows(s, "UPDATE citizen_token SET expires_at = expires_at - 48 * 3600 - 1")
    r = s.get(url)
    check(r.status == 410 and "abgelaufen" in r.text, r.status)
    check(s.get(BASE + "/konto/bestaetigen/kaputt").status == 410, "junk token")
    b = Browser(s)
    b.form(BASE + "/konto/passwort-vergessen", BASE + "/konto/passwort-vergessen",
           {"email": "reset@example.org"})
    url = local(link_of(wait_mail(sink, "reset@example.org", 3)))
    db_rows(s, "UPDATE citizen_token SET expires_at = created_at + 3600 - 3601 "
               "WHERE purpose = 'reset' AND used_at = 0")
    check(s.get(url).status == 410, "expired reset link")


def test_post_without_csrf_is_refused(s, sink):
    for path in ("/konto/registrieren", "/konto/anmelden", "/konto/passwort-vergessen"):
        b = Browser(s)
        r = b.form(BASE + path, BASE + path, {"email": "csrf@example.org",
                                              "password": PASSWORD, "password2": PASSWORD},
                   csrf=False)
        check(r.status == 403, (path, r.status))
    check(db_rows(s, "SELECT count(*) FROM citizen WHERE email = 'csrf@example.org'") == [("0",)],
          "nothing made")


def test_known_address_registers_like_a_new_one(s, sink):
    addr = "doppelt@example.org"
    _, first = register(s, addr)
    _, again = register(s, addr)
    _, fresh = register(s, "ganz.neu@example.org")
    check(first.status == again.status == fresh.status, (first.status, again.status))
    check(again.header("Location") == fresh.header("Location"), "same place")
    b = Browser(s)
    pages = []
    for a in (addr, "noch.neuer@example.org"):
        b.form(BASE + "/konto/registrieren", BASE + "/konto/registrieren",
               {"email": a, "password": PASSWORD, "password2": PASSWORD})
        pages.append(b.get(fresh.header("Location")).text)
    strip = [re.sub(r'name="_csrf" value="[^"]*"', "", p) for p in pages]
    check(strip[0] == strip[1], "same page text")
    second = wait_mail(sink, addr, 2)
    check("schon ein Konto" in second["Subject"] and "/konto/passwort-vergessen" in link_of(second),
          second["Subject"])


def test_weak_passwords_are_refused(s, sink):
    for pw in ("kurz", "password1", "PASSWORD123", "aaaaaaaaaaaa", "schwach@example.org"):
        b = Browser(s)
        r = b.form(BASE + "/konto/registrieren", BASE + "/konto/registrieren",
                   {"email": "schwach@example.org", "password": pw, "password2": pw})
        check(r.status == 422 and 'role="alert"' in r.text, (pw, r.status))


def timed_pair(fa, fb, n, after=None):
    """Medians in ms of fa and fb, run in turns so that load on the machine hits both alike."""
    out = ([], [])
    for _ in range(n):
        for i, fn in enumerate((fa, fb)):
            t0 = time.perf_counter()
            fn()
            out[i].append((time.perf_counter() - t0) * 1000)
            if after:
                after()
    return statistics.median(out[0]), statistics.median(out[1])


def test_same_answer_and_timing_for_known_and_unknown(s, sink):
    addr = "zeit@example.org"
    verified_account(s, sink, addr)
    b = Browser(s)
    r = b.get(BASE + "/konto/anmelden")
    tok = hidden(r.text, "_csrf")

    def post(path, fields):
        return s.post_form(BASE + path, dict(fields, _csrf=tok), cookies=b.jar)

    n = 8

    def forget():  # keep the backoff out of the figures
        db_rows(s, "DELETE FROM citizen_throttle")

    k, u = timed_pair(lambda: post("/konto/anmelden", {"email": addr, "password": "falsch falsch"}),
                      lambda: post("/konto/anmelden", {"email": "nie@example.org",
                                                       "password": "falsch falsch"}), n, forget)
    ra = post("/konto/anmelden", {"email": addr.upper(), "password": "falsch falsch"})
    rb = post("/konto/anmelden", {"email": "niemand@example.org", "password": "falsch falsch"})
    check(ra.status == rb.status == 401, (ra.status, rb.status))
    strip = [re.sub(r'value="[^"]*@[^"]*"', "", x.text) for x in (ra, rb)]
    check(strip[0] == strip[1], "same login page")
    print(f"     login median of {n}: known {k:.1f} ms, unknown {u:.1f} ms, "
          f"difference {abs(k - u):.1f} ms")
    check(abs(k - u) < max(60, 0.5 * max(k, u)), (k, u))
    rk, ru = timed_pair(lambda: post("/konto/passwort-vergessen", {"email": addr}),
                        lambda: post("/konto/passwort-vergessen", {"email": "nie@example.org"}), 4)
    a = post("/konto/passwort-vergessen", {"email": addr})
    c = post("/konto/passwort-vergessen", {"email": "nie@example.org"})
    check(a.status == c.status == 303 and a.header("Location") == c.header("Location"), "reset")
    print(f"     reset median of 4: known {rk:.1f} ms, unknown {ru:.1f} ms, "
          f"difference {abs(rk - ru):.1f} ms")
    r1, r2 = timed_pair(lambda: post("/konto/registrieren", {"email": addr, "password": PASSWORD,
                                                             "password2": PASSWORD}),
                        lambda: post("/konto/registrieren",
                                     {"email": f"neu{time.time_ns()}@example.org",
                                      "password": PASSWORD, "password2": PASSWORD}), 3)
    print(f"     register median of 3: known {r1:.1f} ms, new {r2:.1f} ms, "
          f"difference {abs(r1 - r2):.1f} ms")


def test_throttling_per_address_with_backoff(s, sink):
    db_rows(s, "DELETE FROM citizen_throttle")
    verified_account(s, sink, "bremse@example.org")
    # Per address: wrong passwords back off, known or unknown address alike.
    for who in ("bremse@example.org", "unbekannt@example.org"):
        statuses = []
        b = Browser(s)
        tok = hidden(b.get(BASE + "/konto/anmelden").text, "_csrf")
        for _ in range(6):
            r = s.post_form(BASE + "/konto/anmelden", {"_csrf": tok, "email": who,
                                                       "password": "falsch falsch"},
                            cookies=b.jar)
            statuses.append(r.status)
        check(statuses == [401] * 5 + [429], (who, statuses))
        check(r.header("Retry-After"), "Retry-After")
        if who.startswith("bremse"):
            # The right password waits too while the address backs off (10 s).
            check(login(s, who)[1].status == 429, "backoff holds")
    db_rows(s, "UPDATE citizen_throttle SET next_at = 0")
    check(login(s, "bremse@example.org")[1].status == 303, "after the wait")


def personal_pages_never_come_from_the_page_cache(s, sink):
    addr = "cache@example.org"
    verified_account(s, sink, addr)
    b, _ = login(s, addr)
    s.get(BASE + "/")
    check(s.get(BASE + "/").header("X-Cache") == "hit", "anonymous page cached")
    r = s.get(BASE + "/", headers={"Cookie": "rh_konto_sid=" + b.jar["rh_konto_sid"]})
    check(r.header("X-Cache") is None, r.header("X-Cache"))
    for _ in range(2):
        r = b.get(BASE + "/konto")
        check(r.status == 200 and addr in r.text and r.header("X-Cache") is None, r.status)


def until_refused(attempt, most=32):
    """Statuses of attempt(i) up to the first 429 (windows are fixed minutes)."""
    out = []
    for i in range(most):
        out.append(attempt(i))
        if out[-1] == 429:
            break
    return out


def throttling_per_ip(s, sink):
    # At least 3 registrations and logins per IP and minute go through.
    for i in range(3):
        _, r = register(s, f"ip{i}@example.org")
        check(r.status == 303, (i, r.status))
    for i in range(3):
        _, r = login(s, "cache@example.org")
        check(r.status == 303, (i, r.status))
    # Then the budget of the IP (login_rate, 10 a kind and minute) runs out.
    statuses = until_refused(lambda i: login(s, f"x{i}@example.org")[1].status)
    check(statuses[-1] == 429 and set(statuses[:-1]) == {401} and len(statuses) > 3, statuses)
    statuses = until_refused(lambda i: register(s, f"viele{i}@example.org")[1].status)
    check(statuses[-1] == 429 and set(statuses[:-1]) == {303}, statuses)


def test_page_cache_and_per_ip_limits_with_the_defaults(_s, sink):
    s = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": PUBLIC,
                    "RATHAUS_PAGE_CACHE_TTL": "30"})
    try:
        personal_pages_never_come_from_the_page_cache(s, sink)
        throttling_per_ip(s, sink)
    finally:
        s.stop()


if __name__ == "__main__":
    run_module(globals(), {"RATHAUS_PUBLIC_URL": PUBLIC + "/", "RATHAUS_LOGIN_RATE": "1000"},
               mail=True)
