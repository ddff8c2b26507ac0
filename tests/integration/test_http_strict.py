# SPDX-License-Identifier: EUPL-1.2
"""RFC 9112 over raw sockets: every malformed or dangerous request head gets
one complete answer with the security headers (or is refused before its body),
and the connection is closed where the framing cannot be trusted."""
import re
import socket
import time
import urllib.parse

from harness import check, cookies_of, db_rows, hidden, run_module, staff_login

SECURITY = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
            "X-Frame-Options", "Content-Type")


def exchange(port, data, timeout=5.0):
    """Send `data`, read until the server closes: (reply, closed, seconds)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    t0 = time.time()
    chunks, closed = [], False
    try:
        s.sendall(data)
        while True:
            b = s.recv(65536)
            if not b:
                closed = True
                break
            chunks.append(b)
    except socket.timeout:
        pass
    except OSError:  # a reset after the answer still counts as closed
        closed = True
    finally:
        s.close()
    return b"".join(chunks), closed, time.time() - t0


def statuses(reply):
    return re.findall(rb"^HTTP/1\.[01] (\d{3})", reply, re.M)


def head_of(reply):
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    fields = {}
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        fields.setdefault(k.strip().lower(), v.strip())
    return fields


def refused(s, data, status, closed=True):
    """One answer `status` with every security header; the connection closed."""
    reply, was_closed, secs = exchange(s.port, data)
    check(statuses(reply) == [str(status).encode()], (data[:60], reply[:200]))
    fields = head_of(reply)
    for name in SECURITY:
        check(name.lower() in fields, (data[:60], "missing " + name, fields))
    check(fields["content-type"].startswith("text/html"), fields["content-type"])
    check("Ungültige Anfrage".encode() in reply or status != 400, reply[-400:])
    if closed:
        check(was_closed and fields.get("connection") == "close", (data[:60], fields))
    check(secs < 3, ("answered at once", data[:60], secs))
    return reply


def test_http11_without_host_is_400(s):
    refused(s, b"GET /healthz HTTP/1.1\r\n\r\n", 400)


def test_http10_without_host_is_served(s):
    reply, _, _ = exchange(s.port, b"GET /healthz HTTP/1.0\r\n\r\n")
    check(statuses(reply) == [b"200"], reply[:100])


def test_two_host_fields_or_space_before_colon_are_400(s):
    refused(s, b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)
    refused(s, b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400)
    refused(s, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX\tY: 1\r\n\r\n", 400)


def test_content_length_with_chunked_cannot_smuggle_a_request(s):
    data = (b"POST /t/luenen/leistungen HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = refused(s, data, 400)
    check(b"rathaus_http_requests_total" not in reply, "the smuggled GET was not served")


def test_unknown_transfer_codings_are_answered_at_once(s):
    base = b"POST /t/luenen/anmelden HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: %s\r\n\r\n"
    refused(s, base % b"gzip, chunked", 501)
    refused(s, base % b"identity", 400)
    refused(s, base % b"xchunked", 400)
    refused(s, base % b"chunked, gzip", 400)
    refused(s, b"POST /t/luenen/anmelden HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400)


def test_chunked_body_still_works(s):
    body = b"email=a%40b.de&password=x"
    data = (b"POST /t/luenen/anmelden HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n" +
            b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
    reply, _, _ = exchange(s.port, data)
    check(statuses(reply) == [b"403"], reply[:100])  # no CSRF token: the body was read


def test_raw_nul_in_target_or_host_is_400(s):
    refused(s, b"GET /t/luenen/\x00x HTTP/1.1\r\nHost: x\r\n\r\n", 400)
    refused(s, b"GET / HTTP/1.1\r\nHost: luenen.example\x00.evil\r\n\r\n", 400)
    refused(s, b"GET / HTTP/1.1\r\nX-A: 1\x00\r\nHost: x\r\n\r\n", 400)
    reply, _, _ = exchange(s.port, b"GET /t/luenen/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check(statuses(reply) == [b"400"], reply[:80])


def test_large_body_to_get_only_page_is_405_before_the_body(s):
    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 52428800\r\n"
    reply = refused(s, head + b"Expect: 100-continue\r\n\r\n", 405)
    check(b"100 Continue" not in reply, reply[:80])
    # Without Expect the client sends at once; it still reads a 405, not a reset.
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    sock.sendall(head + b"\r\n")
    try:
        for _ in range(800):
            sock.sendall(b"x" * 65536)
    except OSError:
        pass
    reply = sock.recv(65536)
    sock.close()
    check(statuses(reply) == [b"405"], reply[:80])


def test_too_large_body_is_413_before_the_body(s):
    data = (b"POST /t/luenen/anmelden HTTP/1.1\r\nHost: x\r\nContent-Length: 9000000\r\n"
            b"Expect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n")
    reply = refused(s, data, 413)
    check(b"100 Continue" not in reply and "Zu groß".encode() in reply, reply[:80])


def test_bad_content_length_gets_one_status_line_with_headers(s):
    base = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %s\r\n\r\n"
    refused(s, base % b"abc", 400)
    refused(s, base % b"99999999999999999999999", 413)
    refused(s, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400)


def test_library_refusals_carry_security_headers(s):
    refused(s, b"GET /" + b"a" * 40000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414)
    refused(s, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 40000 + b"\r\n\r\n", 431)
    refused(s, b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505)
    refused(s, b"POST /t/luenen/anmelden HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"zz\r\n\r\n", 400)


def test_unparsable_request_lines_are_400(s):
    for line in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET\t/\tHTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"):
        refused(s, line, 400)


def test_good_requests_keep_the_connection(s):
    data = (b"GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: a=b; lang=en\r\nAccept:  */*  \r\n\r\n"
            b"GET /t/luenen/?a=1&b=%C3%A4 HTTP/1.1\nHost: x.example\nX-Empty:\n\n"
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    reply, closed, _ = exchange(s.port, data)
    check(statuses(reply) == [b"200", b"200", b"200"], statuses(reply))
    check(closed, "closed when asked")


def test_folded_header_line_is_400(s):
    refused(s, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-F: a\r\n b\r\n\r\n", 400)


def test_refusals_are_in_the_access_log(s):
    exchange(s.port, b"GARBAGE\r\n\r\n")
    exchange(s.port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 52428800\r\n"
                     b"Expect: 100-continue\r\n\r\n")
    time.sleep(0.3)
    out = s.output()
    check(re.search(r"method=POST path=/ status=405", out), "405 logged, not 499")
    check(re.search(r"method=- path=- status=400", out), "unparsable line logged")


# The smaller items of the same issue.

PUBLIC_URL = "https://portal.example"
PERSO = "99008001012000"
HOME = '<h1 class="kern-heading-large">Stadt Lünen</h1>'


def test_sitemap_and_robots_use_the_configured_base_url_not_the_host_header(s):
    for path in ("/t/luenen/sitemap.xml", "/t/luenen/robots.txt"):
        r = s.get(path, headers={"Host": "evil.example"})
        check(r.status == 200 and "evil.example" not in r.text, (path, r.text[:300]))
        check(PUBLIC_URL + "/t/luenen/" in r.text, (path, r.text[:300]))


def test_a_host_with_a_trailing_dot_is_the_same_tenant(s):
    db_rows(s, "UPDATE tenant SET host = 'luenen.example' WHERE slug = 'luenen'")
    deadline = time.time() + 8
    while True:
        r = s.get("/", headers={"Host": "luenen.example."})
        if HOME in r.text or time.time() > deadline:
            break
        time.sleep(0.2)
    check(r.status == 200 and HOME in r.text, (r.status, r.text[:200]))
    r = s.get("/sitemap.xml", headers={"Host": "luenen.example."})
    check("<loc>https://luenen.example/</loc>" in r.text, r.text[:300])
    db_rows(s, "UPDATE tenant SET host = '' WHERE slug = 'luenen'")


def test_logout_clears_the_session_cookie(s):
    r, _ = staff_login(s, "/t/luenen", "demo@rathaus.example", s.demo_password)
    jar = cookies_of(r)
    page = s.get("/t/luenen/verwaltung",
                 headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    r = s.post_form("/t/luenen/abmelden", {"_csrf": hidden(page.text, "_csrf")}, cookies=jar)
    check(r.status == 303, r.status)
    sc = r.header("Set-Cookie") or ""
    check(sc.startswith("rh_luenen=;") and "Max-Age=0" in sc, sc)


def test_finder_api_checks_its_parameters(s):
    for query in ("leika=abc&ars=033555402028", "leika=991150051040000&ars=033555402028",
                  "leika=9911500510400x&ars=033555402028", "leika=99115005104000"):
        r = s.get("/t/luenen/api/v1/finder?" + query)
        check(r.status == 400 and "application/problem+json" in r.header("Content-Type"),
              (query, r.status))


def test_services_api_q_has_at_most_100_characters(s):
    r = s.get("/t/luenen/api/v1/services?q=" + "a" * 101)
    check(r.status == 400, r.status)
    r = s.get("/t/luenen/api/v1/services?q=" + urllib.parse.quote("ä" * 100))
    check(r.status == 200, r.status)


def test_history_reaches_revisions_older_than_the_newest_200(s):
    tid = db_rows(s, "SELECT id FROM tenant WHERE slug = 'luenen'")[0][0]
    rows = ", ".join(f"({tid}, 'service', '{PERSO}', {n + 1000}, 'replaced', {n}, {n}, "
                     f"'{{}}', 'r{n}')" for n in range(1, 206))
    db_rows(s, "INSERT INTO revision (tenant_id, kind, subject, num, state, created_at, "
               "changed_at, snapshot, comment) VALUES " + rows)
    r, _ = staff_login(s, "/t/luenen", "demo@rathaus.example", s.demo_password)
    h = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies_of(r).items())}
    path = f"/t/luenen/verwaltung/leistungen/{PERSO}/versionen"
    check(s.get(path + "?nr=1001", headers=h).status == 200, "oldest revision")
    check(s.get(path + "?nr=1205", headers=h).status == 200, "newest revision")
    check(s.get(path + "?nr=5000", headers=h).status == 404, "unknown revision")


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_PUBLIC_URL": PUBLIC_URL, "RATHAUS_LOGIN_RATE": "1000"})
