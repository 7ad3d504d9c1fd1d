"""The transition service: the table enforced, history in the same transaction, batches all-or-nothing."""

import pytest

from trackbase.core.errors import ValidationFailed
from trackbase.cylinders import codes, services
from trackbase.cylinders.errors import (
    ActionForbidden,
    InvalidTransition,
    SerialNumberTaken,
    UnknownQrCode,
)
from trackbase.cylinders.lifecycle import Action, Status
from trackbase.cylinders.models import Cylinder, CylinderEvent, Refill, RefillStatus, Shipment, ShipmentStatus

pytestmark = pytest.mark.django_db


def move(actor, action, cylinders, **kwargs):
    return services.cylinders_transition(actor=actor, action=action, qr_codes=[c.qr_code for c in cylinders], **kwargs)


def history(cylinder):
    return list(CylinderEvent.objects.filter(cylinder=cylinder).values_list("from_status", "action", "to_status"))


def test_add_creates_available_cylinders_with_fresh_codes_and_an_add_row(admin_user):
    created = services.cylinders_add(
        actor=admin_user, cylinders=[{"gas_type": " o2 ", "serial_number": " ab-1 "}, {"gas_type": "CO2"}]
    )
    assert [c.status for c in created] == [Status.AVAILABLE] * 2
    assert created[0].serial_number == "AB-1" and created[0].gas_type == "O2"
    assert created[1].serial_number.startswith("CYL-")
    assert all(codes.is_qr_payload(c.qr_code) for c in created)
    assert history(created[0]) == [("", Action.ADD, Status.AVAILABLE)]
    assert CylinderEvent.objects.get(cylinder=created[0]).by == admin_user


def test_add_refuses_a_serial_number_taken_or_repeated(admin_user, add_cylinders):
    add_cylinders(serial_number="S-1")
    with pytest.raises(SerialNumberTaken):
        services.cylinders_add(actor=admin_user, cylinders=[{"gas_type": "O2", "serial_number": "s-1"}])
    with pytest.raises(ValidationFailed):
        services.cylinders_add(actor=admin_user, cylinders=[{"gas_type": "O2", "serial_number": "X"}] * 2)
    assert Cylinder.objects.count() == 1


def test_a_worker_may_not_add(worker):
    with pytest.raises(ActionForbidden):
        services.cylinders_add(actor=worker, cylinders=[{"gas_type": "O2"}])


def test_the_full_cycle_writes_one_history_row_per_change(worker, admin_user, add_cylinders):
    [cylinder] = add_cylinders()
    move(worker, Action.SHIP, [cylinder], sent_to="Acme Gas")
    move(worker, Action.RETURN, [cylinder])
    move(worker, Action.REFILL_SEND, [cylinder], sent_to="North Station")
    move(worker, Action.REFILL_RECEIVE, [cylinder])
    move(admin_user, Action.TRASH, [cylinder], reason="dented")
    cylinder.refresh_from_db()
    assert cylinder.status == Status.TRASHED and cylinder.trash_reason == "dented"
    assert history(cylinder) == [
        ("", Action.ADD, Status.AVAILABLE),
        (Status.AVAILABLE, Action.SHIP, Status.SENT),
        (Status.SENT, Action.RETURN, Status.RETURNED),
        (Status.RETURNED, Action.REFILL_SEND, Status.IN_REFILL),
        (Status.IN_REFILL, Action.REFILL_RECEIVE, Status.AVAILABLE),
        (Status.AVAILABLE, Action.TRASH, Status.TRASHED),
    ]


def test_ship_records_where_and_a_shipment_that_return_closes(worker, add_cylinders, time_machine):
    time_machine.move_to("2026-03-01T08:00:00Z", tick=False)
    [cylinder] = add_cylinders()
    move(worker, Action.SHIP, [cylinder], sent_to="  ACME  Gas Ltd. ")
    cylinder.refresh_from_db()
    assert (cylinder.status, cylinder.sent_to, cylinder.sent_to_key) == (Status.SENT, "ACME Gas Ltd.", "acme gas ltd")
    shipment = Shipment.objects.get()
    assert (shipment.status, shipment.sent_by, shipment.open_cylinder_id) == ("SHIPPED", worker, cylinder.pk)
    time_machine.move_to("2026-03-04T08:00:00Z", tick=False)
    move(worker, Action.RETURN, [cylinder])
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RETURNED and shipment.received_by == worker
    assert shipment.open_cylinder_id is None and shipment.duration_seconds == 3 * 86400
    cylinder.refresh_from_db()
    assert cylinder.sent_to == "" and cylinder.status == Status.RETURNED


