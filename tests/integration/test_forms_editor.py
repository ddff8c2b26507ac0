# SPDX-License-Identifier: EUPL-1.2
"""The form editor under /verwaltung/formulare and the installation's form library: a form
is made, previewed with the citizen pages' fields and published through the editorial
workflow, after which the API lists it and takes answers; a broken definition is refused
with its JSON paths; the LeiKa key is checked against the catalogue and puts "Online
beantragen" on the service page; a case keeps the labels of its version; a form shared in
the library is adopted by another tenant, a new version is offered with its diff and taken
over with the adopter's own change kept, and a conflicting change must be resolved; case
workers and other tenants stay out, and every POST needs the form token."""
import json
import re
import urllib.parse

import test_appointments_staff as appt
from harness import check, db_rows, run_cli, run_module

CITY = "/t/luenen"
OTHER = "/t/adendorf"
FORMS = "/verwaltung/formulare"
PASSWORD = "ein-langes-passwort-2026"
TREE = "baumfaellung"


BROWSERS = {}


def staff(s, base=CITY, email="demo@rathaus.example", password=None):
    """A logged-in staff browser, one per tenant and user (logins are rate-limited)."""
    if (base, email) not in BROWSERS:
        BROWSERS[base, email] = appt.Browser(s, base, email, password or s.demo_password)
    return BROWSERS[base, email]


def user(s, email, role, tenant="luenen"):
    run_cli(["user", "add", "--email", email, "--tenant", tenant, "--name", role, "--role", role],
            s.db, stdin=PASSWORD + "\n")


def tenant_id(s, slug):
    return db_rows(s, f"SELECT id FROM tenant WHERE slug = '{slug}'")[0][0]


def shared_service(s):
    """A service both Lünen and Adendorf offer and no form names yet."""
    rows = db_rows(s, "SELECT a.leika FROM tenant_service a JOIN tenant_service b ON "
                      "b.leika = a.leika WHERE a.tenant_id = (SELECT id FROM tenant WHERE "
                      "slug = 'luenen') AND b.tenant_id = (SELECT id FROM tenant WHERE slug = "
                      "'adendorf') AND a.status = 'published' AND b.status = 'published' AND "
                      "a.leika NOT IN (SELECT leika FROM form) ORDER BY a.leika LIMIT 1")
    check(rows, "a service offered by both")
    return rows[0][0]


def body(label="Grund der Fällung", extra_field=None, consent=None):
    fields = [{"key": "name", "type": "text", "label": "Ihr Name", "required": True},
              {"key": "grund", "type": "textarea", "label": label, "required": True},
              {"key": "art", "type": "radio", "label": "Baumart", "required": True,
               "options": [{"value": "laub", "label": "Laubbaum"},
                           {"value": "nadel", "label": "Nadelbaum"}]}]
    if extra_field:
        fields.append(extra_field)
    doc = {"steps": [{"title": "Antragsteller", "fields": fields[:1]},
                     {"title": "Der Baum", "fields": fields[1:]}]}
    if consent:
        doc["consent"] = consent
    return json.dumps(doc, indent=2, ensure_ascii=False)


def edit(b, base, form, aktion, definition, title="Baum fällen", leika=""):
    return b.post(f"{base}{FORMS}/{form}", {"title": title, "leika": leika,
                                           "definition": definition, "aktion": aktion})


def textarea(html, ident):
    m = re.search(r'<textarea[^>]*id="%s"[^>]*>(.*?)</textarea>' % re.escape(ident), html, re.S)
    check(m, ("no textarea", ident))
    return (m.group(1).replace("&quot;", '"').replace("&#39;", "'").replace("&lt;", "<")
            .replace("&gt;", ">").replace("&amp;", "&"))


def api_form(s, base, form):
    r = s.get(f"{base}/api/v1/forms/{form}")
    check(r.status == 200, (form, r.status))
    return json.loads(r.body)


