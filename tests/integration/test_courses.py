# SPDX-License-Identifier: EUPL-1.2
"""Courses at /kurse: the list with filters and paging, the course page with
schema.org Course data, the iCalendar file of all sessions (ical_check.mjs),
booking without JavaScript (CSRF, checks, hostile input), the single-use
cancel link, no overbooking under 200 concurrent bookings at the last 5
places with two instances on one database, and the waiting list that moves
up first come first served, exactly once, with a mail."""
import base64
import email
import json
import os
import re
import subprocess
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from harness import SHARE, Server, Suite, check, cookies_of, db_rows, hidden  # noqa: E402

CITY = "/t/luenen"
ENV = {"RATHAUS_MAX_CONNECTIONS_PER_IP": "1024", "RATHAUS_THREADS": "8"}


def form(s, slug):
    """The booking form of course `slug`: its cookies and CSRF token."""
    r = s.get(f"{CITY}/kurse/{slug}/buchen")
    check(r.status == 200, (r.status, r.text[:500]))
    return cookies_of(r), hidden(r.text, "_csrf")


def book(s, slug, jar, csrf, name="Erika Mustermann", email="erika@example.org", places=1,
         wait=False):
    f = {"_csrf": csrf, "name": name, "email": email, "places": str(places)}
    if wait:
        f["warteliste"] = "1"
    return s.post_form(f"{CITY}/kurse/{slug}/buchen", f, cookies=jar)


def booking_of(r):
    """(path, public id, token) of a booking's redirect."""
    loc = r.header("Location")
    m = re.search(r"/kurse/[a-z0-9-]+/buchung/([A-Za-z0-9_-]{22})\?token=([A-Za-z0-9_-]{43})$",
                  loc or "")
    check(m, loc)
    return urllib.parse.urlsplit(loc).path + "?token=" + m.group(2), m.group(1), m.group(2)


def cancel(s, slug, public_id, token, jar, csrf):
    return s.post_form(f"{CITY}/kurse/{slug}/buchung/{public_id}/absagen",
                       {"_csrf": csrf, "token": token}, cookies=jar)


def course_row(s, slug):
    return db_rows(s, f"SELECT capacity, booked FROM course WHERE slug = '{slug}'")[0]


def states(s, slug):
    rows = db_rows(s, "SELECT b.public_id, b.state FROM course_booking b JOIN course c "
                      f"ON c.id = b.course_id WHERE c.slug = '{slug}' ORDER BY b.id")
    return dict(rows)


def mails_to(s, addr):
    return [r[0] for r in db_rows(s, f"SELECT subject FROM mail_outbox WHERE to_addr = '{addr}'")]


def mail_text(s, addr):
    """The plain-text part of the first mail to `addr`."""
    if s.db.startswith("sqlite:"):
        msg = db_rows(s, f"SELECT message FROM mail_outbox WHERE to_addr = '{addr}'")[0][0]
    else:  # one line per row: the message as base64 without line breaks
        b64 = db_rows(s, "SELECT replace(encode(convert_to(message, 'UTF8'), 'base64'), "
                         f"chr(10), '') FROM mail_outbox WHERE to_addr = '{addr}'")[0][0]
        msg = base64.b64decode(b64).decode()
    return "".join(p.get_payload(decode=True).decode() for p in
                   email.message_from_string(msg).walk() if p.get_content_type() == "text/plain")


