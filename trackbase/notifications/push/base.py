"""What every sender takes and answers, independent of the provider."""

import json
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    SENT = "SENT"  # the provider accepted the message
    RETRY = "RETRY"  # a transient failure (throttled, provider down, network): try again later
    DROP = "DROP"  # the provider says the token is dead: deactivate the device
    FAIL = "FAIL"  # rejected for good (bad request, bad credentials): retrying would not help
    SKIP = "SKIP"  # not attempted (platform not configured, device changed hands): no request was made


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    reason: str = ""
    provider_message_id: str = ""
    retry_after: int | None = None  # seconds, when the provider asked for a pause


@dataclass(frozen=True)
class NotConfigured:
    """The platform has no credentials here: its messages are skipped, with this reason, without a request."""

    reason: str


@dataclass(frozen=True)
class PushContent:
    """One notification as a push message: the same for every platform, shaped by each sender."""

    notification_id: int
    type: str
    title: str
    body: str
    data: dict
    collapse_key: str  # stable per event: a later push for the same event replaces the earlier one
    expires_at: datetime  # the provider may hold the message for an offline device until then

    def fitted(self, encode, limit: int) -> bytes:
        """`encode(content)` cut to `limit` bytes: `data` bigger than half the room is left out (the app can
        fetch the notification by its id), then the body is shortened, then `data` left out after all."""
        content = self
        if len(json_bytes(content.data)) > limit // 2:
            content = replace(content, data={})
        payload = encode(content)
        while len(payload) > limit and content.body:
            overflow = len(payload) - limit
            body = content.body.encode()
            # Cut the overflow plus room for the ellipsis (3 bytes); a split character is dropped.
            shorter = body[: max(0, len(body) - overflow - 3)].decode(errors="ignore")
            content = replace(content, body=f"{shorter}…" if shorter else "")
            payload = encode(content)
        if len(payload) > limit:
            payload = encode(replace(content, data={}))
        return payload


def retry_after_seconds(value: str | None) -> int | None:
    """A Retry-After header's delay in seconds (only the delta-seconds form; dates are rare here)."""
    if value and value.strip().isdigit():
        return int(value.strip())
    return None


def json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