def submit(s, base, form, answers):
    r = s.request("POST", f"{base}/api/v1/forms/{form}/submissions", body=json.dumps(answers),
                  headers={"Content-Type": "application/json"})
    check(r.status == 201, (r.status, r.text[:300]))
    return json.loads(r.body)["case"]


def test_a_form_is_made_previewed_published_listed_and_filled(s):
    b = staff(s)
    r = b.get(CITY + FORMS)
    check(r.status == 200 and "hundesteuer-anmeldung" in r.text, ("list", r.status))
    check(b.get(CITY + FORMS + "/zustellung").status == 200, "the delivery page stays")
    r = b.post(CITY + FORMS, {"id": TREE, "title": "Baum fällen"})
    check(r.status == 303 and r.header("Location").endswith(f"{FORMS}/{TREE}"), r.status)
    r = b.get(f"{CITY}{FORMS}/{TREE}")
    check(r.status == 200 and '"steps"' in textarea(r.text, "definition"), "starter body")
    check(TREE not in s.get(CITY + "/api/v1/forms").text, "not public before publication")
    r = edit(b, CITY, TREE, "vorschau", body())
    check(r.status == 200, ("preview", r.status, r.text[:500]))
    check('id="preview-heading"' in r.text and "Grund der Fällung" in r.text, "preview fields")
    check('name="art" value="nadel"' in r.text and "Schritt 2 von 2" in r.text, "radio, steps")
    check(db_rows(s, f"SELECT count(*) FROM form WHERE id = '{TREE}'") == [("0",)], "no row")
    r = edit(b, CITY, TREE, "veroeffentlichen", body())
    check(r.status == 303, ("publish", r.status, r.text[:500]))
    items = json.loads(s.get(CITY + "/api/v1/forms").body)["items"]
    mine = [i for i in items if i["id"] == TREE]
    check(mine and mine[0]["version"] == 1 and mine[0]["title"] == "Baum fällen", items)
    d = api_form(s, CITY, TREE)
    check(d["steps"][1]["fields"][0]["label"] == "Grund der Fällung", d)
    check(s.get(f"{CITY}/formulare/{TREE}").status == 200, "citizen start page")
    case = submit(s, CITY, TREE, {"name": "Erika", "grund": "Sturmschaden", "art": "laub"})
    check(case.startswith("LUE-"), case)


def test_b_broken_definitions_are_refused_with_their_json_paths(s):
    b = staff(s)
    before = db_rows(s, f"SELECT count(*) FROM revision WHERE subject = '{TREE}'")
    r = edit(b, CITY, TREE, "speichern", '{"steps": [')
    check(r.status == 422 and 'id="errors"' in r.text, ("bad JSON", r.status))
    check("$: line 1 column" in r.text and 'href="#definition"' in r.text, "JSON error")
    check('aria-invalid="true" aria-describedby="definition-hint definition-error"' in r.text,
          "marked at the textarea")
    check('{&quot;steps&quot;: [' in r.text, "what was typed stays")
    bad = json.loads(body())
    bad["steps"][0]["fields"][0]["type"] = "txt"
    bad["steps"][1]["fields"][1]["visible_if"] = "spaeter == 1"
    r = edit(b, CITY, TREE, "speichern", json.dumps(bad))
    check(r.status == 422, r.status)
    check("$.steps[0].fields[0].type" in r.text and "$.steps[1].fields[1].visible_if" in r.text,
          "paths")
    r = edit(b, CITY, TREE, "speichern", body(), title="")
    check(r.status == 422 and 'href="#title"' in r.text, "empty title")
    after = db_rows(s, f"SELECT count(*) FROM revision WHERE subject = '{TREE}'")
    check(before == after, "nothing saved")