def test_list_filters_and_pages(s, s2):
    r = s.get(CITY + "/kurse")
    check(r.status == 200, r.status)
    check("10 Kurse gefunden" in r.text and "Seite 1 / 2" in r.text, r.text[-3000:])
    check(f'href="{CITY}/kurse?seite=2"' in r.text, "link to page 2")
    page2 = s.get(CITY + "/kurse?seite=2")
    check(page2.status == 200 and "Fotografie für Einsteiger" in page2.text, "the last by date")
    check("Fotografie" not in r.text and f'href="{CITY}/kurse?seite=1"' in page2.text, "paged")
    titles = re.findall(r'<h3 class="kern-heading-small"><a class="kern-link" href="[^"]+">([^<]+)',
                        r.text + page2.text)
    check(len(titles) == 10 and len(set(titles)) == 10, titles)
    lang = s.get(CITY + "/kurse?kategorie=sprache")
    check("3 Kurse gefunden" in lang.text and "Excel" not in lang.text, lang.text[-2000:])
    check("Seite 1" not in lang.text, "one page")
    open_ = s.get(CITY + "/kurse?offen=1&seite=2")
    check("9 Kurse gefunden" in open_.text and "Fotografie" not in open_.text, "not open yet")
    check(f'href="{CITY}/kurse?seite=1&amp;offen=1"' in open_.text, "paging keeps the filter")
    for bad in ("kategorie=x", "seite=0", "seite=abc", "offen=ja", "seite=99999999999"):
        check(s.get(CITY + "/kurse?" + bad).status == 400, bad)
    check(s.get(CITY + "/kurse?seite=5").status == 200, "an empty page past the end")
    home = s.get(CITY + "/")
    section = home.text[home.text.index('id="courses"'):]
    check(section.count("/kurse/") == 3 and f'href="{CITY}/kurse"' in section, section[:800])
    check("Fotografie" not in section, "only courses open for registration")


def test_course_page_jsonld_and_ics(s, s2):
    r = s.get(CITY + "/kurse/englisch-a1-abendkurs")
    check(r.status == 200, r.status)
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', r.text, re.S)
    d = json.loads(m.group(1))
    check(d["@type"] == "Course" and d["provider"]["name"] == "VHS Lünen", d)
    inst = d["hasCourseInstance"][0]
    check(inst["@type"] == "CourseInstance" and len(inst["subEvent"]) == 10, inst)
    check(re.match(r"\d{4}-\d\d-\d\dT18:00:00\+0[12]:00$", inst["startDate"]), inst["startDate"])
    check(inst["offers"]["price"] == "89.00" and inst["offers"]["priceCurrency"] == "EUR", inst)
    check("<strong>ohne Vorkenntnisse</strong>" in r.text, "Markdown description")
    ics = s.get(CITY + "/kurse/englisch-a1-abendkurs.ics")
    check(ics.status == 200 and ics.header("Content-Type").startswith("text/calendar"),
          ics.status)
    check(ics.text.count("BEGIN:VEVENT") == 10, ics.text[:500])
    tool = os.path.join(SHARE, "tests", "tools", "ical_check.mjs")
    for slug in ("englisch-a1-abendkurs", "erste-hilfe-grundkurs", "deutsch-b1-intensiv"):
        p = subprocess.run(["node", tool, f"http://127.0.0.1:{s.port}{CITY}/kurse/{slug}.ics"],
                           capture_output=True, text=True)
        check(p.returncode == 0, p.stdout[-2000:] + p.stderr[-1000:])
    for bad in ("/kurse/nix", "/kurse/nix.ics", "/kurse/..%2f", "/kurse/A"):
        check(s.get(CITY + bad).status == 404, bad)
    check(s.get(CITY + "/kurse/fotografie-einstieg/buchen").status == 422, "not open yet")


