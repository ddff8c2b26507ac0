# SPDX-License-Identifier: EUPL-1.2
"""The citizen's way through a form without JavaScript: one step per page,
errors summarised with links and shown at their fields, back without losing
answers, no skipping ahead, a summary with change links, consent, one case
for a double submission, save and resume by a secret link that expires,
uploads typed by content and shown by name, repeating groups, and markup
kept as text."""
import datetime
import json
import re
import struct
import tempfile
import zlib

from forms_web import CITY, DOG_STEPS, PDF, Citizen, add_kids_form, location
from harness import check, db_rows, run_module

DOG = "hundesteuer-anmeldung"


def soon(days=3):
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def png():
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00")) + chunk(b"IEND", b""))


def dog_steps():
    steps = [dict(s) for s in DOG_STEPS]
    steps[1]["haltung_seit"] = soon()
    return steps


def test_errors_are_summarised_with_links_and_shown_at_the_field(s):
    c = Citizen(s, DOG)
    c.start()
    r = c.step(1, {"email": "kaputt"})
    check(r.status == 422, r.status)
    summary = r.text.split('id="errors"', 1)[1].split("</div>\n</div>", 1)[0]
    for target in ("#f-vorname", "#f-nachname", "#f-anschrift-street", "#f-email"):
        check(f'href="{target}"' in summary, (target, summary[:800]))
    check("Vorname: Bitte füllen Sie dieses Feld aus." in summary, summary[:500])
    check('id="f-email-error"' in r.text and
          'aria-describedby="f-email-error f-email-hint"' in r.text and
          re.search(r'id="f-email"[^>]*aria-invalid="true"', r.text), "error at the field")
    check('value="kaputt"' in r.text, "what was typed stays")


def test_pages_warn_before_the_session_ends(s):
    c = Citizen(s, DOG)
    page = c.start()
    check('id="form-session-note"' in page.text and "nach 480 Min." in page.text, "note")
    m = re.search(r'id="form-timeout" role="alertdialog"[^>]*data-warn-seconds="(\d+)" '
                  r'data-ttl-seconds="(\d+)" data-keepalive="([^"]+)"[^>]*hidden>', page.text)
    check(m and m.group(1) == str(8 * 3600 - 300) and m.group(2) == str(8 * 3600), "warning")
    check('<script src="/static/js/form-timeout.js" defer></script>' in page.text, "script")
    keep = m.group(3)
    check(keep == f"{CITY}/formulare/{DOG}/sitzung", keep)
    r = c.get(keep)
    check(r.status == 204 and r.header("Cache-Control") == "no-store", r.status)
    check(s.get(keep).status == 404, "no session, nothing to extend")
    check(s.get(f"{CITY}/static/js/form-timeout.js").status in (200, 404) and
          s.get("/static/js/form-timeout.js").status == 200, "served")


def test_steps_go_forward_and_back_without_losing_answers(s):
    c = Citizen(s, DOG)
    c.start()
    r = c.get("schritt/3")
    check(r.status == 303 and location(r).endswith("/schritt/1"), "no skipping ahead")
    steps = dog_steps()
    r = c.step(1, steps[0])
    check(r.status == 303 and location(r).endswith("/schritt/2"), (r.status, r.text[:300]))
    r = c.step(2, {"rufname": "Halb ausgefüllt", "action": "back"})
    check(r.status == 303 and location(r).endswith("/schritt/1"), r.status)
    r = c.get("schritt/1")
    check('value="Erika"' in r.text and 'value="Willy-Brandt-Platz 1"' in r.text and
          'value="Lünen"' not in r.text, "step 1 kept")
    r = c.get("schritt/2")
    check('value="Halb ausgefüllt"' in r.text, "back kept the unchecked answer too")


def walk_dog(c):
    c.start()
    for i, fields in enumerate(dog_steps(), 1):
        r = c.step(i, fields)
        check(r.status == 303, (i, r.status, r.text[:400]))
    check(location(r).endswith("/zusammenfassung"), location(r))


