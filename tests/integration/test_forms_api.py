# SPDX-License-Identifier: EUPL-1.2
"""The forms API with two instances on one database: Lünen's demo lists its
forms and the dog-tax service page offers "Online beantragen"; answers filled
the way an outside checker fills them make a case with a readable number;
missing and malformed answers give 422 problem+json naming each key; 20 and
50 concurrent submissions with one Idempotency-Key, spread over both
instances, make one case; a new key makes a new one; hostile input (huge,
markup, NUL, deep nesting, wrong types, reused keys) gets a clear status;
uploads are typed by content; writes are rate-limited per IP."""
import base64
import datetime
import email
import email.policy
import json
import os
import re
import struct
import subprocess
import tempfile
import threading
import time
import uuid
import zlib

from harness import SHARE, Server, Suite, check, db_rows
from smtp_sink import SmtpSink

CITY = "/t/luenen"
API = CITY + "/api/v1"
DOG = "hundesteuer-anmeldung"
IBAN = "DE89370400440532013000"
DATA_DIR = tempfile.mkdtemp(prefix="rathaus-forms-")
SINK = SmtpSink()


def png(w=2, h=2):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + bytes((0, 90, 160)) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def fill(definition):
    """Answers as the acceptance check gives them, for every non-file, non-group field."""
    out = {}
    today = datetime.date.today() + datetime.timedelta(days=14)
    for step in definition["steps"]:
        for f in step["fields"]:
            t = f["type"]
            if t in ("file", "group"):
                continue
            v = {"text": "Erika Mustermann", "textarea": "Ein Satz zur Erläuterung.",
                 "number": f.get("min", 1), "date": today.isoformat(),
                 "email": "erika@example.org", "phone": "+49 4131 123456", "iban": IBAN,
                 "address": {"street": "Willy-Brandt-Platz 1", "postcode": "44532",
                             "place": "Lünen"}}.get(t)
            if t in ("select", "radio"):
                v = f["options"][0]["value"]
            if t == "checkbox":
                v = [f["options"][0]["value"]] if f.get("options") else True
            out[f["key"]] = v
    return out


def post(s, form, body, key=None, ctype="application/json", extra=None):
    h = {"Content-Type": ctype}
    if key is not None:
        h["Idempotency-Key"] = key
    h.update(extra or {})
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return s.request("POST", f"{API}/forms/{form}/submissions", body=data, headers=h)


def definition(s, form):
    r = s.get(f"{API}/forms/{form}")
    check(r.status == 200, (form, r.status))
    return json.loads(r.body)


def problems(r):
    check(r.status == 422 and r.header("Content-Type") == "application/problem+json",
          (r.status, r.header("Content-Type"), r.text[:300]))
    return {e["key"]: e["detail"] for e in json.loads(r.body)["errors"]}


def test_luenen_lists_its_forms_and_the_dog_tax_page_offers_them(s, s2):
    r = s.get(API + "/forms")
    items = json.loads(r.body)["items"]
    ids = [i["id"] for i in items]
    check(r.status == 200 and len(items) >= 5 and DOG in ids, ids)
    check(not r.headers_all("Set-Cookie"), "the API sets no cookie")
    r = s.get(CITY + "/leistungen/99102013000000")
    check(r.status == 301, r.status)
    r = s.get(r.header("Location").replace(f"http://127.0.0.1:{s.port}", ""))
    check(r.status == 200 and "Online beantragen" in r.text and
          f'href="{CITY}/formulare/{DOG}"' in r.text, "own form linked on the service page")
    d = definition(s, DOG)
    check(d["id"] == DOG and d["leika"] == "99102013000000" and d["steps"][0]["fields"], d)


def test_every_listed_form_answers_a_filled_submission(s, s2):
    accepted = 0
    for item in json.loads(s.get(API + "/forms").body)["items"]:
        r = post(s, item["id"], fill(definition(s, item["id"])))
        if r.status == 201:
            accepted += 1
            check(re.fullmatch(r"LUE-\d{4}-\d{6}", json.loads(r.body)["case"]), r.text)
        else:  # forms with a required file or group cannot be filled without them
            problems(r)
    check(accepted >= 3, accepted)
    r = post(s, DOG, fill(definition(s, DOG)))
    check(r.status == 201, (r.status, r.text[:500]))