def test_a_refill_records_the_station_and_its_turnaround(worker, add_cylinders, time_machine):
    time_machine.move_to("2026-03-01T08:00:00Z", tick=False)
    [cylinder] = add_cylinders()
    for action, place in [(Action.SHIP, "A"), (Action.RETURN, ""), (Action.REFILL_SEND, "Station N")]:
        move(worker, action, [cylinder], sent_to=place)
    time_machine.move_to("2026-03-01T14:00:00Z", tick=False)
    move(worker, Action.REFILL_RECEIVE, [cylinder])
    refill = Refill.objects.get()
    assert (refill.station, refill.status, refill.duration_seconds) == ("Station N", RefillStatus.RECEIVED, 6 * 3600)


def test_trash_while_out_closes_the_open_shipment(worker, admin_user, add_cylinders):
    [cylinder] = add_cylinders()
    move(worker, Action.SHIP, [cylinder], sent_to="Lost Co")
    move(admin_user, Action.TRASH, [cylinder], reason="lost at customer")
    shipment = Shipment.objects.get()
    assert shipment.status == ShipmentStatus.TRASHED and shipment.open_cylinder_id is None


@pytest.mark.parametrize("action", [Action.SHIP, Action.RETURN, Action.TRASH, Action.REPRINT, Action.REFILL_RECEIVE])
def test_nothing_moves_a_trashed_cylinder(action, admin_user, add_cylinders):
    [cylinder] = add_cylinders()
    move(admin_user, Action.TRASH, [cylinder], reason="old")
    with pytest.raises(InvalidTransition) as refused:
        move(admin_user, action, [cylinder], sent_to="X", reason="again")
    assert cylinder.serial_number in refused.value.detail and "TRASHED" in refused.value.detail
    assert len(history(cylinder)) == 2


def test_an_invalid_item_refuses_the_whole_batch_and_names_it(worker, add_cylinders):
    a, b, c = add_cylinders(3)
    move(worker, Action.SHIP, [b], sent_to="Acme")
    with pytest.raises(InvalidTransition) as refused:
        move(worker, Action.SHIP, [a, b, c], sent_to="Acme")
    assert b.serial_number in refused.value.detail and "SENT" in refused.value.detail and "ship" in refused.value.detail
    items = refused.value.errors["qr_codes"]
    assert [(i["qr_code"], i["result"]) for i in items] == [(a.qr_code, "ok"), (b.qr_code, "failed"), (c.qr_code, "ok")]
    assert items[1]["code"] == "INVALID_TRANSITION" and items[1]["status"] == Status.SENT
    assert Cylinder.objects.filter(status=Status.SENT).count() == 1
    assert Shipment.objects.count() == 1 and CylinderEvent.objects.filter(action=Action.SHIP).count() == 1


def test_partial_applies_the_valid_ones_and_reports_the_rest(worker, add_cylinders):
    a, b = add_cylinders(2)
    move(worker, Action.SHIP, [b], sent_to="Acme")
    result = services.cylinders_transition(
        actor=worker,
        action=Action.SHIP,
        qr_codes=[a.qr_code, b.qr_code, "CYL1-NOPE", a.qr_code],
        sent_to="Zeta",
        partial=True,
    )
    assert [i.cylinder.pk for i in result.updated] == [a.pk]
    assert [(i.qr_code, i.code) for i in result.failed] == [
        (b.qr_code, "INVALID_TRANSITION"),
        ("CYL1-NOPE", "UNKNOWN_QR_CODE"),
    ]
    assert [(i.qr_code, i.code) for i in result.skipped] == [(a.qr_code, "DUPLICATE_IN_REQUEST")]
    assert CylinderEvent.objects.filter(cylinder=a, action=Action.SHIP).count() == 1


def test_a_code_scanned_twice_is_applied_once(worker, add_cylinders):
    [cylinder] = add_cylinders()
    result = move(worker, Action.SHIP, [cylinder, cylinder, cylinder], sent_to="Acme")
    assert len(result.updated) == 1 and len(result.skipped) == 2
    assert len(history(cylinder)) == 2


