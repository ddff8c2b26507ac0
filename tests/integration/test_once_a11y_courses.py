# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the course
pages: the list (filtered and paged), a course page, the booking form empty,
with errors and for a full course, the confirmation, the waiting-list page,
the cancellation, and the staff pages (list, participants with a waiting
list, the form new, with errors and for editing).  Public pages are checked
live; pages behind a session, a POST or an error status are saved and served
from a static copy (page_checks.py)."""
import re

import test_courses_staff as staff
from harness import Server, Suite, check, cookies_of, hidden
from page_checks import check_pages

CITY = "/t/luenen"


def post(s, slug, **f):
    r = s.get(f"{CITY}/kurse/{slug}/buchen")
    fields = {"_csrf": hidden(r.text, "_csrf"), "name": "", "email": "", "places": "1"}
    fields.update(f)
    return s.post_form(f"{CITY}/kurse/{slug}/buchen", fields, cookies=cookies_of(r)), cookies_of(r)


def pages(s):
    out = {"crs-form": s.get(CITY + "/kurse/excel-grundlagen/buchen").text}
    r, _ = post(s, "excel-grundlagen", name="", email="kein-at", places="1")
    check(r.status == 422, r.status)
    out["crs-form-errors"] = r.text
    r, jar = post(s, "excel-grundlagen", name="Erika Muster", email="erika@example.org")
    check(r.status == 303, r.status)
    loc = r.header("Location")
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    out["crs-confirmation"] = s.get(loc, headers=cookie).text
    token = re.search(r"token=([^&]+)$", loc).group(1)
    path = re.sub(r"\?.*$", "", loc) + "/absagen"
    out["crs-cancelled"] = s.post_form(path, {"_csrf": hidden(out["crs-confirmation"], "_csrf"),
                                              "token": token}, cookies=jar).text
    check("abgesagt" in out["crs-cancelled"], "cancelled")
    for i in range(2):  # the smartphone course has 8 places
        check(post(s, "smartphone-senioren", name=f"G {i}", email=f"g{i}@example.org",
                   places="4")[0].status == 303, "filling up")
    r, _ = post(s, "smartphone-senioren", name="Voll", email="v@example.org")
    check(r.status == 409, r.status)
    out["crs-form-full"] = r.text
    r, _ = post(s, "smartphone-senioren", name="Wera Warte", email="w@example.org",
                warteliste="1")
    out["crs-waiting"] = s.get(r.header("Location")).text
    check("Warteliste" in out["crs-waiting"], "waiting")
    b = staff.Browser(s, CITY, "demo@rathaus.example", s.demo_password)
    out["crs-staff-list"] = b.get(CITY + "/verwaltung/kurse").text
    out["crs-staff-course"] = b.get(CITY + "/verwaltung/kurse/smartphone-senioren").text
    check("Wera Warte" in out["crs-staff-course"], "waiting list shown")
    out["crs-staff-new"] = b.get(CITY + "/verwaltung/kurse/neu").text
    r = b.post(CITY + "/verwaltung/kurse/neu", staff.fields(titel="", plaetze="x"))
    check(r.status == 422, r.status)
    out["crs-staff-new-errors"] = r.text
    out["crs-staff-edit"] = b.get(CITY + "/verwaltung/kurse/englisch-a1-abendkurs/bearbeiten").text
    return out


def main():
    s = Server()
    suite = Suite()
    try:
        check_pages(suite, s, [CITY + "/kurse", CITY + "/kurse?kategorie=sprache&offen=1",
                               CITY + "/kurse?seite=2", CITY + "/kurse/englisch-a1-abendkurs",
                               CITY + "/kurse?lang=en"], pages(s), "course_pages")
    finally:
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