def test_summary_changes_consent_and_one_case_for_a_double_submit(s):
    c = Citizen(s, DOG)
    walk_dog(c)
    r = c.get("zusammenfassung")
    check(r.status == 200 and "Ihre Angaben prüfen" in r.text, r.status)
    for text in ("Erika", "Willy-Brandt-Platz 1, 44532 Lünen", "Rüde", "DE89370400440532013000",
                 "Per Lastschrift (SEPA)"):
        check(text in r.text, text)
    check(f'href="{CITY}/formulare/{DOG}/schritt/2#f-rufname"' in r.text, "change link")
    r = c.post("absenden", {})
    check(r.status == 422 and 'href="#f-consent"' in r.text, ("consent", r.status))
    first = c.post("absenden", {"consent": "1"})
    again = c.post("absenden", {"consent": "1"})
    check(first.status == 303 and again.status == 303 and
          location(first).endswith("/eingang"), (first.status, again.status))
    r = c.get("eingang")
    case = re.search(r"LUE-\d{4}-\d{6}", r.text).group(0)
    rows = db_rows(s, f"SELECT channel, form_version FROM form_case WHERE case_no = '{case}'")
    check(rows == [("web", "1")], rows)
    answers = json.loads(db_rows(s, f"SELECT answers FROM form_case WHERE case_no = '{case}'")[0][0])
    check(answers["anschrift"]["place"] == "Lünen" and answers["mandat"] is True, answers)
    r = c.get("schritt/1")
    check(r.status == 303 and location(r).endswith("/eingang"), "a sent draft stays sent")


def test_save_and_resume_by_a_secret_link_that_expires(s):
    c = Citizen(s, DOG)
    c.start()
    r = c.step(1, dict(dog_steps()[0], action="save"))
    check(r.status == 200 and "Ihre Angaben sind gespeichert" in r.text, r.status)
    link = re.search(r'href="(http://[^"]+/fortsetzen/[A-Za-z0-9_-]{32})"', r.text).group(1)
    path = re.sub(r"^http://[^/]+", "", link)
    other = Citizen(s, DOG)
    r = other.get(path)
    check(r.status == 303 and location(r).endswith("/schritt/1"), (r.status, location(r)))
    r = other.get("schritt/1")
    check('value="Erika"' in r.text, "the other device sees the answers")
    r = other.get(path[:-4] + "AAAA")
    check(r.status == 404 and "abgelaufen" in r.text, r.status)
    db_rows(s, "UPDATE form_draft SET expires_at = 1")
    r = Citizen(s, DOG).get(path)
    check(r.status == 404 and "abgelaufen" in r.text, ("expired", r.status))


def test_uploads_are_typed_by_content_and_shown_by_name(s):
    c = Citizen(s, "sperrmuell-abholung")
    c.start()
    r = c.step(1, {"anschrift.street": "Markt 1", "anschrift.postcode": "44532",
                   "name": "Erika Mustermann", "telefon": "02306 1040",
                   "email": "erika@example.org"})
    check(r.status == 303, (r.status, r.text[:300]))
    step2 = {"gegenstaende[]": ["moebel", "matratzen"], "menge": "2", "wunschtermin": soon(10)}
    r = c.step(2, step2, files={"fotos": ("../../etc/passwd<script>.png", b"<html>x</html>")})
    check(r.status == 422 and "Diese Art von Datei ist hier nicht erlaubt." in r.text, r.status)
    r = c.step(2, step2, files={"fotos": ("C:\\Bilder\\sofa<b>.png", png())})
    check(r.status == 303 and location(r).endswith("/zusammenfassung"), (r.status, r.text[:300]))
    r = c.get("zusammenfassung")
    shown = re.search(r"Fotos des Sperrmülls</dt>\s*<dd[^>]*>([^<]*)</dd>", r.text)
    check(shown and shown.group(1) == "sofa_b_.png", ("file shown by its safe name only",
                                                      shown and shown.group(1)))
    check("Möbel, Matratzen" in r.text, "checkbox choices")


