# SPDX-License-Identifier: EUPL-1.2
"""Slow clients cannot starve others: 1,000 connections from five loopback
addresses that send a request head a line at a time do not delay a normal
client beyond a second; each address is capped, the cap tightens when the
server gets crowded, and a head that is not complete in time gets 408."""
import resource
import select
import socket
import time

from harness import Server, Suite, check

ATTACKERS = ["127.0.0.%d" % i for i in range(2, 7)]
PER_ADDRESS = 200
HEADER_TIMEOUT = 3


def raise_fd_limit(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, n))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return want


def open_slow(port):
    """Connect PER_ADDRESS sockets from each attacker address and start a head on each."""
    socks = []
    for addr in ATTACKERS:
        for _ in range(PER_ADDRESS):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setblocking(False)
            c.bind((addr, 0))
            try:
                c.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            socks.append(c)
    time.sleep(0.5)
    for c in socks:
        try:
            c.send(b"GET /t/luenen/ HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            pass
    return socks


def alive(socks):
    """The sockets the server still holds open (no EOF, no reset)."""
    out = []
    for c in socks:
        try:
            r, _, _ = select.select([c], [], [], 0)
            if not r:
                out.append(c)
                continue
            data = c.recv(65536, socket.MSG_PEEK)
            if data:
                out.append(c)
        except OSError:
            pass
    return out


def trickle(socks):
    for c in socks:
        try:
            c.send(b"X-Slow: 1\r\n")
        except OSError:
            pass


def timed_requests(s, n=8):
    worst = 0.0
    for _ in range(n):
        t0 = time.time()
        r = s.get("/healthz")
        worst = max(worst, time.time() - t0)
        check(r.status == 200, r.status)
    return worst


def main():
    check(raise_fd_limit(PER_ADDRESS * len(ATTACKERS) + 200) >= 1100, "need 1,100 descriptors")
    suite = Suite()
    # 300 slots: five addresses at the usual 64 each would take them all.
    s = Server(env={"RATHAUS_MAX_CONNECTIONS": "300",
                    "RATHAUS_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "RATHAUS_TIMEOUT": "30"})
    socks = []

    def test_thousand_slow_connections_do_not_delay_a_normal_client():
        nonlocal socks
        socks = open_slow(s.port)
        time.sleep(0.5)
        held = alive(socks)
        print(f"held {len(held)} of {len(socks)} slow connections")
        # Without the tighter cap once half full, 5 x 64 would take all 300 slots.
        check(len(held) <= 250, ("the caps hold", len(held)))
        worst = timed_requests(s)
        print(f"worst normal request {worst * 1000:.0f} ms")
        check(worst < 1.0, worst)

    def test_heads_not_complete_in_time_get_408_and_are_closed():
        t0 = time.time()
        held = alive(socks)
        got_408 = 0
        while time.time() - t0 < HEADER_TIMEOUT + 2:
            trickle(held)  # one line a second keeps an idle timeout from firing
            time.sleep(1)
        for c in held:
            try:
                if c.recv(65536).startswith(b"HTTP/1.1 408"):
                    got_408 += 1
            except OSError:
                pass
        left = alive(held)
        print(f"{got_408} of {len(held)} got 408, {len(left)} still open")
        check(not left, len(left))
        check(got_408 >= len(held) * 9 // 10, (got_408, len(held)))
        check(s.output().count("status=408") >= got_408, "the access log says 408")
        check(timed_requests(s) < 1.0, "still fast")

    try:
        suite.run([test_thousand_slow_connections_do_not_delay_a_normal_client,
                   test_heads_not_complete_in_time_get_408_and_are_closed])
    finally:
        for c in socks:
            c.close()
        try:
            s.stop()
        except Exception as ex:
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
    suite.finish()


if __name__ == "__main__":
    main()
