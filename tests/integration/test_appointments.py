# SPDX-License-Identifier: EUPL-1.2
"""Appointment booking through the JSON API: types, free slots, booking and
cancelling, hostile input, no overbooking under 200 concurrent bookings with
two instances on one database, and a booking that survives kill -9."""
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(__file__))
from harness import SHARE, Server, Suite, check, db_rows  # noqa: E402

CITY = "/t/luenen"
API = CITY + "/api/v1/appointments"
TYPE, LOC = "personalausweis", "buergerbuero"
# The daily booking limits (test_appointments_limits.py) are off: 200 bookings from one address.
ENV = {"RATHAUS_MAX_CONNECTIONS_PER_IP": "1024", "RATHAUS_THREADS": "8",
       "RATHAUS_BOOKING_LIMITS": "off"}


def day(n):
    return (datetime.date.today() + datetime.timedelta(days=n)).isoformat()


def slots(s, frm, to, type_=TYPE):
    r = s.get(f"{API}/slots?type={type_}&location={LOC}&from={frm}&to={to}")
    check(r.status == 200, (r.status, r.text))
    return json.loads(r.body)["items"]


def book(s, start, name="Erika Mustermann", persons=1, type_=TYPE):
    body = json.dumps({"type": type_, "location": LOC, "start": start, "persons": persons,
                       "name": name, "email": "erika@example.org"})
    return s.request("POST", API, body=body, headers={"Content-Type": "application/json"})


def first_slot_with(s, free):
    for it in slots(s, day(1), day(21)):
        if it["free"] >= free:
            return it
    raise AssertionError(f"no slot with {free} free places")


def test_types_name_their_locations(s, s2):
    r = s.get(API + "/types")
    check(r.status == 200, r.status)
    items = json.loads(r.body)["items"]
    ids = {it["id"] for it in items}
    check({"personalausweis", "wohnsitz-anmelden", "fuehrungszeugnis"} <= ids, ids)
    check(all(it["locations"] == [LOC] for it in items), items)


def test_slots_are_uncached_and_inside_the_window(s, s2):
    r = s.get(f"{API}/slots?type={TYPE}&location={LOC}&from={day(-3)}&to={day(20)}")
    check(r.status == 200, r.status)
    check(r.header("Cache-Control") == "no-store" and r.header("X-Cache") is None, r.headers)
    items = json.loads(r.body)["items"]
    check(items, "slots in three weeks")
    for it in items:
        start = datetime.datetime.fromisoformat(it["start"])
        end = datetime.datetime.fromisoformat(it["end"])
        check(start.utcoffset() in (datetime.timedelta(hours=1), datetime.timedelta(hours=2)),
              it)
        check(end - start == datetime.timedelta(minutes=15), it)
        check(start.date() > datetime.date.today() and start.isoweekday() <= 5, it)
        check(isinstance(it["free"], int) and it["free"] > 0, it)
    # from and to are inclusive.
    one = slots(s, items[0]["start"][:10], items[0]["start"][:10])
    check(one and all(it["start"][:10] == items[0]["start"][:10] for it in one), one)


def test_hostile_input_gets_a_clear_status_and_german_message(s, s2):
    q = f"{API}/slots?type={TYPE}&location={LOC}"
    for path, status in ((f"{q}&from=2026-02-30&to={day(3)}", 400),
                         (f"{q}&from={day(1)}", 400),
                         (f"{q}&from={day(9)}&to={day(1)}", 400),
                         (f"{q}&from={day(1)}&to={day(90)}", 400),
                         (f"{API}/slots?type=x&location={LOC}&from={day(1)}&to={day(2)}", 404),
                         (f"{API}/slots?type={'a' * 500}&location=x&from={day(1)}&to={day(2)}",
                          400)):
        r = s.get(path)
        check(r.status == status, (path, r.status, r.text))
        check(r.header("Content-Type") == "application/problem+json", r.headers)
        check(json.loads(r.body)["detail"].startswith(("Bitte", "Der", "Diese")), r.text)
    start = first_slot_with(s, 1)["start"]
    good = {"type": TYPE, "location": LOC, "start": start, "name": "A", "email": "a@b.de"}
    bad = [b"", b"[]", b"{", b'{"type": "x"}', json.dumps(dict(good, persons=0)).encode(),
           json.dumps(dict(good, persons="2")).encode(),
           json.dumps(dict(good, name="A\u0000B")).encode(),
           json.dumps(dict(good, email="kein-at")).encode(),
           json.dumps(dict(good, start="morgen")).encode(),
           json.dumps(dict(good, start=start[:19])).encode(),
           b'{"type": "a", "type": "b"}']
    for body in bad:
        r = s.request("POST", API, body=body, headers={"Content-Type": "application/json"})
        check(r.status == 400, (body, r.status, r.text))
        check(json.loads(r.body)["detail"].startswith(("Bitte", "Die")), r.text)
    for body, status in ((dict(good, start=start[:11] + "03:00:00" + start[19:]), 422),
                         (dict(good, start=day(-1) + "T09:00:00+01:00"), 422),
                         (dict(good, persons=9), 422), (dict(good, type="gibt-es-nicht"), 404)):
        r = s.request("POST", API, body=json.dumps(body),
                      headers={"Content-Type": "application/json"})
        check(r.status == status, (body, r.status, r.text))
    r = s.request("POST", API, body=b"{" + b" " * 10000 + b"}",
                  headers={"Content-Type": "application/json"})
    check(r.status == 413, r.status)