def test_c_a_form_attached_to_a_service_is_offered_on_its_page(s):
    b = staff(s)
    leika = shared_service(s)
    r = edit(b, CITY, TREE, "speichern", body(), leika="12345")
    check(r.status == 422 and "genau 14 Ziffern" in r.text, ("short key", r.status))
    r = edit(b, CITY, TREE, "speichern", body(), leika="99999999999999")
    check(r.status == 422 and "nicht an" in r.text, ("unknown service", r.status))
    r = edit(b, CITY, TREE, "veroeffentlichen", body(), leika=leika)
    check(r.status == 303, r.status)
    check(api_form(s, CITY, TREE)["version"] == 2, "version 2")
    r = s.get(f"{CITY}/leistungen/{leika}")
    if r.status == 301:
        r = s.get(urllib.parse.urlsplit(r.header("Location")).path)
    check(r.status == 200 and f"/formulare/{TREE}" in r.text and "Online beantragen" in r.text,
          ("service page", r.status))


def test_d_a_case_keeps_the_labels_of_its_version(s):
    b = staff(s)
    case = submit(s, CITY, TREE, {"name": "Erika", "grund": "Morsch", "art": "nadel"})
    leika = api_form(s, CITY, TREE)["leika"]
    r = edit(b, CITY, TREE, "veroeffentlichen", body(label="Anlass"), leika=leika)
    check(r.status == 303, r.status)
    check(api_form(s, CITY, TREE)["version"] == 3, "version 3")
    rows = db_rows(s, f"SELECT version FROM form WHERE id = '{TREE}' ORDER BY version")
    check(rows == [("1",), ("2",), ("3",)], rows)
    page = b.get(f"{CITY}/verwaltung/antraege/{case}").text
    check("Grund der Fällung" in page and "Anlass" not in page, "old labels")
    later = submit(s, CITY, TREE, {"name": "Ben", "grund": "Bau", "art": "laub"})
    check("Anlass" in b.get(f"{CITY}/verwaltung/antraege/{later}").text, "new labels")


def test_e_library_adoption_offers_new_versions_and_keeps_local_changes(s):
    lue, ade = staff(s), staff(s, OTHER)
    r = lue.post(f"{CITY}{FORMS}/{TREE}/bibliothek", {})
    check(r.status == 303 and "geteilt=3" in r.header("Location"), r.status)
    check(db_rows(s, f"SELECT version FROM form_library WHERE form_id = '{TREE}'") == [("3",)],
          "library row")
    lib = ade.get(OTHER + FORMS + "/bibliothek")
    check(lib.status == 200 and "Baum fällen" in lib.text and "Stadt Lünen" in lib.text, "list")
    r = ade.post(OTHER + FORMS + "/bibliothek",
                 {"herkunft": tenant_id(s, "luenen"), "formular": TREE})
    check(r.status == 303, ("adopt", r.status, r.text[:300]))
    page = ade.get(f"{OTHER}{FORMS}/{TREE}").text
    check("Übernommen von Stadt Lünen (Version 3)" in page, "origin named")
    local = json.loads(textarea(page, "definition"))
    check(local["steps"][1]["fields"][0]["label"] == "Anlass", "the library's definition")
    leika = api_form(s, CITY, TREE)["leika"]
    r = edit(ade, OTHER, TREE, "veroeffentlichen", body(label="Anlass", consent="Adendorf"),
             leika=leika)
    check(r.status == 303, ("adopter publishes", r.status, r.text[:800]))
    check(api_form(s, OTHER, TREE)["consent"] == "Adendorf", "adopter's own version")
    # The origin adds a field and shares version 4.
    extra = {"key": "hoehe", "type": "number", "label": "Höhe in Metern"}
    check(edit(lue, CITY, TREE, "veroeffentlichen", body(label="Anlass", extra_field=extra),
               leika=leika).status == 303, "origin v4")
    check(lue.post(f"{CITY}{FORMS}/{TREE}/bibliothek", {}).status == 303, "share v4")
    r = ade.get(OTHER + FORMS)
    check("Neue Version verfügbar" in r.text, "offered in the list")
    upd = ade.get(f"{OTHER}{FORMS}/{TREE}/aktualisierung")
    check(upd.status == 200 and "<ins" in upd.text and "Höhe in Metern" in upd.text, "diff")
    check("<code>steps</code>" in upd.text and "<code>consent</code>" in upd.text, "merge plan")
    check("Keine Konflikte" in upd.text, "clean")
    r = ade.post(f"{OTHER}{FORMS}/{TREE}/aktualisierung", {"version": "3"})
    check(r.status == 409, ("stale version", r.status))
    r = ade.post(f"{OTHER}{FORMS}/{TREE}/aktualisierung", {"version": "4"})
    check(r.status == 303, ("take over", r.status, r.text[:800]))
    merged = json.loads(textarea(ade.get(f"{OTHER}{FORMS}/{TREE}").text, "definition"))
    check(merged.get("consent") == "Adendorf", "local change kept")
    check(merged["steps"][1]["fields"][-1]["key"] == "hoehe", "new field taken over")
    check(db_rows(s, "SELECT base_version FROM form_entry WHERE id = 'baumfaellung' AND "
                     "tenant_id = (SELECT id FROM tenant WHERE slug = 'adendorf')") == [("4",)],
          "rebased")
    check("Neue Version verfügbar" not in ade.get(OTHER + FORMS).text, "no longer offered")
    check(api_form(s, OTHER, TREE)["version"] == 1, "a draft until published")