def test_file_fields_inside_repeating_groups(s):
    add_kids_form(s)
    c = Citizen(s, "kinder-nachweise")
    page = c.start()
    check('enctype="multipart/form-data"' in page.text and
          'name="kinder[0].urkunde" type="file"' in page.text, "a file input in the entry")
    r = c.step(1, {"kinder.count": "1", "kinder[0].vorname": "Mia"},
               files={"kinder[0].urkunde": ("urkunde.pdf", b"<html>no pdf</html>")})
    check(r.status == 422 and "Diese Art von Datei ist hier nicht erlaubt." in r.text and
          'href="#f-kinder-0-urkunde"' in r.text, ("mislabelled upload refused", r.status))
    r = c.step(1, {"kinder.count": "1", "kinder[0].vorname": "Mia", "action": "add"},
               files={"kinder[0].urkunde": ("C:\\Scans\\mia<1>.pdf", PDF)})
    check(r.status in (200, 303), (r.status, r.text[:300]))
    page = c.get("schritt/1")
    check('name="kinder[0].urkunde.remove"' in page.text and "mia_1_.pdf" in page.text and
          'name="kinder[1].urkunde"' in page.text, "kept by name, a blank entry with its input")
    r = c.step(1, {"kinder.count": "2", "kinder[0].vorname": "Mia", "kinder[1].vorname": "Ben"},
               files={"kinder[1].urkunde": ("ben.png", png())})
    check(r.status == 303 and location(r).endswith("/zusammenfassung"), (r.status, r.text[:300]))
    summary = c.get("zusammenfassung").text
    check("mia_1_.pdf" in summary and "ben.png" in summary and "Ben" in summary, "summary")
    r = c.post("absenden", {})
    check(r.status == 303 and location(r).endswith("/eingang"), r.status)
    case = re.search(r"LUE-\d{4}-\d{6}", c.get("eingang").text).group(0)
    (answers,), = db_rows(s, f"SELECT answers FROM form_case WHERE case_no = '{case}'")
    kids = json.loads(answers)["kinder"]
    check([k["vorname"] for k in kids] == ["Mia", "Ben"] and
          [k["urkunde"][0]["name"] for k in kids] == ["mia_1_.pdf", "ben.png"], kids)
    # Removing the entry's file leaves the required field empty again.
    c2 = Citizen(s, "kinder-nachweise")
    c2.start()
    c2.step(1, {"kinder.count": "1", "kinder[0].vorname": "Ida"},
            files={"kinder[0].urkunde": ("ida.pdf", PDF)})
    fid = re.search(r'name="kinder\[0\]\.urkunde\.remove" value="([^"]+)"',
                    c2.get("schritt/1").text).group(1)
    r = c2.step(1, {"kinder.count": "2", "kinder[0].vorname": "Ida",
                    "kinder[0].urkunde.remove": fid})
    check(r.status == 422 and 'href="#f-kinder-0-urkunde"' in r.text, ("removed", r.status))


def test_repeating_groups_add_and_remove_entries(s):
    c = Citizen(s, "wohnungsgeberbestaetigung")
    c.start()
    addr = {"street": "Markt 1", "postcode": "44532", "place": ""}
    r = c.step(1, {"wg_art": "eigentuemer", "wg_name": "Max Vermieter",
                   **{f"wg_anschrift.{k}": v for k, v in addr.items()}})
    check(r.status == 303, (r.status, r.text[:300]))
    r = c.step(2, {"vorgang": "einzug", "datum": soon(), **{f"wohnung.{k}": v
                                                            for k, v in addr.items()}})
    check(r.status == 303, (r.status, r.text[:300]))
    r = c.step(3, {"personen.count": "1", "bestaetigung": "1"})
    check(r.status == 422 and 'href="#f-personen"' in r.text, ("a group needs one", r.status))
    r = c.step(3, {"personen.count": "1", "personen[0].vorname": "Erika",
                   "personen[0].nachname": "Mustermann", "action": "add"})
    r = c.get("schritt/3")
    check('name="personen[1].vorname"' in r.text and 'value="Erika"' in r.text, "blank entry added")
    r = c.step(3, {"personen.count": "2", "personen[0].vorname": "Erika",
                   "personen[0].nachname": "Mustermann", "personen[1].vorname": "Moritz",
                   "bestaetigung": "1"})
    check(r.status == 422 and 'href="#f-personen-1-nachname"' in r.text, "entry checked")
    r = c.step(3, {"personen.count": "2", "personen[0].vorname": "Erika",
                   "personen[0].nachname": "Mustermann", "personen[1].vorname": "Moritz",
                   "action": "remove:personen:1"})
    r = c.step(3, {"personen.count": "2", "personen[0].vorname": "Erika",
                   "personen[0].nachname": "Mustermann", "bestaetigung": "1"})
    check(r.status == 303, (r.status, r.text[:300]))
    r = c.get("zusammenfassung")
    check("1. Vorname: Erika; Nachname: Mustermann" in r.text and "Moritz" not in r.text, "group")


def test_markup_in_answers_is_shown_as_text(s):
    c = Citizen(s, DOG)
    c.start()
    steps = dog_steps()
    r = c.step(1, dict(steps[0], vorname='<script>alert("x")</script>'))
    check(r.status == 303, r.status)
    r = c.get("schritt/1")
    check("<script>alert" not in r.text and "&lt;script&gt;" in r.text, "escaped")


def test_the_form_list_links_every_form(s):
    r = s.get(CITY + "/formulare")
    check(r.status == 200 and f'href="{CITY}/formulare/{DOG}"' in r.text, r.status)
    r = s.get(CITY + "/formulare/gibt-es-nicht")
    check(r.status == 404, r.status)


if __name__ == "__main__":
    run_module(globals(), env={"RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-web-")})