def test_booking_checks_csrf_and_input(s, s2):
    slug = "excel-grundlagen"
    jar, csrf = form(s, slug)
    check(book(s, slug, jar, "x" * 43).status == 403, "wrong CSRF token")
    check(book(s, slug, {}, csrf).status == 403, "no session")
    for f in ({"name": ""}, {"email": "kein-at"}, {"places": "0"}, {"places": "11"},
              {"places": "abc"}, {"name": "x" * 121}, {"name": "a\x01b"},
              {"email": "a@b@c.de"}):
        args = {"name": "Max", "email": "max@example.org", "places": 1}
        args.update(f)
        r = book(s, slug, jar, csrf, args["name"], args["email"], args["places"])
        # Control characters are refused by the form parser (400), the rest by the form (422).
        check(r.status == 400 if "\x01" in args["name"] else
              r.status == 422 and "Es gibt ein Problem" in r.text, (f, r.status))
    check(course_row(s, slug) == ("10", "0"), course_row(s, slug))
    r = book(s, slug, jar, csrf, "Max Muster", "max@example.org", 3)
    check(r.status == 303, (r.status, r.text[:300]))
    path, pid, token = booking_of(r)
    page = s.get(path)
    check(page.status == 200 and "Ihre Anmeldung ist gebucht" in page.text, page.status)
    check(s.get(path.replace(token, "y" * 43)).status == 404, "wrong token")
    check(course_row(s, slug) == ("10", "3"), course_row(s, slug))
    check(mails_to(s, "max@example.org") == ["Ihre Kursanmeldung ist gebucht"],
          mails_to(s, "max@example.org"))
    text = mail_text(s, "max@example.org")
    check(f"/kurse/{slug}/buchung/{pid}?token={token}" in text, text)
    hashes = db_rows(s, f"SELECT token_hash FROM course_booking WHERE public_id = '{pid}'")
    check(hashes[0][0] != token and len(hashes[0][0]) == 64, "token stored hashed")
    check(cancel(s, slug, pid, "z" * 43, jar, csrf).status == 404, "wrong token")
    r = cancel(s2, slug, pid, token, jar, csrf)
    check(r.status == 200 and "abgesagt" in r.text, r.status)
    check(cancel(s, slug, pid, token, jar, csrf).status == 404, "the token works once")
    check(s.get(path).status == 404, "no page after cancelling")
    for bad in (f"/kurse/{slug}/buchung/kurz?token=abc", f"/kurse/{slug}/buchung/{pid}",
                f"/kurse/{slug}/buchung/{pid}?token=%00%ff", f"/kurse/{'a' * 81}/buchen",
                f"/kurse/andere/buchung/{pid}?token={token}"):
        check(s.get(CITY + bad).status == (400 if "%00" in bad else 404), bad)
    check(cancel(s, slug, "x" * 5000, token, jar, csrf).status in (404, 414), "long id")
    big = s.post_form(f"{CITY}/kurse/{slug}/buchen", {"_csrf": csrf, "name": "x" * 9000},
                      cookies=jar)
    check(big.status == 413, big.status)
    check(course_row(s, slug) == ("10", "0"), course_row(s, slug))


def test_200_concurrent_bookings_at_the_last_5_places(s, s2):
    slug = "stadtfuehrung-altstadt"  # 25 places
    jar, csrf = form(s, slug)
    for i in range(2):
        check(book(s, slug, jar, csrf, f"Gruppe {i}", f"g{i}@example.org", 10).status == 303,
              "filling up")
    go = threading.Barrier(200)
    results = [None] * 200

    def one(i):
        go.wait()
        r = book(s if i % 2 else s2, slug, jar, csrf, f"Person {i}", f"p{i}@example.org",
                 1, wait=i % 4 < 2)
        results[i] = (r.status, r.header("Location") or "", r.text if r.status != 303 else "")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = [st for st, _, _ in results]
    check(all(st in (303, 409) for st in statuses),
          {st: statuses.count(st) for st in set(statuses)})
    booked = [i for i, (st, loc, _) in enumerate(results) if st == 303
              and states(s, slug).get(re.search(r"buchung/([^?]+)", loc).group(1)) == "booked"]
    waiting = [i for i, (st, _, _) in enumerate(results) if st == 303 and i not in booked]
    full = [i for i, (st, _, _) in enumerate(results) if st == 409]
    check(len(booked) == 5, (len(booked), len(waiting), len(full)))
    check(all(i % 4 < 2 for i in waiting) and all(i % 4 >= 2 for i in full), "wait as asked")
    check(len(waiting) + len(full) == 195, (len(waiting), len(full)))
    check("ausgebucht" in results[full[0]][2], "a clear full answer")
    check(course_row(s, slug) == ("25", "25"), course_row(s, slug))
    n = db_rows(s, "SELECT count(*) FROM course_booking b JOIN course c ON c.id = b.course_id "
                   f"WHERE c.slug = '{slug}' AND b.state = 'booked'")[0][0]
    check(n == "7", n)


