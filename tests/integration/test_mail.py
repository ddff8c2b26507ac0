# SPDX-License-Identifier: EUPL-1.2
"""Outgoing mail: the outbox, delivery by the job worker to a local SMTP sink, retries."""
import email
import email.policy
import time

from harness import Server, Suite, check, db_rows, run_cli
from smtp_sink import SmtpSink

TENANT = "adendorf"
PUBLIC = "https://portal.example.de"


def wait_for(cond, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def queue_test_mail(s, to, env=None, tenant=TENANT):
    """Queue a test mail with the command line; the time before it started (and committed)."""
    args = ["mail", "test", to] + (["--tenant", tenant] if tenant else [])
    t0 = time.time()
    p = run_cli(args, s.db, env=dict(s.env, **(env or {})))
    check("queued" in p.stdout, p.stdout)
    return t0


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_mail_reaches_the_sink_once_after_a_refused_first_attempt(s, sink):
    sink.refuse = 1
    queue_test_mail(s, "buerger@example.org")
    # The first attempt gets 451; the retry follows after the 5 s backoff.
    check(wait_for(lambda: len(sink.received()) == 1, 30), (sink.attempts, s.output()[-2000:]))
    time.sleep(2)
    check(len(sink.received()) == 1 and sink.attempts == 2, (len(sink.received()), sink.attempts))
    sender, rcpts, raw = sink.received()[0]
    check(sender == "<mail@adendorf.example>" and rcpts == ["<buerger@example.org>"],
          (sender, rcpts))
    rows = db_rows(s, "SELECT state, attempts, last_error FROM mail_outbox")
    check(rows == [("sent", "2", "")], rows)
    check(db_rows(s, "SELECT count(*) FROM job WHERE kind = 'mail.deliver'") == [("0",)],
          "delivery job done")
    msg = parse(raw)
    check(msg["Subject"] == "Testnachricht von Rathaus", msg["Subject"])
    check(msg["From"].addresses[0].display_name == "Gemeinde Adendorf", msg["From"])
    check(msg["Message-ID"].endswith("@adendorf.example>") and msg["Date"], dict(msg))
    check(msg.get_content_type() == "multipart/alternative", msg.get_content_type())
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    link = PUBLIC + "/t/" + TENANT + "/"
    check(link in text and f'href="{link}"' in html, (text, html))
    check("„rathaus mail test“" in text and "&" not in text, text)


def test_mail_is_delivered_within_seconds_of_the_commit(s, sink):
    before = len(sink.received())
    t0 = queue_test_mail(s, "schnell@example.org")
    check(wait_for(lambda: len(sink.received()) == before + 1, 10), "not delivered within 10 s")
    took = time.time() - t0
    print(f"     delivered {took:.2f} s after the commit")
    check(took < 10, took)


def test_mail_whose_answer_was_lost_is_sent_again_with_the_same_message_id(s, sink):
    before = len(sink.received())
    sink.lose = 1
    queue_test_mail(s, "doppelt@example.org")
    check(wait_for(lambda: len(sink.received()) == before + 2, 30), sink.attempts)
    time.sleep(2)
    copies = [parse(raw) for _, r, raw in sink.received() if r == ["<doppelt@example.org>"]]
    check(len(copies) == 2, len(copies))
    check(copies[0]["Message-ID"] == copies[1]["Message-ID"], [c["Message-ID"] for c in copies])
    rows = db_rows(s, "SELECT state, attempts FROM mail_outbox WHERE to_addr = 'doppelt@example.org'")
    check(rows == [("sent", "2")], rows)


def test_bad_address_is_refused_before_anything_is_queued(s, sink):
    n = db_rows(s, "SELECT count(*) FROM mail_outbox")
    for bad in ("no-at-sign", "a@b\r\nBcc: x@example.org", "<a@example.org>", "a b@example.org"):
        p = run_cli(["mail", "test", bad], s.db, env=s.env, check=False)
        check(p.returncode == 2 and "not a mail address" in p.stderr, (bad, p.stderr))
    check(db_rows(s, "SELECT count(*) FROM mail_outbox") == n, "nothing queued")


def test_without_smtp_url_mail_stays_queued_until_a_relay_is_set(_s, sink):
    s = Server(demo=False)
    try:
        queue_test_mail(s, "spaeter@example.org", tenant=None)
        time.sleep(3)
        rows = db_rows(s, "SELECT m.state, m.attempts, j.attempts, j.state FROM mail_outbox m, "
                          "job j WHERE j.kind = 'mail.deliver'")
        check(rows == [("queued", "0", "0", "queued")], rows)
        check(s.get("/healthz").status == 200, "server unharmed")
        before = len(sink.received())
        p = run_cli(["jobs", "run"], s.db, env=dict(s.env, RATHAUS_SMTP_URL=sink.url))
        check("job(s) run" in p.stdout, p.stdout)
        check(len(sink.received()) == before + 1, "delivered by 'rathaus jobs run'")
        check(db_rows(s, "SELECT state FROM mail_outbox") == [("sent",)], "sent")
    finally:
        s.stop()


if __name__ == "__main__":
    sink = SmtpSink()
    suite = Suite()
    env = {"RATHAUS_SMTP_URL": sink.url, "RATHAUS_PUBLIC_URL": PUBLIC + "/",
           "RATHAUS_MAIL_FROM": "mail@adendorf.example"}
    s = Server(env=env)
    try:
        suite.run([test_mail_reaches_the_sink_once_after_a_refused_first_attempt,
                   test_mail_is_delivered_within_seconds_of_the_commit,
                   test_mail_whose_answer_was_lost_is_sent_again_with_the_same_message_id,
                   test_bad_address_is_refused_before_anything_is_queued,
                   test_without_smtp_url_mail_stays_queued_until_a_relay_is_set], s, sink)
    finally:
        try:
            s.stop()
        except Exception as ex:
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
        sink.stop()
    suite.finish()
