import pytest

from trackbase.cylinders import services


@pytest.fixture
def add_cylinders(admin_user):
    """Register n cylinders through the service (as the admin persona) and return them."""

    def add(n: int = 1, **spec):
        return services.cylinders_add(actor=admin_user, cylinders=[{"gas_type": "O2", **spec} for _ in range(n)])

    return add


@pytest.fixture
def emitted(monkeypatch):
    """Every real-time emit, as (room, event, data), instead of sending it."""
    sent = []
    monkeypatch.setattr(
        "trackbase.realtime.services.emit_to_room", lambda room, event, data: sent.append((room, event, data))
    )
    return sent