def test_unknown_codes_alone_refuse_the_batch_with_their_own_code(worker, add_cylinders):
    [cylinder] = add_cylinders()
    with pytest.raises(UnknownQrCode):
        services.cylinders_transition(
            actor=worker, action=Action.SHIP, qr_codes=[cylinder.qr_code, "CYL1-X"], sent_to="A"
        )
    cylinder.refresh_from_db()
    assert cylinder.status == Status.AVAILABLE


def test_scanned_codes_are_matched_whatever_their_case_and_spacing(worker, add_cylinders):
    [cylinder] = add_cylinders()
    services.cylinders_transition(
        actor=worker, action=Action.SHIP, qr_codes=[f" {cylinder.qr_code.lower()} "], sent_to="A"
    )
    cylinder.refresh_from_db()
    assert cylinder.status == Status.SENT


@pytest.mark.parametrize(
    ("action", "field"), [(Action.SHIP, "sent_to"), (Action.REFILL_SEND, "sent_to"), (Action.TRASH, "reason")]
)
def test_it_rejects_an_action_without_its_detail(action, field, admin_user, add_cylinders):
    [cylinder] = add_cylinders()
    with pytest.raises(ValidationFailed) as refused:
        move(admin_user, action, [cylinder], sent_to="  ", reason=" ")
    assert field in refused.value.errors


@pytest.mark.parametrize("action", [Action.TRASH, Action.REPRINT])
def test_a_worker_may_not_trash_or_reprint(action, worker, add_cylinders):
    [cylinder] = add_cylinders()
    with pytest.raises(ActionForbidden):
        move(worker, action, [cylinder], reason="x")


def test_reprint_replaces_the_code_and_keeps_the_old_one_in_history(admin_user, add_cylinders):
    [cylinder] = add_cylinders()
    old = cylinder.qr_code
    result = move(admin_user, Action.REPRINT, [cylinder])
    [item] = result.updated
    assert item.previous_qr_code == old and item.cylinder.qr_code != old
    assert not Cylinder.objects.filter(qr_code=old).exists()
    event = CylinderEvent.objects.filter(action=Action.REPRINT).get()
    assert (event.previous_qr_code, event.qr_code, event.from_status, event.to_status) == (
        old,
        item.cylinder.qr_code,
        "AVAILABLE",
        "AVAILABLE",
    )
    with pytest.raises(UnknownQrCode):
        services.cylinders_transition(actor=admin_user, action=Action.SHIP, qr_codes=[old], sent_to="A")


def test_a_batch_emits_one_event_after_commit(worker, add_cylinders, emitted, django_capture_on_commit_callbacks):
    cylinders = add_cylinders(3)
    with django_capture_on_commit_callbacks(execute=True):
        move(worker, Action.SHIP, cylinders, sent_to="Acme")
    [(room, event, data)] = emitted
    assert (room, event, data["action"], data["count"]) == ("cylinders:all", "cylinders-updated", "ship", 3)
    first = data["cylinders"][0]
    assert set(first) == {"id", "qr_code", "serial_number", "from_status", "status", "action", "sent_to", "by", "at"}
    assert (first["from_status"], first["status"], first["sent_to"], first["by"]) == (
        "AVAILABLE",
        "SENT",
        "Acme",
        "worker",
    )


def test_a_refused_batch_emits_nothing(worker, add_cylinders, emitted, django_capture_on_commit_callbacks):
    [cylinder] = add_cylinders()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        move(worker, Action.RETURN, [cylinder])
    assert emitted == []


def test_a_batch_of_500_costs_a_handful_of_queries_not_one_per_cylinder(
    worker, add_cylinders, django_assert_max_num_queries
):
    small, large = add_cylinders(5), add_cylinders(500)
    with django_assert_max_num_queries(8):
        move(worker, Action.SHIP, small, sent_to="Acme")
    # A few more only where SQLite's bound-parameter limit splits the bulk inserts into chunks.
    with django_assert_max_num_queries(25):
        move(worker, Action.SHIP, large, sent_to="Acme")
    assert Shipment.objects.count() == 505


def test_a_return_records_where_the_cylinder_came_back_from(worker, add_cylinders):
    [cylinder] = add_cylinders()
    move(worker, Action.SHIP, [cylinder], sent_to="Acme")
    move(worker, Action.RETURN, [cylinder])
    event = CylinderEvent.objects.get(action=Action.RETURN)
    assert (event.sent_to, event.sent_to_key) == ("Acme", "acme")
