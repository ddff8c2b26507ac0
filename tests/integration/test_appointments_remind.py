# SPDX-License-Identifier: EUPL-1.2
"""Reminders the day before an appointment, with two `rathaus serve` instances
on one database: the 'appt.remind' job is started on both at once (several job
rows), and the SMTP sink receives exactly one reminder per open booking of
tomorrow, none for a cancelled booking or one of the day after.  The reminder's
link opens the booking and cancels it with its own token."""
import collections
import datetime
import email
import email.policy
import json
import os
import re
import subprocess
import time
import urllib.parse
import zoneinfo

from harness import BIN, SHARE, Server, Suite, check, db_rows
from smtp_sink import SmtpSink

CITY = "/t/luenen"
API = CITY + "/api/v1/appointments"
TYPE, LOC = "personalausweis", "buergerbuero"
PUBLIC = "https://portal.example.de"
CLI_RUNS = [0]
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DUE = [f"morgen{i}@example.org" for i in range(4)]
# More bookings of tomorrow, written straight into the table: a run takes a while then, so
# the runs of the five processes overlap.
BULK = [f"bulk{i}@example.org" for i in range(1, 151)]
CANCELLED, LATER = "abgesagt@example.org", "uebermorgen@example.org"


def local_day(n):
    return (datetime.datetime.now(BERLIN).date() + datetime.timedelta(days=n)).isoformat()


