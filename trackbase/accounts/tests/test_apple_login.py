"""Sign in with Apple against a local JWKS endpoint serving a locally generated key."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from trackbase.accounts.models import User
from trackbase.accounts.tests.factories import UserFactory
from trackbase.core.testing import assert_problem, field_errors

pytestmark = pytest.mark.django_db
URL = "/api/auth/login/apple/"
BUNDLE = "com.example.traveltracker"
ISSUER = "https://appleid.apple.com"


class Jwks:
    """A local stand-in for https://appleid.apple.com/auth/keys; keys can be rotated and fetches counted."""

    def __init__(self):
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                jwks.fetches += 1
                body = json.dumps({"keys": [jwks.public(kid) for kid in jwks.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/auth/keys"

    def add_key(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def public(self, kid: str) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
        return jwk | {"kid": kid, "alg": "RS256", "use": "sig"}

    def token(self, kid="k1", key=None, **claims) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": BUNDLE, "sub": "001234.apple", "iat": now, "exp": now + 600} | claims
        return jwt.encode(payload, key or self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def apple(settings):
    jwks = Jwks()
    jwks.add_key("k1")
    settings.APPLE_JWKS_URL = jwks.url
    settings.APPLE_BUNDLE_IDS = [BUNDLE]
    settings.APPLE_ISSUER = ISSUER
    yield jwks
    jwks.server.shutdown()


def test_a_first_sign_in_creates_the_user_and_returns_tokens(apple, anon_client):
    token = apple.token(email="new@example.com", email_verified="true")
    response = anon_client.post(URL, {"identity_token": token, "first_name": "Ada"}, format="json")
    assert response.status_code == 200, response.content
    assert {"access", "refresh"} <= set(response.json())
    user = User.objects.get(apple_user_id="001234.apple")
    assert (user.email, user.email_verified, user.first_name, user.has_usable_password()) == (
        "new@example.com",
        True,
        "Ada",
        False,
    )
    # The iOS client's spelling signs the same user in again.
    again = anon_client.post(URL, {"id_token": apple.token()}, format="json")
    assert again.json()["user"]["id"] == user.pk


def test_it_links_an_existing_account_by_verified_email(apple, anon_client):
    existing = UserFactory(email="known@example.com")
    token = apple.token(email="known@example.com", email_verified=True)
    assert anon_client.post(URL, {"id_token": token}, format="json").json()["user"]["id"] == existing.pk
    existing.refresh_from_db()
    assert existing.apple_user_id == "001234.apple"


def test_an_unverified_email_is_not_linked(apple, anon_client):
    existing = UserFactory(email="known@example.com")
    token = apple.token(email="known@example.com", email_verified="false")
    user_id = anon_client.post(URL, {"id_token": token}, format="json").json()["user"]["id"]
    assert user_id != existing.pk


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "com.someone.else"},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 60},
    ],
)
def test_it_refuses_a_token_with_the_wrong_audience_issuer_or_expiry(apple, anon_client, claims):
    assert_problem(
        anon_client.post(URL, {"id_token": apple.token(**claims)}, format="json"), 401, "APPLE_TOKEN_INVALID"
    )


def test_it_refuses_a_forged_token(apple, anon_client):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = apple.token(key=forger)
    assert_problem(anon_client.post(URL, {"id_token": forged}, format="json"), 401, "APPLE_TOKEN_INVALID")
    assert_problem(anon_client.post(URL, {"id_token": "not.a.jwt"}, format="json"), 401, "APPLE_TOKEN_INVALID")


def test_the_nonce_must_match_when_given(apple, anon_client):
    import hashlib

    token = apple.token(nonce=hashlib.sha256(b"raw-nonce").hexdigest())
    assert anon_client.post(URL, {"id_token": token, "nonce": "raw-nonce"}, format="json").status_code == 200
    bad = anon_client.post(URL, {"id_token": token, "nonce": "other"}, format="json")
    assert_problem(bad, 401, "APPLE_TOKEN_INVALID")


def test_keys_are_cached_and_refetched_for_an_unknown_kid(apple, anon_client, settings):
    settings.APPLE_JWKS_REFETCH_COOLDOWN_SECONDS = 0
    anon_client.post(URL, {"id_token": apple.token()}, format="json")
    anon_client.post(URL, {"id_token": apple.token()}, format="json")
    assert apple.fetches == 1
    apple.add_key("k2")  # Apple rotated its keys
    assert anon_client.post(URL, {"id_token": apple.token(kid="k2")}, format="json").status_code == 200
    assert apple.fetches == 2


def test_it_asks_for_a_token(anon_client):
    field_errors(anon_client.post(URL, {}, format="json"), "identity_token")


def test_registration_accepts_the_ios_shape_and_checks_the_confirmation(anon_client):
    data = {"email": "ios@example.com", "password": "a-Long-pass-123", "first_name": "I", "last_name": "Os"}
    mismatch = anon_client.post("/api/auth/register/", data | {"password_confirm": "other"}, format="json")
    field_errors(mismatch, "password_confirm")
    created = anon_client.post("/api/auth/register/", data | {"password_confirm": data["password"]}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["user"]["last_name"] == "Os"


def test_the_profile_has_the_ios_fields(owner_client):
    profile = owner_client.get("/api/profile/").json()
    assert {"id", "email", "first_name", "last_name", "updated_at"} <= set(profile)
