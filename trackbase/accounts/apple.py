"""Sign in with Apple: verify an identity token against Apple's JWKS, then find, link or create the user.

The keys are cached (APPLE_JWKS_CACHE_SECONDS) and fetched again when a token names an unknown `kid`
(Apple rotates keys), at most once per APPLE_JWKS_REFETCH_COOLDOWN_SECONDS. `iss`, `aud` (one of
APPLE_BUNDLE_IDS), `exp` and, when the client sends one, the nonce (raw, or its SHA-256 as iOS apps pass
it to Apple) are checked.
"""

import functools
import hashlib
import secrets

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction

from trackbase.accounts.models import Role, User
from trackbase.core.errors import DomainError


class AppleTokenInvalid(DomainError):
    status, code, detail = 401, "APPLE_TOKEN_INVALID", "The Apple identity token is invalid or expired."


@functools.cache
def _jwks_client(url: str, lifespan: int, cooldown: int) -> jwt.PyJWKClient:
    # The cooldown bounds refetches: tokens naming made-up kids cannot make us hammer Apple.
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=lifespan, timeout=10, cooldown_duration=cooldown)


def apple_token_verify(*, token: str, nonce: str | None = None) -> dict:
    """The verified claims of an identity token, or AppleTokenInvalid."""
    client = _jwks_client(
        settings.APPLE_JWKS_URL, settings.APPLE_JWKS_CACHE_SECONDS, settings.APPLE_JWKS_REFETCH_COOLDOWN_SECONDS
    )
    try:
        key = client.get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=list(settings.APPLE_BUNDLE_IDS),
            issuer=settings.APPLE_ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWTError, jwt.PyJWKClientError, ValueError):
        raise AppleTokenInvalid() from None
    if nonce is not None and claims.get("nonce") not in (nonce, hashlib.sha256(nonce.encode()).hexdigest()):
        raise AppleTokenInvalid("The nonce does not match.")
    return claims


def _verified_email(claims: dict) -> str | None:
    verified = claims.get("email_verified") in (True, "true")
    return claims.get("email").lower() if verified and isinstance(claims.get("email"), str) else None


def apple_user_login(*, token: str, nonce: str | None = None, first_name: str = "", last_name: str = "") -> User:
    """The user of this Apple identity: by apple_user_id, else by verified email (linked), else a new USER."""
    claims = apple_token_verify(token=token, nonce=nonce)
    subject = str(claims["sub"])[:255]
    email = _verified_email(claims)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _find_or_create(subject, email, first_name, last_name)
        except IntegrityError:
            continue  # a concurrent first sign-in created or linked the user: look again
    raise AppleTokenInvalid("Could not sign in; try again.")


def _find_or_create(subject: str, email: str | None, first_name: str, last_name: str) -> User:
    user = User.objects.filter(apple_user_id=subject).first()
    if user is None and email:
        user = User.objects.select_for_update().filter(email__iexact=email, apple_user_id__isnull=True).first()
        if user is not None:
            user.apple_user_id = subject
            user.email_verified = True
            user.save(update_fields=["apple_user_id", "email_verified", "updated_at"])
    if user is None:
        username = f"apple_{hashlib.sha256(subject.encode()).hexdigest()[:12]}_{secrets.token_hex(2)}"
        taken = bool(email) and User.objects.filter(email__iexact=email).exists()
        user = User.objects.create_user(
            username,
            None if taken else email,
            None,
            first_name=first_name[:150],
            last_name=last_name[:150],
            role=Role.USER,
            apple_user_id=subject,
            email_verified=bool(email) and not taken,
        )
    if not user.is_active:
        raise AppleTokenInvalid("This account is disabled.")
    return user
