import pytest

from trackbase.accounts.tests.factories import UserFactory
from trackbase.core.testing import client_for
from trackbase.wellness.models import Membership, Role
from trackbase.wellness.services.groups import group_create


@pytest.fixture
def group(owner):
    """The owner's group (owner is its admin), in UTC."""
    return group_create(user=owner, name="Friends", description="Weekly", max_members=5)


@pytest.fixture
def member(group):
    user = UserFactory(username="member")
    Membership.objects.create(group=group, user=user, role=Role.MEMBER)
    group.member_count += 1
    group.save(update_fields=["member_count"])
    return user


@pytest.fixture
def member_client(member):
    return client_for(member)


@pytest.fixture
def emitted(monkeypatch):
    """Every realtime emit, as (room, event, data), captured where the gateway would publish it."""
    sent = []
    monkeypatch.setattr(
        "trackbase.realtime.services.emit_to_room", lambda room, event, data: sent.append((room, event, data))
    )
    monkeypatch.setattr(
        "trackbase.realtime.services.emit_to_users",
        lambda emits: sent.extend((f"user:{user_id}", event, data) for user_id, event, data in emits),
    )
    return sent


def data_of(response, status=200):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is True
    return body["data"]


def error_of(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert set(body["meta"]) == {"timestamp", "requestId"}
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]
