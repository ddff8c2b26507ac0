# SPDX-License-Identifier: EUPL-1.2
"""Club submissions over HTTP: the public form (no account) with a rate
limit per address, the moderation queue under /verwaltung, publishing a
submission through the editorial workflow with a mail to the submitter
that links the public page (through the outbox to the SMTP sink), rejecting
one with a message mailed to the submitter, and that nothing unmoderated is
ever public, also by forged slugs, forged fields and forged staff requests."""
import datetime
import email
import email.policy
import time

from harness import check, cookies_of, db_rows, hidden, run_module
from smtp_sink import SmtpSink
from test_editor import admin, form_fields

CITY = "/t/luenen"
DISTRICT = "/t/landkreis-lueneburg"
PUBLIC = "https://portal.example.de"
SINK = SmtpSink()


def wait_for(cond, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def mails_to(addr):
    return [email.message_from_bytes(raw, policy=email.policy.default)
            for _, rcpts, raw in SINK.received() if rcpts == [f"<{addr}>"]]


def text_of(msg):
    return msg.get_body(preferencelist=("plain",)).get_content()


def submit(s, event_title, ip=None, **extra):
    headers = {"X-Forwarded-For": ip} if ip else None
    form = s.get(CITY + "/veranstaltungen/melden", headers=headers)
    check(form.status == 200, form.status)
    day = (datetime.date.today() + datetime.timedelta(days=4)).isoformat()
    fields = {"_csrf": hidden(form.text, "_csrf"), "title": event_title, "start_date": day,
              "start_time": "18:00", "end_date": day, "end_time": "20:00",
              "location_name": "Vereinsheim", "submitter_name": "Kleingartenverein",
              "submitter_email": "verein@example.org", "summary": "Ein Abend."}
    fields.update(extra)
    return s.post_form(CITY + "/veranstaltungen/melden", fields, cookies=cookies_of(form),
                       headers=headers)


def public_everywhere(s, slug, text):
    """Whether the submission shows anywhere a citizen can look."""
    seen = [s.get(f"{CITY}/veranstaltungen/{slug}").status != 404,
            s.get(f"{CITY}/veranstaltungen/{slug}.ics").status != 404]
    for q in ("", "?format=ics", "?format=atom", "?von=1970-01-01", "?ansicht=monat"):
        seen.append(text in s.get(CITY + "/veranstaltungen" + q).text)
    return any(seen)


def slug_of(s, title):
    rows = db_rows(s, "SELECT slug, status FROM event WHERE title = '%s'" % title)
    check(len(rows) == 1, rows)
    return rows[0]


def test_a_submission_waits_invisible_until_staff_publish_it(s):
    r = submit(s, "Sommerfest der Kleingärtner", ip="192.0.2.1", status="published",
               slug="wochenmarkt", submitter_email="sommerfest@example.org")
    check(r.status == 303 and "gesendet=1" in r.header("Location"), r.status)
    slug, status = slug_of(s, "Sommerfest der Kleingärtner")
    check(status == "submitted" and slug == "sommerfest-der-kleingaertner", (slug, status))
    check(not public_everywhere(s, slug, "Sommerfest der Kleingärtner"), "unmoderated is public")
    adm = admin(s)
    lst = adm.get("/verwaltung/veranstaltungen")
    check("Sommerfest der Kleingärtner" in lst.text and "Eingereicht" in lst.text, "queue")
    page = adm.get(f"/verwaltung/veranstaltungen/{slug}")
    check(page.status == 200 and "sommerfest@example.org" in page.text and "ablehnen" in page.text,
          page.status)
    f = {k: v for k, v in form_fields(page.text).items()
         if k not in ("all_day", "is_free", "accessible", "kommentar", "publish_at", "nachricht")}
    check(f["title"] == "Sommerfest der Kleingärtner" and f["start_time"] == "18:00", f)
    r = adm.post(f"/verwaltung/veranstaltungen/{slug}", dict(f, aktion="veroeffentlichen"))
    check(r.status == 303, (r.status, r.text[-1500:]))
    check(s.get(f"{CITY}/veranstaltungen/{slug}").status == 200, "published after moderation")
    check("sommerfest@example.org" not in s.get(f"{CITY}/veranstaltungen/{slug}").text,
          "the submitter's address stays private")
    # The approval mail: one, to the submitter, with the absolute link to the page.
    check(wait_for(lambda: len(mails_to("sommerfest@example.org")) >= 1), "no approval mail")
    (mail,) = mails_to("sommerfest@example.org")
    body = text_of(mail)
    check(f"{PUBLIC}/t/luenen/veranstaltungen/{slug}" in body.split() and
          "Sommerfest der Kleingärtner" in body and "veröffentlicht" in mail["Subject"],
          (mail["Subject"], body))
    html = mail.get_body(preferencelist=("html",)).get_content()
    check(f'href="{PUBLIC}/t/luenen/veranstaltungen/{slug}"' in html, html)
    check(s.get(f"/t/luenen/veranstaltungen/{slug}").status == 200, "the link opens the page")
    # Publishing it again (an edit of a published event) mails nobody.
    page = adm.get(f"/verwaltung/veranstaltungen/{slug}")
    f = {k: v for k, v in form_fields(page.text).items()
         if k not in ("all_day", "is_free", "accessible", "kommentar", "publish_at", "nachricht")}
    r = adm.post(f"/verwaltung/veranstaltungen/{slug}",
                 dict(f, summary="Geändert.", aktion="veroeffentlichen"))
    check(r.status == 303, r.status)
    time.sleep(2)
    check(len(mails_to("sommerfest@example.org")) == 1, "a second approval mail")


def test_staff_reject_with_a_message_that_is_mailed(s):
    r = submit(s, "Werbeveranstaltung XY", ip="192.0.2.2")
    check(r.status == 303, r.status)
    slug, _ = slug_of(s, "Werbeveranstaltung XY")
    adm = admin(s)
    path = f"/verwaltung/veranstaltungen/{slug}/ablehnen"
    check(adm.post(path, {"nachricht": ""}).status == 422, "a message is needed")
    check(s.post_form(CITY + path, {"nachricht": "x"}).status in (303, 401, 403),
          "anonymous may not reject")
    r = adm.post(path, {"nachricht": "Kommerzielle Angebote nehmen wir nicht auf."})
    check(r.status == 303, r.status)
    check(slug_of(s, "Werbeveranstaltung XY")[1] == "rejected", "rejected")
    n = db_rows(s, "SELECT count(*) FROM mail_outbox WHERE to_addr = 'verein@example.org'")
    check(n[0][0] == "1", n)
    if s.db.startswith("sqlite:"):  # psql output splits the message at its line ends
        (raw,), = db_rows(s, "SELECT message FROM mail_outbox "
                             "WHERE to_addr = 'verein@example.org'")
        texts = [p.get_payload(decode=True).decode("utf-8")
                 for p in email.message_from_string(raw).walk()
                 if p.get_content_maintype() == "text"]
        check(any("Kommerzielle Angebote nehmen wir nicht auf." in t for t in texts), texts)
    check(adm.post(path, {"nachricht": "noch einmal"}).status == 409, "only submissions")
    check(not public_everywhere(s, slug, "Werbeveranstaltung XY"), "a rejected one stays private")


def test_a_title_that_is_a_reserved_word_gets_a_slug_staff_can_open(s):
    r = submit(s, "Melden", ip="192.0.2.7", submitter_email="melden@example.org")
    check(r.status == 303, r.status)
    slug, state = slug_of(s, "Melden")
    check(slug == "melden-2" and state == "submitted", (slug, state))
    check(admin(s).post(f"/verwaltung/veranstaltungen/{slug}/ablehnen",
                        {"nachricht": "Bitte mit Datum und Ort."}).status == 303, "rejected")


def test_bad_submissions_get_clear_messages_and_nothing_is_stored(s):
    before = db_rows(s, "SELECT count(*) FROM event")[0][0]
    for extra, says in (({"submitter_email": "kein-at"}, "E-Mail-Adresse"),
                        ({"start_date": "2026-02-30"}, "gültigen Beginn"),
                        ({"title": ""}, "Bitte füllen Sie dieses Feld aus"),
                        ({"rrule": "FREQ=DAILY"}, "Wiederholungsregel"),
                        ({"category": "<b>x</b>"}, "Kategorie")):
        r = submit(s, "Fehlerhafte Meldung", ip="203.0.113.9", **extra)
        check(r.status == 422, (extra, r.status))
    check(db_rows(s, "SELECT count(*) FROM event")[0][0] == before, "nothing stored")


def test_submissions_are_rate_limited_per_address(s):
    codes = [submit(s, f"Flut {i}", ip="198.51.100.7").status for i in range(7)]
    check(codes[:5] == [303] * 5 and codes[5:] == [429, 429], codes)


def test_another_tenants_staff_cannot_moderate_here(s):
    r = submit(s, "Nachbarschaftsfest", ip="192.0.2.3")
    slug, _ = slug_of(s, "Nachbarschaftsfest")
    other = admin(s, DISTRICT)
    r = other.post(f"/verwaltung/veranstaltungen/{slug}/ablehnen", {"nachricht": "nein"})
    check(r.status == 404, r.status)
    r = other.get(f"/verwaltung/veranstaltungen/{slug}")
    check(r.status == 404, r.status)
    check(slug_of(s, "Nachbarschaftsfest")[1] == "submitted", "unchanged")


if __name__ == "__main__":
    try:
        run_module(globals(), env={"RATHAUS_TRUSTED_PROXIES": "127.0.0.1",
                                   "RATHAUS_SMTP_URL": SINK.url,
                                   "RATHAUS_PUBLIC_URL": PUBLIC + "/",
                                   "RATHAUS_MAIL_FROM": "post@luenen.example"})
    finally:
        SINK.stop()
