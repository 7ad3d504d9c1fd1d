"""Open and close the Shipment and Refill rows a transition implies (called inside its transaction)."""

from datetime import datetime

from trackbase.cylinders.lifecycle import Action
from trackbase.cylinders.models import Cylinder, Refill, RefillStatus, Shipment, ShipmentStatus


def trips_record(*, action: str, cylinders: list[Cylinder], actor, now: datetime, place: str, place_key: str) -> None:
    ids = [c.pk for c in cylinders]
    by = {"sent_by": actor, "sent_by_username": actor.username}
    if action == Action.SHIP:
        Shipment.objects.bulk_create(
            Shipment(cylinder=c, open_cylinder_id=c.pk, sent_at=now, sent_to=place, sent_to_key=place_key, **by)
            for c in cylinders
        )
    elif action == Action.REFILL_SEND:
        Refill.objects.bulk_create(
            Refill(cylinder=c, open_cylinder_id=c.pk, sent_at=now, station=place, station_key=place_key, **by)
            for c in cylinders
        )
    elif action == Action.RETURN:
        _close(Shipment, ids, status=ShipmentStatus.RETURNED, actor=actor, now=now)
    elif action == Action.REFILL_RECEIVE:
        _close(Refill, ids, status=RefillStatus.RECEIVED, actor=actor, now=now)
    elif action == Action.TRASH:
        # A cylinder trashed while out (lost at a customer, condemned at the station) ends its trip unreceived.
        Shipment.objects.filter(open_cylinder_id__in=ids).update(open_cylinder_id=None, status=ShipmentStatus.TRASHED)
        Refill.objects.filter(open_cylinder_id__in=ids).update(open_cylinder_id=None, status=RefillStatus.TRASHED)


def _close(model, ids: list[int], *, status: str, actor, now: datetime) -> None:
    trips = list(model.objects.filter(open_cylinder_id__in=ids))
    for trip in trips:
        trip.open_cylinder_id = None
        trip.status = status
        trip.received_by = actor
        trip.received_by_username = actor.username
        trip.received_at = now
        trip.duration_seconds = max(0, int((now - trip.sent_at).total_seconds()))
    fields = ["open_cylinder_id", "status", "received_by", "received_by_username", "received_at", "duration_seconds"]
    model.objects.bulk_update(trips, fields, batch_size=500)
