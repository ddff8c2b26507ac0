# SPDX-License-Identifier: EUPL-1.2
"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity of the form editor and the
form library: the list of forms, the edit page with its preview and with errors by JSON
path, the history, the library, and the page that offers a new library version with its
diff, without and with a conflict and with a refused resolution.  Staff pages are saved and
served from a static copy as in page_checks.py."""
import json

from harness import Server, Suite, check
from page_checks import check_pages
from test_forms_editor import (CITY, FORMS, OTHER, TREE, body, edit, shared_service, staff,
                               tenant_id)


def pages(s):
    lue, ade = staff(s), staff(s, OTHER)
    leika = shared_service(s)
    extra = {"key": "hoehe", "type": "number", "label": "Höhe in Metern"}
    check(lue.post(CITY + FORMS, {"id": TREE, "title": "Baum fällen"}).status == 303, "made")
    out = {"form-new": lue.get(f"{CITY}{FORMS}/{TREE}").text}
    r = edit(lue, CITY, TREE, "vorschau", body(consent="Ich willige ein."), leika=leika)
    check(r.status == 200, r.status)
    out["form-preview"] = r.text
    bad = json.loads(body())
    bad["steps"][0]["fields"][0]["type"] = "txt"
    r = edit(lue, CITY, TREE, "speichern", json.dumps(bad), leika="123")
    check(r.status == 422, r.status)
    out["form-errors"] = r.text
    check(edit(lue, CITY, TREE, "veroeffentlichen", body(), leika=leika).status == 303, "v1")
    check(lue.post(f"{CITY}{FORMS}/{TREE}/bibliothek", {}).status == 303, "shared")
    r = ade.post(OTHER + FORMS + "/bibliothek", {"herkunft": tenant_id(s, "luenen"),
                                                 "formular": TREE})
    check(r.status == 303, r.status)
    check(edit(ade, OTHER, TREE, "veroeffentlichen", body(consent="Adendorf"),
               leika=leika).status == 303, "adopter v1")
    check(edit(lue, CITY, TREE, "veroeffentlichen", body(extra_field=extra),
               leika=leika).status == 303, "v2")
    check(lue.post(f"{CITY}{FORMS}/{TREE}/bibliothek", {}).status == 303, "shared v2")
    update = f"{OTHER}{FORMS}/{TREE}/aktualisierung"
    out.update({"form-list": lue.get(CITY + FORMS).text,
                "form-list-en": ade.get(OTHER + FORMS + "?lang=en").text,
                "form-edit": lue.get(f"{CITY}{FORMS}/{TREE}?geteilt=2").text,
                "form-edit-adopted": ade.get(f"{OTHER}{FORMS}/{TREE}").text,
                "form-history": lue.get(f"{CITY}{FORMS}/{TREE}/versionen").text,
                "form-library": ade.get(OTHER + FORMS + "/bibliothek").text,
                "form-library-en": lue.get(CITY + FORMS + "/bibliothek?lang=en").text,
                "form-update": ade.get(update).text})
    check(edit(ade, OTHER, TREE, "speichern", body(label="Warum?", consent="Adendorf"),
               leika=leika).status == 303, "local steps")
    r = ade.get(update)
    check('id="conflicts"' in r.text, "a conflict")
    out["form-update-conflict"] = r.text
    r = ade.post(update, {"version": "2", "loesung.steps": "[{"})
    check(r.status == 422, r.status)
    out["form-update-error"] = r.text
    return out


def main():
    suite = Suite()
    s = Server()
    try:
        check_pages(suite, s, [], pages(s), "form_editor_pages")
    finally:
        s.stop()
    suite.finish()


if __name__ == "__main__":
    main()
