"""Pure rules for push targets: what a valid APNs token, FCM token or Web Push subscription looks like.

No Django imports: the API layer turns the error messages into a 400."""

import base64
import binascii
import ipaddress
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

# Apple's device tokens are 32 bytes today and documented as variable length: accept up to 100 bytes.
_APNS_TOKEN = re.compile(r"[0-9a-f]{64,200}")
# FCM registration tokens: URL-safe base64 plus `:` between the instance id and the token proper.
_FCM_TOKEN = re.compile(r"[A-Za-z0-9_\-:.]{20,1024}")
_B64URL = re.compile(r"[A-Za-z0-9_\-]+={0,2}")
MAX_ENDPOINT_LENGTH = 1024
_LOOPBACK_NAMES = {"localhost"}

APNS_TOKEN_INVALID = "An APNs device token is 64 to 200 hexadecimal characters."
FCM_TOKEN_INVALID = "An FCM registration token is 20 to 1024 characters of letters, digits, '_', '-', ':' or '.'."
ENDPOINT_INVALID = "The subscription endpoint must be an https URL."
ENDPOINT_HOST_NOT_ALLOWED = "The subscription endpoint is not on a known Web Push service."
P256DH_INVALID = "keys.p256dh must be the URL-safe base64 of an uncompressed P-256 public key (65 bytes)."
AUTH_INVALID = "keys.auth must be the URL-safe base64 of a 16-byte secret."


def apns_token_normalize(raw: str) -> str | None:
    """The canonical (lower-case, unseparated) form of an APNs token, or None when it is not one.
    Tolerates the `<abcd 1234>` spelling of NSData's description, which older apps send."""
    token = re.sub(r"[\s<>]", "", raw).lower()
    return token if _APNS_TOKEN.fullmatch(token) else None


def fcm_token_valid(token: str) -> bool:
    return bool(_FCM_TOKEN.fullmatch(token))


def b64url_decode(value: str) -> bytes | None:
    """Strict URL-safe base64 (padding optional): Python's decoder would silently skip stray characters."""
    if not isinstance(value, str) or not _B64URL.fullmatch(value):
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_allowed(host: str, allowed_hosts: list[str]) -> bool:
    """`host` is one of `allowed_hosts` or a subdomain of one (`fcm.googleapis.com`, `*.notify.windows.com`)."""
    host = host.lower().rstrip(".")
    return any(host == allowed or host.endswith(f".{allowed}") for allowed in (h.lower() for h in allowed_hosts))


def endpoint_error(endpoint: str, allowed_hosts: list[str]) -> str | None:
    """Why the server must not POST to this endpoint, or None. Only known push services are reachable:
    otherwise any user could make the server send requests into its own network."""
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return ENDPOINT_INVALID
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return ENDPOINT_INVALID
    # Plain http only towards this machine (a test or development push server), never across a network.
    if not host or parts.scheme not in {"https", "http"} or (parts.scheme == "http" and not _is_loopback(host)):
        return ENDPOINT_INVALID
    if parts.username or parts.password or not host_allowed(host, allowed_hosts):
        return ENDPOINT_HOST_NOT_ALLOWED
    return None


def web_push_keys_errors(keys: dict) -> dict[str, str]:
    """Errors per key of a subscription's `keys`; empty when the browser's keys can encrypt a message."""
    errors = {}
    p256dh = b64url_decode(keys.get("p256dh", ""))
    try:
        if p256dh is None or len(p256dh) != 65:
            raise ValueError
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError:
        errors["p256dh"] = P256DH_INVALID
    auth = b64url_decode(keys.get("auth", ""))
    if auth is None or len(auth) != 16:
        errors["auth"] = AUTH_INVALID
    return errors
