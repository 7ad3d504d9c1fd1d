import base64
import hashlib
import hmac
import json
import warnings

import jwt
import pytest
from django.conf import settings
from jwt.warnings import InsecureKeyLengthWarning
from rest_framework_simplejwt.tokens import RefreshToken

from trackbase.accounts.models import RotatedRefreshToken
from trackbase.accounts.tests.helpers import login_tokens, post_json, profile_status, refresh
from trackbase.core.testing import assert_client_error, assert_problem, bearer, travel

pytestmark = pytest.mark.django_db

PROFILE = "/api/profile/"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _access(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


def _payload_swapped_to_admin(owner, admin_user) -> str:
    """The owner's genuine token with the user id in the payload changed; the signature kept."""
    header, _, signature = _access(owner).split(".")
    return f"{header}.{_b64({**_claims(_access(owner)), 'user_id': str(admin_user.pk)})}.{signature}"


def _alg_none(owner, admin_user) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64({**_claims(_access(owner)), 'user_id': str(admin_user.pk)})}."


def _wrong_key(owner, admin_user) -> str:
    return jwt.encode(
        {**_claims(_access(owner)), "user_id": str(admin_user.pk)}, "wrong-key-" + "k" * 32, algorithm="HS256"
    )


def _other_algorithm(owner, admin_user) -> str:
    with warnings.catch_warnings():  # PyJWT finds the real key short for HS512, which is beside the point
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(_claims(_access(owner)), settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS512")


def _signature_cut(owner, admin_user) -> str:
    return _access(owner).rsplit(".", 1)[0] + "."


def _refresh_as_access(owner, admin_user) -> str:
    return str(RefreshToken.for_user(owner))


def _garbage(owner, admin_user) -> str:
    return "garbage"


def _hs384(owner, admin_user) -> str:
    return jwt.encode(_claims(_access(owner)), settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS384")


def _signature_tampered(owner, admin_user) -> str:
    token = _access(owner)
    flipped = "A" if token[-10] != "A" else "B"
    return token[:-10] + flipped + token[-9:]


def _signed_segments(header: bytes, payload: bytes) -> str:
    """A token whose segments are whatever is given, correctly signed with the real key."""
    key = settings.SIMPLE_JWT["SIGNING_KEY"].encode()
    signature = hmac.new(key, header + b"." + payload, hashlib.sha256).digest()
    return f"{header.decode()}.{payload.decode()}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _header_segment() -> bytes:
    return _b64({"alg": "HS256", "typ": "JWT"}).encode()


def _payload_not_base64(owner, admin_user) -> str:
    return _signed_segments(_header_segment(), b"eyJ0*eXAi")


def _payload_not_json(owner, admin_user) -> str:
    return _signed_segments(_header_segment(), base64.urlsafe_b64encode(b"{not json").rstrip(b"="))


def _payload_not_an_object(owner, admin_user) -> str:
    return _signed_segments(_header_segment(), _b64([1, 2]).encode())


def _claims_changed(**changes):
    def forge(owner, admin_user) -> str:
        claims = {**_claims(_access(owner)), **changes}
        return _signed_segments(_header_segment(), _b64({k: v for k, v in claims.items() if v is not None}).encode())

    forge.__name__ = "_" + "_".join(f"{k}_{v}" for k, v in changes.items())
    return forge


FORGERIES = [
    _payload_swapped_to_admin,
    _alg_none,
    _wrong_key,
    _other_algorithm,
    _hs384,
    _signature_cut,
    _signature_tampered,
    _garbage,
    _payload_not_base64,
    _payload_not_json,
    _payload_not_an_object,
]
# Correctly signed, yet not a valid access token.
MISFITS = [
    _claims_changed(token_type="refresh"),
    _claims_changed(jti=None),
    _claims_changed(jti=7),
    _claims_changed(exp="soon"),
    _claims_changed(exp=None),
    _claims_changed(iat=4102444800),
    _claims_changed(nbf=4102444800),
    _claims_changed(exp=946684800),
]


@pytest.mark.parametrize(
    "forge", [*FORGERIES, *MISFITS, _refresh_as_access], ids=lambda forge: forge.__name__.strip("_")
)
def test_it_refuses_a_forged_or_misused_access_token(owner, admin_user, forge):
    response = bearer(forge(owner, admin_user)).get(PROFILE)

    assert_problem(response, 401, "TOKEN_INVALID")
    assert "Bearer" in response["WWW-Authenticate"]


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer", "AUTHENTICATION_FAILED"),
        ("Bearer two parts", "AUTHENTICATION_FAILED"),
        ("Basic b3duZXI6c2VjcmV0", "NOT_AUTHENTICATED"),
        ("", "NOT_AUTHENTICATED"),
    ],
    ids=["no-token", "spaces-in-token", "basic-auth", "empty-header"],
)
def test_it_refuses_a_malformed_authorization_header(owner, anon_client, header, code):
    anon_client.credentials(HTTP_AUTHORIZATION=header)

    assert_problem(anon_client.get(PROFILE), 401, code)


def test_it_accepts_a_valid_access_token_until_it_expires(owner, owner_client, time_machine):
    assert owner_client.get(PROFILE).status_code == 200

    travel(time_machine, minutes=14)
    assert owner_client.get(PROFILE).status_code == 200

    travel(time_machine, minutes=2)
    assert_problem(owner_client.get(PROFILE), 401, "TOKEN_INVALID")


def test_it_keeps_the_last_activity_fresh(owner, owner_client):
    owner_client.get(PROFILE)

    owner.refresh_from_db()
    assert owner.last_active_at is not None


