"""emit_to_users publishes, in one pipeline, exactly the messages python-socketio's manager would publish one by one."""

import json
import time

import pytest
import redis
from django.conf import settings

from trackbase.realtime import services

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="publishing through Redis needs REDIS_URL")


def _received(pubsub, count: int) -> list[dict]:
    messages, deadline = [], time.monotonic() + 5
    while len(messages) < count and time.monotonic() < deadline:
        message = pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
        if message:
            messages.append(json.loads(message["data"]))
    return messages


def test_it_publishes_what_the_manager_would_in_one_pipeline(monkeypatch):
    publisher = services._publisher()
    pubsub = services._redis().pubsub()
    pubsub.subscribe(publisher.channel)
    try:
        _received(pubsub, 0)
        services.emit_to_user(7, "notification", {"id": 1, "title": "12951 delayed"})
        [one_by_one] = _received(pubsub, 1)

        published, publish = [], redis.Redis.publish

        def spy(client, *args, **kwargs):
            if not isinstance(client, redis.client.Pipeline):
                published.append(args)
            return publish(client, *args, **kwargs)

        monkeypatch.setattr(redis.Redis, "publish", spy)
        services.emit_to_users(
            [(user_id, "notification", {"id": 1, "title": "12951 delayed"}) for user_id in (7, 8, 9)]
        )
        batch = _received(pubsub, 3)
    finally:
        pubsub.close()

    assert published == []  # nothing went out as a PUBLISH call of its own: all through the pipeline
    assert batch[0] == one_by_one
    assert [message["room"] for message in batch] == ["user:7", "user:8", "user:9"]
