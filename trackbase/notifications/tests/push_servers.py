"""Local stand-ins for the push providers, speaking their protocols on 127.0.0.1 (no mocks of the client).

- `ApnsServer`: HTTP/2 (h2c, prior knowledge) like api.push.apple.com. It checks what Apple checks — the
  ES256 provider token against the team's public key, the path, the headers, the JSON body — and answers
  what the test scripts: 200, 410 Unregistered, 400 BadDeviceToken, 429, 500, 403 ExpiredProviderToken...
- `WebPushServer`: a push service (RFC 8030). It checks the VAPID `Authorization: vapid t=..., k=...`
  header, then decrypts the aes128gcm body with the browser's private key, and answers 201/404/410/429...

Both run hypercorn on an event loop in a daemon thread, on a socket bound before the thread starts.
"""

import asyncio
import base64
import contextlib
import json
import os
import socket
import threading
from collections import deque
from dataclasses import dataclass, field

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypercorn.asyncio import serve
from hypercorn.config import Config


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def p256_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_pem(key: ec.EllipticCurvePrivateKey) -> str:
    """PKCS#8 PEM, the format of the .p8 file Apple hands out."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_point(key) -> bytes:
    public = key.public_key() if hasattr(key, "public_key") else key
    return public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@dataclass
class Answer:
    status: int
    reason: str = ""  # APNs: the JSON {"reason": ...}; Web Push: the body text
    headers: dict = field(default_factory=dict)


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    http_version: str
    problems: list[str]  # what the server found wrong with the request (empty: a valid request)
    claims: dict = field(default_factory=dict)
    plaintext: bytes | None = None


class _Server:
    """An ASGI app on hypercorn in a thread. Subclasses implement `check(request) -> problems` and
    `refuse(problems) -> Answer`; scripted answers are served in order, then `default`."""

    default = Answer(200)

    def __init__(self):
        self.requests: list[Received] = []
        self.answers: deque[Answer] = deque()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._stopped = asyncio.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(10)
        with contextlib.suppress(OSError):  # hypercorn closes the listening socket it was handed
            self._sock.close()

    def reset(self):
        self.requests.clear()
        self.answers.clear()

    def answer(self, *answers: Answer):
        self.answers.extend(answers)

    def _run(self):
        asyncio.set_event_loop(self._loop)
        config = Config()
        config.bind = [f"fd://{self._sock.fileno()}"]
        config.accesslog = config.errorlog = None
        config.loglevel = "WARNING"
        config.graceful_timeout = 0.2  # the clients are gone when a test session ends
        self._loop.run_until_complete(serve(self._app, config, shutdown_trigger=self._stopped.wait))

    async def _app(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = Received(
            method=scope["method"],
            path=scope["path"],
            headers={k.decode().lower(): v.decode() for k, v in scope["headers"]},
            body=body,
            http_version=scope["http_version"],
            problems=[],
        )
        request.problems = self.check(request)
        self.requests.append(request)
        answer = self.refuse(request.problems) if request.problems else self._next_answer()
        await self._respond(send, answer)

    def _next_answer(self) -> Answer:
        return self.answers.popleft() if self.answers else self.default

    async def _respond(self, send, answer: Answer):
        body = self.encode_reason(answer)
        headers = [(k.encode(), str(v).encode()) for k, v in answer.headers.items()]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def check(self, request: Received) -> list[str]:
        raise NotImplementedError

    def refuse(self, problems: list[str]) -> Answer:
        raise NotImplementedError

    def encode_reason(self, answer: Answer) -> bytes:
        return answer.reason.encode()


class ApnsServer(_Server):
    """APNs for one team, one signing key and one topic."""

    def __init__(self, *, team_id: str, key_id: str, topic: str, signing_key: ec.EllipticCurvePrivateKey):
        super().__init__()
        self.team_id, self.key_id, self.topic = team_id, key_id, topic
        self.public_key = signing_key.public_key()
        self.expired_tokens: set[str] = set()
        self.default = Answer(200, headers={"apns-id": "0E3E8D5A-5B7E-4A3C-9F4E-3D0C8B9A1F20"})

    def reset(self):
        super().reset()
        self.expired_tokens.clear()

    def expire_tokens_seen(self):
        """Apple's answer to a provider token past its hour: 403 ExpiredProviderToken until a fresh one."""
        self.expired_tokens |= {r.headers.get("authorization", "") for r in self.requests}

    def check(self, request: Received) -> list[str]:
        problems = []
        if request.http_version != "2":
            problems.append(f"HTTP/{request.http_version}: APNs speaks HTTP/2 only")
        if request.method != "POST" or not request.path.startswith("/3/device/"):
            problems.append(f"{request.method} {request.path}: not the device endpoint")
        authorization = request.headers.get("authorization", "")
        if authorization in self.expired_tokens:
            problems.append("ExpiredProviderToken")
        elif not authorization.startswith("bearer "):
            problems.append("MissingProviderToken")
        else:
            problems += self._token_problems(authorization.removeprefix("bearer "), request)
        problems += self._header_problems(request.headers)
        problems += self._body_problems(request.body)
        return problems

    def _token_problems(self, token: str, request: Received) -> list[str]:
        try:
            header = jwt.get_unverified_header(token)
            request.claims = jwt.decode(token, self.public_key, algorithms=["ES256"], options={"require": ["iat"]})
        except jwt.PyJWTError as exc:
            return [f"InvalidProviderToken: {exc}"]
        if header.get("kid") != self.key_id or header.get("alg") != "ES256":
            return [f"InvalidProviderToken: header {header}"]
        if request.claims.get("iss") != self.team_id:
            return [f"InvalidProviderToken: iss {request.claims.get('iss')}"]
        return []

    def _header_problems(self, headers: dict) -> list[str]:
        problems = []
        if headers.get("apns-topic") != self.topic:
            problems.append(f"TopicDisallowed: {headers.get('apns-topic')}")
        if headers.get("apns-push-type") != "alert":
            problems.append("InvalidPushType")
        if headers.get("apns-priority") not in {"5", "10"}:
            problems.append("BadPriority")
        if not headers.get("apns-expiration", "").isdigit():
            problems.append("BadExpirationDate")
        if len(headers.get("apns-collapse-id", "").encode()) > 64:
            problems.append("BadCollapseId")
        return problems

    def _body_problems(self, body: bytes) -> list[str]:
        if len(body) > 4096:
            return ["PayloadTooLarge"]
        try:
            payload = json.loads(body)
            alert = payload["aps"]["alert"]
            assert isinstance(alert["title"], str) and isinstance(alert["body"], str)
        except (ValueError, KeyError, TypeError, AssertionError):
            return ["BadPayload"]
        return []

    def refuse(self, problems: list[str]) -> Answer:
        first = problems[0].split(":")[0]
        if first in {"ExpiredProviderToken", "InvalidProviderToken", "MissingProviderToken"}:
            return Answer(403, first)
        return Answer(413 if first == "PayloadTooLarge" else 400, first)

    def encode_reason(self, answer: Answer) -> bytes:
        if not answer.reason:
            return b""
        answer.headers.setdefault("content-type", "application/json")
        return json.dumps({"reason": answer.reason}).encode()


