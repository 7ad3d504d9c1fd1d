"""Cylinder writes: add, and every lifecycle action through one transition service.

`cylinders_transition` is the only code that changes a cylinder's status. It locks the scanned rows
late, in qr_code order (the order both PostgreSQL and InnoDB take row locks in for this query, so two
overlapping batches cannot deadlock), checks each against the lifecycle table, and then flips them
with UPDATEs conditional on the status it checked: two workers scanning one cylinder at once get one
transition, the other sees the new status and an INVALID_TRANSITION. The history rows, the Shipment /
Refill rows and the status change commit together or not at all; the real-time event goes out after.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from trackbase.core.errors import ValidationFailed
from trackbase.cylinders import codes, lifecycle, live
from trackbase.cylinders.activity import activity_count
from trackbase.cylinders.errors import (
    ActionForbidden,
    InvalidTransition,
    SerialNumberTaken,
    UnknownQrCode,
)
from trackbase.cylinders.lifecycle import Action, Status
from trackbase.cylinders.models import Cylinder, CylinderEvent
from trackbase.cylinders.tasks import delete_qr_images
from trackbase.cylinders.trips import trips_record

MAX_BATCH = 1000

OK, SKIPPED, FAILED = "ok", "skipped", "failed"
DUPLICATE_IN_REQUEST = "DUPLICATE_IN_REQUEST"


@dataclass
class Item:
    """One scanned code's outcome."""

    qr_code: str
    result: str
    code: str = ""
    message: str = ""
    cylinder: Cylinder | None = None
    from_status: str = ""
    from_place: str = ""  # sent_to before the change: where a return or receive came back from
    previous_qr_code: str = ""

    def as_problem_item(self) -> dict:
        item = {"qr_code": self.qr_code, "result": self.result}
        if self.code:
            item |= {"code": self.code, "message": self.message}
        if self.cylinder is not None:
            item |= {"id": self.cylinder.pk, "status": self.cylinder.status}
        return item


@dataclass
class BatchResult:
    action: str
    updated: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)
    failed: list[Item] = field(default_factory=list)


# --- add ------------------------------------------------------------------------------------------
def cylinders_add(*, actor, cylinders: list[dict], note: str = "") -> list[Cylinder]:
    """Register new cylinders (admin): each AVAILABLE, with a fresh QR payload and an `add` history row."""
    _check_role(actor, Action.ADD)
    rows = [_new_cylinder(spec) for spec in cylinders]
    _check_serials([row.serial_number for row in rows])
    now = timezone.now()
    for row in rows:
        row.status_changed_at = now
    try:
        # Not durable: under `@idempotent` this runs inside the key's transaction, which stores the response
        # with the effect (trackbase/core/idempotency.py).
        with transaction.atomic():
            created = Cylinder.objects.bulk_create(rows)
            _history(Action.ADD, [(c, "", "", "") for c in created], actor=actor, now=now, note=note)
    except IntegrityError:
        # A concurrent add took a serial between our check and our insert (a QR collision is 2^-130).
        raise SerialNumberTaken() from None
    live.cylinders_changed_on_commit(Action.ADD, [(c, "") for c in created], actor=actor, at=now)
    return created


def _new_cylinder(spec: dict) -> Cylinder:
    serial = codes.serial_key(spec.get("serial_number") or "") or codes.new_serial_number()
    fields = {k: spec.get(k) for k in ("capacity", "tare_weight", "manufacture_date", "next_test_due")}
    return Cylinder(
        serial_number=serial,
        qr_code=codes.new_qr_payload(),
        status=Status.AVAILABLE,
        gas_type=" ".join(spec["gas_type"].split()).upper(),
        **fields,
    )


