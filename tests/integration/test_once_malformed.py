# SPDX-License-Identifier: EUPL-1.2
"""10,000 malformed and random requests: the server answers each with a
status below 500 (or 501/505, the protocol's answers to unknown methods and
versions) or closes the connection, stays up, and the sanitizers report
nothing."""
import random
import threading

from harness import Server, Suite, check, send_raw

N = 10000
THREADS = 16
SEED = 20261123

VALID = [
    b"GET /t/luenen/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /static/css/rathaus.css HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n",
    b"POST /t/luenen/anmelden HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-"
    b"urlencoded\r\nContent-Length: 27\r\n\r\nemail=a%40b.de&password=xyz",
    b"POST /t/luenen/anmelden HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
    b"boundary=B\r\nContent-Length: 97\r\n\r\n--B\r\nContent-Disposition: form-data; "
    b"name=\"email\"\r\n\r\na@b.de\r\n--B\r\nContent-Disposition: form-data; name=\"f\"; "
    b"filename=\"x\"\r\n\r\nabc\r\n--B--\r\n",
    b"GET /t/luenen/anmelden?next=%2Fverwaltung&lang=en HTTP/1.1\r\nHost: x\r\n"
    b"Cookie: rh_luenen=abc; lang=en\r\n\r\n",
]

NASTY = [
    b"%", b"%zz", b"%00", b"%c0%af", b"%ed%a0%80", b"\x00", b"\xff\xfe", b"\r", b"\n", b" ",
    b"../", b"//", b"/t/", b"/t//", b"?", b"&&&", b"=", b"+", b"*", b"\"'<>", b"\xc3",
    b"A" * 9000, b"9" * 30, b"-1", b"chunked", b"multipart/form-data", b"boundary=",
]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(5)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            del data[pos:pos + rng.randint(1, 20)]
        elif op == 1:
            data[pos:pos] = rng.choice(NASTY)
        elif op == 2 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op == 3:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        else:
            data = data[:pos]
    return bytes(data)


def generate(rng, i):
    kind = i % 5
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 600)))
    if kind == 1:
        path = b"/" + b"".join(rng.choice(NASTY) for _ in range(rng.randint(1, 5)))
        method = rng.choice([b"GET", b"POST", b"HEAD", b"PUT", b"DELETE", b"BREW", b"G\x00T"])
        return method + b" " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    if kind == 2:
        headers = b"".join(b"X-" + rng.choice(NASTY) + b": " + rng.choice(NASTY) + b"\r\n"
                           for _ in range(rng.randint(1, 8)))
        return b"GET /t/luenen/ HTTP/1.1\r\nHost: " + rng.choice(NASTY) + b"\r\n" + headers + b"\r\n"
    if kind == 3:
        cl = rng.choice([b"0", b"5", b"-5", b"99999999999999999999", b"abc", b"1000000000"])
        return (b"POST /t/luenen/anmelden HTTP/1.1\r\nHost: x\r\nContent-Length: " + cl +
                b"\r\nContent-Type: " + rng.choice([b"application/x-www-form-urlencoded",
                                                    b"multipart/form-data", b"text/plain",
                                                    b"multipart/form-data; boundary=\"\""]) +
                b"\r\n\r\n" + mutate(rng, b"a=1&b=%C3%A4&c"))
    return mutate(rng, rng.choice(VALID))


def main():
    suite = Suite()
    s = Server(env={"RATHAUS_LOGIN_RATE": "100000", "RATHAUS_TIMEOUT": "2"})
    bad = []
    counts = {}
    lock = threading.Lock()

    def worker(t):
        rng = random.Random(SEED + t)
        for i in range(t, N, THREADS):
            data = generate(rng, i)
            reply = send_raw(s.port, data, timeout=2, pause=0.05)
            status = reply[9:12] if reply.startswith(b"HTTP/1.") else b"---"
            with lock:
                counts[status] = counts.get(status, 0) + 1
                if status.startswith(b"5") and status not in (b"501", b"505"):
                    bad.append((data[:200], reply[:200]))

    def test_ten_thousand_malformed_requests_get_no_server_error():
        threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("statuses:", {k.decode(): v for k, v in sorted(counts.items())})
        check(sum(counts.values()) == N, counts)
        check(not bad, bad[:5])

    def test_server_is_still_healthy():
        check(s.get("/healthz").status == 200, "healthz")
        check(s.get("/t/luenen/").status == 200, "home")

    try:
        suite.run([test_ten_thousand_malformed_requests_get_no_server_error,
                   test_server_is_still_healthy])
    finally:
        try:
            s.stop()
            print("ok   no sanitizer report")
        except Exception as ex:
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
    suite.finish()


if __name__ == "__main__":
    main()
