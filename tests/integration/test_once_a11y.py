# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of every page type.

Public pages are checked where the server serves them.  Pages that need a
session, a POST or an error status are saved with their stylesheets and served
from a static copy, because the checkers load plain URLs and fail on 4xx.
"""
import datetime
import re

from forms_web import DOG_STEPS, PDF, Citizen, add_kids_form, location
from harness import Server, Suite, check, cookies_of, hidden, staff_login
from page_checks import check_pages, demo_staff


def public_paths(s):
    paths = ["/", "/t/landkreis-lueneburg/", "/t/hansestadt-lueneburg/", "/t/luenen/",
             "/t/luenen/impressum", "/t/luenen/datenschutz", "/t/luenen/barrierefreiheit",
             "/t/samtgemeinde-bardowick/anmelden", "/t/landkreis-lueneburg/?lang=en"]
    paths += ["/t/luenen/leistungen", "/t/luenen/leistungen?buchstabe=P&seite=1",
              "/t/luenen/suche?q=ausweis", "/t/luenen/suche?q=f%C3%BCrerschein",
              "/t/luenen/suche?q=xqzvwkjh", "/t/luenen/suche", "/t/luenen/themen", "/t/luenen/lebenslagen",
              "/t/landkreis-lueneburg/unternehmenslagen"]
    paths += ["/t/luenen/formulare", "/t/luenen/formulare/hundesteuer-anmeldung"]
    paths += ["/t/luenen/termine", "/t/luenen/termine/personalausweis/buergerbuero"]
    paths += ["/t/luenen/stellen", "/t/luenen/stellen/buergerbuero",
              "/t/landkreis-lueneburg/stellen/kreishaus"]
    paths += ["/t/landkreis-lueneburg/finder",
              "/t/landkreis-lueneburg/finder?anliegen=Wohnsitz+anmelden&ort=21357",
              "/t/landkreis-lueneburg/finder?anliegen=Ausweis&ort=Adendorf",
              "/t/landkreis-lueneburg/finder?leistung=99115005104000&ars=033555402028",
              "/t/luenen/finder?leistung=99036008007000&ars=059780024024&lang=en"]
    for key in ("99008001012000", "99036008007000"):
        tenant = "luenen" if key.startswith("99008") else "landkreis-lueneburg"
        r = s.get(f"/t/{tenant}/leistungen/{key}")
        check(r.status == 301, (key, r.status))
        paths.append(r.header("Location"))
    topics = s.get("/t/luenen/themen").text
    first = topics.split('href="/t/luenen/themen/', 1)[1].split('"', 1)[0]
    paths.append("/t/luenen/themen/" + first)
    return paths


def staff_pages(s):
    """name -> HTML of every staff page type, after a few edits so that lists are not empty."""
    sid, cookie = demo_staff(s)
    svc = "/t/luenen/verwaltung/leistungen/99008001012000"
    office = "/t/luenen/verwaltung/stellen/buergerbuero"
    csrf = hidden(s.get("/t/luenen/verwaltung", headers=cookie).text, "_csrf")
    for fields in ({"text_fees": "37 Euro.\n\nErmäßigt: 22,80 Euro.", "aktion": "speichern"},
                   {"text_fees": "37 Euro.\n\nErmäßigt: 22,80 Euro.\n\nBar oder mit Karte.",
                    "mode_fees": "replace", "review_due": "2021-01-01",
                    "aktion": "veroeffentlichen"},
                   {"text_notes": "Bitte einen Termin buchen.", "aktion": "veroeffentlichen",
                    "publish_at": "2099-01-01T08:00"}):
        r = s.post_form(svc, dict(fields, _csrf=csrf), cookies=sid)
        check(r.status == 303, r.status)
    r = s.post_form(office, {"_csrf": csrf, "aktion": "speichern", "name": "Bürgerbüro",
                             "day_0": "1", "opens_0": "08:00", "closes_0": "12:30"}, cookies=sid)
    check(r.status == 303, r.status)
    pages = {}
    for name, path in (("staff", "/t/luenen/verwaltung"),
                       ("staff-services", "/t/luenen/verwaltung/leistungen?status=published"),
                       ("staff-service", svc), ("staff-history", svc + "/versionen?nr=2"),
                       ("staff-offices", "/t/luenen/verwaltung/stellen"),
                       ("staff-office", office), ("staff-audit", "/t/luenen/verwaltung/protokoll"),
                       ("staff-synonyms", "/t/luenen/verwaltung/suchbegriffe")):
        r = s.get(path, headers=cookie)
        check(r.status == 200, (path, r.status))
        pages[name] = r.text
    r = s.post_form(svc, {"_csrf": csrf, "aktion": "vorschau", "text_short": "**Kurz** und gut."},
                    cookies=sid)
    check(r.status == 200 and "Vorschau" in r.text, r.status)
    pages["staff-preview"] = r.text
    r = s.post_form(svc, {"_csrf": csrf, "aktion": "speichern", "online_url": "javascript:x"},
                    cookies=sid)
    check(r.status == 422, r.status)
    pages["staff-invalid"] = r.text
    r = s.post_form("/t/luenen/verwaltung/suchbegriffe",
                    {"_csrf": csrf, "synonyms": "ohne Tabulator"}, cookies=sid)
    check(r.status == 422, r.status)
    pages["staff-synonyms-error"] = r.text
    r = s.get("/t/luenen/verwaltung/einstellungen", headers=cookie)
    check(r.status == 200, r.status)
    pages["staff-settings"] = r.text
    r = s.post_form("/t/luenen/verwaltung/einstellungen",
                    {"_csrf": csrf, "appt_per_person": "99", "mail_from": "kein-at",
                     "retain_forms": "bald"}, cookies=sid)
    check(r.status == 422, r.status)
    pages["staff-settings-error"] = r.text
    return pages


def form_pages(s):
    """Every kind of step of the demo forms, with and without errors, and the pages after."""
    pages = {}
    soon = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    c = Citizen(s, "hundesteuer-anmeldung")
    pages["form-step"] = c.start().text
    pages["form-step-errors"] = c.step(1, {"email": "kaputt"}).text
    for i, fields in enumerate(DOG_STEPS, 1):
        if i == 2:
            fields = dict(fields, haltung_seit=soon)
        r = c.step(i, fields)
        check(r.status == 303, (i, r.status))
        if i < 3:
            pages[f"form-step-{i + 1}"] = c.get(location(r)).text
    pages["form-summary"] = c.get("zusammenfassung").text
    pages["form-consent-missing"] = c.post("absenden", {}).text
    c.post("absenden", {"consent": "1"})
    pages["form-done"] = c.get("eingang").text
    c = Citizen(s, "sperrmuell-abholung")
    c.start()
    r = c.step(1, {"name": "Erika", "action": "save"})
    pages["form-saved"] = r.text
    c = Citizen(s, "wohnungsgeberbestaetigung")
    c.start()
    addr = {"wg_anschrift.street": "Markt 1", "wg_anschrift.postcode": "44532"}
    c.step(1, dict(addr, wg_art="eigentuemer", wg_name="Max"))
    c.step(2, {"vorgang": "einzug", "datum": soon, "wohnung.street": "Markt 1",
               "wohnung.postcode": "44532"})
    pages["form-group-errors"] = c.step(3, {"personen.count": "1", "personen[0].vorname": "A"}).text
    c = Citizen(s, "sperrmuell-abholung")
    c.start()
    c.step(1, {"anschrift.street": "Markt 1", "anschrift.postcode": "44532", "name": "Erika",
               "telefon": "02306 1040", "email": "erika@example.org"})
    pages["form-choices-file-errors"] = c.step(2, {"menge": "9"}).text
    # A file field inside a repeating group: one entry with its kept file, one with an error.
    add_kids_form(s)
    c = Citizen(s, "kinder-nachweise")
    c.start()
    c.step(1, {"kinder.count": "1", "kinder[0].vorname": "Mia"},
           files={"kinder[0].urkunde": ("mia.pdf", PDF)})
    pages["form-group-file-errors"] = c.step(1, {"kinder.count": "2",
                                                 "kinder[0].vorname": "Mia",
                                                 "kinder[1].vorname": "Ben"}).text
    return pages


def appointment_pages(s):
    """The booking form with errors, a booking's page, moving it and a cancelled one."""
    week = s.get("/t/luenen/termine/personalausweis/buergerbuero?ab=" +
                 (datetime.date.today() + datetime.timedelta(days=1)).isoformat()).text
    link = week.split('href="/t/luenen/termine/personalausweis/buergerbuero/buchen?start=')[1]
    start = link.split('"', 1)[0]
    path = "/t/luenen/termine/personalausweis/buergerbuero/buchen"
    r = s.get(f"{path}?start={start}")
    jar = cookies_of(r)
    fields = {"_csrf": hidden(r.text, "_csrf"), "start": start, "persons": "1"}
    pages = {"appt-form": r.text,
             "appt-form-errors": s.post_form(path, dict(fields, email="x"), cookies=jar).text}
    r = s.post_form(path, dict(fields, name="Erika Mustermann", email="erika@example.org"),
                    cookies=jar)
    booking = s.get(r.header("Location"), headers={"Cookie": "; ".join(
        f"{k}={v}" for k, v in jar.items())})
    pages["appt-booking"] = booking.text
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    move = re.search(
        r'href="([^"]*/verschieben\?token=[^"]+)"', booking.text).group(1).replace("&amp;", "&")
    week = s.get(move, headers=cookie).text
    pages["appt-move-week"] = week
    to = re.search(r'href="([^"]*/verschieben\?token=[^"]+start=\d+)"', week).group(1)
    confirm = s.get(to.replace("&amp;", "&"), headers=cookie)
    pages["appt-move-confirm"] = confirm.text
    r = s.post_form(confirm.text.split('<form method="post" action="', 1)[1].split('"', 1)[0],
                    {"_csrf": fields["_csrf"], "token": hidden(confirm.text, "token"),
                     "start": hidden(confirm.text, "start")}, cookies=jar)
    check(r.status == 303, r.status)
    booking = s.get(r.header("Location"), headers=cookie)
    pages["appt-moved"] = booking.text
    cancel = booking.text.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    pages["appt-cancelled"] = s.post_form(cancel, {"_csrf": fields["_csrf"],
                                                   "token": hidden(booking.text, "token")},
                                          cookies=jar).text
    return pages


def saved_pages(s):
    """name -> HTML of pages the checkers cannot load themselves."""
    pages = {}
    r = s.get("/t/nirgendwo/seite")
    pages["not-found"] = r.text
    r = s.get("/t/luenen/%zz")
    pages["bad-request"] = r.text
    r = s.get("/t/luenen/finder?leistung=99115005104000&ars=999999999999")
    pages["finder-unknown-place"] = r.text
    r, _ = staff_login(s, "/t/luenen", "a@b.example", "falsch")
    check(r.status == 401, r.status)
    pages["login-failed"] = r.text
    pages.update(staff_pages(s))
    pages.update(form_pages(s))
    pages.update(appointment_pages(s))
    return pages


def main():
    suite = Suite()
    s = Server()
    try:
        check_pages(suite, s, public_paths(s), saved_pages(s), "every_page_type")
    finally:
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
