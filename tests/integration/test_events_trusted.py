# SPDX-License-Identifier: EUPL-1.2
"""Trusted organisers of the event calendar over HTTP: staff keep the list
under /verwaltung/veranstalter (add, remove, audit entries, tenant-bound);
a trusted organiser's submission is published when the link mailed to the
address is opened (through the outbox to the SMTP sink), and not before; a
forged or reused token does nothing; an untrusted submission gets no link
and stays invisible, also by guessed slugs; removing trust stops direct
publishing, also for links already sent."""
import re
import secrets
import time

from harness import check, cookies_of, db_rows, hidden, run_module
from test_editor import admin
from test_events_submit import (CITY, DISTRICT, PUBLIC, SINK, mails_to, public_everywhere,
                                slug_of, submit, text_of, wait_for)

TRUSTED = "vorstand@heimatverein.example"


def trust(s, addr, name="Heimatverein", base=CITY):
    return admin(s, base).post("/verwaltung/veranstalter", {"email": addr, "name": name})


def organiser_id(s, addr, tenant="luenen"):
    rows = db_rows(s, "SELECT o.id FROM event_organiser o JOIN tenant t ON t.id = o.tenant_id "
                      "WHERE t.slug = '%s' AND o.email = '%s'" % (tenant, addr))
    return rows[0][0] if rows else None


def token_of(addr, count):
    check(wait_for(lambda: len(mails_to(addr)) >= count), ("no confirmation mail", addr))
    body = text_of(mails_to(addr)[count - 1])
    m = re.search(re.escape(PUBLIC) + r"/t/luenen/veranstaltungen/bestaetigen\?token=([A-Za-z0-9_-]{43})\s",
                  body)
    check(m, body)
    return m.group(1)


def confirm(s, token):
    r = s.get(CITY + "/veranstaltungen/bestaetigen?token=" + token)
    if r.status != 200:
        return r
    return s.post_form(CITY + "/veranstaltungen/bestaetigen",
                       {"_csrf": hidden(r.text, "_csrf"), "token": token}, cookies=cookies_of(r))


def test_1_staff_keep_the_list_with_audit_entries(s):
    adm = admin(s)
    check(trust(s, "Vorstand@Heimatverein.example").status == 303, "add")
    page = adm.get("/verwaltung/veranstalter")
    check(page.status == 200 and TRUSTED in page.text and "Heimatverein" in page.text,
          page.status)
    check("/verwaltung/veranstalter" in adm.get("/verwaltung/veranstaltungen").text,
          "linked from the event list")
    audit = db_rows(s, "SELECT action, detail FROM audit_log WHERE action LIKE "
                       "'event.organiser.%' ORDER BY id")
    check(("event.organiser.trust", TRUSTED) in audit, audit)
    for bad in ("kein-at", "a b@example.org", "x@example.org\r\nBcc: y@example.org", ""):
        r = adm.post("/verwaltung/veranstalter", {"email": bad, "name": "x"})
        check(r.status == 422, (bad, r.status))
    check(adm.post("/verwaltung/veranstalter", {"email": "ok@example.org",
                                                 "name": "a\nb"}).status == 422, "name")
    for key in ("abc", "0", "-1", "99999999", "1x"):
        check(adm.post(f"/verwaltung/veranstalter/{key}/entfernen", {}).status == 404, key)
    # Anonymous and another tenant's staff cannot touch the list.
    oid = organiser_id(s, TRUSTED)
    r = s.post_form(CITY + f"/verwaltung/veranstalter/{oid}/entfernen", {"_csrf": "x"})
    check(r.status in (303, 401, 403), r.status)
    r = admin(s, DISTRICT).post(f"/verwaltung/veranstalter/{oid}/entfernen", {})
    check(r.status == 404, r.status)
    check(TRUSTED not in admin(s, DISTRICT).get("/verwaltung/veranstalter").text, "isolation")
    check(organiser_id(s, TRUSTED) == oid, "still trusted")
    check(s.get(CITY + "/verwaltung/veranstalter").status in (303, 401, 403), "staff only")


def test_2_a_trusted_submission_is_public_once_confirmed(s):
    r = submit(s, "Heimatabend im Dorfkrug", ip="192.0.2.20",
               submitter_email="VORSTAND@heimatverein.example")
    check(r.status == 303 and "gesendet=1" in r.header("Location"), r.status)
    slug, status = slug_of(s, "Heimatabend im Dorfkrug")
    check(status == "submitted", status)
    check(not public_everywhere(s, slug, "Heimatabend im Dorfkrug"), "public before confirmed")
    token = token_of("VORSTAND@heimatverein.example", 1)
    # Forged tokens: malformed, unknown, another tenant's path.
    for bad in ("", "x" * 42, "x" * 44, "a" * 42 + "!", secrets.token_urlsafe(32)[:43]):
        check(confirm(s, bad).status == 404, bad)
    r = s.get("/t/adendorf/veranstaltungen/bestaetigen?token=" + token)
    if r.status == 200:
        r = s.post_form("/t/adendorf/veranstaltungen/bestaetigen",
                        {"_csrf": hidden(r.text, "_csrf"), "token": token}, cookies=cookies_of(r))
    check(r.status == 404, ("other tenant", r.status))
    check(not public_everywhere(s, slug, "Heimatabend im Dorfkrug"), "public by a forged token")
    # Opening the link (GET) shows a button and publishes nothing by itself.
    page = s.get(CITY + "/veranstaltungen/bestaetigen?token=" + token)
    check(page.status == 200 and 'name="token"' in page.text, page.status)
    check(slug_of(s, "Heimatabend im Dorfkrug")[1] == "submitted", "published by a GET")
    r = s.post_form(CITY + "/veranstaltungen/bestaetigen",
                    {"_csrf": hidden(page.text, "_csrf"), "token": token}, cookies=cookies_of(page))
    check(r.status == 303 and r.header("Location").endswith(f"/veranstaltungen/{slug}"),
          r.status)
    check(slug_of(s, "Heimatabend im Dorfkrug")[1] == "published", "published")
    check(s.get(f"{CITY}/veranstaltungen/{slug}").status == 200, "public page")
    check("Heimatabend im Dorfkrug" in s.get(CITY + "/veranstaltungen?format=atom").text, "feed")
    check(confirm(s, token).status == 404, "a token works once")


