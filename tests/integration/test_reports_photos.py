# SPDX-License-Identifier: EUPL-1.2
"""Photos of defect reports: up to three on the report form (multipart, without
JavaScript) and in Open311 POST (`media`), stored without their metadata (a JPEG's
Exif with its GPS position and a COM segment, a PNG's text chunks), the GPS position
taken as the place when none was given, HTML named .jpg refused with 422, a photo over
8 MB with 413, photos public only once staff approved the report's text (page, Open311
media_url), always for staff, and for nobody through another tenant."""
import json
import os
import re
import sys
import tempfile
import time
import uuid

import test_appointments_staff as appt
from harness import SHARE, Server, Suite, check, cookies_of, db_rows, hidden
from test_reports_post import issue
from test_reports_staff import OTHER, rid
from test_files_settings import settings_form

sys.path.insert(0, os.path.join(SHARE, "tests", "tools"))
import make_photos  # noqa: E402

CITY = "/t/luenen"
STAFF = CITY + "/verwaltung/maengel"
V2 = CITY + "/open311/v2"
FIELDS = {"kategorie": "wilder-muell", "beschreibung": "Sperrmüll an der Ecke, siehe Fotos."}
GPS_JPEG = make_photos.with_exif(make_photos.jpeg_plain(), make_photos.exif_gps(51.6166, 7.5207))
TEXT_PNG = make_photos.png_with_text()
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def multipart(fields, files):
    """The body and Content-Type of a multipart form: fields, then (name, filename, bytes)."""
    boundary = "----rathaus" + uuid.uuid4().hex
    body = b""
    for k, v in (fields.items() if isinstance(fields, dict) else fields):
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                 f"{v}\r\n").encode()
    for name, filename, data in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                 f"filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n").encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def submit(s, fields, photos, form=None, path=CITY + "/maengel/melden"):
    """POST the report form; `form` a (cookies, csrf) of an earlier visit, else a new one."""
    if form is None:
        r = s.get(path)
        check(r.status == 200 and 'enctype="multipart/form-data"' in r.text, r.status)
        form = (cookies_of(r), hidden(r.text, "_csrf"))
    jar, csrf = form
    items = list(fields.items() if isinstance(fields, dict) else fields) + [("_csrf", csrf)]
    body, ctype = multipart(items, [("fotos", name, data) for name, data in photos])
    return s.request("POST", path, body=body,
                     headers={"Content-Type": ctype,
                              "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})


def number_of(s, r):
    check(r.status == 303, (r.status, r.text[:800]))
    return int(db_rows(s, "SELECT max(r.number) FROM report r JOIN tenant t ON "
                          "t.id = r.tenant_id WHERE t.slug = 'luenen'")[0][0])


def photo_ids(s, number):
    return [x[0] for x in db_rows(s, "SELECT file_id FROM report_photo WHERE report_id = "
                                     f"{rid(s, number)} ORDER BY position")]


def request_of(s, number):
    return json.loads(s.get(f"{V2}/requests/{number}.json").body)[0]


def test_jpeg_is_stored_without_exif_and_its_gps_is_the_place(s, b):
    number = number_of(s, submit(s, FIELDS, [("IMG_0001.jpg", GPS_JPEG)]))
    ids = photo_ids(s, number)
    check(len(ids) == 1, ids)
    stored = b.get(f"{STAFF}/foto/{ids[0]}")
    check(stored.status == 200 and stored.header("Content-Type") == "image/jpeg", stored.status)
    data = stored.body
    check(data[:4] == b"\xff\xd8\xff\xe0" and data[-2:] == b"\xff\xd9", data[:8])
    check(b"Exif" not in data and b"\xff\xe1" not in data, "no Exif APP1")
    check(make_photos.SERIAL not in data and b"Kommentar" not in data, "no serial, no comment")
    lat, lon = db_rows(s, f"SELECT lat_e6, lon_e6 FROM report WHERE id = {rid(s, number)}")[0]
    check(abs(int(lat) - 51616600) <= 2 and abs(int(lon) - 7520700) <= 2, (lat, lon))
    meta = db_rows(s, f"SELECT purpose, is_public, expires_at, size FROM file WHERE id = '{ids[0]}'")
    check(meta == [("photo", "0", "0", str(len(data)))], meta)
    # A place given by the citizen wins over the photo's.
    number = number_of(s, submit(s, dict(FIELDS, strasse="Lange Straße 1", plz="44532"),
                                 [("a.jpg", GPS_JPEG)]))
    check(db_rows(s, f"SELECT lat_e6 IS NULL FROM report WHERE id = {rid(s, number)}")[0][0]
          in ("1", "t"), "the typed address stands, no coordinates from the photo")


def test_png_text_chunks_are_dropped_and_three_photos_kept(s, b):
    number = number_of(s, submit(s, dict(FIELDS, breite="51.61", laenge="7.52"),
                                 [("a.png", TEXT_PNG), ("b.jpg", GPS_JPEG), ("c.png", TEXT_PNG)]))
    ids = photo_ids(s, number)
    check(len(ids) == 3, ids)
    data = b.get(f"{STAFF}/foto/{ids[0]}").body
    check(data.startswith(b"\x89PNG") and b"IDAT" in data and b"IEND" in data, data[:16])
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"Erika", b"Lange Strasse"):
        check(chunk not in data, chunk)


def test_bad_photos_are_refused_and_nothing_is_stored(s, b):
    before = db_rows(s, "SELECT count(*) FROM report")
    files = db_rows(s, "SELECT count(*) FROM file WHERE purpose = 'photo'")
    r = submit(s, dict(FIELDS, breite="51.61", laenge="7.52"), [("foto.jpg", HTML)])
    check(r.status == 422 and "kein Foto" in r.text and 'href="#fotos"' in r.text,
          (r.status, r.text[:300]))
    check('aria-invalid="true"' in r.text and "erneut aus" in r.text, "marked, asked again")
    r = submit(s, dict(FIELDS, breite="51.61", laenge="7.52"),
               [("gross.jpg", GPS_JPEG[:-2] + b"\0" * (8 << 20) + b"\xff\xd9")])
    check(r.status == 413 and "höchstens 8 MB" in r.text, (r.status, r.text[:300]))
    r = submit(s, dict(FIELDS, breite="51.61", laenge="7.52"), [("a.jpg", GPS_JPEG)] * 4)
    check(r.status == 422 and "höchstens drei" in r.text, r.status)
    r = submit(s, dict(FIELDS, breite="51.61", laenge="7.52"), [("kaputt.jpg", GPS_JPEG[:-40])])
    check(r.status == 422 and "kein Foto" in r.text, r.status)
    check(db_rows(s, "SELECT count(*) FROM report") == before, "no report")
    check(db_rows(s, "SELECT count(*) FROM file WHERE purpose = 'photo'") == files, "no file")


def kept_boxes(text):
    """(file id, name) of the ticked boxes of photos kept from the last try."""
    return re.findall(r'name="fotos_behalten\[\]" value="([A-Za-z0-9_-]{22})" checked>\n'
                      r'<label class="kern-label" for="foto-behalten-\d">([^<]*)</label>', text)


def test_photos_are_kept_across_a_form_error(s, b):
    page = s.get(CITY + "/maengel/melden")
    form = (cookies_of(page), hidden(page.text, "_csrf"))
    pending = "SELECT count(*) FROM file WHERE owner LIKE 'report-form:%' AND expires_at > 0"
    before = int(db_rows(s, pending)[0][0])
    # No place and a photo without GPS: the form asks for the place and keeps the photos.
    r = submit(s, dict(FIELDS, beschreibung="kurz"),
               [("a<b>.png", TEXT_PNG), ("IMG_2.jpg", GPS_JPEG)], form)
    check(r.status == 422 and "10 bis 4000" in r.text, (r.status, r.text[:300]))
    kept = kept_boxes(r.text)
    check([n for _, n in kept] == ["a_b_.png", "IMG_2.jpg"], kept)
    check("erneut aus" not in r.text, "not asked to choose them again")
    check('name="breite" type="text" inputmode="decimal" maxlength="16" value="51.616600"'
          in r.text, "the photo's place comes back as coordinates")
    check(int(db_rows(s, pending)[0][0]) == before + 2, "stored to expire")
    # Another session cannot claim them: the ids are ignored there.
    other = submit(s, [("kategorie", "wilder-muell"), ("beschreibung", "Fremde Fotos, bitte."),
                       ("breite", "51.61"), ("laenge", "7.52"),
                       ("fotos_behalten[]", kept[0][0])], [])
    check(photo_ids(s, number_of(s, other)) == [], "not another session's photos")
    # A further error keeps them again; a third photo and the kept ones are three.
    r = submit(s, [("kategorie", "wilder-muell"), ("beschreibung", "kurz"),
                   ("fotos_behalten[]", kept[0][0]), ("fotos_behalten[]", kept[1][0])],
               [("c.png", TEXT_PNG), ("d.png", TEXT_PNG)], form)
    check(r.status == 422 and "höchstens drei" in r.text, r.status)
    check(kept_boxes(r.text) == kept, "the kept ones stay")
    # Unticking one sends the other.
    r = submit(s, [("kategorie", "wilder-muell"), ("beschreibung", "Sperrmüll, Fotos anbei."),
                   ("breite", "51.616600"), ("laenge", "7.520700"),
                   ("fotos_behalten[]", kept[1][0]), ("fotos_behalten[]", "A" * 22),
                   ("fotos_behalten[]", "../../etc/passwd")], [], form)
    number = number_of(s, r)
    check(photo_ids(s, number) == [kept[1][0]], photo_ids(s, number))
    check(db_rows(s, f"SELECT expires_at FROM file WHERE id = '{kept[1][0]}'")[0][0] == "0",
          "kept for good once linked")
    again = submit(s, [("kategorie", "wilder-muell"), ("beschreibung", "Noch einmal dieselben."),
                       ("breite", "51.61"), ("laenge", "7.52"),
                       ("fotos_behalten[]", kept[1][0])], [], form)
    check(photo_ids(s, number_of(s, again)) == [], "a linked photo is not taken twice")


def test_photos_are_public_only_once_the_text_is_approved(s, b):
    number = number_of(s, submit(s, FIELDS, [("a.jpg", GPS_JPEG)]))
    fid = photo_ids(s, number)[0]
    public = f"{CITY}/maengel/foto/{fid}"
    check(s.get(public).status == 404, "hidden before approval")
    check(fid not in s.get(f"{CITY}/maengel/{number}").text, "not on the page")
    check(request_of(s, number)["media_url"] == "", "no media_url")
    page = b.get(f"{STAFF}/{number}")
    check(f"/verwaltung/maengel/foto/{fid}" in page.text and "nicht öffentlich" in page.text,
          "staff see it")
    r = b.post(f"{STAFF}/{number}/text", {"text": "Sperrmüll an einer Straßenecke."})
    check(r.status == 303, r.status)
    r = s.get(public)
    check(r.status == 200 and r.header("Content-Type") == "image/jpeg" and b"Exif" not in r.body,
          r.status)
    page = s.get(f"{CITY}/maengel/{number}").text
    check(f'src="{public}"' in page and 'alt="Foto 1 zur Meldung"' in page, "on the page")
    url = request_of(s, number)["media_url"]
    check(url.startswith("http") and url.endswith(public), url)
    check(b.post(f"{STAFF}/{number}/text", {"zurueckziehen": "1"}).status == 303, "withdrawn")
    check(s.get(public).status == 404 and request_of(s, number)["media_url"] == "", "hidden again")
    for bad in ("A" * 22, "../../etc/passwd", fid + "x"):
        check(s.get(f"{CITY}/maengel/foto/{bad}").status == 404, bad)
        check(b.get(f"{STAFF}/foto/{bad}").status == 404, bad)


def test_another_tenant_and_anonymous_get_nothing(s, b):
    number = number_of(s, submit(s, FIELDS, [("a.jpg", GPS_JPEG)]))
    fid = photo_ids(s, number)[0]
    check(b.post(f"{STAFF}/{number}/text", {"text": "Sperrmüll, freigegeben."}).status == 303, "ok")
    other = appt.Browser(s, OTHER, "demo@rathaus.example", s.demo_password)
    fields = settings_form(other.get(OTHER + "/verwaltung/einstellungen").text)
    fields["feature_defects"] = "1"
    check(other.post(OTHER + "/verwaltung/einstellungen", fields).status == 303, "enabled")
    deadline = time.time() + 10  # the tenant cache keeps settings for a few seconds
    while other.get(OTHER + "/verwaltung/maengel").status == 404 and time.time() < deadline:
        time.sleep(0.5)
    check(other.get(OTHER + "/verwaltung/maengel").status == 200, "on in Adendorf")
    check(other.get(f"{OTHER}/verwaltung/maengel/foto/{fid}").status == 404, "other staff")
    check(s.get(f"{OTHER}/maengel/foto/{fid}").status == 404, "other tenant's public path")
    r = s.get(f"{STAFF}/foto/{fid}")
    check(r.status in (302, 303) and "/anmelden" in (r.header("Location") or ""), r.status)


def test_open311_post_takes_media_uploads(s, b, key):
    fields = {"api_key": key, "service_code": "graffiti", "description": "Schmiererei am Tor.",
              "attribute[anstoessig]": "nein"}
    body, ctype = multipart(fields, [("media", "x.jpg", GPS_JPEG)])
    r = s.request("POST", V2 + "/requests.json", body=body, headers={"Content-Type": ctype})
    check(r.status == 201, (r.status, r.text[:300]))
    number = int(json.loads(r.body)[0]["service_request_id"])
    ids = photo_ids(s, number)
    check(len(ids) == 1, ids)
    data = b.get(f"{STAFF}/foto/{ids[0]}").body
    check(b"Exif" not in data and make_photos.SERIAL not in data, "stripped")
    lat = db_rows(s, f"SELECT lat_e6 FROM report WHERE id = {rid(s, number)}")[0][0]
    check(abs(int(lat) - 51616600) <= 2, lat)
    body, ctype = multipart(dict(fields, lat="51.61", long="7.52"),
                            [("media", "x.jpg", HTML)])
    r = s.request("POST", V2 + "/requests.json", body=body, headers={"Content-Type": ctype})
    check(r.status == 400 and "media" in json.loads(r.body)[0]["description"], r.status)
    body, ctype = multipart(dict(fields, lat="51.61", long="7.52", x="y" * 40000), [])
    r = s.request("POST", V2 + "/requests.json", body=body, headers={"Content-Type": ctype})
    check(r.status == 413, r.status)


TESTS = [test_jpeg_is_stored_without_exif_and_its_gps_is_the_place,
         test_png_text_chunks_are_dropped_and_three_photos_kept,
         test_bad_photos_are_refused_and_nothing_is_stored,
         test_photos_are_kept_across_a_form_error,
         test_photos_are_public_only_once_the_text_is_approved,
         test_another_tenant_and_anonymous_get_nothing]


if __name__ == "__main__":
    suite = Suite()
    server = appt.SERVER = Server(
        env={"RATHAUS_DATA_DIR": tempfile.mkdtemp(prefix="rathaus-photos-"),
             "RATHAUS_REPORT_LIMITS": "off"})
    try:
        staff = appt.Browser(server, CITY, "demo@rathaus.example", server.demo_password)
        suite.run(TESTS, server, staff)
        suite.run([test_open311_post_takes_media_uploads], server, staff,
                  issue(staff, "Foto-App"))
    finally:
        try:
            server.stop()
        except Exception as ex:  # a sanitizer report fails the run
            print(f"FAIL server stop: {ex}")
            suite.failed += 1
    suite.finish()
