"""Access-token verification on every authenticated request, at a fraction of PyJWT's cost.

PyJWT's decode checks each base64 character in Python, prepares the HMAC key again per call and walks a
generic options table; for the one shape of token this project signs (HMAC, no audience, no issuer, no
key set) that was about a fifth of a bare authenticated request. `HmacTokenBackend` verifies such a
token with the same rules and hands SimpleJWT the same errors, so SimpleJWT's own checks (exp again,
jti present, token_type) and the project's (trackbase.accounts.authentication) run on its result as before:

- exactly three base64url segments, decoded strictly (no stray characters, no padding games);
- the HMAC over `header.payload` with the configured key, compared in constant time, before anything
  in the token is parsed;
- the header's `alg` pinned to the configured algorithm (`none`, or another HMAC size, is refused);
- a JSON object payload; `iat` and `nbf` not in the future and `exp` not past, each within LEEWAY and
  each an integer as PyJWT reads it; `sub` and `jti`, when present, strings.

Any other configuration (an audience, an issuer, asymmetric keys, a JWK URL) uses PyJWT unchanged.
"""

import binascii
import hashlib
import hmac
import time
from functools import cached_property

import orjson
from django.utils.encoding import force_bytes
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken
from rest_framework_simplejwt.settings import api_settings

DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")


class InvalidToken(Exception):
    """Anything wrong with a token but its age."""


class ExpiredToken(Exception):
    pass


def _b64decode(segment: bytes) -> bytes:
    if b"=" in segment or b"+" in segment or b"/" in segment:
        raise InvalidToken("not base64url")
    padded = segment.translate(_URLSAFE_TO_STANDARD) + b"=" * (-len(segment) % 4)
    try:
        return binascii.a2b_base64(padded, strict_mode=True)
    except binascii.Error:
        raise InvalidToken("not base64url") from None


def _json_object(segment: bytes) -> dict:
    try:
        value = orjson.loads(_b64decode(segment))
    except orjson.JSONDecodeError:
        raise InvalidToken("not JSON") from None
    if not isinstance(value, dict):
        raise InvalidToken("not a JSON object")
    return value


def _integer_claim(payload: dict, claim: str) -> int:
    try:
        return int(payload[claim])  # as PyJWT reads it: a float or a numeric string counts
    except (ValueError, TypeError, OverflowError):
        raise InvalidToken(f"{claim} is not an integer") from None


def check_claims(payload: dict, *, now: float, leeway: float) -> None:
    """PyJWT's registered-claim rules for a token with no audience or issuer configured."""
    for claim in ("iat", "nbf"):
        if claim in payload and _integer_claim(payload, claim) > now + leeway:
            raise InvalidToken(f"{claim} is in the future")
    if "exp" in payload and _integer_claim(payload, "exp") <= now - leeway:
        raise ExpiredToken()
    for claim in ("sub", "jti"):
        if claim in payload and not isinstance(payload[claim], str):
            raise InvalidToken(f"{claim} is not a string")


class HmacTokenBackend(TokenBackend):
    """SimpleJWT's TokenBackend with a direct path for verifying HMAC tokens (see the module docstring)."""

    @cached_property
    def _mac(self):
        return hmac.new(force_bytes(self.signing_key), digestmod=DIGESTS[self.algorithm])

    @cached_property
    def _direct(self) -> bool:
        return self.algorithm in DIGESTS and self.audience is None and self.issuer is None and self.jwks_client is None

    def decode(self, token, verify: bool = True) -> dict:
        if not (verify and self._direct):
            return super().decode(token, verify)
        try:
            return self.verify_hmac(force_bytes(token))
        except ExpiredToken:
            raise TokenBackendExpiredToken(_("Token is expired")) from None
        except InvalidToken:
            raise TokenBackendError(_("Token is invalid")) from None

    def verify_hmac(self, token: bytes) -> dict:
        segments = token.split(b".")
        if len(segments) != 3:
            raise InvalidToken("not three segments")
        header, payload, signature = segments
        mac = self._mac.copy()
        mac.update(b"%s.%s" % (header, payload))
        if not hmac.compare_digest(mac.digest(), _b64decode(signature)):
            raise InvalidToken("bad signature")
        if _json_object(header).get("alg") != self.algorithm:
            raise InvalidToken("algorithm not allowed")
        claims = _json_object(payload)
        check_claims(claims, now=time.time(), leeway=self.get_leeway().total_seconds())
        return claims


class AccessToken(tokens.AccessToken):
    """SimpleJWT's access token (same checks, same errors), verified by HmacTokenBackend."""

    _token_backend = HmacTokenBackend(
        api_settings.ALGORITHM,
        api_settings.SIGNING_KEY,
        api_settings.VERIFYING_KEY,
        api_settings.AUDIENCE,
        api_settings.ISSUER,
        api_settings.JWK_URL,
        api_settings.LEEWAY,
        api_settings.JSON_ENCODER,
    )