def _check_serials(serials: list[str]) -> None:
    seen, errors = set(), {}
    for index, serial in enumerate(serials):
        if serial in seen:
            errors[str(index)] = {"serial_number": [f"{serial} appears twice in this request."]}
        seen.add(serial)
    if errors:
        raise ValidationFailed(errors={"cylinders": errors})
    taken = sorted(Cylinder.objects.filter(serial_number__in=serials).values_list("serial_number", flat=True))
    if taken:
        raise SerialNumberTaken(
            f"These serial numbers are already registered: {', '.join(taken)}.",
            errors={"serial_number": [f"{serial} is taken." for serial in taken]},
        )


# --- every other action -----------------------------------------------------------------------------
def cylinders_transition(
    *,
    actor,
    action: str,
    qr_codes: list[str],
    sent_to: str = "",
    reason: str = "",
    note: str = "",
    partial: bool = False,
) -> BatchResult:
    """Apply `action` to the scanned cylinders. All or nothing unless `partial`; codes scanned twice are skipped."""
    rule = lifecycle.transition(action)
    _check_role(actor, action)
    sent_to, reason = " ".join(sent_to.split()), reason.strip()
    _check_details(rule, sent_to=sent_to, reason=reason)
    result, unique = BatchResult(action), _dedupe([codes.qr_key(c) for c in qr_codes])
    result.skipped = unique.duplicates
    now = timezone.now()
    with transaction.atomic():  # not durable: the Idempotency-Key's transaction may hold it (see cylinders_add)
        ours = [code for code in unique.codes if codes.is_qr_payload(code)]
        rows = Cylinder.objects.select_for_update().filter(qr_code__in=ours).order_by("qr_code")
        locked = {c.qr_code: c for c in rows}
        accepted = _sort_out(result, action, unique.codes, locked)
        if result.failed and not partial:
            raise _refusal(result, action, [codes.qr_key(c) for c in qr_codes])
        if accepted:
            _apply(rule, accepted, actor=actor, now=now, sent_to=sent_to, reason=reason, note=note)
    result.updated = accepted
    if accepted:
        changes = [(item.cylinder, item.from_status) for item in accepted]
        live.cylinders_changed_on_commit(action, changes, actor=actor, at=now)
    return result


def _check_role(actor, action: str) -> None:
    if not lifecycle.may(actor.role, action):
        raise ActionForbidden(f"Only administrators may {action} cylinders.")


def _check_details(rule: lifecycle.Transition, *, sent_to: str, reason: str) -> None:
    errors = {}
    if rule.needs_sent_to and not sent_to:
        errors["sent_to"] = [f"Say where the cylinders go ({rule.action} needs sent_to)."]
    if rule.needs_reason and not reason:
        errors["reason"] = [f"{rule.action} needs a reason."]
    if errors:
        raise ValidationFailed(errors=errors)


@dataclass
class _Unique:
    codes: list[str]
    duplicates: list[Item]


def _dedupe(keys: list[str]) -> _Unique:
    seen, codes_, duplicates = set(), [], []
    for key in keys:
        if key in seen:
            duplicates.append(Item(key, SKIPPED, DUPLICATE_IN_REQUEST, "Scanned more than once in this request."))
            continue
        seen.add(key)
        codes_.append(key)
    return _Unique(codes_, duplicates)


def _sort_out(result: BatchResult, action: str, keys: list[str], locked: dict[str, Cylinder]) -> list[Item]:
    accepted = []
    for key in keys:
        cylinder = locked.get(key)
        if cylinder is None:
            result.failed.append(Item(key, FAILED, UnknownQrCode.code, "No cylinder has this QR code."))
        elif not lifecycle.allows(action, cylinder.status):
            message = lifecycle.refusal(action=action, status=cylinder.status, label=cylinder.serial_number)
            result.failed.append(Item(key, FAILED, InvalidTransition.code, message, cylinder, cylinder.status))
        else:
            accepted.append(Item(key, OK, cylinder=cylinder, from_status=cylinder.status, from_place=cylinder.sent_to))
    return accepted


