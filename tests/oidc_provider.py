"""A small OpenID Connect provider for the tests, on 127.0.0.1 (a random port).

It serves discovery, ``authorize`` (auto-approving the identity the test set, or, with
``consent=True``, a tiny page with a button, for the browser test), ``token`` (checks
the client id and secret and the code; answers an RS256 ID token signed by a key made
here with ``cryptography``), ``jwks`` and ``userinfo``. No outside network.

    with LocalProvider(client_id="efficacy", secret="s3cret") as provider:
        provider.identity = {"sub": "g-1", "email": "a@school.org", "email_verified": True}
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class LocalProvider:
    def __init__(self, *, client_id: str = "efficacy", secret: str = "s3cret") -> None:
        self.client_id = client_id
        self.secret = secret
        #: The claims of the person who signs in next (sub, email, email_verified, hd, tid...).
        self.identity: dict = {}
        #: Show a consent page with a button instead of approving at once.
        self.consent = False
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._codes: dict[str, dict] = {}
        self.token_requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- lifecycle ------------------------------------------------------------
    def __enter__(self) -> LocalProvider:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what it answers --------------------------------------------------------
    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def jwks(self) -> dict:
        public = self._key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "kid": "test", "use": "sig", "alg": "RS256",
                          "n": _b64(public.n), "e": _b64(public.e)}]}  # fmt: skip

    def id_token(self, claims: dict, nonce: str | None) -> str:
        now = int(time.time())
        body = {"iss": self.url, "aud": self.client_id, "iat": now, "exp": now + 300, **claims}
        if nonce:
            body["nonce"] = nonce
        return jwt.encode(body, self._key, algorithm="RS256", headers={"kid": "test"})

    def _issue_code(self, query: dict) -> str:
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"claims": dict(self.identity), "nonce": query.get("nonce"),
                             "redirect_uri": query.get("redirect_uri")}  # fmt: skip
        return code

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, body: str | dict, content_type="application/json",
                      headers: dict | None = None) -> None:  # fmt: skip
                data = (json.dumps(body) if isinstance(body, dict) else body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _query(self) -> dict:
                return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

            def _form(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                return {k: v[0] for k, v in parse_qs(raw).items()}

            def _approve(self, query: dict) -> None:
                code = provider._issue_code(query)
                target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
                self._send(302, "", "text/plain", {"Location": target})

            def do_GET(self) -> None:
                path = urlparse(self.path).path
                if path == "/.well-known/openid-configuration":
                    return self._send(200, provider.discovery())
                if path == "/jwks":
                    return self._send(200, provider.jwks())
                if path == "/authorize":
                    query = self._query()
                    if query.get("client_id") != provider.client_id:
                        return self._send(400, {"error": "unauthorized_client"})
                    if not provider.consent:
                        return self._approve(query)
                    hidden = "".join(
                        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                        for k, v in query.items()
                    )
                    page = (
                        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
                        "<title>Local provider</title></head><body><main><h1>Local provider</h1>"
                        f"<p>Sign in as {html.escape(provider.identity.get('email', ''))}?</p>"
                        f'<form method="post" action="/authorize">{hidden}'
                        '<button type="submit">Allow</button></form></main></body></html>'
                    )
                    return self._send(200, page, "text/html; charset=utf-8")
                if path == "/userinfo":
                    return self._send(200, dict(provider.identity))
                return self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                path = urlparse(self.path).path
                form = self._form()
                if path == "/authorize":
                    return self._approve(form)
                if path != "/token":
                    return self._send(404, {"error": "not_found"})
                provider.token_requests += 1
                client_id, secret = form.get("client_id"), form.get("client_secret")
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                if client_id != provider.client_id or secret != provider.secret:
                    return self._send(401, {"error": "invalid_client"})
                grant = provider._codes.pop(form.get("code", ""), None)
                if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                    return self._send(400, {"error": "invalid_grant"})
                token = provider.id_token(grant["claims"], grant["nonce"])
                return self._send(200, {"access_token": secrets.token_urlsafe(16),
                                        "token_type": "Bearer", "expires_in": 300,
                                        "id_token": token})  # fmt: skip

        return Handler
