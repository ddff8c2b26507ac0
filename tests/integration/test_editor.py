# SPDX-License-Identifier: EUPL-1.2
"""The editorial workflow under /verwaltung: drafts stay private until they
are published, review by four eyes, scheduled publication, review-due dates,
revision history with diff and restore, the audit log, office editing,
tenant isolation (also with forged ids), CSRF, and hostile input in every
field escaped on every public and staff page."""
import json
import os
import re
import subprocess
import tempfile
import threading
import time

from harness import (BIN, SHARE, Server, check, cookies_of, db_rows, eventually, hidden, run_cli,
                     run_module, staff_login)

CITY = "/t/luenen"
DISTRICT = "/t/landkreis-lueneburg"
PERSO = "99008001012000"   # Personalausweis beantragen, offered by the city
BIRTH = "99027002012000"   # Geburtsurkunde, offered by the city
KFZ = "99036008007000"     # Fahrzeug zulassen, offered by the district only
PASSWORD = "ein-langes-Passwort-123"
USERS = {}                 # name -> (email, tenant slug, role)


class Staff:
    """A logged-in staff member of one tenant: its cookies and CSRF token."""

    def __init__(self, s, base, email, password):
        self.s, self.base = s, base
        r, _ = staff_login(s, base, email, password)
        check(r.status == 303, ("login", email, r.status))
        self.jar = cookies_of(r)
        page = self.get("/verwaltung")
        check(page.status == 200, page.status)
        self.csrf = hidden(page.text, "_csrf")

    def headers(self):
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}

    def get(self, path):
        return self.s.get(self.base + path, headers=self.headers())

    def post(self, path, fields, csrf=True):
        f = dict(fields)
        if csrf:
            f["_csrf"] = self.csrf
        return self.s.post_form(self.base + path, f, cookies=self.jar)


SESSIONS = {}              # (tenant base, email) -> Staff: logins are rate-limited and slow


def login(s, base, email, password):
    if (base, email) not in SESSIONS:
        SESSIONS[base, email] = Staff(s, base, email, password)
    return SESSIONS[base, email]


def user(s, name):
    email, tenant, role = USERS[name]
    return login(s, "/t/" + tenant, email, PASSWORD)


def admin(s, base=CITY):
    return login(s, base, "demo@rathaus.example", s.demo_password)


def setup_users(s):
    if USERS:
        return
    for name, tenant, role in (("anna", "luenen", "editor"), ("ben", "luenen", "editor"),
                               ("cem", "luenen", "caseworker"),
                               ("dora", "landkreis-lueneburg", "editor")):
        email = f"{name}@rathaus.example"
        run_cli(["user", "add", "--email", email, "--tenant", tenant, "--name", name.title(),
                 "--role", role], s.db, stdin=PASSWORD + "\n")
        USERS[name] = (email, tenant, role)


def public_service(s, base, key):
    r = s.get(f"{base}/leistungen/{key}")
    if r.status != 301:
        return r
    return s.get(r.header("Location"))


def api_service(s, base, key):
    return s.get(f"{base}/api/v1/services/{key}")