def test_3_an_untrusted_submission_gets_no_link_and_stays_invisible(s):
    r = submit(s, "Unbekanntes Straßenfest", ip="192.0.2.21",
               submitter_email="fremd@example.org")
    check(r.status == 303, r.status)
    slug, status = slug_of(s, "Unbekanntes Straßenfest")
    check(status == "submitted", status)
    time.sleep(2)
    check(mails_to("fremd@example.org") == [], "an untrusted address got a link")
    check(db_rows(s, "SELECT confirm_hash IS NULL FROM event WHERE slug = '%s'" % slug)[0][0]
          in ("1", "t"), "token for an untrusted submission")
    check(not public_everywhere(s, slug, "Unbekanntes Straßenfest"), "public unmoderated")
    for guess in (slug + "-2", "unbekanntes-strassenfest-1", "bestaetigen", "melden"):
        check(s.get(f"{CITY}/veranstaltungen/{guess}").status in (404, 200), guess)
        check("Unbekanntes Straßenfest" not in s.get(f"{CITY}/veranstaltungen/{guess}").text,
              guess)
    (eid,), = db_rows(s, "SELECT id FROM event WHERE slug = '%s'" % slug)
    for path in (f"/veranstaltungen/{eid}", f"/veranstaltungen/{slug}.ics",
                 f"/veranstaltungen/{slug}?status=submitted"):
        check(s.get(CITY + path).status == 404, path)
    # Its address being trusted later does not publish it: it has no token.
    check(trust(s, "fremd@example.org", "Fremd").status == 303, "trust")
    check(not public_everywhere(s, slug, "Unbekanntes Straßenfest"), "published by trusting")


def test_4_removing_trust_stops_direct_publishing(s):
    adm = admin(s)
    # A link sent while trusted, then trust removed: confirming queues it, publishes nothing.
    sent = len(mails_to(TRUSTED))
    r = submit(s, "Vereinsfest nach Entzug", ip="192.0.2.22", submitter_email=TRUSTED)
    check(r.status == 303, r.status)
    slug, _ = slug_of(s, "Vereinsfest nach Entzug")
    token = token_of(TRUSTED, sent + 1)
    sent += 1
    oid = organiser_id(s, TRUSTED)
    r = adm.post(f"/verwaltung/veranstalter/{oid}/entfernen", {})
    check(r.status == 303, r.status)
    check(organiser_id(s, TRUSTED) is None, "removed")
    check(TRUSTED not in adm.get("/verwaltung/veranstalter").text, "listed after removal")
    audit = db_rows(s, "SELECT action, detail FROM audit_log WHERE action = "
                       "'event.organiser.untrust'")
    check(("event.organiser.untrust", TRUSTED) in audit, audit)
    r = confirm(s, token)
    check(r.status == 200 and "prüft" in r.text, r.status)
    check(slug_of(s, "Vereinsfest nach Entzug")[1] == "submitted", "published after removal")
    check(not public_everywhere(s, slug, "Vereinsfest nach Entzug"), "public after removal")
    check(confirm(s, token).status == 404, "reused")
    # A new submission from the address: no link, the moderation queue.
    r = submit(s, "Zweites Vereinsfest", ip="192.0.2.22", submitter_email=TRUSTED)
    check(r.status == 303, r.status)
    time.sleep(2)
    check(len(mails_to(TRUSTED)) == sent, "a link after removal")
    slug2, status = slug_of(s, "Zweites Vereinsfest")
    check(status == "submitted" and not public_everywhere(s, slug2, "Zweites Vereinsfest"),
          status)
    check("Zweites Vereinsfest" in adm.get("/verwaltung/veranstaltungen").text, "in the queue")


if __name__ == "__main__":
    try:
        run_module(globals(), env={"RATHAUS_TRUSTED_PROXIES": "127.0.0.1",
                                   "RATHAUS_SMTP_URL": SINK.url,
                                   "RATHAUS_PUBLIC_URL": PUBLIC + "/",
                                   "RATHAUS_MAIL_FROM": "post@luenen.example"})
    finally:
        SINK.stop()
