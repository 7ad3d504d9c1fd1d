"""Apple Push Notification service: token-based (.p8 key, ES256 JWT) HTTP/2 provider API.

https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
"""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.core.cache import cache

from trackbase.notifications.push.base import NotConfigured, Outcome, PushContent, SendResult, json_bytes

logger = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 4096
MAX_COLLAPSE_ID_BYTES = 64
# Apple rejects provider tokens older than an hour and refreshes more often than every 20 minutes.
TOKEN_LIFETIME_SECONDS = 50 * 60
# The token is dead: the app was removed, or the token belongs to another app or environment.
DEAD_TOKEN_REASONS = {"BadDeviceToken", "DeviceTokenNotForTopic", "Unregistered", "ExpiredToken"}
REQUIRED = ("APNS_KEY_ID", "APNS_TEAM_ID", "APNS_TOPIC")
EXPIRED_PROVIDER_TOKEN = "APNs 403 ExpiredProviderToken"


class ApnsKeyError(Exception):
    pass


@dataclass(frozen=True)
class ApnsConfig:
    key_pem: str
    key_path: str
    key_id: str
    team_id: str
    topic: str
    base_url: str
    timeout: float


def sender_from_settings() -> "ApnsSender | NotConfigured":
    missing = [name for name in REQUIRED if not getattr(settings, name)]
    if not (settings.APNS_KEY or settings.APNS_KEY_PATH):
        missing.append("APNS_KEY or APNS_KEY_PATH")
    if missing:
        return NotConfigured(f"APNs is not configured: set {', '.join(missing)}.")
    return _sender(
        ApnsConfig(
            key_pem=settings.APNS_KEY,
            key_path=settings.APNS_KEY_PATH,
            key_id=settings.APNS_KEY_ID,
            team_id=settings.APNS_TEAM_ID,
            topic=settings.APNS_TOPIC,
            base_url=settings.APNS_BASE_URL.rstrip("/"),
            timeout=float(settings.PUSH_TIMEOUT_SECONDS),
        )
    )


# One sender per configuration and process: Apple wants provider connections and tokens reused.
_senders: dict[ApnsConfig, "ApnsSender"] = {}
_senders_lock = threading.Lock()


def _sender(config: ApnsConfig) -> "ApnsSender":
    with _senders_lock:
        if config not in _senders:
            _senders[config] = ApnsSender(config)
        return _senders[config]


def senders_reset() -> None:
    """Close every cached connection (tests, and processes that change settings)."""
    with _senders_lock:
        for sender in _senders.values():
            sender.close()
        _senders.clear()


class ApnsSender:
    def __init__(self, config: ApnsConfig):
        self.config = config
        self._client = httpx.Client(http1=False, http2=True, base_url=config.base_url, timeout=config.timeout)
        self._lock = threading.Lock()
        self._token = ""
        self._token_issued_at = 0.0

    def close(self) -> None:
        self._client.close()

    def send(self, *, token: str, content: PushContent) -> SendResult:
        result = self._send(token, content, refresh=False)
        if result.reason == EXPIRED_PROVIDER_TOKEN:
            # Our token outlived Apple's hour (a clock skew, a sleeping process): sign a fresh one, once.
            result = self._send(token, content, refresh=True)
        return result

    def _send(self, token: str, content: PushContent, *, refresh: bool) -> SendResult:
        try:
            response = self._post(token, content, refresh=refresh)
        except ApnsKeyError as exc:
            return SendResult(Outcome.FAIL, f"APNs signing key unusable: {exc}")
        except httpx.TransportError as exc:
            return SendResult(Outcome.RETRY, f"APNs unreachable: {type(exc).__name__}: {exc}")
        return _result(response.status_code, _reason(response), response.headers.get("apns-id", ""))

    def _post(self, token: str, content: PushContent, *, refresh: bool) -> httpx.Response:
        headers = {
            "authorization": f"bearer {self._provider_token(refresh=refresh)}",
            "apns-topic": self.config.topic,
            "apns-push-type": "alert",
            "apns-priority": "10",
            "apns-expiration": str(int(content.expires_at.timestamp())),
            "apns-collapse-id": collapse_id(content.collapse_key),
            "content-type": "application/json",
        }
        body = content.fitted(payload, MAX_PAYLOAD_BYTES)
        return self._client.post(f"/3/device/{token}", content=body, headers=headers)

    def _provider_token(self, *, refresh: bool) -> str:
        with self._lock:
            if refresh or time.time() - self._token_issued_at >= TOKEN_LIFETIME_SECONDS:
                self._token, self._token_issued_at = _shared_token(self.config, refresh=refresh)
            return self._token


def _shared_token(config: ApnsConfig, *, refresh: bool) -> tuple[str, float]:
    """(token, issued at), shared by every worker process through the cache: RQ runs each job in a fresh
    process, and Apple answers 429 TooManyProviderTokenUpdates to a team that signs a token per request."""
    key = f"apns-provider-token:{hashlib.sha256(repr(config).encode()).hexdigest()[:32]}"
    if not refresh:
        shared = _cache_call(cache.get, key)
        if shared and time.time() - shared["issued_at"] < TOKEN_LIFETIME_SECONDS:
            return shared["token"], shared["issued_at"]
    issued_at = int(time.time())
    token = jwt.encode(
        {"iss": config.team_id, "iat": issued_at},
        _signing_key(config),
        algorithm="ES256",
        headers={"kid": config.key_id},
    )
    _cache_call(cache.set, key, {"token": token, "issued_at": issued_at}, TOKEN_LIFETIME_SECONDS)
    return token, issued_at


def _cache_call(operation, *args):
    try:
        return operation(*args)
    except Exception:
        # Without the shared cache each process signs its own token: worse for Apple's limit, not broken.
        logger.warning("APNs provider token cache unavailable", exc_info=True)
        return None


def _signing_key(config: ApnsConfig):
    try:
        pem = config.key_pem or Path(config.key_path).read_text()
        # A key pasted into an environment variable often arrives with its newlines escaped.
        return load_pem_private_key(pem.replace("\\n", "\n").encode(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ApnsKeyError(f"{type(exc).__name__}: {exc}") from None


def payload(content: PushContent) -> bytes:
    return json_bytes(
        {
            "aps": {"alert": {"title": content.title, "body": content.body}, "sound": "default"},
            "notification_id": content.notification_id,
            "type": content.type,
            "data": content.data,
        }
    )


def collapse_id(key: str) -> str:
    """apns-collapse-id is at most 64 bytes: a longer event key is replaced by its digest."""
    return key if len(key.encode()) <= MAX_COLLAPSE_ID_BYTES else hashlib.sha256(key.encode()).hexdigest()


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("reason", ""))
    except (ValueError, AttributeError):
        return ""


def _result(status: int, reason: str, apns_id: str) -> SendResult:
    if status == 200:
        return SendResult(Outcome.SENT, provider_message_id=apns_id)
    detail = f"APNs {status} {reason}".strip()
    if status == 410 or (status == 400 and reason in DEAD_TOKEN_REASONS):
        return SendResult(Outcome.DROP, detail)
    if status == 429 or status >= 500 or detail == EXPIRED_PROVIDER_TOKEN:
        return SendResult(Outcome.RETRY, detail)
    return SendResult(Outcome.FAIL, detail)
