# SPDX-License-Identifier: EUPL-1.2
"""Background jobs with two `rathaus serve` instances on one database: each job runs once."""
import re
import time

from harness import Server, Suite, check, db_rows, run_cli
from smtp_sink import SmtpSink

N_MAILS = 30


def message_ids(sink):
    ids = []
    for _, _, raw in sink.received():
        m = re.search(rb"^Message-ID: (\S+)\r$", raw, re.M)
        ids.append(m.group(1).decode() if m else None)
    return ids


def test_each_mail_is_delivered_exactly_once_by_two_instances(a, b, sink):
    for i in range(N_MAILS):
        run_cli(["mail", "test", f"person{i}@example.org"], a.db, env=a.env)
    deadline = time.time() + 60
    while time.time() < deadline and len(sink.received()) < N_MAILS:
        time.sleep(0.2)
    time.sleep(3)  # a second delivery would show up now
    ids = message_ids(sink)
    check(len(ids) == N_MAILS and None not in ids, (len(ids), sink.attempts))
    check(len(set(ids)) == N_MAILS, "a mail was delivered twice")
    rcpts = sorted(r[0] for _, r, _ in sink.received())
    check(rcpts == sorted(f"<person{i}@example.org>" for i in range(N_MAILS)), rcpts)
    rows = db_rows(a, "SELECT state, attempts, count(*) FROM mail_outbox GROUP BY state, attempts")
    check(rows == [("sent", "1", str(N_MAILS))], rows)
    check(db_rows(a, "SELECT count(*) FROM job WHERE kind = 'mail.deliver'") == [("0",)], "done")
    # Both instances took part: each logs the mails it sent.
    sent_a = a.output().count('msg="mail: ')
    sent_b = b.output().count('msg="mail: ')
    print(f"     instance a sent {sent_a}, instance b sent {sent_b}")
    check(sent_a + sent_b == N_MAILS, (sent_a, sent_b))


def test_recurring_purge_is_one_job_for_the_installation(a, b, sink):
    rows = db_rows(a, "SELECT count(*), min(run_at) - max(updated_at) FROM job "
                      "WHERE kind = 'session.purge'")
    check(rows[0][0] == "1" and rows[0][1] == "600", rows)
    # An expired session is gone once the purge is due again.
    db_rows(a, "INSERT INTO session (id_hash, tenant_id, csrf, created_at, seen_at, expires_at) "
               "SELECT 'expired-1', id, 'x', 1, 1, 2 FROM tenant WHERE slug = 'adendorf'")
    db_rows(a, "UPDATE job SET run_at = 0 WHERE kind = 'session.purge'")
    deadline = time.time() + 10
    while time.time() < deadline and db_rows(a, "SELECT count(*) FROM session "
                                                "WHERE id_hash = 'expired-1'") != [("0",)]:
        time.sleep(0.2)
    check(db_rows(a, "SELECT count(*) FROM session WHERE id_hash = 'expired-1'") == [("0",)],
          "purged")
    time.sleep(1.5)
    runs = a.output().count("purge: 1 expired") + b.output().count("purge: 1 expired")
    check(runs == 1, runs)


if __name__ == "__main__":
    sink = SmtpSink()
    suite = Suite()
    a = Server(env={"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": "https://portal.example.de",
                    "RATHAUS_MAIL_FROM": "rathaus@portal.example.de"})
    b = a.second()
    try:
        suite.run([test_each_mail_is_delivered_exactly_once_by_two_instances,
                   test_recurring_purge_is_one_job_for_the_installation], a, b, sink)
    finally:
        for s in (a, b):
            try:
                s.stop()
            except Exception as ex:
                print(f"FAIL server stop: {ex}")
                suite.failed += 1
        sink.stop()
    suite.finish()