def test_empty_answers_name_every_missing_key_in_german(s, s2):
    errs = problems(post(s, DOG, {}))
    for k in ("vorname", "nachname", "anschrift", "email", "rufname", "zahlung"):
        check(errs.get(k) == "Bitte füllen Sie dieses Feld aus.", (k, errs))
    check("iban" not in errs and "erlaubnis" not in errs, "fields hidden by conditions")


def test_each_field_type_refuses_what_it_cannot_take(s, s2):
    base = fill(definition(s, DOG))
    bad = {"email": "erika@", "telefon": "0800-CALL-NOW", "iban": "DE89370400440532013001",
           "haltung_seit": "31.02.2026", "anzahl_hunde": 21, "geschlecht": "kater",
           "anrede": "majestaet", "mandat": "vielleicht", "rufname": "x" * 61,
           "anschrift": {"street": "Weg 1", "postcode": "00000", "place": ""}}
    for key, value in bad.items():
        errs = problems(post(s, DOG, dict(base, **{key: value})))
        check(list(errs) in ([key], [key + ".postcode"]), (key, errs))
    r = post(s, DOG, dict(base, haltung_seit="17.12.2026", anzahl_hunde="2",
                          iban="de89 3704 0044 0532 0130 00",
                          anschrift={"street": "Markt 1", "postcode": "44532", "place": ""}))
    check(r.status == 201, r.text[:300])
    case = json.loads(r.body)["case"]
    row = db_rows(s, f"SELECT answers FROM form_case WHERE case_no = '{case}'")
    answers = json.loads(row[0][0])
    check(answers["iban"] == IBAN and answers["haltung_seit"] == "2026-12-17" and
          answers["anzahl_hunde"] == 2 and answers["anschrift"]["place"] == "Lünen", answers)


def test_conditions_hide_and_require_fields(s, s2):
    base = fill(definition(s, DOG))
    r = post(s, DOG, dict(base, zahlung="ueberweisung", iban="kaputt", mandat="nonsense"))
    check(r.status == 201, ("hidden answers are ignored", r.text[:300]))
    case = json.loads(r.body)["case"]
    answers = json.loads(db_rows(s, f"SELECT answers FROM form_case WHERE case_no = '{case}'")[0][0])
    check("iban" not in answers and "mandat" not in answers, answers)
    errs = problems(post(s, DOG, dict(base, gefaehrlich="ja")))
    check(list(errs) == ["erlaubnis"], errs)
    errs = problems(post(s, DOG, {k: v for k, v in base.items() if k != "iban"}))
    check(list(errs) == ["iban"], errs)


def concurrent(servers, n, body, key):
    out = [None] * n

    def one(i):
        out[i] = post(servers[i % len(servers)], DOG, body, key=key)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_concurrent_submissions_with_one_key_make_one_case(s, s2):
    body = fill(definition(s, DOG))
    for n in (20, 50):
        key = str(uuid.uuid4())
        res = concurrent([s, s2], n, body, key)
        statuses = sorted({r.status for r in res})
        cases = {json.loads(r.body)["case"] for r in res if r.status in (200, 201)}
        check(set(statuses) <= {200, 201} and len(cases) == 1, (n, statuses, cases))
        check(sum(r.status == 201 for r in res) == 1, "one request made the case")
        check(all(r.header("Idempotent-Replayed") == "true" for r in res if r.status == 200),
              "replays say so")
        case = cases.pop()
        rows = db_rows(s, f"SELECT count(*) FROM form_case WHERE case_no = '{case}'")
        check(rows == [("1",)], rows)
    a = json.loads(post(s, DOG, body, key="k-" + uuid.uuid4().hex).body)["case"]
    b = json.loads(post(s2, DOG, body, key="k-" + uuid.uuid4().hex).body)["case"]
    check(a != b, (a, b))


def mails_to(addr):
    return [m for m in SINK.received() if m[1] == [f"<{addr}>"]]


