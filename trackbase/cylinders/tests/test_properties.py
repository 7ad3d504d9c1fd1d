"""Property-based: random sequences of scans by workers and admins, through the services, never break
the lifecycle. After every sequence, for every cylinder:

- its status is what an independent model of the transition table predicts, step by step;
- its history replays (lifecycle.replay) to its current status: no row outside the table, no gap;
- nothing follows a TRASHED row, and a trashed cylinder stays trashed;
- it has an open Shipment exactly when SENT and an open Refill exactly when IN_REFILL;
- its QR codes chain through the reprint rows, and only the newest one resolves.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trackbase.cylinders import lifecycle, selectors, services
from trackbase.cylinders.errors import ActionForbidden, CylinderNotFound, InvalidTransition
from trackbase.cylinders.lifecycle import Action, Status
from trackbase.cylinders.models import Cylinder, CylinderEvent, Refill, Shipment

pytestmark = pytest.mark.django_db

CYLINDERS = 3

steps = st.lists(
    st.tuples(
        st.sampled_from(["worker", "admin"]),
        st.sampled_from(Action.BULK),
        st.lists(st.integers(0, CYLINDERS - 1), min_size=1, max_size=4),  # repeats: a code scanned twice
        st.booleans(),  # partial
    ),
    max_size=30,
)


class Model:
    """What the transition table alone says should happen, kept beside the database."""

    def __init__(self, cylinders):
        self.status = {c.pk: Status.AVAILABLE for c in cylinders}
        self.qr = {c.pk: c.qr_code for c in cylinders}
        self.old_qr: dict[int, list[str]] = {c.pk: [] for c in cylinders}

    def expect(self, action: str, ids: list[int]) -> tuple[list[int], list[int]]:
        unique = list(dict.fromkeys(ids))
        ok = [i for i in unique if lifecycle.allows(action, self.status[i])]
        return ok, [i for i in unique if i not in ok]

    def apply(self, action: str, items) -> None:
        for item in items:
            pk = item.cylinder.pk
            self.status[pk] = lifecycle.target(action, self.status[pk])
            if action == Action.REPRINT:
                self.old_qr[pk].append(self.qr[pk])
                self.qr[pk] = item.cylinder.qr_code


def run(step, model: Model, cylinders, actors) -> None:
    who, action, picks, partial = step
    actor = actors[who]
    ids = [cylinders[p].pk for p in picks]
    ok, bad = model.expect(action, ids)
    try:
        result = services.cylinders_transition(
            actor=actor,
            action=action,
            qr_codes=[model.qr[i] for i in ids],
            sent_to="Somewhere",
            reason="worn",
            partial=partial,
        )
    except ActionForbidden:
        assert not lifecycle.may(actor.role, action)
        return
    except InvalidTransition:
        assert bad and not partial, (action, ok, bad)
        return
    assert lifecycle.may(actor.role, action)
    assert [item.cylinder.pk for item in result.updated] == ok
    assert [item.qr_code for item in result.failed] == [model.qr[i] for i in bad]
    assert len(result.skipped) == len(ids) - len(set(ids))
    model.apply(action, result.updated)


def check_invariants(model: Model, cylinders) -> None:
    for cylinder in cylinders:
        cylinder.refresh_from_db()
        assert cylinder.status == model.status[cylinder.pk]
        events = list(CylinderEvent.objects.filter(cylinder=cylinder).order_by("id"))
        history = [(e.from_status or None, e.action, e.to_status) for e in events]
        assert lifecycle.replay(history) == cylinder.status
        trashed_at = next((n for n, e in enumerate(events) if e.to_status == Status.TRASHED), None)
        assert trashed_at is None or trashed_at == len(events) - 1
        open_shipments = Shipment.objects.filter(open_cylinder_id=cylinder.pk).count()
        open_refills = Refill.objects.filter(open_cylinder_id=cylinder.pk).count()
        assert open_shipments == (cylinder.status == Status.SENT)
        assert open_refills == (cylinder.status == Status.IN_REFILL)
        codes = [events[0].qr_code] + [e.qr_code for e in events if e.action == Action.REPRINT]
        assert [e.previous_qr_code for e in events if e.action == Action.REPRINT] == codes[:-1]
        assert codes[-1] == cylinder.qr_code == model.qr[cylinder.pk]
        assert selectors.cylinder_by_qr(qr_code=cylinder.qr_code).pk == cylinder.pk
        for old in model.old_qr[cylinder.pk]:
            with pytest.raises(CylinderNotFound):
                selectors.cylinder_by_qr(qr_code=old)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_random_scan_sequences_keep_the_lifecycle(steps, worker, admin_user):
    # Examples share the test's database transaction, so each works on cylinders of its own.
    cylinders = services.cylinders_add(actor=admin_user, cylinders=[{"gas_type": "O2"}] * CYLINDERS)
    model = Model(cylinders)
    actors = {"worker": worker, "admin": admin_user}
    for step in steps:
        run(step, model, cylinders, actors)
    check_invariants(model, cylinders)
    assert Cylinder.objects.filter(pk__in=model.status, status=Status.TRASHED).count() == sum(
        status == Status.TRASHED for status in model.status.values()
    )