def test_f_a_conflicting_change_must_be_resolved(s):
    lue, ade = staff(s), staff(s, OTHER)
    leika = api_form(s, CITY, TREE)["leika"]
    extra = {"key": "hoehe", "type": "number", "label": "Höhe in Metern"}
    r = edit(ade, OTHER, TREE, "speichern",
             body(label="Warum fällen?", extra_field=extra, consent="Adendorf"), leika=leika)
    check(r.status == 303, ("local steps", r.status, r.text[:500]))
    check(edit(lue, CITY, TREE, "veroeffentlichen", body(label="Begründung", extra_field=extra),
               leika=leika).status == 303, "origin v5")
    check(lue.post(f"{CITY}{FORMS}/{TREE}/bibliothek", {}).status == 303, "share v5")
    upd = ade.get(f"{OTHER}{FORMS}/{TREE}/aktualisierung")
    check(upd.status == 200 and 'id="conflicts"' in upd.text, "conflict shown")
    check('name="loesung.steps"' in upd.text and "Warum fällen?" in upd.text and
          "Begründung" in upd.text, "both values")
    r = ade.post(f"{OTHER}{FORMS}/{TREE}/aktualisierung", {"version": "5"})
    check(r.status == 422 and "Bitte lösen Sie den Konflikt auf" in r.text, ("unresolved",
                                                                             r.status))
    r = ade.post(f"{OTHER}{FORMS}/{TREE}/aktualisierung",
                 {"version": "5", "loesung.steps": "[{"})
    check(r.status == 422 and "kein gültiges JSON" in r.text, ("bad JSON", r.status))
    r = ade.post(f"{OTHER}{FORMS}/{TREE}/aktualisierung",
                 {"version": "5", "loesung.steps": '[{"title": "x", "fields": []}]'})
    check(r.status == 422 and "$.steps[0].fields" in r.text and 'href="#merge"' in r.text,
          ("invalid result", r.status))
    theirs = json.dumps(json.loads(body(label="Begründung", extra_field=extra))["steps"])
    r = ade.post(f"{OTHER}{FORMS}/{TREE}/aktualisierung", {"version": "5", "loesung.steps": theirs})
    check(r.status == 303, ("resolved", r.status, r.text[:500]))
    merged = json.loads(textarea(ade.get(f"{OTHER}{FORMS}/{TREE}").text, "definition"))
    check(merged["steps"][1]["fields"][0]["label"] == "Begründung" and
          merged["consent"] == "Adendorf", merged)


