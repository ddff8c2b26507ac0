# SPDX-License-Identifier: EUPL-1.2
"""The file store and the tenant settings over HTTP, with two instances on one
database (on SQLite they share the data directory, on PostgreSQL only the
database): the logo an admin uploads on one instance is served by the other
and shows in its page header within the tenant cache's lifetime; a file
whose content is not an image is refused whatever its name; names with a
path are neutralised; files are served only for their own tenant; settings
are checked with German messages per field, are the tenant's own also with
forged fields, are audited, and are closed to editors."""
import os
import re
import struct
import tempfile
import time
import uuid
import zlib

from harness import (Server, Suite, check, cookies_of, db_rows, hidden, run_cli,
                     staff_login)

CITY = "/t/luenen"
DISTRICT = "/t/landkreis-lueneburg"
PASSWORD = "ein-langes-Passwort-123"
DATA_DIR = tempfile.mkdtemp(prefix="rathaus-files-")
SESSIONS = {}


def png(w=2, h=2, rgb=(0, 90, 160)):
    """A valid PNG image of one colour."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class Staff:
    def __init__(self, s, base, email, password):
        self.s, self.base = s, base
        r, _ = staff_login(s, base, email, password)
        check(r.status == 303, ("login", email, r.status))
        self.jar = cookies_of(r)
        self.csrf = hidden(self.get("/verwaltung").text, "_csrf")

    def headers(self):
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}

    def get(self, path, base=None):
        return self.s.get((base or self.base) + path, headers=self.headers())

    def post(self, path, fields, base=None):
        f = dict(fields)
        f.setdefault("_csrf", self.csrf)
        return self.s.post_form((base or self.base) + path, f, cookies=self.jar)

    def upload(self, filename, data, ctype="image/png"):
        boundary = "----rathaus" + uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n"
                f"{self.csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; "
                f"filename=\"{filename}\"\r\nContent-Type: {ctype}\r\n\r\n").encode()
        body += data + f"\r\n--{boundary}--\r\n".encode()
        h = self.headers()
        h["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        return self.s.request("POST", self.base + "/verwaltung/einstellungen/logo", body=body,
                              headers=h)


def login(s, base, email, password):
    if (s.port, base, email) not in SESSIONS:
        SESSIONS[s.port, base, email] = Staff(s, base, email, password)
    return SESSIONS[s.port, base, email]


def admin(s, base=CITY):
    return login(s, base, "demo@rathaus.example", s.demo_password)


def add_user(s, name, tenant, role):
    email = f"{name}@rathaus.example"
    if not db_rows(s, f"SELECT id FROM staff_user WHERE email = '{email}'"):
        run_cli(["user", "add", "--email", email, "--tenant", tenant, "--name", name.title(),
                 "--role", role], s.db, stdin=PASSWORD + "\n")
    return login(s, "/t/" + tenant, email, PASSWORD)


def settings_form(page):
    """The current values of the settings form as fields to post back."""
    fields = {}
    for name, value in re.findall(r'<input class="kern-form-input__input" id="[^"]*"[^>]*'
                                  r'name="([a-z_]+)" type="(?:text|email|number)"[^>]*'
                                  r'value="([^"]*)"', page):
        fields[name] = value
    for name in re.findall(r'type="checkbox" id="[^"]*" name="([a-z_]+)" value="1" checked',
                           page):
        fields[name] = "1"
    return fields


def logo_id(s, slug="luenen"):
    rows = db_rows(s, "SELECT value FROM tenant_setting s JOIN tenant t ON t.id = s.tenant_id "
                      f"WHERE t.slug = '{slug}' AND s.key = 'logo_file'")
    return rows[0][0] if rows else None


def test_logo_stored_on_one_instance_is_served_by_the_other(s, s2):
    a = admin(s)
    image = png()
    r = a.upload("Wappen Lünen.png", image)
    check(r.status == 303, (r.status, r.text[:300]))
    fid = logo_id(s)
    check(fid and re.fullmatch(r"[A-Za-z0-9_-]{22}", fid), fid)
    r = s2.get(f"{CITY}/dateien/{fid}")
    check(r.status == 200, r.status)
    check(r.body == image, "the second instance sends the same bytes")
    check(r.header("Content-Type") == "image/png", r.header("Content-Type"))
    check(r.header("X-Content-Type-Options") == "nosniff", "nosniff")
    cd = r.header("Content-Disposition")
    check(cd.startswith("inline;") and "filename*=UTF-8''Wappen%20L%C3%BCnen.png" in cd, cd)
    row = db_rows(s, f"SELECT mime, size, name, is_public FROM file WHERE id = '{fid}'")
    check(row == [("image/png", str(len(image)), "Wappen Lünen.png", "1")], row)
    page = a.get("/verwaltung/einstellungen")
    check(f'src="{CITY}/dateien/{fid}"' in page.text, "the settings page shows the logo")
    tid = db_rows(s, "SELECT id FROM tenant WHERE slug = 'luenen'")[0][0]
    on_disk = os.path.exists(os.path.join(DATA_DIR, "files", tid, fid))
    if s.db.startswith("sqlite:"):
        check(on_disk, "on SQLite the bytes are in the shared data directory")
    else:
        check(not on_disk and not os.path.exists(os.path.join(DATA_DIR, "files")),
              "on PostgreSQL instances share no disk")
        check(db_rows(s, f"SELECT count(*) FROM file_data WHERE file_id = '{fid}'") == [("1",)],
              "the bytes are in the database")


def test_logo_shows_in_the_header_of_the_second_instance_within_the_cache_lifetime(s, s2):
    fid = logo_id(s) or test_logo_stored_on_one_instance_is_served_by_the_other(s, s2)
    fid = logo_id(s)
    deadline = time.time() + 8
    while time.time() < deadline:
        if f'class="site-header__logo" src="{CITY}/dateien/{fid}"' in s2.get(CITY + "/").text:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("logo not in the header of the second instance after 8 s")
    check(f"/dateien/{fid}" not in s2.get(DISTRICT + "/").text, "other tenants keep theirs")


def test_html_named_png_is_refused_with_a_german_message(s, s2):
    a = admin(s)
    before = db_rows(s, "SELECT count(*) FROM file")
    r = a.upload("logo.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>\n")
    check(r.status == 422, r.status)
    check("Der Inhalt der Datei passt nicht" in r.text, "German message")
    check('id="logo" aria-invalid="true"' in r.text, "the field is marked")
    check(db_rows(s, "SELECT count(*) FROM file") == before, "nothing stored")


def test_too_large_logo_is_refused(s, s2):
    a = admin(s)
    big = png() + b"\0" * (1100 * 1024)
    r = a.upload("gross.png", big)
    check(r.status == 413, r.status)
    check("zu groß" in r.text, "German message")


def test_path_traversal_names_are_neutralised(s, s2):
    a = admin(s)
    r = a.upload("../../etc/passwd\u202egnp.png", png(rgb=(1, 2, 3)))
    check(r.status == 303, r.status)
    fid = logo_id(s)
    name = db_rows(s, f"SELECT name FROM file WHERE id = '{fid}'")[0][0]
    check(name == "passwdgnp.png", name)
    for root, _, files in os.walk(DATA_DIR):
        for f in files:
            check(re.fullmatch(r"[A-Za-z0-9_-]{22}", f), ("only ids on disk", root, f))
    cd = s2.get(f"{CITY}/dateien/{fid}").header("Content-Disposition")
    check('filename="passwdgnp.png"' in cd, cd)


def test_files_are_served_only_for_their_tenant(s, s2):
    fid = logo_id(s) or test_logo_stored_on_one_instance_is_served_by_the_other(s, s2)
    fid = logo_id(s)
    check(s.get(f"{DISTRICT}/dateien/{fid}").status == 404, "another tenant's id")
    check(s2.get(f"{CITY}/dateien/{fid[:-1]}A").status in (200, 404), "a near id")
    check(s.get(f"{CITY}/dateien/..%2F..%2Fetc%2Fpasswd").status in (400, 404), "a path")
    check(s.get(f"{CITY}/dateien/AAAAAAAAAAAAAAAAAAAAAA").status == 404, "unknown id")
    db_rows(s, f"UPDATE file SET is_public = 0 WHERE id = '{fid}'")
    check(s.get(f"{CITY}/dateien/{fid}").status == 404, "a private file is not served")
    db_rows(s, f"UPDATE file SET is_public = 1 WHERE id = '{fid}'")
    db_rows(s, f"UPDATE file SET expires_at = 1 WHERE id = '{fid}'")
    check(s.get(f"{CITY}/dateien/{fid}").status == 404, "an expired file is not served")
    db_rows(s, f"UPDATE file SET expires_at = 0 WHERE id = '{fid}'")


def test_settings_errors_are_german_and_at_their_fields(s, s2):
    a = admin(s)
    page = a.get("/verwaltung/einstellungen")
    check(page.status == 200, page.status)
    fields = settings_form(page.text)
    check("appt_per_person" in fields and "mail_from" in fields, fields)
    fields.update(appt_per_person="999", mail_from="kein-at-zeichen", retain_forms="bald")
    before = db_rows(s, "SELECT count(*) FROM tenant_setting")
    r = a.post("/verwaltung/einstellungen", fields)
    check(r.status == 422, r.status)
    for text in ("außerhalb des erlaubten Bereichs", "gültige E-Mail-Adresse",
                 "Bitte geben Sie eine Dauer an"):
        check(text in r.text, text)
    for key in ("appt_per_person", "mail_from", "retain_forms"):
        check(f'id="{key}" aria-invalid="true"' in r.text, key)
        check(f'href="#{key}"' in r.text, key)
    check('value="kein-at-zeichen"' in r.text, "the entry is kept")
    check(db_rows(s, "SELECT count(*) FROM tenant_setting") == before, "nothing saved")


def test_saved_settings_are_audited_per_key(s, s2):
    a = admin(s)
    fields = settings_form(a.get("/verwaltung/einstellungen").text)
    fields.update(mail_from="buergerservice@luenen.de", retain_forms="30d")
    fields.pop("feature_news", None)
    r = a.post("/verwaltung/einstellungen", fields)
    check(r.status == 303, (r.status, r.text[:400]))
    page = a.get("/verwaltung/einstellungen?gespeichert=1").text
    check("Die Einstellungen wurden gespeichert." in page, "confirmation")
    check('value="buergerservice@luenen.de"' in page and 'value="30d"' in page, "shown back")
    rows = dict(db_rows(s, "SELECT s.key, s.value FROM tenant_setting s JOIN tenant t ON "
                           "t.id = s.tenant_id WHERE t.slug = 'luenen'"))
    check(rows.get("retain_forms") == str(30 * 86400), rows)
    check(rows.get("feature_news") == "0", rows)
    audit = db_rows(s, "SELECT a.detail FROM audit_log a JOIN tenant t ON t.id = a.tenant_id "
                       "WHERE a.action = 'settings.change' AND t.slug = 'luenen'")
    details = [d for (d,) in audit]
    check(any(d.startswith("mail_from: ''") for d in details), details)
    check(any(d.startswith("feature_news: '1' -> '0'") for d in details), details)
    check(len(details) == 3, details)


def test_secrets_are_sealed_at_rest_and_never_shown_back(s, s2):
    base, secret = "/t/adendorf", "Sehr-Geheim-4711-xyz"
    a = admin(s, base)

    def stored():
        return db_rows(s, "SELECT s.value FROM tenant_setting s JOIN tenant t ON t.id = "
                          "s.tenant_id WHERE t.slug = 'adendorf' AND s.key = 'oidc_client_secret'")

    def post(**extra):
        fields = settings_form(a.get("/verwaltung/einstellungen").text)
        fields.update(extra)
        r = a.post("/verwaltung/einstellungen", fields)
        check(r.status == 303, (r.status, r.text[:400]))

    page = a.get("/verwaltung/einstellungen").text
    check('name="oidc_client_secret" type="password"' in page, "a password field")
    post(oidc_client_secret=secret)
    (value,), = stored()
    check(value.startswith("sealed:1:") and "4711" not in value, value)
    page = a.get("/verwaltung/einstellungen").text
    check(secret not in page and "…xyz" in page and "oidc_client_secret_entfernen" in page,
          "only the end is shown, with a box to remove it")
    audit = " ".join(d for (d,) in db_rows(
        s, "SELECT a.detail FROM audit_log a JOIN tenant t ON t.id = a.tenant_id "
           "WHERE t.slug = 'adendorf' AND a.action = 'settings.change'"))
    check("oidc_client_secret: changed" in audit and "4711" not in audit, audit)
    post()  # left empty: kept
    check(stored() == [(value,)], stored())
    post(oidc_client_secret_entfernen="1")
    left = db_rows(s, "SELECT length(s.value) FROM tenant_setting s JOIN tenant t ON t.id = "
                      "s.tenant_id WHERE t.slug = 'adendorf' AND s.key = 'oidc_client_secret'")
    check(left == [("0",)], left)
    check("oidc_client_secret_entfernen" not in a.get("/verwaltung/einstellungen").text,
          "nothing left to remove")


def test_admin_of_another_tenant_cannot_read_or_change_these_settings(s, s2):
    lena = add_user(s, "lena", "landkreis-lueneburg", "admin")
    before = db_rows(s, "SELECT tenant_id, key, value FROM tenant_setting ORDER BY 1, 2")
    r = lena.get("/verwaltung/einstellungen", base=CITY)
    check(r.status == 303 and "/anmelden" in r.header("Location"), r.status)
    r = lena.post("/verwaltung/einstellungen", {"appt_per_person": "7"}, base=CITY)
    check(r.status == 403, r.status)
    city_id = db_rows(s, "SELECT id FROM tenant WHERE slug = 'luenen'")[0][0]
    fields = settings_form(lena.get("/verwaltung/einstellungen").text)
    fields.update(appt_per_person="7", tenant_id=city_id, tenant="luenen", slug="luenen")
    r = lena.post("/verwaltung/einstellungen", fields)
    check(r.status == 303, r.status)
    after = db_rows(s, "SELECT tenant_id, key, value FROM tenant_setting ORDER BY 1, 2")
    changed = set(after) - set(before)
    district_id = db_rows(s, "SELECT id FROM tenant WHERE slug = 'landkreis-lueneburg'")[0][0]
    check(changed == {(district_id, "appt_per_person", "7")}, changed)
    r = lena.upload("x.png", png())
    check(r.status == 303, r.status)
    check(logo_id(s, "landkreis-lueneburg") != logo_id(s), "each tenant its own logo")


def test_editors_get_403(s, s2):
    ed = add_user(s, "emil", "luenen", "editor")
    check(ed.get("/verwaltung/einstellungen").status == 403, "GET")
    r = ed.post("/verwaltung/einstellungen", {"appt_per_person": "5"})
    check(r.status == 403, r.status)
    check(ed.upload("x.png", png()).status == 403, "upload")
    check("/verwaltung/einstellungen" not in ed.get("/verwaltung").text, "no link for editors")
    check("/verwaltung/einstellungen" in admin(s).get("/verwaltung").text, "a link for admins")


def main():
    suite = Suite()
    env = {"RATHAUS_DATA_DIR": DATA_DIR}
    s = Server(env=env)
    s2 = s.second()
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    try:
        suite.run(tests, s, s2)
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
