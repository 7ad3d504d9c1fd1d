"""Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8188, RFC 8291).

pywebpush encrypts and py_vapid signs; the request itself goes out through httpx, like APNs'.
"""

import base64
import hashlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPusher, WebPushException

from trackbase.accounts.devices.push_targets import endpoint_error
from trackbase.notifications.push.base import (
    NotConfigured,
    Outcome,
    PushContent,
    SendResult,
    json_bytes,
    retry_after_seconds,
)

# RFC 8291: a push service accepts 4096 bytes of ciphertext; aes128gcm with one record adds 103 bytes
# (86 header, 16 tag, 1 padding delimiter).
MAX_PLAINTEXT_BYTES = 4096 - 103
VAPID_TOKEN_SECONDS = 12 * 3600  # RFC 8292 caps a VAPID JWT at 24 hours
NOT_CONFIGURED = "Web Push is not configured: set {}."


class VapidKeyError(Exception):
    pass


@dataclass(frozen=True)
class WebPushConfig:
    private_key: str
    subject: str
    allowed_hosts: tuple[str, ...]
    timeout: float


def sender_from_settings() -> "WebPushSender | NotConfigured":
    missing = [name for name in ("VAPID_PRIVATE_KEY", "VAPID_SUBJECT") if not getattr(settings, name)]
    if missing:
        return NotConfigured(NOT_CONFIGURED.format(" and ".join(missing)))
    config = WebPushConfig(
        private_key=settings.VAPID_PRIVATE_KEY,
        subject=settings.VAPID_SUBJECT,
        allowed_hosts=tuple(settings.WEB_PUSH_ALLOWED_HOSTS),
        timeout=float(settings.PUSH_TIMEOUT_SECONDS),
    )
    with _senders_lock:
        if config not in _senders:
            _senders[config] = WebPushSender(config)
        return _senders[config]


_senders: dict[WebPushConfig, "WebPushSender"] = {}
_senders_lock = threading.Lock()


def senders_reset() -> None:
    with _senders_lock:
        for sender in _senders.values():
            sender.close()
        _senders.clear()


def load_vapid(value: str) -> Vapid:
    """The VAPID key from a PEM, a path to a PEM file (absolute or ./relative), or URL-safe base64 (raw 32
    bytes or DER)."""
    try:
        if value.lstrip().startswith("-----BEGIN"):
            return Vapid.from_pem(value.replace("\\n", "\n").encode())
        if value.startswith(("/", "./", "../")):
            return Vapid.from_pem(Path(value).read_bytes())
        return Vapid.from_string(value)
    except Exception as exc:  # py_vapid raises whatever its decoders raise
        raise VapidKeyError(f"{type(exc).__name__}: {exc}") from None


def vapid_public_key() -> str | None:
    """The application server key browsers pass to `pushManager.subscribe()`, or None when unconfigured."""
    if not settings.VAPID_PRIVATE_KEY:
        return None
    try:
        key = load_vapid(settings.VAPID_PRIVATE_KEY).public_key
    except VapidKeyError:
        return None
    raw = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class WebPushSender:
    def __init__(self, config: WebPushConfig):
        self.config = config
        self._client = httpx.Client(timeout=config.timeout)
        self._vapid: Vapid | None = None

    def close(self) -> None:
        self._client.close()

    def send(self, *, subscription: dict, content: PushContent) -> SendResult:
        endpoint = subscription["endpoint"]
        if error := endpoint_error(endpoint, list(self.config.allowed_hosts)):
            return SendResult(Outcome.FAIL, error)
        try:
            headers = self._vapid_headers(endpoint) | _headers(content)
            body = WebPusher(subscription).encode(content.fitted(payload, MAX_PLAINTEXT_BYTES), "aes128gcm")["body"]
        except VapidKeyError as exc:
            return SendResult(Outcome.FAIL, f"VAPID key unusable: {exc}")
        except (WebPushException, ValueError, TypeError) as exc:
            return SendResult(Outcome.FAIL, f"subscription keys unusable: {exc}")
        try:
            response = self._client.post(endpoint, content=body, headers=headers)
        except httpx.TransportError as exc:
            return SendResult(Outcome.RETRY, f"push service unreachable: {type(exc).__name__}: {exc}")
        return _result(response)

    def _vapid_headers(self, endpoint: str) -> dict:
        if self._vapid is None:
            self._vapid = load_vapid(self.config.private_key)
        parts = urlsplit(endpoint)
        claims = {
            "aud": f"{parts.scheme}://{parts.netloc}",
            "exp": int(time.time()) + VAPID_TOKEN_SECONDS,
            "sub": self.config.subject,
        }
        return self._vapid.sign(claims)


def payload(content: PushContent) -> bytes:
    """What the service worker's `push` event receives (`event.data.json()`): the inbox item's fields."""
    return json_bytes(
        {
            "id": content.notification_id,
            "type": content.type,
            "title": content.title,
            "message": content.body,
            "data": content.data,
        }
    )


def _headers(content: PushContent) -> dict:
    ttl = max(0, int((content.expires_at - timezone.now()).total_seconds()))
    # RFC 8030 5.4: a Topic of at most 32 URL-safe base64 characters replaces a queued message with the same one.
    topic = base64.urlsafe_b64encode(hashlib.sha256(content.collapse_key.encode()).digest()).decode()[:32]
    return {
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(ttl),
        "Urgency": "high",
        "Topic": topic,
    }


def _result(response: httpx.Response) -> SendResult:
    status = response.status_code
    if status in (200, 201, 202):
        return SendResult(Outcome.SENT, provider_message_id=response.headers.get("location", "")[:100])
    detail = f"push service {status}: {response.text[:200]}".strip()
    if status in (404, 410):
        return SendResult(Outcome.DROP, detail)
    if status == 429 or status >= 500:
        return SendResult(Outcome.RETRY, detail, retry_after=retry_after_seconds(response.headers.get("retry-after")))
    return SendResult(Outcome.FAIL, detail)