class Browser:
    """A browser's push subscription: its own P-256 key and auth secret, as `PushSubscription.toJSON()`."""

    def __init__(self, endpoint: str):
        self.key = p256_key()
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    @property
    def subscription(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public_point(self.key)), "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")


class WebPushServer(_Server):
    """A push service holding subscriptions at `/push/<id>`; it knows each browser to decrypt for it."""

    default = Answer(201, headers={"location": "/message/1"})

    def __init__(self, *, vapid_public_point: bytes, subject: str):
        super().__init__()
        self.vapid_public_point = vapid_public_point
        self.subject = subject
        self.browsers: dict[str, Browser] = {}

    def browser(self, name: str = "b1") -> Browser:
        self.browsers[f"/push/{name}"] = Browser(f"{self.url}/push/{name}")
        return self.browsers[f"/push/{name}"]

    def check(self, request: Received) -> list[str]:
        problems = []
        if request.method != "POST" or request.path not in self.browsers:
            return [f"{request.method} {request.path}: no such subscription"]
        if request.headers.get("content-encoding") != "aes128gcm":
            problems.append(f"content-encoding {request.headers.get('content-encoding')}")
        if not request.headers.get("ttl", "").isdigit():
            problems.append("TTL header missing")
        problems += self._vapid_problems(request)
        try:
            request.plaintext = self.browsers[request.path].decrypt(request.body)
        except Exception as exc:
            problems.append(f"cannot decrypt: {type(exc).__name__}: {exc}")
        return problems

    def _vapid_problems(self, request: Received) -> list[str]:
        scheme, _, params = request.headers.get("authorization", "").partition(" ")
        fields = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        if scheme.lower() != "vapid" or not {"t", "k"} <= set(fields):
            return [f"VAPID: authorization is not 'vapid t=..., k=...': {request.headers.get('authorization')}"]
        if b64url_decode(fields["k"]) != self.vapid_public_point:
            return ["VAPID key is not the one the subscription was made with"]
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), self.vapid_public_point)
        try:
            request.claims = jwt.decode(
                fields["t"], public_key, algorithms=["ES256"], audience=self.url, options={"require": ["exp", "aud"]}
            )
        except jwt.PyJWTError as exc:
            return [f"VAPID: token invalid: {exc}"]
        if request.claims.get("sub") != self.subject:
            return [f"VAPID: sub {request.claims.get('sub')}"]
        return []

    def refuse(self, problems: list[str]) -> Answer:
        if problems[0].startswith("POST"):
            return Answer(404, problems[0])
        if problems[0].startswith("VAPID key"):
            return Answer(403, problems[0])  # as FCM answers a key the subscription was not made with
        return Answer(401 if problems[0].startswith("VAPID") else 400, problems[0])