def test_a_case_sends_one_confirmation_mail_without_the_answers(s, s2):
    to = f"erika-{uuid.uuid4().hex[:8]}@example.org"
    body = dict(fill(definition(s, DOG)), email=to)
    res = concurrent([s, s2], 20, body, str(uuid.uuid4()))
    case = json.loads(res[0].body)["case"]
    deadline = time.time() + 30
    while not mails_to(to) and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(2)
    mails = mails_to(to)
    check(len(mails) == 1, (len(mails), s.output()[-1500:]))
    msg = email.message_from_bytes(mails[0][2], policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()
    check(msg["Subject"] == "Ihr Antrag ist eingegangen" and case in text and
          "Hund zur Hundesteuer anmelden" in text and IBAN not in text and "Bello" not in text,
          (msg["Subject"], text))


def test_a_key_reused_for_other_answers_is_refused(s, s2):
    body, key = fill(definition(s, DOG)), "reuse-" + uuid.uuid4().hex
    check(post(s, DOG, body, key=key).status == 201, "first")
    r = post(s, DOG, dict(body, rufname="Waldi"), key=key)
    check(r.status == 422 and "andere Anfrage" in json.loads(r.body)["detail"], r.text)
    for bad in ("", "x" * 201, "mit leerzeichen", "ü"):
        r = post(s, DOG, body, key=bad) if bad != "ü" else post(
            s, DOG, body, extra={"Idempotency-Key": "\u00fc".encode().decode("latin-1")})
        check(r.status == 400 and r.header("Content-Type") == "application/problem+json",
              (bad[:10], r.status))


def test_hostile_input_gets_a_clear_answer(s, s2):
    base = fill(definition(s, DOG))
    errs = problems(post(s, DOG, dict(base, rasse="A" * 1000000)))
    check(errs == {"rasse": "Der Text ist zu lang."}, errs)
    markup = '<script>alert(1)</script>"\'&'
    r = post(s, DOG, dict(base, rasse=markup))
    case = json.loads(r.body)["case"]
    stored = json.loads(db_rows(s, f"SELECT answers FROM form_case WHERE case_no = '{case}'")[0][0])
    check(stored["rasse"] == markup, "markup is kept as text, escaped where shown")
    check(problems(post(s, DOG, dict(base, rasse="a\u0001b")))["rasse"].startswith(
        "Der Text enthält Steuerzeichen"), "control characters")
    for body, want in ((b'{"rasse": "a\\u0000b"}', 400), (b"[" * 100000 + b"]" * 100000, 400),
                       (b"not json", 400), (b"[1, 2]", 400), (b'{"a": 1, "a": 2}', 400),
                       (json.dumps({"anschrift": [[[[[[{"x": 1}]]]]]]}), 422),
                       (json.dumps(dict(base, rufname={"$ne": 1})), 422)):
        r = post(s, DOG, body)
        check(r.status == want and r.header("Content-Type") == "application/problem+json",
              (str(body)[:40], r.status, r.text[:200]))
    r = post(s, DOG, json.dumps(base), ctype="application/x-www-form-urlencoded")
    check(r.status == 415, r.status)
    r = post(s, "../../etc/passwd", base)
    check(r.status in (400, 404), r.status)
    r = post(s, "gibt-es-nicht", base)
    check(r.status == 404 and r.header("Content-Type") == "application/problem+json", r.status)


def upload(s, data, name="a.png", ctype="application/octet-stream"):
    return s.request("POST", f"{API}/uploads?name={name}", body=data,
                     headers={"Content-Type": ctype})


def test_uploads_are_typed_by_content_and_attach_to_file_fields(s, s2):
    r = upload(s, png(), "hund.png")
    check(r.status == 201, (r.status, r.text))
    up = json.loads(r.body)
    check(up["type"] == "image/png" and len(up["id"]) == 22 and up["name"] == "hund.png", up)
    r = upload(s, b"<html><script>alert(1)</script></html>", "bild.png", "image/png")
    check(r.status == 422, ("html named png", r.status))
    r = upload(s, png(), "..%2F..%2Fetc%2Fpasswd%00.png")
    check(r.status in (201, 400), r.status)
    if r.status == 201:
        check("/" not in json.loads(r.body)["name"], r.text)
    body = fill(definition(s, "sperrmuell-abholung"))
    r = post(s, "sperrmuell-abholung", dict(body, fotos=[up["id"]]))
    check(r.status == 201, (r.status, r.text[:300]))
    case = json.loads(r.body)["case"]
    stored = json.loads(db_rows(s, f"SELECT answers FROM form_case WHERE case_no = '{case}'")[0][0])
    check(stored["fotos"] == [{"id": up["id"], "name": "hund.png"}], stored)
    errs = problems(post(s, "sperrmuell-abholung", dict(body, fotos=["A" * 22])))
    check(list(errs) == ["fotos"], errs)
    data_url = "data:image/png;name=wagen.png;base64," + base64.b64encode(png(3, 3)).decode()
    r = post(s, "sperrmuell-abholung", dict(body, fotos=[data_url]))
    check(r.status == 201, (r.status, r.text[:300]))
    errs = problems(post(s, "sperrmuell-abholung",
                         dict(body, fotos=[up["id"], up["id"], up["id"], up["id"]])))
    check(list(errs) == ["fotos"], errs)


def test_openapi_describes_the_forms_operations(s, s2):
    tool = os.path.join(SHARE, "tests", "tools", "openapi_check.mjs")
    spec = os.path.join(SHARE, "docs", "openapi.yaml")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(f"/forms\n/forms/{DOG}\n/forms/gibt-es-nicht 404\n")
    r = subprocess.run(["node", tool, "responses", spec, f"http://127.0.0.1:{s.port}{CITY}",
                        "--paths", f.name], capture_output=True, text=True)
    print(r.stdout[-3000:])
    check(r.returncode == 0, r.stdout[-2000:])


def test_the_json_schema_takes_the_demo_forms_and_refuses_a_broken_one(s, s2):
    tool = os.path.join(SHARE, "tests", "tools", "jsonschema_check.mjs")
    schema = os.path.join(SHARE, "docs", "forms.schema.json")
    demo = os.path.join(SHARE, "data", "demo", "forms", "luenen")
    files = [os.path.join(demo, f) for f in sorted(os.listdir(demo))]
    r = subprocess.run(["node", tool, schema] + files, capture_output=True, text=True)
    check(r.returncode == 0, r.stdout[-2000:])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"id": "x", "version": 1, "title": "T", "steps": [{"title": "S", "fields": [
            {"key": "a", "type": "txt", "label": "A"},
            {"key": "b", "type": "select", "label": "B"}]}], "colour": 1}, f)
    r = subprocess.run(["node", tool, schema, f.name], capture_output=True, text=True)
    for ptr in ("/steps/0/fields/0/type", "/steps/0/fields/1: must have required property"):
        check(ptr in r.stdout, r.stdout)


def test_writes_are_rate_limited_per_ip():
    s = Server(env={"RATHAUS_API_WRITE_RATE": "3", "RATHAUS_DATA_DIR": DATA_DIR})
    try:
        st = [post(s, DOG, {}).status for _ in range(5)]
        check(st[:3] == [422] * 3 and st[3:] == [429, 429], st)
        check(upload(s, png()).status == 429, "uploads count too")
    finally:
        s.stop()


def main():
    suite = Suite()
    s = Server(env={"RATHAUS_DATA_DIR": DATA_DIR, "RATHAUS_SMTP_URL": SINK.url,
                    "RATHAUS_MAIL_FROM": "buergerservice@luenen.example"})
    s2 = s.second()
    tests = [v for k, v in sorted(globals().items())
             if k.startswith("test_") and v is not test_writes_are_rate_limited_per_ip]
    try:
        suite.run(tests, s, s2)
    finally:
        for srv in (s, s2):
            try:
                srv.stop()
            except Exception as ex:  # a sanitizer report fails the run
                print(f"FAIL server stop: {ex}")
                suite.failed += 1
    suite.run([test_writes_are_rate_limited_per_ip])
    SINK.stop()
    suite.finish()


if __name__ == "__main__":
    main()
