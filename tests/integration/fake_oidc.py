# SPDX-License-Identifier: EUPL-1.2
"""A small OpenID Connect provider on 127.0.0.1 for the tests, in the standard library.

It signs ID tokens with RSA keys made by the openssl command line tool and can
be told to tamper with the next tokens (`tamper`): wrong audience, nonce,
issuer, expiry, or a signature by a key that is not in its key set.  The
token endpoint checks what a real provider checks: client_secret_basic, the
redirect URI, the PKCE verifier against the challenge (S256), and that a code
is redeemed once only.
"""
import base64
import hashlib
import http.server
import json
import os
import secrets
import subprocess
import tempfile
import threading
import time
import urllib.parse


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class Key:
    def __init__(self, kid, directory):
        self.kid = kid
        self.path = os.path.join(directory, kid + ".pem")
        subprocess.run(["openssl", "genrsa", "-out", self.path, "2048"], check=True,
                       capture_output=True)
        out = subprocess.run(["openssl", "rsa", "-in", self.path, "-noout", "-modulus"],
                             check=True, capture_output=True, text=True).stdout
        self.n = bytes.fromhex(out.strip().split("=", 1)[1])

    def jwk(self):
        return {"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256",
                "n": b64url(self.n), "e": "AQAB"}

    def sign(self, data):
        return subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.path],
                              input=data.encode(), check=True, capture_output=True).stdout


class FakeIdP:
    def __init__(self, client_id, secret):
        self.client_id, self.secret = client_id, secret
        self.dir = tempfile.mkdtemp(prefix="fake-oidc-")
        self.key, self.other = Key("k1", self.dir), Key("k2", self.dir)
        self.user = {"sub": "user-1", "email": "idp.user@example.org", "email_verified": True}
        self.tamper = None
        self.codes = {}
        self.requests = []
        idp = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, body, headers=()):
                data = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                if not isinstance(body, bytes):
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                idp.requests.append(("GET", u.path))
                if u.path == "/.well-known/openid-configuration":
                    self.send(200, idp.discovery())
                elif u.path == "/jwks":
                    self.send(200, {"keys": [idp.key.jwk()]})
                elif u.path == "/authorize":
                    status, loc = idp.authorize(urllib.parse.parse_qs(u.query))
                    self.send(status, b"", [("Location", loc)] if loc else [])
                else:
                    self.send(404, {"error": "not found"})

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(n).decode())
                idp.requests.append(("POST", self.path))
                status, body = idp.token(self.headers.get("Authorization", ""), form)
                self.send(status, body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()

    def discovery(self):
        i = self.issuer
        return {"issuer": i, "authorization_endpoint": i + "/authorize",
                "token_endpoint": i + "/token", "jwks_uri": i + "/jwks",
                "end_session_endpoint": i + "/logout",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"]}

    def authorize(self, qs):
        one = {k: v[0] for k, v in qs.items()}
        self.last_authorize = one
        if one.get("client_id") != self.client_id or one.get("response_type") != "code":
            return 400, None
        if one.get("code_challenge_method") != "S256" or "openid" not in one["scope"].split():
            return 400, None
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"redirect_uri": one["redirect_uri"], "nonce": one.get("nonce"),
                            "challenge": one["code_challenge"], "used": False,
                            "user": dict(self.user)}
        sep = "&" if "?" in one["redirect_uri"] else "?"
        q = urllib.parse.urlencode({"code": code, "state": one.get("state", "")})
        return 302, one["redirect_uri"] + sep + q

    def token(self, auth, form):
        f = {k: v[0] for k, v in form.items()}
        want = "Basic " + base64.b64encode(
            f"{self.client_id}:{self.secret}".encode()).decode()
        if auth != want:
            return 401, {"error": "invalid_client"}
        c = self.codes.get(f.get("code"))
        if not c or c["used"] or f.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        c["used"] = True
        if f.get("redirect_uri") != c["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = f.get("code_verifier", "")
        if b64url(hashlib.sha256(verifier.encode()).digest()) != c["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "pkce"}
        return 200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                     "expires_in": 300, "id_token": self.id_token(c)}

    def id_token(self, c):
        now = int(time.time())
        claims = dict(c["user"], iss=self.issuer, aud=self.client_id, iat=now, exp=now + 300,
                      nonce=c["nonce"])
        key = self.key
        if self.tamper == "aud":
            claims["aud"] = "someone-else"
        elif self.tamper == "nonce":
            claims["nonce"] = "not-the-nonce"
        elif self.tamper == "iss":
            claims["iss"] = "http://127.0.0.1:1"
        elif self.tamper == "exp":
            claims["iat"], claims["exp"] = now - 900, now - 300
        header = {"alg": "RS256", "typ": "JWT", "kid": "k1"}
        if self.tamper == "alg_none":
            header = {"alg": "none"}
        data = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        if self.tamper == "sig":
            key = self.other  # signed by a key the provider never published
        if self.tamper == "alg_none":
            return data + "."
        return data + "." + b64url(key.sign(data))