def wait_for(cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def reminders(sink):
    out = []
    for _, rcpts, raw in sink.received():
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if "Erinnerung" in msg["Subject"]:
            out.append((rcpts[0].strip("<>"), msg.get_body(("plain",)).get_content()))
    return out


def open_day(s, date):
    """Open `date` at the demo location whatever weekday it is (an exception row)."""
    db_rows(s, "INSERT INTO appt_exception (office_id, date, opens, closes, counters) "
               f"SELECT l.office_id, '{date}', '08:00', '16:00', 3 FROM appt_location l "
               f"JOIN office o ON o.id = l.office_id WHERE o.slug = '{LOC}'")


def book(s, date, mail, persons=1):
    r = s.get(f"{API}/slots?type={TYPE}&location={LOC}&from={date}&to={date}")
    check(r.status == 200, (r.status, r.text))
    start = json.loads(r.body)["items"][0]["start"]
    body = json.dumps({"type": TYPE, "location": LOC, "start": start, "persons": persons,
                       "name": "Erika Mustermann", "email": mail})
    r = s.request("POST", API, body=body, headers={"Content-Type": "application/json"})
    check(r.status == 201, (r.status, r.text))
    return json.loads(r.body)


def run_reminders_on_both(a, b, rows):
    """Make the recurring job due and add `rows` more due rows of its kind: both instances
    and three `rathaus jobs run` processes take some, at the same time."""
    for i in range(rows):
        db_rows(a, "INSERT INTO job (kind, payload, run_at, created_at, updated_at) "
                   "VALUES ('appt.remind', '{}', 4000000000, 0, 0)")
    env = dict(os.environ, RATHAUS_DB=a.db, RATHAUS_SHARE_DIR=SHARE, **a.env)
    db_rows(a, "UPDATE job SET run_at = 0 WHERE kind = 'appt.remind'")
    cli = [subprocess.Popen([BIN, "jobs", "run"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    for p in cli:
        out = p.communicate(timeout=120)[0]
        check(p.returncode == 0, out[-2000:])
        CLI_RUNS[0] += out.count("reminder(s) queued")
    check(wait_for(lambda: db_rows(a, "SELECT count(*) FROM job WHERE kind = 'appt.remind' "
                                      "AND run_at < 1000") == [("0",)], 30), "the runs are done")


def test_one_reminder_per_open_booking_of_tomorrow(a, b, sink):
    # The recurring job runs once as the servers start; wait until it is due again only in
    # 15 minutes, so that it cannot remind of the bookings below before the test asks it to.
    check(wait_for(lambda: db_rows(a, "SELECT count(*) FROM job WHERE kind = 'appt.remind' "
                                      "AND run_at > %d" % (time.time() + 600)) == [("1",)], 60),
          "the first run at start is done")
    tomorrow, later = local_day(1), local_day(2)
    open_day(a, tomorrow)
    open_day(a, later)
    booked = {m: book(a if i % 2 else b, tomorrow, m, 2 if i == 0 else 1)
              for i, m in enumerate(DUE)}
    gone = book(a, tomorrow, CANCELLED)
    check(a.request("DELETE", gone["cancel_url"]).status == 204, "cancelled")
    book(b, later, LATER)
    check(wait_for(lambda: len(sink.received()) == len(DUE) + 2, 60),
          ("the confirmations", [r[1] for r in sink.received()]))
    db_rows(a, "INSERT INTO appointment (tenant_id, office_id, type_id, public_id, starts_at, "
               "ends_at, units, unit_seconds, persons, name, email, created_at) "
               f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {len(BULK)}) "
               "SELECT a.tenant_id, a.office_id, a.type_id, 'bulk' || n.i, a.starts_at, a.ends_at, "
               "a.units, a.unit_seconds, 1, 'Bulk', 'bulk' || n.i || '@example.org', a.created_at "
               f"FROM n, appointment a WHERE a.email = '{DUE[1]}'")
    run_reminders_on_both(a, b, 6)
    check(wait_for(lambda: len(reminders(sink)) >= len(DUE + BULK), 60), len(reminders(sink)))
    time.sleep(3)  # a second reminder would show up now
    got = reminders(sink)
    print(f"     {len(got)} reminders for {len(DUE + BULK)} bookings due; "
          f"{len(sink.received())} mails in all; runs that queued some: "
          f"{a.output().count('reminder(s) queued')} + {b.output().count('reminder(s) queued')}"
          f" by the servers, {CLI_RUNS[0]} by `rathaus jobs run`")
    twice = {m: k for m, k in collections.Counter(m for m, _ in got).items() if k > 1}
    check(not twice, f"{len(twice)} bookings reminded more than once")
    check(sorted(m for m, _ in got) == sorted(DUE + BULK), [m for m, _ in got])
    rows = db_rows(a, "SELECT email FROM appointment WHERE reminded_at IS NOT NULL")
    check(sorted(rows) == sorted((m,) for m in DUE + BULK), rows)
    for m, text in got:
        if m not in booked:
            continue
        check("Personalausweis beantragen" in text and "Bürgerbüro" in text, text)
        check(f"Personen: {2 if m == DUE[0] else 1}" in text and "morgen" in text, text)
        when = datetime.datetime.fromisoformat(booked[m]["start"])
        check(when.strftime("%d.%m.%Y, %H:%M Uhr") in text, (when, text))
        link = re.search(re.escape(PUBLIC) + r"(/t/luenen/termin/\S+)", text).group(1)
        check(booked[m]["id"] in link and booked[m]["cancel_token"] not in link, link)
    # Again: nothing new.
    before = len(sink.received())
    run_reminders_on_both(a, b, 2)
    time.sleep(2)
    check(len(sink.received()) == before, (before, len(sink.received())))


def test_the_reminder_link_opens_and_cancels_the_booking(a, b, sink):
    # A booking made through the API: the bulk rows written straight into the table have
    # reminders too, but no booking page of their own to open.
    m, text = next(r for r in reminders(sink) if r[0] in DUE)
    link = re.search(re.escape(PUBLIC) + r"(/t/luenen/termin/\S+)", text).group(1)
    page = a.get(link)
    check(page.status == 200 and "Personalausweis" in page.text, page.status)
    pid = urllib.parse.urlparse(link).path.rsplit("/", 1)[1]
    token = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)["token"][0]
    check(a.request("DELETE", f"{API}/{pid}?token={token}").status == 204, "cancelled")
    check(a.request("DELETE", f"{API}/{pid}?token={token}").status == 404, "once")
    rows = db_rows(a, "SELECT state, CASE WHEN token_hash IS NULL AND reminder_token_hash IS NULL "
                      f"THEN 'void' ELSE 'kept' END FROM appointment WHERE public_id = '{pid}'")
    check(rows == [("cancelled", "void")], rows)

if __name__ == "__main__":
    sink = SmtpSink()
    suite = Suite()
    a = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": PUBLIC,
                    "RATHAUS_MAIL_FROM": "rathaus@portal.example.de"})
    b = a.second()
    try:
        suite.run([test_one_reminder_per_open_booking_of_tomorrow,
                   test_the_reminder_link_opens_and_cancels_the_booking], a, b, sink)
    finally:
        for s in (a, b):
            try:
                s.stop()
            except Exception as ex:  # a sanitizer report fails the run
                print(f"FAIL server stop: {ex}")
                suite.failed += 1
        sink.stop()
    suite.finish()
