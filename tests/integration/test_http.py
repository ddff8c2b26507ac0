# SPDX-License-Identifier: EUPL-1.2
"""HTTP behaviour of the foundation: tenants, errors, headers, static files,
sessions, CSRF, login, rate limits, tenant isolation, metrics, shutdown."""
import gzip
import json
import os
import socket
import tempfile
import time

from harness import Server, check, cookies_of, hidden, run_cli, run_module, staff_login

NET = "/t/landkreis-lueneburg"
CITY = "/t/hansestadt-lueneburg"


def test_installation_index_lists_demo_tenants(s):
    r = s.get("/")
    check(r.status == 200, r.status)
    for name in ("Landkreis Lüneburg", "Hansestadt Lüneburg", "Stadt Lünen"):
        check(name in r.text, f"{name} missing on index")
    check('href="/t/luenen/"' in r.text, "tenant link by path")


def test_tenant_home_by_path_prefix(s):
    r = s.get(NET + "/")
    check(r.status == 200, r.status)
    check("<h1 class=\"kern-heading-large\">Landkreis Lüneburg</h1>" in r.text, "heading")
    check("Samtgemeinde Bardowick" in r.text, "network lists its members")
    check(s.get(NET).status == 200, "prefix without slash")


def test_tenant_home_by_host_header(s):
    doc = {"tenants": [{"slug": "hostcity", "name": "Host-Stadt", "kind": "stadt",
                        "ars": "", "host": "portal.hostcity.example",
                        "theme": {"primary": "#003366"}}]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
    out = run_cli(["import", "tenants", f.name], s.db).stdout
    check("1 new or changed" in out, out)
    again = run_cli(["import", "tenants", f.name], s.db).stdout
    check("0 new or changed, 1 unchanged" in again, "re-import is idempotent: " + again)
    # A new tenant is served within a second (the tenant snapshot reloads on a miss).
    deadline = time.time() + 3
    while True:
        r = s.get("/", headers={"Host": "portal.hostcity.example:8080"})
        if "Host-Stadt" in r.text or time.time() > deadline:
            break
        time.sleep(0.1)
    check(r.status == 200 and "Host-Stadt" in r.text, (r.status, r.text[:300]))
    check('href="/impressum"' in r.text, "links of a host tenant have no prefix")


def test_unknown_tenant_is_404_page_in_german(s):
    r = s.get("/t/nirgendwo/")
    check(r.status == 404, r.status)
    check("Seite nicht gefunden" in r.text and "text/html" in r.header("Content-Type"), r.text[:200])


def test_unknown_path_is_404_in_english_when_asked(s):
    r = s.get(NET + "/gibt-es-nicht", headers={"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})
    check(r.status == 404 and "Page not found" in r.text, (r.status, r.text[:200]))
    check('lang="en"' in r.text, "html lang")


def test_language_switch_sets_cookie(s):
    r = s.get(NET + "/?lang=en")
    check(r.status == 200 and "Welcome" in r.text, r.text[:200])
    check(cookies_of(r).get("lang") == "en", r.headers)
    r = s.get(NET + "/", headers={"Cookie": "lang=en"})
    check("Welcome" in r.text, "cookie keeps English")


def test_security_headers_on_every_page(s):
    for path in ("/", NET + "/", "/t/nirgendwo/", NET + "/anmelden"):
        r = s.get(path)
        csp = r.header("Content-Security-Policy") or ""
        check("unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, (path, csp))
        check(r.header("X-Content-Type-Options") == "nosniff", path)
        check(r.header("Referrer-Policy"), path)
        check(r.header("Strict-Transport-Security") is None, "no HSTS without TLS")


def test_bad_percent_encoding_is_400(s):
    for path in ("/%zz", "/t/%", NET + "/?q=%E0%80", "/%00", NET + "/?a=%ff"):
        r = s.get(path)
        check(r.status == 400, (path, r.status))
        check("Ungültige Anfrage" in r.text, path)


def test_overlong_url_is_414(s):
    r = s.raw(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    check(r.startswith(b"HTTP/1.1 414") or r.startswith(b"HTTP/1.1 431"), r[:80])


def test_overlong_headers_are_refused(s):
    r = s.raw(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 40000 + b"\r\n\r\n")
    check(r == b"" or r.startswith(b"HTTP/1.1 431"), r[:80])
    check(s.get("/healthz").status == 200, "still up")


def test_oversized_body_is_413(s):
    r = s.request("POST", NET + "/anmelden", body=b"x" * 20000,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 413 and "Zu groß" in r.text, r.status)


def test_unsupported_method_is_501_and_wrong_method_405(s):
    r = s.raw(b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n")
    check(r.startswith(b"HTTP/1.1 501"), r[:60])
    r = s.request("DELETE", NET + "/")
    check(r.status == 405, r.status)


def test_head_has_no_body(s):
    r = s.request("HEAD", NET + "/")
    check(r.status == 200 and r.body == b"", (r.status, len(r.body)))


def test_static_file_etag_and_gzip(s):
    r = s.get("/static/css/rathaus.css")
    check(r.status == 200 and "text/css" in r.header("Content-Type"), r.status)
    etag = r.header("ETag")
    check(etag and "max-age" in r.header("Cache-Control"), r.headers)
    r2 = s.get("/static/css/rathaus.css", headers={"If-None-Match": etag})
    check(r2.status == 304 and r2.body == b"", r2.status)
    r3 = s.get("/static/vendor/kern-ux/kern.min.css", headers={"Accept-Encoding": "gzip"})
    check(r3.status == 200, r3.status)
    check(r3.header("Content-Encoding") == "gzip", "precompressed kern.min.css.gz")
    check(gzip.decompress(r3.body) == s.get("/static/vendor/kern-ux/kern.min.css").body,
          "the .gz holds the same CSS")
    for bad in ("/static/../CMakeLists.txt", "/static/%2e%2e/CMakeLists.txt", "/static/.hidden"):
        check(s.get(bad).status == 404, bad)


def test_healthz_and_metrics(s):
    r = s.get("/healthz")
    check(r.status == 200 and json.loads(r.body)["database"] == "up", r.text)
    m = s.get("/metrics").text
    check('rathaus_http_requests_total{status="200"}' in m, m[:400])
    check("rathaus_http_request_duration_seconds_bucket{le=\"+Inf\"}" in m, "histogram")
    check("rathaus_db_errors_total" in m, "db errors")


def test_post_without_csrf_token_is_403(s):
    r = s.post_form(NET + "/anmelden", {"email": "a@b.de", "password": "x" * 12})
    check(r.status == 403 and "abgelaufen" in r.text, r.status)


def test_staff_login_logout_and_session_cookie_flags(s):
    r, jar = staff_login(s, NET, "demo@rathaus.example", s.demo_password)
    check(r.status == 303 and r.header("Location") == NET + "/verwaltung", (r.status, r.headers))
    new = cookies_of(r)
    check(new and list(new.values())[0] != list(jar.values())[0], "session id renewed at login")
    sc = r.header("Set-Cookie")
    check("HttpOnly" in sc and "SameSite=Lax" in sc and "Secure" not in sc, sc)
    r = s.get(NET + "/verwaltung", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in new.items())})
    check(r.status == 200 and "Administration" in r.text, r.status)
    check("private" in r.header("Cache-Control"), "staff pages are private")
    token = hidden(r.text, "_csrf")
    r = s.post_form(NET + "/abmelden", {"_csrf": token}, cookies=new)
    check(r.status == 303, r.status)
    r = s.get(NET + "/verwaltung", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in new.items())})
    check(r.status == 303 and "/anmelden" in r.header("Location"), "logged out")


def test_wrong_password_gets_one_answer(s):
    r, _ = staff_login(s, CITY, "demo@rathaus.example", "wrong password!")
    check(r.status == 401 and "nicht richtig" in r.text, r.status)
    r, _ = staff_login(s, CITY, "nobody@rathaus.example", "wrong password!")
    check(r.status == 401 and "nicht richtig" in r.text, r.status)


def test_staff_page_needs_login(s):
    r = s.get(CITY + "/verwaltung")
    check(r.status == 303 and r.header("Location") == CITY + "/anmelden?next=/verwaltung",
          r.header("Location"))


def test_session_of_one_tenant_is_unknown_to_another(s):
    # An editor of Lünen only.
    run_cli(["user", "add", "--email", "redaktion@luenen.example", "--tenant", "luenen",
             "--role", "editor"], s.db, stdin="ein langes Passwort 1\n")
    r, _ = staff_login(s, "/t/luenen", "redaktion@luenen.example", "ein langes Passwort 1")
    check(r.status == 303, r.status)
    sid = cookies_of(r)
    (name, value), = sid.items()
    check(name == "rh_luenen", name)
    # The same token presented to another tenant, under that tenant's cookie name.
    r = s.get(CITY + "/verwaltung", headers={"Cookie": f"rh_hansestadt-lueneburg={value}"})
    check(r.status == 303, "foreign session must not log in")
    # The editor of Lünen cannot log in at Lüneburg.
    r, _ = staff_login(s, CITY, "redaktion@luenen.example", "ein langes Passwort 1")
    check(r.status == 401, r.status)


def test_login_rate_limit_per_ip_and_trusted_proxy_headers(_):
    s = Server(env={"RATHAUS_LOGIN_RATE": "3", "RATHAUS_TRUSTED_PROXIES": "127.0.0.1"})
    try:
        # Limits count in fixed minutes: do not let the five tries straddle two.
        if time.time() % 60 > 50:
            time.sleep(61 - time.time() % 60)
        statuses = []
        xff = {"X-Forwarded-For": "203.0.113.7, 127.0.0.1"}
        for _ in range(5):
            r, _ = staff_login(s, "/t/samtgemeinde-gellersen", "x@y.example", "wrong password!",
                         headers=xff)
            statuses.append(r.status)
        check(statuses == [401, 401, 401, 429, 429], statuses)
        check(s.get("/t/samtgemeinde-gellersen/anmelden").status == 200, "form not limited")
        r, _ = staff_login(s, "/t/samtgemeinde-gellersen", "x@y.example", "wrong password!",
                     headers={"X-Forwarded-For": "203.0.113.8"})
        check(r.status == 401, "another client behind the proxy has its own limit")
        r = s.get("/t/luenen/anmelden", headers={"X-Forwarded-Proto": "https"})
        check(r.header("Strict-Transport-Security"), "HSTS behind a TLS proxy")
        check("Secure" in r.header("Set-Cookie"), r.header("Set-Cookie"))
        check("client_ip=203.0.113.8" in s.output() or "ip=203.0.113.8" in s.output(),
              "the access log names the client behind the proxy")
    finally:
        s.stop()


def test_forwarded_headers_from_untrusted_peers_are_ignored(s):
    r = s.get("/t/luenen/anmelden", headers={"X-Forwarded-Proto": "https",
                                              "X-Forwarded-For": "198.51.100.1"})
    check(r.header("Strict-Transport-Security") is None, "no HSTS")
    check("Secure" not in r.header("Set-Cookie"), r.header("Set-Cookie"))
    check("ip=198.51.100.1" not in s.output(), "log keeps the real peer")


def test_graceful_shutdown_finishes_request_in_flight(s):
    body = b"email=a%40b.example&password=123456789012&_csrf=x"
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=20)
    sock.sendall(b"POST " + NET.encode() + b"/anmelden HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:10])
    time.sleep(0.3)
    s.proc.send_signal(15)
    time.sleep(0.3)
    sock.sendall(body[10:])
    reply = sock.recv(65536)
    sock.close()
    check(reply.startswith(b"HTTP/1.1 403"), reply[:80])
    s.stop()


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_LOGIN_RATE": "1000"},
               last=test_graceful_shutdown_finishes_request_in_flight)