def form_fields(html):
    """The values of a form's text inputs, textareas and checked radios."""
    f = {}
    for m in re.finditer(r'<input class="[^"]*" (?:type="(\w+)" )?id="[^"]*" name="([^"]+)"'
                         r'(?: type="(\w+)")?[^>]*?value="([^"]*)"([^>]*)>', html):
        kind = m.group(1) or m.group(3)
        if kind == "radio" and "checked" not in m.group(5):
            continue
        f[m.group(2)] = m.group(4)
    for m in re.finditer(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        f[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        sel = re.search(r'<option value="([^"]*)" selected>', m.group(2)) or \
            re.search(r'<option value="([^"]*)"', m.group(2))
        f[m.group(1)] = sel.group(1) if sel else ""
    return {k: v.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&#39;", "'").replace("&amp;", "&") for k, v in f.items()}


def edit(staff, key, action, **fields):
    return staff.post(f"/verwaltung/leistungen/{key}", dict(fields, aktion=action))


def test_anonymous_users_reach_no_staff_page(s):
    for path in ("/verwaltung", "/verwaltung/leistungen", f"/verwaltung/leistungen/{PERSO}",
                 f"/verwaltung/leistungen/{PERSO}/versionen", "/verwaltung/stellen",
                 "/verwaltung/stellen/buergerbuero", "/verwaltung/stellen/buergerbuero/versionen",
                 "/verwaltung/protokoll"):
        r = s.get(CITY + path)
        check(r.status == 303 and r.header("Location").startswith(CITY + "/anmelden?next="),
              (path, r.status, r.header("Location")))
    for path in ("/verwaltung/leistungen", f"/verwaltung/leistungen/{PERSO}",
                 f"/verwaltung/leistungen/{PERSO}/versionen", "/verwaltung/stellen/buergerbuero"):
        r = s.post_form(CITY + path, {"aktion": "veroeffentlichen", "text_fees": "x"})
        check(r.status == 403, (path, r.status))


def test_post_without_csrf_token_is_refused(s):
    setup_users(s)
    anna = user(s, "anna")
    r = anna.post(f"/verwaltung/leistungen/{PERSO}", {"aktion": "speichern", "text_fees": "x"},
                  csrf=False)
    check(r.status == 403 and "Sicherheitsgründen" in r.text or r.status == 403, r.status)
    r = anna.post(f"/verwaltung/leistungen/{PERSO}", {"aktion": "speichern", "_csrf": "falsch"},
                  csrf=False)
    check(r.status == 403, r.status)


def test_case_worker_may_not_edit(s):
    setup_users(s)
    cem = user(s, "cem")
    dash = cem.get("/verwaltung").text
    check("Leistungen bearbeiten" not in dash, "no editor links")
    check("Angemeldet als Cem bei Stadt Lünen" in dash and "/abmelden" in dash, "who is logged in")
    for path in ("/verwaltung/leistungen", f"/verwaltung/leistungen/{PERSO}",
                 "/verwaltung/protokoll", "/verwaltung/stellen/buergerbuero"):
        check(cem.get(path).status == 403, path)
    check(edit(cem, PERSO, "speichern", text_fees="x").status == 403, "post")


def test_draft_and_review_stay_private_until_an_admin_publishes(s):
    setup_users(s)
    anna, ben = user(s, "anna"), user(s, "ben")
    marker = "Gebühr-Entwurf-4711"
    before = public_service(s, CITY, PERSO).text
    r = edit(anna, PERSO, "speichern", text_fees=f"Neu: {marker}", mode_fees="replace")
    check(r.status == 303, r.status)
    check(marker not in public_service(s, CITY, PERSO).text, "draft is public")
    check(marker not in api_service(s, CITY, PERSO).text, "draft in the API")
    form = anna.get(f"/verwaltung/leistungen/{PERSO}").text
    check(marker in form and "Entwurf" in form, "the form shows the draft")
    check('value="veroeffentlichen"' not in form, "editor sees no publish button")
    r = edit(anna, PERSO, "einreichen", **form_fields(form))
    check(r.status == 303, r.status)
    check(marker not in public_service(s, CITY, PERSO).text, "review is public")
    # The author may not approve her own change; the button is not offered either.
    form = anna.get(f"/verwaltung/leistungen/{PERSO}").text
    check("In Prüfung" in form and 'value="veroeffentlichen"' not in form, "own review")
    r = edit(anna, PERSO, "veroeffentlichen", **form_fields(form))
    check(r.status == 403, ("author publishes", r.status))
    check(marker not in public_service(s, CITY, PERSO).text, "forbidden publish leaked")
    # Another editor may, when the content is unchanged (four eyes).
    form = ben.get(f"/verwaltung/leistungen/{PERSO}").text
    check('value="veroeffentlichen"' in form, "reviewer sees publish")
    changed = dict(form_fields(form), text_fees="Ben ändert etwas")
    check(edit(ben, PERSO, "veroeffentlichen", **changed).status == 403, "own change by ben")
    r = edit(ben, PERSO, "veroeffentlichen", **form_fields(form))
    check(r.status == 303, r.status)
    page = public_service(s, CITY, PERSO).text
    check(marker in page, "published text visible")
    check(marker in api_service(s, CITY, PERSO).text.encode().decode("unicode_escape")
          or marker in json.dumps(json.loads(api_service(s, CITY, PERSO).text),
                                  ensure_ascii=False), "published text in the API")
    check(page != before, "page changed")
    # A new draft does not change what the public sees.
    form = anna.get(f"/verwaltung/leistungen/{PERSO}").text
    edit(anna, PERSO, "speichern", **dict(form_fields(form), text_fees="Noch ein Entwurf"))
    page = public_service(s, CITY, PERSO).text
    check(marker in page and "Noch ein Entwurf" not in page, "published version stays")


def test_admin_publishes_and_updated_at_moves(s):
    adm = admin(s)
    old = db_rows(s, "SELECT ts.updated_at FROM tenant_service ts JOIN tenant t ON t.id = "
                  f"ts.tenant_id WHERE t.slug = 'luenen' AND ts.leika = '{BIRTH}'")[0][0]
    form = adm.get(f"/verwaltung/leistungen/{BIRTH}").text
    check('value="veroeffentlichen"' in form, "admin sees publish")
    r = edit(adm, BIRTH, "veroeffentlichen",
             **dict(form_fields(form), text_notes="Hinweis der Stadt: Bitte Termin buchen.",
                    online_url="https://termine.example.org/geburt"))
    check(r.status == 303, r.status)
    page = public_service(s, CITY, BIRTH).text
    check("Hinweis der Stadt" in page, "notes published")
    check('href="https://termine.example.org/geburt"' in page, "online service link")
    new = db_rows(s, "SELECT ts.updated_at FROM tenant_service ts JOIN tenant t ON t.id = "
                  f"ts.tenant_id WHERE t.slug = 'luenen' AND ts.leika = '{BIRTH}'")[0][0]
    check(int(new) >= int(old) and int(new) > 0, (old, new))


def offered_key(s, offered_by, not_by):
    """A service key the first tenant offers and the second does not."""
    return db_rows(s, "SELECT ts.leika FROM tenant_service ts JOIN tenant t ON t.id = ts.tenant_id "
                   f"WHERE t.slug = '{offered_by}' AND ts.leika NOT IN (SELECT leika FROM "
                   f"tenant_service x JOIN tenant u ON u.id = x.tenant_id WHERE u.slug = "
                   f"'{not_by}') ORDER BY ts.leika LIMIT 1")[0][0]


def az_page_of(s, key):
    """The A-Z page of the city that would list service `key` (its letter, every page)."""
    title = db_rows(s, f"SELECT title FROM service WHERE leika = '{key}'")[0][0]
    letter = title[0].upper()
    pages = []
    for page in range(1, 20):
        r = s.get(f"{CITY}/leistungen?buchstabe={letter}&seite={page}")
        check(r.status == 200, r.status)
        pages.append(r.text)
        if 'rel="next"' not in r.text:
            break
    return "".join(pages)


def test_a_service_added_from_the_catalogue_is_a_draft_until_published(s):
    adm = admin(s)
    key = offered_key(s, "landkreis-lueneburg", "luenen")
    check(public_service(s, CITY, key).status == 404, "not offered yet")
    # Both instances have built their lists before the change.
    other = twin(s)
    try:
        for srv in (s, other):
            check(key not in srv.get(CITY + "/sitemap.xml").text, "in the sitemap too early")
        check(key not in az_page_of(s, key), "in the A-Z index too early")
        added_and_published(s, adm, key)
        # This instance shows it at once; the other after its next poll (1 s here).
        check(key in s.get(CITY + "/sitemap.xml").text, "in the sitemap")
        check(key in az_page_of(s, key), "in the A-Z index")
        seen = False
        for _ in range(100):
            seen = key in other.get(CITY + "/sitemap.xml").text
            if seen:
                break
            time.sleep(0.1)
        check(seen, "the second instance lists it within 10 s")
    finally:
        other.stop()
    r = adm.post("/verwaltung/leistungen", {"leika": "99999999999999"})
    check(r.status == 422 and "Leistungsschlüssel" in r.text, r.status)
    r = adm.post("/verwaltung/leistungen", {"leika": "abc"})
    check(r.status == 422, r.status)


def added_and_published(s, adm, key):
    r = adm.post("/verwaltung/leistungen", {"leika": key})
    check(r.status == 303 and r.header("Location").endswith(f"/verwaltung/leistungen/{key}"),
          (r.status, r.header("Location")))
    check(public_service(s, CITY, key).status == 404, "a new service is not public")
    check(key in adm.get(f"/verwaltung/leistungen?status=draft&q={key}").text, "listed as draft")
    form = adm.get(f"/verwaltung/leistungen/{key}").text
    r = edit(adm, key, "veroeffentlichen", **dict(form_fields(form), text_short="Neu in Lünen."))
    check(r.status == 303, r.status)
    check(public_service(s, CITY, key).status == 200, "published")


def test_scheduled_publication_waits_for_its_time(s):
    adm = admin(s)
    key = offered_key(s, "landkreis-lueneburg", "luenen")
    key = db_rows(s, "SELECT ts.leika FROM tenant_service ts JOIN tenant t ON t.id = ts.tenant_id "
                  "WHERE t.slug = 'luenen' AND ts.status = 'published' AND ts.leika NOT IN "
                  f"('{PERSO}', '{BIRTH}') ORDER BY ts.leika LIMIT 1")[0][0]
    marker = "Ab-2099-gueltig"
    form = adm.get(f"/verwaltung/leistungen/{key}").text
    r = edit(adm, key, "veroeffentlichen",
             **dict(form_fields(form), text_fees=marker, publish_at="2099-01-01T08:00"))
    check(r.status == 303, r.status)
    check(marker not in public_service(s, CITY, key).text, "scheduled text visible early")
    check(marker not in api_service(s, CITY, key).text, "scheduled text in the API early")
    dash = adm.get("/verwaltung").text
    sched = re.search(r'id="scheduled">(.*?)</div>', dash, re.S).group(1)
    check("2099-01-01 08:00" in sched, sched)
    check("Geplant" in adm.get(f"/verwaltung/leistungen/{key}").text, "state shown")
    # Time passes: the publication time is now in the past.  Each process looks for due
    # publications at most once a second without the page cache: the text shows within it.
    db_rows(s, "UPDATE revision SET publish_at = 1000 WHERE state = 'scheduled' AND "
            f"subject = '{key}'")
    t0 = time.time()
    eventually(lambda: marker in public_service(s, CITY, key).text,
               "scheduled text visible after its time", timeout=5)
    check(time.time() - t0 < 1.5, ("visible within a second", time.time() - t0))
    check(marker in api_service(s, CITY, key).text, "and in the API")
    st = db_rows(s, f"SELECT state FROM revision WHERE subject = '{key}' ORDER BY num DESC")
    check(st[0][0] == "published", st)
    # Publishing with a time in the past publishes at once.
    form = adm.get(f"/verwaltung/leistungen/{key}").text
    edit(adm, key, "veroeffentlichen",
         **dict(form_fields(form), text_fees="Sofort", publish_at="2020-01-01T08:00"))
    check("Sofort" in public_service(s, CITY, key).text, "past time publishes now")
    r = edit(adm, key, "veroeffentlichen", **dict(form_fields(form), publish_at="morgen"))
    check(r.status == 422 and "Datum und Uhrzeit" in r.text, r.status)


def twin(s):
    """A second server on the same database, as a second instance behind a load balancer."""
    t = Server.__new__(Server)
    t.db, t.env, t.demo_password = s.db, dict(s.env), s.demo_password
    t.log = tempfile.NamedTemporaryFile(prefix="rathaus-twin-", suffix=".log", delete=False)
    e = dict(os.environ, RATHAUS_DB=s.db, RATHAUS_SHARE_DIR=SHARE, RATHAUS_LISTEN="127.0.0.1:0")
    e.update(t.env)
    t.proc = subprocess.Popen([BIN, "serve"], stdout=t.log, stderr=t.log, env=e)
    t.port = t._wait_port()
    return t


def test_two_instances_publish_a_due_revision_exactly_once(s):
    adm = admin(s)
    key = db_rows(s, "SELECT ts.leika FROM tenant_service ts JOIN tenant t ON t.id = ts.tenant_id "
                  "WHERE t.slug = 'luenen' AND ts.status = 'published' AND ts.leika NOT IN "
                  f"('{PERSO}', '{BIRTH}') ORDER BY ts.leika DESC LIMIT 1")[0][0]
    form = adm.get(f"/verwaltung/leistungen/{key}").text
    r = edit(adm, key, "veroeffentlichen",
             **dict(form_fields(form), text_notes="Zwei-Instanzen-Test",
                    publish_at="2098-05-01T10:00"))
    check(r.status == 303, r.status)
    other = twin(s)
    try:
        db_rows(s, f"UPDATE revision SET publish_at = 1000 WHERE state = 'scheduled' AND "
                f"subject = '{key}'")
        time.sleep(1.1)  # the second within which each instance looks for due publications
        pages = []

        def hit(server):
            pages.append(public_service(server, CITY, key).text)

        # Both instances race to publish; a request that comes while its instance is
        # publishing may still show the old text, every later one the new.
        threads = [threading.Thread(target=hit, args=(srv,)) for srv in (s, other) * 6]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(len(pages) == 12 and any("Zwei-Instanzen-Test" in p for p in pages), "published")
        later = [public_service(srv, CITY, key).text for srv in (s, other) * 3]
        check(all("Zwei-Instanzen-Test" in p for p in later),
              "every answer after the publication shows it")
    finally:
        other.stop()
    done = db_rows(s, "SELECT count(*) FROM audit_log WHERE action = 'service.publish_scheduled' "
                   f"AND detail LIKE '{key} %'")
    check(done[0][0] == "1", ("applied once", done))
    states = db_rows(s, f"SELECT state FROM revision WHERE subject = '{key}' ORDER BY num")
    check(states[-1][0] == "published", states)


def test_overdue_reviews_are_listed(s):
    adm = admin(s)
    form = adm.get(f"/verwaltung/leistungen/{BIRTH}").text
    r = edit(adm, BIRTH, "veroeffentlichen", **dict(form_fields(form), review_due="2021-03-01"))
    check(r.status == 303, r.status)
    dash = adm.get("/verwaltung").text
    overdue = re.search(r'id="overdue">(.*?)</div>', dash, re.S).group(1)
    check("Geburtsurkunde" in overdue and "2021-03-01" in overdue, overdue)
    form = adm.get(f"/verwaltung/leistungen/{BIRTH}").text
    edit(adm, BIRTH, "veroeffentlichen", **dict(form_fields(form), review_due="2199-01-01"))
    overdue = re.search(r'id="overdue">(.*?)</div>', adm.get("/verwaltung").text, re.S).group(1)
    check("Geburtsurkunde" not in overdue, overdue)
    r = edit(adm, BIRTH, "speichern", **dict(form_fields(form), review_due="2021-02-30"))
    check(r.status == 422 and "gültiges Datum" in r.text, r.status)


def test_history_shows_a_diff_and_restores_an_old_version(s):
    setup_users(s)
    anna = user(s, "anna")
    path = f"/verwaltung/leistungen/{PERSO}"
    form = form_fields(anna.get(path).text)
    edit(anna, PERSO, "speichern", **dict(form, text_documents="Zeile eins\nZeile zwei\n"))
    edit(anna, PERSO, "speichern", **dict(form, text_documents="Zeile eins\nZeile <b>drei</b>\n"))
    h = anna.get(path + "/versionen")
    check(h.status == 200, h.status)
    check(re.search(r"<del[^>]*>(<span[^>]*>[^<]*</span>)?Zeile zwei</del>", h.text), "deleted")
    check(re.search(r"<ins[^>]*>(<span[^>]*>[^<]*</span>)?Zeile &lt;b&gt;drei&lt;/b&gt;</ins>",
                    h.text), "inserted, escaped")
    check("<b>drei" not in h.text, "raw markup in the diff")
    nums = [int(n) for n in re.findall(r"\?nr=(\d+)", h.text)]
    old = sorted(nums)[-2]
    check(anna.get(f"{path}/versionen?nr={old}").status == 200, "older diff")
    check(anna.get(f"{path}/versionen?nr=999").status == 404, "unknown version")
    check(anna.get(f"{path}/versionen?nr=x").status == 404, "bad number")
    r = anna.post(path + "/versionen", {"nr": str(old)})
    check(r.status == 303, r.status)
    form = anna.get(path).text
    check("Zeile zwei" in form and "drei" not in form, "restored content")
    check(f"Wiederhergestellt aus Version {old}" in anna.get(path + "/versionen").text, "comment")


def test_reject_needs_a_comment_and_returns_to_draft(s):
    setup_users(s)
    anna, ben = user(s, "anna"), user(s, "ben")
    path = f"/verwaltung/leistungen/{PERSO}"
    form = form_fields(anna.get(path).text)
    edit(anna, PERSO, "einreichen", **dict(form, text_deadlines="Frist: sofort"))
    check(edit(anna, PERSO, "zurueckweisen", kommentar="selbst").status == 403, "own reject")
    r = edit(ben, PERSO, "zurueckweisen", kommentar="")
    check(r.status == 422 and "Kommentar" in r.text, r.status)
    r = edit(ben, PERSO, "zurueckweisen", kommentar="Bitte Quelle angeben")
    check(r.status == 303, r.status)
    page = anna.get(path).text
    check("Entwurf" in page and "Bitte Quelle angeben" in page, "draft with comment")
    check(edit(ben, PERSO, "zurueckweisen", kommentar="nochmal").status == 409, "not in review")
    check(edit(ben, PERSO, "loeschen").status == 400, "unknown action")


def test_offices_are_edited_with_revisions(s):
    adm = admin(s)
    path = "/verwaltung/stellen/buergerbuero"
    form = adm.get(path)
    check(form.status == 200 and "Öffnungszeiten" in form.text, form.status)
    f = form_fields(form.text)
    f.update({"name": "Bürgerbüro Lünen", "day_0": "1", "opens_0": "07:30", "closes_0": "12:00",
              "note_0": "Frühschalter"})
    r = adm.post(path, dict(f, aktion="speichern"))
    check(r.status == 303, r.status)
    check("Frühschalter" not in s.get(CITY + "/stellen/buergerbuero").text, "draft office")
    r = adm.post(path, dict(f, aktion="veroeffentlichen"))
    check(r.status == 303, r.status)
    page = s.get(CITY + "/stellen/buergerbuero").text
    check("Bürgerbüro Lünen" in page and "07:30" in page, "published office")
    h = adm.get(path + "/versionen").text
    check("07:30" in h and "<ins" in h, "office diff")
    bad = dict(f, opens_1="14:00", closes_1="13:00", day_1="2", postal_code="4453",
               email="keine-adresse", web="javascript:alert(1)")
    r = adm.post(path, dict(bad, aktion="speichern"))
    check(r.status == 422, r.status)
    for text in ("Öffnungszeiten", "Postleitzahl hat fünf Ziffern", "E-Mail-Adresse",
                 "http:// oder https://"):
        check(text in r.text, text)


def audit_log_records_every_change(s):
    adm = admin(s)
    page = adm.get("/verwaltung/protokoll")
    check(page.status == 200, page.status)
    for action in ("service.create", "service.save", "service.submit", "service.publish",
                   "service.schedule", "service.publish_scheduled", "service.reject",
                   "service.restore", "office.save",
                   "office.publish"):
        check(f">{action}<" in page.text, action)
    check("Anna" in page.text and "Ben" in page.text, "who")
    dist = admin(s, DISTRICT).get("/verwaltung/protokoll").text
    check("service.submit" not in dist, "another tenant's audit entries")


def test_editor_of_another_tenant_sees_and_changes_nothing_here(s):
    setup_users(s)
    dora = user(s, "dora")
    # Her session is not valid at the city, and her login is refused there.
    r = s.get(CITY + "/verwaltung", headers=dora.headers())
    check(r.status == 303, r.status)
    form = s.get(CITY + "/anmelden")
    r = s.post_form(CITY + "/anmelden", {"_csrf": hidden(form.text, "_csrf"),
                                         "email": USERS["dora"][0], "password": PASSWORD},
                    cookies=cookies_of(form))
    check(r.status == 401, r.status)
    # The city's service and office are unknown in her tenant, whatever the id.
    for path in (f"/verwaltung/leistungen/{PERSO}", f"/verwaltung/leistungen/{PERSO}/versionen",
                 "/verwaltung/stellen/buergerbuero", "/verwaltung/stellen/buergerbuero/versionen"):
        check(dora.get(path).status == 404, path)
        r = dora.post(path, {"aktion": "speichern", "nr": "1", "name": "X", "text_fees": "X"})
        check(r.status == 404, (path, r.status))
    # Her own service: no city drafts or revisions, and no city office may be named.
    page = dora.get(f"/verwaltung/leistungen/{KFZ}")
    check(page.status == 200, page.status)
    check("Noch ein Entwurf" not in page.text and "Neueste Version" not in
          re.search(r'id="rev-state">(.*?)</p>', page.text, re.S).group(1), "city revision")
    r = edit(dora, KFZ, "speichern", office="buergerbuero")
    check(r.status == 422 and "Dienststelle" in r.text, r.status)
    check(dora.post(f"/verwaltung/leistungen/{KFZ}/versionen", {"nr": "1"}).status == 404,
          "restore of a city revision number")
    listing = dora.get("/verwaltung/leistungen?q=personalausweis").text
    check(f">{PERSO}<" not in listing, "city service listed")
    # Publishing is not hers to do.
    r = edit(dora, KFZ, "veroeffentlichen", text_fees="Dora")
    check(r.status == 403, r.status)
    check("Dora" not in public_service(s, DISTRICT, KFZ).text, "district page")


HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>',
           "[klick](javascript:alert(2))", "<iframe src=//evil.example></iframe>",
           "<a href=\"javascript:alert(3)\">a</a>", "</textarea><svg onload=alert(4)>"]


def assert_neutral(body, where):
    low = body.lower()
    for bad in ("<script>alert", "<img src=x", "<iframe", "<svg onload", 'href="javascript:',
                "href='javascript:", "javascript:alert(2)\""):
        check(bad not in low, (where, bad))


def test_hostile_content_is_neutralized_everywhere(s):
    adm = admin(s)
    evil = "\n\n".join(HOSTILE)
    path = f"/verwaltung/leistungen/{PERSO}"
    fields = form_fields(adm.get(path).text)
    for name in list(fields):
        if name.startswith("text_"):
            fields[name] = evil
    r = edit(adm, PERSO, "veroeffentlichen", **fields)
    check(r.status == 303, (r.status, re.findall(r'href="#([^"]+)"', r.text)))
    office = form_fields(adm.get("/verwaltung/stellen/buergerbuero").text)
    line = HOSTILE[0] + HOSTILE[1]
    office.update({"name": line, "street": line, "city": line, "accessibility": evil,
                   "note_0": line, "day_0": "1", "opens_0": "08:00", "closes_0": "12:00"})
    r = adm.post("/verwaltung/stellen/buergerbuero", dict(office, aktion="veroeffentlichen"))
    check(r.status == 303, (r.status, re.findall(r'href="#([^"]+)"', r.text)))
    pages = {"service": public_service(s, CITY, PERSO).text,
             "list": s.get(CITY + "/leistungen?q=personalausweis").text,
             "office": s.get(CITY + "/stellen/buergerbuero").text,
             "offices": s.get(CITY + "/stellen").text,
             "sitemap": s.get(CITY + "/sitemap.xml").text,
             "home": s.get(CITY + "/").text}
    for p in ("/verwaltung", "/verwaltung/leistungen?q=personalausweis", path,
              path + "/versionen", "/verwaltung/stellen", "/verwaltung/stellen/buergerbuero",
              "/verwaltung/stellen/buergerbuero/versionen", "/verwaltung/protokoll"):
        r = adm.get(p)
        check(r.status == 200, (p, r.status))
        pages["staff " + p] = r.text
    for where, body in pages.items():
        assert_neutral(body, where)
    check("&lt;script&gt;" in pages["office"], "office name shown escaped")
    check("&lt;script&gt;" in pages["staff " + path], "the form shows it escaped")
    for api in (f"/api/v1/services/{PERSO}", "/api/v1/offices/buergerbuero"):
        r = s.get(CITY + api)
        check(r.status == 200 and r.header("Content-Type").startswith("application/"), api)
        check(r.header("X-Content-Type-Options") == "nosniff", api)
    doc = json.loads(s.get(CITY + f"/api/v1/services/{PERSO}").text)
    check(doc["texts"]["fees"] == evil, "stored and served as text, unchanged")
    check(json.loads(s.get(CITY + "/api/v1/offices/buergerbuero").text)["name"] == line, "name")


def test_invalid_input_gets_a_clear_message_never_a_server_error(s):
    adm = admin(s)
    path = f"/verwaltung/leistungen/{PERSO}"
    base = form_fields(adm.get(path).text)
    cases = [({"online_url": "javascript:alert(1)"}, "http:// oder https://"),
             ({"online_url": "https://x.example/\"><script>"}, "http:// oder https://"),
             ({"text_fees": "x" * 20001}, "zu lang"),
             ({"mode_fees": "delete"}, "ergänzt oder ersetzt"),
             ({"office": "../../etc"}, "Dienststelle"),
             ({"review_due": "gestern"}, "gültiges Datum")]
    for change, text in cases:
        r = edit(adm, PERSO, "speichern", **dict(base, **change))
        check(r.status == 422 and text in r.text, (change.keys(), r.status))
        check('role="alert"' in r.text, "error summary")
        summary = re.search(r'id="errors">(.*?)</div>\s*</div>', r.text, re.S).group(1)
        field = re.search(r'href="#([a-z_]+)"', summary).group(1).replace("mode_", "text_")
        check(re.search(r'id="%s"[^>]* aria-invalid="true" aria-describedby="[^"]*%s-error'
                        % (field, field), r.text), ("field marked", field))
        assert_neutral(r.text, change)
    # Control characters and invalid UTF-8 are refused before any handler runs.
    for raw in ("text_fees=a%01b", "text_fees=%FF%FE", "name=%C3%28"):
        body = f"_csrf={adm.csrf}&aktion=speichern&{raw}"
        r = s.request("POST", CITY + path, body=body,
                      headers=dict(adm.headers(),
                                   **{"Content-Type": "application/x-www-form-urlencoded"}))
        check(r.status == 400 and "Ungültige Anfrage" in r.text, (raw, r.status))
    office = form_fields(adm.get("/verwaltung/stellen/buergerbuero").text)
    r = adm.post("/verwaltung/stellen/buergerbuero",
                 dict(office, aktion="speichern", name="x" * 300, phone="<b>"))
    check(r.status == 422 and "zu lang" in r.text and "Telefonnummer" in r.text, r.status)
    r = adm.post("/verwaltung/stellen/buergerbuero", dict(office, aktion="speichern", name=""))
    check(r.status == 422 and "Bitte füllen Sie" in r.text, r.status)
    check(adm.get("/verwaltung/leistungen/123").status == 404, "bad key")
    check(adm.get("/verwaltung/stellen/..%2Fx").status in (400, 404), "bad slug")


if __name__ == "__main__":
    run_module(globals(), last=audit_log_records_every_change)