def test_g_case_workers_and_other_tenants_stay_out(s):
    user(s, "sachbearbeitung-fe@example.org", "caseworker")
    user(s, "redaktion-fe@example.org", "editor", "adendorf")
    worker = staff(s, email="sachbearbeitung-fe@example.org", password=PASSWORD)
    for path in (FORMS, f"{FORMS}/{TREE}", f"{FORMS}/bibliothek", f"{FORMS}/{TREE}/versionen"):
        check(worker.get(CITY + path).status == 403, ("worker", path))
    for path, fields in ((FORMS, {"id": "x", "title": "X"}),
                         (f"{FORMS}/{TREE}", {"aktion": "speichern"}),
                         (f"{FORMS}/{TREE}/bibliothek", {}),
                         (f"{FORMS}/bibliothek", {"herkunft": tenant_id(s, "adendorf"),
                                                  "formular": TREE})):
        check(worker.post(CITY + path, fields).status == 403, ("worker post", path))
    other = staff(s, OTHER, "redaktion-fe@example.org", PASSWORD)
    check(other.get(CITY + FORMS).status in (302, 303, 403), "no way into Lünen")
    check(other.get(f"{OTHER}{FORMS}/hundesteuer-anmeldung").status == 404, "Lünen's own form")
    check(other.get(f"{OTHER}{FORMS}/hundesteuer-anmeldung/versionen").status == 404, "history")
    r = other.post(f"{OTHER}{FORMS}/hundesteuer-anmeldung/bibliothek", {})
    check(r.status == 404, ("share another's form", r.status))
    r = other.post(OTHER + FORMS + "/bibliothek",
                   {"herkunft": tenant_id(s, "adendorf"), "formular": TREE})
    check(r.status == 409, ("adopt own", r.status))
    case = submit(s, CITY, TREE, {"name": "Erika", "grund": "Alt", "art": "laub"})
    admin = staff(s, OTHER)
    r = admin.get(f"{OTHER}/verwaltung/antraege/{case}")
    check(r.status == 404, ("no foreign cases", case, r.status, r.header("Location")))
    check(db_rows(s, "SELECT count(*) FROM form WHERE id = 'hundesteuer-anmeldung' AND "
                     "tenant_id = (SELECT id FROM tenant WHERE slug = 'adendorf')") == [("0",)],
          "nothing written")
    check(admin.post(f"{OTHER}{FORMS}", {"id": "bibliothek", "title": "X"}).status == 422,
          "reserved id")


def test_h_every_post_needs_the_form_token(s):
    b = staff(s)
    b.get(CITY + FORMS)
    jar = b.jar
    for path, fields in ((FORMS, {"id": "ohne-token", "title": "X"}),
                         (f"{FORMS}/{TREE}", {"aktion": "speichern", "title": "X",
                                              "definition": body()}),
                         (f"{FORMS}/{TREE}/versionen", {"nr": "1"}),
                         (f"{FORMS}/{TREE}/bibliothek", {}),
                         (f"{FORMS}/bibliothek", {"herkunft": "1", "formular": TREE})):
        r = s.post_form(CITY + path, fields, cookies=jar)
        check(r.status == 403, ("no token", path, r.status))
        r = s.post_form(CITY + path, dict(fields, _csrf="falsch"), cookies=jar)
        check(r.status == 403, ("wrong token", path, r.status))
    ade = staff(s, OTHER)
    ade.get(OTHER + FORMS)
    r = s.post_form(f"{OTHER}{FORMS}/{TREE}/aktualisierung", {"version": "5"}, cookies=ade.jar)
    check(r.status == 403, ("update without token", r.status))
    check(db_rows(s, "SELECT count(*) FROM form_entry WHERE id = 'ohne-token'") == [("0",)],
          "nothing made")


if __name__ == "__main__":
    run_module(globals())