def test_it_rotates_a_refresh_token_into_a_new_pair(owner):
    session = login_tokens(owner)

    response = refresh(session["refresh"])

    assert response.status_code == 200, response.content
    rotated = response.json()
    assert set(rotated) == {"access", "refresh"}
    assert rotated["refresh"] != session["refresh"] and rotated["access"] != session["access"]
    assert profile_status(rotated["access"]) == 200
    assert refresh(rotated["refresh"]).status_code == 200


def test_it_ends_every_session_when_a_spent_refresh_token_comes_back(owner, outsider):
    stolen = login_tokens(owner)["refresh"]
    other_session = login_tokens(owner)["refresh"]
    bystander = login_tokens(outsider)["refresh"]
    newer = refresh(stolen).json()["refresh"]

    assert_problem(refresh(stolen), 401, "TOKEN_REUSED")

    assert_problem(refresh(newer), 401, "TOKEN_REVOKED")
    assert_problem(refresh(other_session), 401, "TOKEN_REVOKED")
    assert refresh(bystander).status_code == 200


def test_it_treats_a_rotation_race_as_reuse(owner):
    # The loser of two concurrent rotations finds the jti already recorded by the winner.
    session, other_session = login_tokens(owner), login_tokens(owner)
    RotatedRefreshToken.objects.create(jti=_claims(session["refresh"])["jti"], user=owner)

    assert_problem(refresh(session["refresh"]), 401, "TOKEN_REUSED")

    assert_problem(refresh(other_session["refresh"]), 401, "TOKEN_REVOKED")


def test_it_refuses_an_expired_refresh_token(owner, time_machine):
    session = login_tokens(owner)

    travel(time_machine, days=7, minutes=1)

    assert_problem(refresh(session["refresh"]), 401, "TOKEN_INVALID")


def test_it_refuses_an_access_token_as_a_refresh_token(owner):
    assert_problem(refresh(login_tokens(owner)["access"]), 401, "TOKEN_INVALID")


@pytest.mark.parametrize("forge", FORGERIES, ids=lambda forge: forge.__name__.strip("_"))
def test_it_refuses_a_forged_refresh_token(owner, admin_user, forge):
    assert_problem(refresh(forge(owner, admin_user)), 401, "TOKEN_INVALID")


@pytest.mark.parametrize("data", [{}, {"refresh": None}, {"refresh": ""}, {"refresh": ["x"]}, ["x"]])
def test_it_refuses_a_refresh_request_without_a_token(data):
    assert_client_error(post_json("/api/auth/token/refresh/", data))


def test_it_refuses_to_refresh_for_an_inactive_user(owner):
    session = login_tokens(owner)
    owner.is_active = False
    owner.save()

    assert_problem(bearer(session["access"]).get(PROFILE), 401, "AUTHENTICATION_FAILED")
    assert_problem(refresh(session["refresh"]), 401, "TOKEN_INVALID")


def test_it_refuses_the_tokens_of_a_deleted_user(owner):
    session = login_tokens(owner)
    owner.delete()

    assert profile_status(session["access"]) == 401
    assert_problem(refresh(session["refresh"]), 401, "TOKEN_INVALID")


def test_it_refuses_tokens_minted_before_an_out_of_band_password_change(owner):
    # `manage.py changepassword` and the Django admin set the password without ending the sessions.
    session = login_tokens(owner)
    owner.set_password("Changed-Elsewhere-3")
    owner.save()

    assert_problem(bearer(session["access"]).get(PROFILE), 401, "AUTHENTICATION_FAILED")
    assert_problem(refresh(session["refresh"]), 401, "TOKEN_INVALID")


@pytest.mark.parametrize("path", ["/api/auth/logout/", "/api/auth/logout"])
def test_it_logs_out_the_session_of_the_given_refresh_token(owner, path):
    session, other_session = login_tokens(owner), login_tokens(owner)

    response = post_json(path, {"refresh": session["refresh"]}, bearer(session["access"]))

    assert response.status_code == 200, response.content
    assert_problem(refresh(session["refresh"]), 401, "TOKEN_REVOKED")
    assert refresh(other_session["refresh"]).status_code == 200


def test_it_will_not_log_out_someone_elses_session(owner, outsider, outsider_client):
    victim = login_tokens(owner)

    assert_problem(
        post_json("/api/auth/logout/", {"refresh": victim["refresh"]}, outsider_client), 401, "TOKEN_INVALID"
    )

    assert refresh(victim["refresh"]).status_code == 200


@pytest.mark.parametrize("data", [{}, {"refresh": "garbage"}, {"refresh": None}])
def test_it_refuses_a_logout_without_a_valid_refresh_token(owner, owner_client, data):
    assert_client_error(post_json("/api/auth/logout/", data, owner_client))


@pytest.mark.parametrize("path", ["/api/auth/logout", "/api/auth/logout/"])
def test_it_logs_out_every_session_on_get(owner, outsider, path):
    sessions = [login_tokens(owner) for _ in range(3)]
    bystander = login_tokens(outsider)

    response = bearer(sessions[0]["access"]).get(path)

    assert response.status_code == 200, response.content
    for session in sessions:
        assert_problem(refresh(session["refresh"]), 401, "TOKEN_REVOKED")
    assert refresh(bystander["refresh"]).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_an_anonymous_logout(anon_client, method):
    assert_problem(getattr(anon_client, method)("/api/auth/logout/"), 401, "NOT_AUTHENTICATED")
