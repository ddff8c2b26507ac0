# SPDX-License-Identifier: EUPL-1.2
"""A citizen filling a form in the browser, without JavaScript: cookies, the
form token of each page, urlencoded and multipart posts.  Shared by the forms
tests and the accessibility check."""
import json
import re
import urllib.parse
import uuid

from harness import check, cookies_of, db_rows, hidden

CITY = "/t/luenen"


class Citizen:
    def __init__(self, s, form):
        self.s, self.form = s, form
        self.url = f"{CITY}/formulare/{form}"
        self.jar = {}
        self.csrf = None

    def _headers(self, extra=None):
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())} if self.jar else {}
        h.update(extra or {})
        return h

    def _keep(self, r):
        self.jar.update(cookies_of(r))
        token = hidden(r.text, "_csrf") if r.body else None
        if token:
            self.csrf = token
        return r

    def get(self, path):
        return self._keep(self.s.get(path if path.startswith("/") else f"{self.url}/{path}",
                                     headers=self._headers()))

    def post(self, path, fields, files=None):
        url = path if path.startswith("/") else f"{self.url}/{path}" if path else self.url
        fields = dict(fields)
        fields["_csrf"] = self.csrf
        if files is None:
            return self._keep(self.s.request("POST", url, body=urllib.parse.urlencode(
                fields, doseq=True), headers=self._headers(
                {"Content-Type": "application/x-www-form-urlencoded"})))
        boundary = uuid.uuid4().hex
        parts = []
        for k, v in fields.items():
            for one in v if isinstance(v, list) else [v]:
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"'
                             f'\r\n\r\n{one}\r\n'.encode())
        for k, (name, data) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; '
                         f'filename="{name}"\r\nContent-Type: application/octet-stream'
                         f'\r\n\r\n'.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self._keep(self.s.request("POST", url, body=body, headers=self._headers(
            {"Content-Type": f"multipart/form-data; boundary={boundary}"})))

    def start(self):
        r = self.get(self.url)
        check(r.status == 200 and self.csrf, ("start page", r.status))
        r = self.post("", {})
        check(r.status == 303 and r.header("Location").endswith("/schritt/1"), r.status)
        return self.get("schritt/1")

    def step(self, n, fields, files=None):
        return self.post(f"schritt/{n}", fields, files)


# A repeating group with a file field in each entry.
KIDS_FORM = {
    "id": "kinder-nachweise", "version": 1, "title": "Nachweise der Kinder", "leika": "",
    "steps": [{"title": "Kinder", "fields": [
        {"key": "kinder", "type": "group", "label": "Kinder", "required": True, "max": 3,
         "fields": [
             {"key": "vorname", "type": "text", "label": "Vorname", "required": True},
             {"key": "urkunde", "type": "file", "label": "Geburtsurkunde", "required": True,
              "accept": ["application/pdf", "image/png"]}]}]}]}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_kids_form(s):
    """Publish KIDS_FORM for Lünen, straight into the database."""
    text = json.dumps(KIDS_FORM).replace("'", "''")
    db_rows(s, "INSERT INTO form (tenant_id, id, version, title, leika, status, definition, "
               f"created_at) SELECT id, 'kinder-nachweise', 1, 'Nachweise der Kinder', '', "
               f"'published', '{text}', 0 FROM tenant WHERE slug = 'luenen'")


def location(r):
    return re.sub(r"^https?://[^/]+", "", r.header("Location") or "")


DOG_STEPS = [
    {"anrede": "frau", "vorname": "Erika", "nachname": "Mustermann",
     "anschrift.street": "Willy-Brandt-Platz 1", "anschrift.postcode": "44532",
     "anschrift.place": "", "email": "erika@example.org", "telefon": "+49 2306 1040"},
    {"rufname": "Bello", "rasse": "Labrador", "geschlecht": "ruede",
     "haltung_seit": "", "anzahl_hunde": "1", "gefaehrlich": "nein"},
    {"ermaessigung": "keine", "zahlung": "lastschrift", "iban": "DE89 3704 0044 0532 0130 00",
     "kontoinhaber": "Erika Mustermann", "mandat": "1"},
]