def _refusal(result: BatchResult, action: str, scanned: list[str]) -> Exception:
    by_code = {item.qr_code: item for item in result.failed}
    items = [by_code.get(code, Item(code, OK)).as_problem_item() for code in dict.fromkeys(scanned)]
    items += [item.as_problem_item() for item in result.skipped]
    invalid = [item for item in result.failed if item.code == InvalidTransition.code]
    errors = {"qr_codes": items}
    if invalid:
        detail = invalid[0].message
        if len(result.failed) > 1:
            verb = lifecycle.transition(action).verb
            detail = f"{len(result.failed)} cylinders cannot be {verb}; nothing was changed. First: {detail}"
        return InvalidTransition(detail, errors=errors)
    return UnknownQrCode(errors=errors)


def _apply(rule, items: list[Item], *, actor, now: datetime, sent_to: str, reason: str, note: str) -> None:
    cylinders = [item.cylinder for item in items]
    place_key = codes.place_key(sent_to)
    if rule.action == Action.REPRINT:
        _reprint(items, now=now)
    else:
        _move(rule, cylinders, now=now, sent_to=sent_to, place_key=place_key, reason=reason)
    trips_record(action=rule.action, cylinders=cylinders, actor=actor, now=now, place=sent_to, place_key=place_key)
    changes = [(item.cylinder, item.from_status, item.previous_qr_code, item.from_place) for item in items]
    _history(rule.action, changes, actor=actor, now=now, note=note, reason=reason)


def _move(rule, cylinders: list[Cylinder], *, now: datetime, sent_to: str, place_key: str, reason: str) -> None:
    away = rule.target in Status.AWAY
    fields = {
        "status": rule.target,
        "status_changed_at": now,
        "updated_at": now,
        "sent_to": sent_to if away else "",
        "sent_to_key": place_key if away else "",
    }
    if rule.action == Action.TRASH:
        fields["trash_reason"] = reason
    by_source = defaultdict(list)
    for cylinder in cylinders:
        by_source[cylinder.status].append(cylinder.pk)
    for source, ids in by_source.items():
        # Conditional on the status just checked: a second guard behind the row locks.
        changed = Cylinder.objects.filter(pk__in=ids, status=source).update(**fields)
        if changed != len(ids):
            raise InvalidTransition("A cylinder changed status while this batch ran; nothing was changed.")
    for cylinder in cylinders:
        for name, value in fields.items():
            setattr(cylinder, name, value)


def _reprint(items: list[Item], *, now: datetime) -> None:
    for item in items:
        item.previous_qr_code = item.cylinder.qr_code
        item.cylinder.qr_code = codes.new_qr_payload()
        item.cylinder.updated_at = now
    Cylinder.objects.bulk_update([item.cylinder for item in items], ["qr_code", "updated_at"], batch_size=500)
    replaced = [item.previous_qr_code for item in items]
    # The old payloads' stored images: no cylinder carries them now (a rolled-back reprint keeps them).
    transaction.on_commit(lambda: delete_qr_images.enqueue(qr_codes=replaced))


def _history(action: str, changes, *, actor, now: datetime, note: str = "", reason: str = "") -> None:
    """One row per (cylinder, from_status, previous_qr_code, from_place), counted in the activity report's day.
    The row's sent_to is the place the event concerns: where the cylinder went (ship, refill/send) or came
    back from (return, receive, trash)."""
    rows = CylinderEvent.objects.bulk_create(
        CylinderEvent(
            cylinder=cylinder,
            action=action,
            from_status=from_status,
            to_status=cylinder.status,
            by=actor,
            by_username=actor.username,
            at=now,
            sent_to=cylinder.sent_to or from_place,
            sent_to_key=cylinder.sent_to_key or codes.place_key(from_place),
            qr_code=cylinder.qr_code,
            previous_qr_code=previous_qr_code,
            reason=reason,
            note=note,
        )
        for cylinder, from_status, previous_qr_code, from_place in changes
    )
    activity_count(day=timezone.localdate(now), action=action, actor=actor, count=len(rows))