def test_waiting_list_moves_up_first_come_first_served(s, s2):
    slug = "erste-hilfe-grundkurs"  # 15 places
    jar, csrf = form(s, slug)
    held = []
    for i, places in enumerate((5, 5, 3, 2)):
        r = book(s, slug, jar, csrf, f"Halter {i}", f"h{i}@example.org", places)
        check(r.status == 303, r.status)
        held.append(booking_of(r))
    r = book(s, slug, jar, csrf, "Ohne Warteliste", "o@example.org", 1)
    check(r.status == 409 and "Warteliste" in r.text, r.status)
    waits = []
    for i, places in enumerate((2, 1, 3)):
        r = book(s2, slug, jar, csrf, f"Warte {i}", f"w{i}@example.org", places, wait=True)
        check(r.status == 303, r.status)
        waits.append(booking_of(r))
    page = s.get(waits[1][0])
    check("Platz 2 der Warteliste" in page.text, page.text[-1500:])
    check(mails_to(s, "w0@example.org") == ["Sie stehen auf der Warteliste"], "waiting mail")
    # Cancelling 2 places moves up the first (2 places); the second waits on.
    check(cancel(s, slug, held[3][1], held[3][2], jar, csrf).status == 200, "cancel 2")
    st = states(s, slug)
    check([st[w[1]] for w in waits] == ["booked", "waiting", "waiting"], st)
    check(course_row(s, slug) == ("15", "15"), course_row(s, slug))
    check("Sie sind von der Warteliste nachgerückt" in mails_to(s, "w0@example.org"), "mail")
    check(s.get(waits[1][0]).text.count("Platz 1 der Warteliste") == 1, "now first")
    # A waiting booking that cancels frees nothing and moves no one.
    check(cancel(s2, slug, waits[1][1], waits[1][2], jar, csrf).status == 200, "cancel waiting")
    check(course_row(s, slug) == ("15", "15"), course_row(s, slug))
    # 3 places free: the next in line (3 places) moves up.
    check(cancel(s2, slug, held[2][1], held[2][2], jar, csrf).status == 200, "cancel 3")
    st = states(s, slug)
    check(st[waits[2][1]] == "booked" and course_row(s, slug) == ("15", "15"), st)
    check(mails_to(s, "w1@example.org") == ["Sie stehen auf der Warteliste"], "no moved-up mail")


def test_concurrent_cancellations_move_each_up_exactly_once(s, s2):
    slug = "smartphone-senioren"  # 8 places
    jar, csrf = form(s, slug)
    held = [booking_of(book(s, slug, jar, csrf, f"H {i}", f"ch{i}@example.org", 1))
            for i in range(8)]
    waits = [booking_of(book(s2, slug, jar, csrf, f"W {i}", f"cw{i}@example.org", 1, True))
             for i in range(12)]
    go = threading.Barrier(16)
    results = [None] * 16

    def one(i):
        go.wait()
        h = held[i % 8]  # every holder cancels twice, on both instances
        results[i] = cancel(s if i % 2 else s2, slug, h[1], h[2], jar, csrf).status

    threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(sorted(results) == [200] * 8 + [404] * 8, results)
    st = states(s, slug)
    check([st[w[1]] for w in waits] == ["booked"] * 8 + ["waiting"] * 4, st)
    check(course_row(s, slug) == ("8", "8"), course_row(s, slug))
    for i in range(12):
        n = mails_to(s, f"cw{i}@example.org").count("Sie sind von der Warteliste nachgerückt")
        check(n == (1 if i < 8 else 0), (i, n))


def main():
    suite = Suite()
    s = Server(env=ENV)
    s2 = s.second()
    try:
        suite.run([v for k, v in sorted(globals().items()) if k.startswith("test_")], s, s2)
    finally:
        for srv in (s, s2):
            try:
                srv.stop()
            except Exception as ex:  # a sanitizer report fails the run
                print(f"FAIL server stop: {ex}")
                suite.failed += 1
    suite.finish()


if __name__ == "__main__":
    main()
