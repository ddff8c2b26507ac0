# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the staff
pages of the appointments: the locations, a day with bookings in every
status (one of them a conflict with a blocked time), the day with a wrong
block form, the week, the statistics, and the public call display empty and
with calls.  Staff pages are saved and served from a static copy as in
page_checks.py; the call display is checked live."""
import test_appointments_staff as staff
from harness import Server, Suite, check
from page_checks import check_pages

CITY = "/t/luenen"
DAY = CITY + "/verwaltung/termine/buergerbuero"


def pages(s):
    b = staff.Browser(s, CITY, "demo@rathaus.example", s.demo_password)
    out = {"appt-call-empty": s.get(CITY + "/termine/aufruf/buergerbuero").text}
    day = staff.weekday(0)
    for hhmm, name in (("08:00", "Anna Gebucht"), ("08:15", "Bernd Eingecheckt"),
                       ("08:30", "Carla Aufgerufen"), ("08:45", "Dirk Erledigt"),
                       ("09:00", "Eva Fehlt"), ("10:00", "Fritz Konflikt")):
        staff.book(s, staff.start_at(s, day, hhmm), name)
    page = b.get(f"{DAY}?datum={day}").text
    steps = {"Bernd Eingecheckt": ["checked_in"], "Carla Aufgerufen": ["checked_in", "called"],
             "Dirk Erledigt": ["checked_in", "called", "done"], "Eva Fehlt": ["no_show"]}
    for name, todo in steps.items():
        booking = staff.id_of(page, name)
        for status in todo:
            r = b.post(DAY + "/status", {"id": booking, "status": status, "platz": "Platz 2",
                                         "datum": day.isoformat()})
            check(r.status == 303, (name, status, r.status))
    r = b.post(DAY + "/sperrzeiten", {"von": day.isoformat(), "beginn": "10:00", "ende": "10:30",
                                     "anlass": "Teambesprechung"})
    check(r.status == 303, r.status)
    out["appt-staff-locations"] = b.get(CITY + "/verwaltung/termine").text
    out["appt-staff-day"] = b.get(f"{DAY}?datum={day}").text
    check("appt-conflict" in out["appt-staff-day"], "a conflict on the page")
    r = b.post(DAY + "/sperrzeiten", {"von": day.isoformat(), "beginn": "12:00", "ende": "11:00"})
    check(r.status == 422, r.status)
    out["appt-staff-block-error"] = r.text
    out["appt-staff-week"] = b.get(f"{DAY}/woche?datum={day}").text
    out["appt-staff-stats"] = b.get(f"{CITY}/verwaltung/termine/statistik?von={day}&bis={day}").text
    out["appt-staff-stats-en"] = b.get(f"{CITY}/verwaltung/termine/statistik?lang=en").text
    return out


def main():
    s = staff.SERVER = Server(env={"RATHAUS_BOOKING_LIMITS": "off"})
    suite = Suite()
    try:
        check_pages(suite, s, [CITY + "/termine/aufruf/buergerbuero"], pages(s),
                    "appointment_staff_pages")
    finally:
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
