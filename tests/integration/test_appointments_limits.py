# SPDX-License-Identifier: EUPL-1.2
"""Daily booking limits per e-mail address and per client IP: the defaults (5 per
address, 30 per IP), 429 problem+json on the API and a German page in the web
flow, the counters kept only as hashes, exactly 5 of 20 simultaneous bookings of
one address through two instances, limits changed in the tenant settings page,
and an instance with booking_limits = off that books past them."""
import json
import re
import threading
import time

from harness import Server, Suite, check, cookies_of, db_rows, hidden
from test_files_settings import admin, settings_form

CITY = "/t/luenen"
API = CITY + "/api/v1/appointments"
TYPE, LOC = "personalausweis", "buergerbuero"
WEEK = f"{CITY}/termine/{TYPE}/{LOC}"
ENV = {"RATHAUS_MAX_CONNECTIONS_PER_IP": "1024", "RATHAUS_THREADS": "8"}


SLOTS = []


def next_slot(s):
    """A start with free places, a different one each call while there are enough."""
    if not SLOTS:
        r = s.get(f"{API}/slots?type={TYPE}&location={LOC}&from="
                  f"{time.strftime('%Y-%m-%d', time.localtime(time.time() + 86400))}&to="
                  f"{time.strftime('%Y-%m-%d', time.localtime(time.time() + 30 * 86400))}")
        check(r.status == 200, r.status)
        SLOTS.extend(it["start"] for it in json.loads(r.body)["items"] if it["free"] >= 2)
    return SLOTS.pop(0)


def book(s, mail, start=None):
    body = json.dumps({"type": TYPE, "location": LOC, "start": start or next_slot(s),
                       "name": "Erika Mustermann", "email": mail})
    return s.request("POST", API, body=body, headers={"Content-Type": "application/json"})


def limit_rows(s):
    return db_rows(s, "SELECT kind, booked FROM appt_limit ORDER BY kind, booked")


def test_the_sixth_booking_of_one_address_a_day_gets_429(s, s2, off):
    for i in range(5):
        r = book(s if i % 2 else s2, "erika@example.org")
        check(r.status == 201, (i, r.status, r.text))
    for mail in ("erika@example.org", "ERIKA@Example.ORG"):
        r = book(s, mail)
        check(r.status == 429, (r.status, r.text))
        check(r.header("Content-Type") == "application/problem+json", r.headers)
        p = json.loads(r.body)
        check(p["status"] == 429 and p["detail"].startswith("Mit dieser E-Mail-Adresse"), p)
        check(0 < int(r.header("Retry-After")) <= 86400, r.header("Retry-After"))
    check(book(s, "max@example.org").status == 201, "another address books")
    # The refused bookings took nothing: 5 + 1 for the addresses, 6 for the IP.
    check(limit_rows(s) == [("email", "1"), ("email", "5"), ("ip", "6")], limit_rows(s))


def test_counters_keep_only_hashes(s, s2, off):
    rows = db_rows(s, "SELECT day, key_hash FROM appt_limit")
    check(rows, "counters exist")
    for day, key in rows:
        check(re.fullmatch(r"\d{4}-\d\d-\d\d", day) and re.fullmatch(r"[0-9a-f]{64}", key),
              (day, key))
    dump = repr(db_rows(s, "SELECT * FROM appt_limit"))
    check("example.org" not in dump and "127.0.0.1" not in dump, dump)


def test_20_simultaneous_bookings_of_one_address_give_exactly_5(s, s2, off):
    starts = [next_slot(s) for _ in range(20)]
    go = threading.Barrier(20)
    codes = [None] * 20

    def one(i):
        go.wait()
        codes[i] = book(s if i % 2 else s2, "gleichzeitig@example.org", starts[i]).status

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"     {codes.count(201)} booked, {codes.count(429)} refused")
    check(codes.count(201) == 5 and codes.count(429) == 15,
          {c: codes.count(c) for c in set(codes)})
    n = db_rows(s, "SELECT count(*) FROM appointment WHERE email = 'gleichzeitig@example.org'")
    check(n == [("5",)], n)


def test_ip_limit_set_in_the_settings_page_refuses_the_web_form_with_a_german_page(s, s2, off):
    a = admin(s)
    page = a.get("/verwaltung/einstellungen")
    fields = settings_form(page.text)
    check(fields.get("appt_limit_email") == "5" and fields.get("appt_limit_ip") == "30", fields)
    r = a.post("/verwaltung/einstellungen", dict(fields, appt_limit_ip="0"))
    check(r.status == 422 and 'id="appt_limit_ip" aria-invalid="true"' in r.text, r.status)
    r = a.post("/verwaltung/einstellungen", dict(fields, appt_limit_ip="viele"))
    check(r.status == 422, r.status)
    used = int(dict(db_rows(s, "SELECT kind, booked FROM appt_limit WHERE kind = 'ip'"))["ip"])
    r = a.post("/verwaltung/einstellungen", dict(fields, appt_limit_ip=str(used + 2)))
    check(r.status == 303, (r.status, r.text[:300]))
    time.sleep(6)  # each instance reads the tenants' settings again after 5 seconds
    check(book(s, "a1@example.org").status == 201, "one place left")
    check(book(s2, "a2@example.org").status == 201, "the last place")
    check(book(s2, "a3@example.org").status == 429, "the other instance refuses too")
    r = book(s, "a4@example.org")
    check(r.status == 429 and json.loads(r.body)["detail"].startswith("Von Ihrem Internet"),
          (r.status, r.text))
    # The web form: a German page that says what happened.
    link = re.findall(r'href="(' + re.escape(WEEK) + r'/buchen\?start=\d+)"',
                      s.get(WEEK + "?ab=" + time.strftime(
                          "%Y-%m-%d", time.localtime(time.time() + 86400))).text)[0]
    form = s.get(link)
    jar = cookies_of(form)
    r = s.post_form(link.split("?")[0], {"_csrf": hidden(form.text, "_csrf"),
                                         "start": hidden(form.text, "start"), "name": "Web",
                                         "email": "web@example.org", "persons": "1"}, cookies=jar)
    check(r.status == 429 and r.header("Content-Type").startswith("text/html"), r.status)
    check("Von Ihrem Internetanschluss wurden heute schon so viele Termine gebucht" in r.text,
          r.text[:2000])
    check(db_rows(s, "SELECT count(*) FROM appointment WHERE email = 'web@example.org'")
          == [("0",)], "not booked")


def test_an_instance_with_limits_off_books_past_them(s, s2, off):
    for i in range(3):
        r = book(off, "erika@example.org")
        check(r.status == 201, (r.status, r.text))
    check(book(s, "erika@example.org").status == 429, "still on for the others")


def main():
    suite = Suite()
    s = Server(env=ENV)
    s2 = s.second()
    off = s.second({"RATHAUS_BOOKING_LIMITS": "off"})
    try:
        suite.run([test_the_sixth_booking_of_one_address_a_day_gets_429,
                   test_counters_keep_only_hashes,
                   test_20_simultaneous_bookings_of_one_address_give_exactly_5,
                   test_ip_limit_set_in_the_settings_page_refuses_the_web_form_with_a_german_page,
                   test_an_instance_with_limits_off_books_past_them], s, s2, off)
    finally:
        for x in (s, s2, off):
            try:
                x.stop()
            except Exception as ex:  # a sanitizer report fails the run
                print(f"FAIL server stop: {ex}")
                suite.failed += 1
    suite.finish()


if __name__ == "__main__":
    main()
