# SPDX-License-Identifier: EUPL-1.2
"""Privacy self-service of citizen accounts: the data export and the deletion.

The export is a zip with one JSON file of the logged-in citizen's own data
only; deletion needs the password, ends every session, makes the login fail
and frees the address for a new registration.  The privacy page is public.
"""
import io
import json
import time
import zipfile

from harness import check, db_rows, run_module
from test_account import (BASE, PASSWORD, PUBLIC, link_of, local, login, mails_to,
                          register, verified_account, wait_mail)


def export(b):
    r = b.get(BASE + "/konto/daten/export.zip")
    check(r.status == 200, ("export", r.status))
    check(r.header("Content-Type").startswith("application/zip"), r.header("Content-Type"))
    check(r.header("Content-Disposition") == 'attachment; filename="meine-daten.zip"',
          r.header("Content-Disposition"))
    check("no-store" in r.header("Cache-Control"), r.header("Cache-Control"))
    z = zipfile.ZipFile(io.BytesIO(r.body))
    check(z.namelist() == ["meine-daten.json"] and z.testzip() is None, z.namelist())
    return json.loads(z.read("meine-daten.json").decode("utf-8")), r.body


def test_export_holds_own_data_only(s, sink):
    a, o = "export-a@example.org", "export-b@example.org"
    verified_account(s, sink, a)
    verified_account(s, sink, o)
    login(s, a, "falsches Passwort")  # a failed try in the history
    ba, r = login(s, a)
    check(r.status == 303, r.status)
    bo, r = login(s, o)
    check(r.status == 303, r.status)
    r = ba.get(BASE + "/konto/daten")
    check(r.status == 200 and 'id="data-export"' in r.text, r.status)
    t0 = time.time()
    data, raw = export(ba)
    print(f"     export {len(raw)} bytes in {time.time() - t0:.3f} s")
    check(data["account"]["email"] == a and data["account"]["two_factor"]["on"] is False, data)
    check(data["account"]["created"] and data["account"]["address_confirmed"], data["account"])
    hist = data["login_history"]
    check([h["ok"] for h in hist] == [True, False], hist)
    check(all(h["portal"] for h in hist) and all(h["ip"] for h in hist), hist)
    check(len(data["sessions"]) == 1 and data["sessions"][0]["this_session"], data["sessions"])
    check(o.encode() not in raw and o not in json.dumps(data), "the other citizen's address")
    data_o, raw_o = export(bo)
    check(data_o["account"]["email"] == o and a not in json.dumps(data_o), data_o)
    # Without a session: the login, no data.
    r = s.get(BASE + "/konto/daten/export.zip")
    check(r.status == 303 and "/konto/anmelden" in r.header("Location"), r.status)
    check(b"PK" not in r.body[:4], "no zip without login")


def test_delete_needs_password_ends_sessions_and_frees_address(s, sink):
    addr = "loeschen@example.org"
    verified_account(s, sink, addr)
    b, r = login(s, addr)
    other, r = login(s, addr)
    cid = db_rows(s, f"SELECT id FROM citizen WHERE email = '{addr}'")[0][0]
    r = b.form(BASE + "/konto/daten", BASE + "/konto/loeschen", {"password": "falsches Passwort"})
    check(r.status == 422 and 'id="account-error"' in r.text, ("wrong password", r.status))
    check(db_rows(s, f"SELECT count(*) FROM citizen WHERE id = {cid}") == [("1",)], "kept")
    r = b.form(BASE + "/konto/daten", BASE + "/konto/loeschen", {"password": PASSWORD})
    check(r.status == 303 and r.header("Location") == BASE + "/konto/anmelden?geloescht=1",
          (r.status, r.header("Location")))
    check("rh_konto_sid" not in b.jar, "cookie cleared")
    check("gelöscht" in b.get(r.header("Location")).text, "notice")
    for table in ("citizen", "citizen_session", "citizen_login", "citizen_token"):
        col = "id" if table == "citizen" else "citizen_id"
        check(db_rows(s, f"SELECT count(*) FROM {table} WHERE {col} = {cid}") == [("0",)], table)
    r = other.get(BASE + "/konto")
    check(r.status == 303, ("the other session ended", r.status))
    _, r = login(s, addr)
    check(r.status == 401, ("login after deletion", r.status))
    # The address registers again as a new account.
    n = len(mails_to(sink, addr))
    register(s, addr)
    url = local(link_of(wait_mail(sink, addr, n + 1)))
    check("/konto/bestaetigen/" in url, url)
    check(s.get(url).status == 200, "verified again")
    _, r = login(s, addr)
    check(r.status == 303, ("login of the new account", r.status))


def test_privacy_page_is_public_and_lists_retention(s, sink):
    for lang, word in (("", "90 Tage"), ("?lang=en", "90 days")):
        r = s.get(BASE + "/konto/datenschutz" + lang)
        check(r.status == 200 and word in r.text and "<table" in r.text, (lang, r.status))
    r = s.post_form(BASE + "/konto/loeschen", {"password": PASSWORD})
    check(400 <= r.status < 500 or r.status == 303, ("delete without csrf", r.status))


if __name__ == "__main__":
    run_module(globals(), {"RATHAUS_PUBLIC_URL": PUBLIC + "/", "RATHAUS_LOGIN_RATE": "1000"},
               mail=True)