def test_api_matches_openapi_description(s, s2):
    spec = os.path.join(SHARE, "docs", "openapi.yaml")
    tool = os.path.join(SHARE, "tests", "tools", "openapi_check.mjs")
    q = f"/appointments/slots?type={TYPE}&location={LOC}"
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(f"/appointments/types\n{q}&from={day(0)}&to={day(13)}\n"
                f"{q}&from={day(3)}&to={day(1)} 400\n"
                f"/appointments/slots?type=nein&location={LOC}&from={day(1)}&to={day(2)} 404\n")
    r = subprocess.run(["node", tool, "responses", spec,
                        f"http://127.0.0.1:{s.port}{CITY}/api/v1", "--paths", f.name],
                       capture_output=True, text=True)
    print(r.stdout[-3000:])
    check(r.returncode == 0, r.stdout[-2000:])


def test_cancel_token_works_once_and_frees_the_place(s, s2):
    it = first_slot_with(s, 2)
    r = book(s, it["start"])
    check(r.status == 201, (r.status, r.text))
    b = json.loads(r.body)
    check(b["start"] == it["start"] and b["cancel_url"].endswith("token=" + b["cancel_token"]),
          b)
    after = {x["start"]: x["free"] for x in slots(s, it["start"][:10], it["start"][:10])}
    check(after[it["start"]] == it["free"] - 1, (after, it))
    ics = s.get(b["calendar_url"])
    check(ics.status == 200 and ics.header("Content-Type").startswith("text/calendar"), ics.status)
    check(b"SUMMARY:Personalausweis beantragen (Stadt L\xc3\xbcnen)" in ics.body, ics.text)
    tool = os.path.join(SHARE, "tests", "tools", "ical_check.mjs")
    r = subprocess.run(["node", tool, f"http://127.0.0.1:{s.port}{b['calendar_url']}"],
                       capture_output=True, text=True)
    check(r.returncode == 0, r.stdout[-2000:] + r.stderr[-1000:])
    check(s.request("DELETE", f"{API}/{b['id']}?token={'x' * 43}").status == 404, "wrong token")
    check(s.request("DELETE", b["cancel_url"]).status == 204, "cancel")
    check(s.request("DELETE", b["cancel_url"]).status == 404, "the token works once")
    check(s.get(b["calendar_url"]).status == 404, "no calendar file after cancelling")
    again = {x["start"]: x["free"] for x in slots(s, it["start"][:10], it["start"][:10])}
    check(again[it["start"]] == it["free"], (again, it))
    # Once its time has begun, a booking is the staff's record: the link cannot cancel it.
    b = json.loads(book(s, it["start"]).body)
    db_rows(s, "UPDATE appointment SET starts_at = starts_at - 86400 * 60 "
               "WHERE public_id = '%s'" % b["id"])
    check(s.request("DELETE", b["cancel_url"]).status == 404, "a past booking stays")
    db_rows(s, "UPDATE appointment SET starts_at = starts_at + 86400 * 60 "
               "WHERE public_id = '%s'" % b["id"])
    check(s.request("DELETE", b["cancel_url"]).status == 204, "until its time it can go")


def test_200_concurrent_bookings_at_the_last_5_places(s, s2):
    it = first_slot_with(s, 5)
    for i in range(it["free"] - 5):
        check(book(s, it["start"], f"Vorab {i}").status == 201, "filling up")
    go = threading.Barrier(200)
    results = [None] * 200

    def one(i):
        go.wait()
        r = book(s if i % 2 else s2, it["start"], f"Person {i}")
        results[i] = (r.status, json.loads(r.body) if r.body else None)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = [st for st, _ in results]
    check(statuses.count(201) == 5 and statuses.count(409) == 195,
          {st: statuses.count(st) for st in set(statuses)})
    conflict = next(body for st, body in results if st == 409)
    check(conflict["title"] == "slot taken" and conflict["alternatives"], conflict)
    check(all(a["start"] > it["start"] and a["free"] > 0 for a in conflict["alternatives"]),
          conflict)
    left = [x for x in slots(s, it["start"][:10], it["start"][:10]) if x["start"] == it["start"]]
    check(left == [], left)


def test_a_booking_survives_kill_9(s, s2):
    it = first_slot_with(s, 1)
    r = book(s2, it["start"], "Kurt Kill")
    check(r.status == 201, r.status)
    s2.proc.send_signal(signal.SIGKILL)
    s2.proc.wait()
    s3 = s.second()
    try:
        b = json.loads(r.body)
        after = {x["start"]: x["free"] for x in slots(s3, it["start"][:10], it["start"][:10])}
        check(after.get(it["start"], 0) == it["free"] - 1, (after, it))
        check(s3.request("DELETE", b["cancel_url"]).status == 204, "the booking is there")
    finally:
        s3.stop()


def main():
    suite = Suite()
    s = Server(env=ENV)
    s2 = s.second()
    tests = [v for k, v in sorted(globals().items())
             if k.startswith("test_") and v is not test_a_booking_survives_kill_9]
    try:
        suite.run(tests, s, s2)
        suite.run([test_a_booking_survives_kill_9], s, s2)
    finally:
        try:
            s.stop()
        except Exception as ex:  # a sanitizer report fails the run
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
        if s2.proc.poll() is None:
            s2.stop()
    suite.finish()


if __name__ == "__main__":
    main()
