"""Cylinder reads: lists with filters, one cylinder, a scanned code, its history."""

from datetime import date

from django.db.models import QuerySet

from trackbase.cylinders import codes
from trackbase.cylinders.errors import CylinderNotFound, CylinderTrashed
from trackbase.cylinders.lifecycle import Status
from trackbase.cylinders.models import Cylinder, CylinderEvent


def cylinder_list(
    *,
    status: str | None = None,
    sent_to: str | None = None,
    gas_type: str | None = None,
    test_due_before: date | None = None,
    serial_number: str | None = None,
) -> QuerySet[Cylinder]:
    rows = Cylinder.objects.order_by("id")
    if status:
        rows = rows.filter(status=status)
    if sent_to:
        rows = rows.filter(sent_to_key=codes.place_key(sent_to))
    if gas_type:
        rows = rows.filter(gas_type=" ".join(gas_type.split()).upper())
    if test_due_before:
        rows = rows.filter(next_test_due__lt=test_due_before)
    if serial_number:
        rows = rows.filter(serial_number=codes.serial_key(serial_number))
    return rows


def cylinder_get(*, cylinder_id: int) -> Cylinder:
    cylinder = Cylinder.objects.filter(pk=cylinder_id).first()  # the <id:> route converter bounds it
    if cylinder is None:
        raise CylinderNotFound()
    return cylinder


def cylinders_in_order(*, ids: list[int]) -> list[Cylinder]:
    """These cylinders in the order asked (a repeated id once); 404 naming any that do not exist."""
    wanted = list(dict.fromkeys(ids))
    found = Cylinder.objects.in_bulk(wanted)
    missing = [i for i in wanted if i not in found]
    if missing:
        raise CylinderNotFound(errors={"ids": [f"No cylinder {i}." for i in missing]})
    return [found[i] for i in wanted]


def cylinders_for_labels(*, ids: list[int]) -> list[Cylinder]:
    """`cylinders_in_order`, refusing the whole sheet (409 CYLINDER_TRASHED, naming each) if any is trashed:
    a printed label would put a retired pressure vessel back into circulation."""
    cylinders = cylinders_in_order(ids=ids)
    trashed = [c for c in cylinders if c.status == Status.TRASHED]
    if trashed:
        raise CylinderTrashed(errors={"ids": [f"Cylinder {c.pk} ({c.serial_number}) is TRASHED." for c in trashed]})
    return cylinders


def cylinder_by_qr(*, qr_code: str) -> Cylinder:
    """The cylinder a scanned code belongs to now; a code replaced by a reprint resolves to nothing."""
    key = codes.qr_key(qr_code)
    cylinder = Cylinder.objects.filter(qr_code=key).first() if codes.is_qr_payload(key) else None
    if cylinder is None:
        raise CylinderNotFound()
    return cylinder


def cylinder_history(*, cylinder_id: int) -> QuerySet[CylinderEvent]:
    """Oldest first: the order the changes happened in (ids grow with commits of one cylinder's rows)."""
    cylinder = cylinder_get(cylinder_id=cylinder_id)
    return CylinderEvent.objects.filter(cylinder=cylinder).order_by("id")
