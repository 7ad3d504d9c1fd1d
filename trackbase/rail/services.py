"""Rail writes: trains (admin), status events, bookings without overbooking, favorites."""

import logging
import random
from datetime import datetime

from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Sum
from django.utils import timezone

from trackbase.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from trackbase.notifications.services import notifications_send
from trackbase.rail import rules
from trackbase.rail.models import Booking, BookingStatus, Favorite, Train, TrainEvent, TrainEventType, TrainStatus
from trackbase.rail.selectors import TRAIN_OUTPUT_FIELDS

logger = logging.getLogger(__name__)


class TrainNotFound(NotFound):
    code, detail = "TRAIN_NOT_FOUND", "No train with this number or id."


class TrainDeparted(Conflict):
    code, detail = "TRAIN_DEPARTED", "This train has already departed."


class TrainCancelled(Conflict):
    code, detail = "TRAIN_CANCELLED", "This train is cancelled."


class NotEnoughSeats(Conflict):
    code, detail = "NOT_ENOUGH_SEATS", "Not enough seats are available on this train."


class SeatLimitExceeded(DomainError):
    code = "SEAT_LIMIT_EXCEEDED"
    detail = f"A booking holds 1 to {rules.MAX_SEATS_PER_BOOKING} seats."


class SeatsAlreadyBooked(Conflict):
    code, detail = "SEATS_ALREADY_BOOKED", "total_seats cannot go below the seats already booked."


class TrainHasBookings(Conflict):
    code, detail = "TRAIN_HAS_BOOKINGS", "A train with bookings cannot be deleted; cancel it with an event instead."


class TrainHasEvents(Conflict):
    code = "TRAIN_HAS_EVENTS"
    detail = "A train with status events cannot be deleted: its followers were notified of them. Cancel it instead."


class BookingNotFound(NotFound):
    code, detail = "BOOKING_NOT_FOUND", "No such booking of yours."


class BookingAlreadyCancelled(Conflict):
    code, detail = "BOOKING_ALREADY_CANCELLED", "This booking is already cancelled."


TRAIN_FIELDS = ("name", "source", "destination", "departure_time", "arrival_time", "total_seats")


# --- Trains ---------------------------------------------------------------------------------------
def train_upsert(*, train_number: str, available_seats: int | None = None, **fields) -> tuple[Train, bool]:
    """Create a train, or update the one with this number (IRCTC's POST /api/trains/). -> (train, created)"""
    train_number = rules.train_number_key(train_number)
    try:
        return train_update(train_number=train_number, **fields), False
    except TrainNotFound:
        pass
    try:
        return _train_create(train_number=train_number, available_seats=available_seats, **fields), True
    except IntegrityError:
        # Created by a concurrent request a moment ago: this request becomes the update.
        return train_update(train_number=train_number, **fields), False


def _train_create(*, train_number: str, available_seats: int | None, **fields) -> Train:
    available = fields["total_seats"] if available_seats is None else available_seats
    _check_train(fields, available_seats=available)
    with transaction.atomic():
        return Train.objects.create(train_number=train_number, available_seats=available, **_with_keys(fields))


def train_update(*, train_number: str, **changes) -> Train:
    """Change a train's timetable or capacity. Seats held by bookings are never lost: available seats
    become the new total minus those held, computed under the train's row lock."""
    with transaction.atomic():
        train = Train.objects.select_for_update().filter(train_number=train_number).first()
        if train is None:
            raise TrainNotFound()
        fields = {name: changes.get(name, getattr(train, name)) for name in TRAIN_FIELDS}
        held = _seats_held(train)
        if fields["total_seats"] < held:
            raise SeatsAlreadyBooked(errors={"total_seats": [f"{held} seats are booked."]})
        _check_train(fields, available_seats=fields["total_seats"] - held)
        for name, value in _with_keys(fields).items():
            setattr(train, name, value)
        train.available_seats = fields["total_seats"] - held
        train.save()
    return train


def train_delete(*, train_number: str) -> None:
    with transaction.atomic():
        train = Train.objects.select_for_update().filter(train_number=train_number).first()
        if train is None:
            raise TrainNotFound()
        if train.bookings.exists():
            raise TrainHasBookings()
        # An event's notify task may not have run yet; it must find its event (and its train) when it does.
        if train.events.exists():
            raise TrainHasEvents()
        train.delete()


def _seats_held(train: Train) -> int:
    return train.bookings.filter(status=BookingStatus.CONFIRMED).aggregate(n=Sum("seats"))["n"] or 0


def _check_train(fields: dict, *, available_seats: int) -> None:
    errors = rules.schedule_errors(
        source=fields["source"],
        destination=fields["destination"],
        departure=fields["departure_time"],
        arrival=fields["arrival_time"],
    ) | rules.seat_errors(total_seats=fields["total_seats"], available_seats=available_seats)
    if errors:
        raise ValidationFailed(errors=errors)


def _with_keys(fields: dict) -> dict:
    return fields | {
        "source_key": rules.station_key(fields["source"]),
        "destination_key": rules.station_key(fields["destination"]),
    }


# --- Status events and the notifications they send ------------------------------------------------
def train_event_record(
    *, train_number: str, type: str, delay_minutes: int | None = None, platform: str = "", message: str = "", actor=None
) -> TrainEvent:
    """Record a status change, apply it to the train, and notify its followers once (after commit)."""
    try:
        changes = rules.event_changes(type=type, delay_minutes=delay_minutes, platform=platform)
    except ValueError as exc:
        field, _, text = str(exc).partition(": ")
        raise ValidationFailed(errors={field: [text]}) from None
    with transaction.atomic():
        train = Train.objects.select_for_update().filter(train_number=train_number).first()
        if train is None:
            raise TrainNotFound()
        if train.status == TrainStatus.CANCELLED:
            raise TrainCancelled()
        Train.objects.filter(pk=train.pk).update(**changes, updated_at=timezone.now())
        event = TrainEvent.objects.create(
            train=train, type=type, delay_minutes=delay_minutes, platform=platform, message=message, created_by=actor
        )
        transaction.on_commit(lambda: _notify_after_commit(event.pk))
    return event


def _notify_after_commit(event_id: int) -> None:
    """From the process that wrote, right after commit: the followers' inbox rows and real-time events leave
    now, not when a worker next polls its queue (push stays on the queue). If this fails, the task retries it
    later; train_event_notify is idempotent."""
    try:
        train_event_notify(event_id=event_id)
    except Exception:
        logger.exception("train event notification failed; queued for a retry", extra={"event_id": event_id})
        _enqueue_event_notifications(event_id)


def _enqueue_event_notifications(event_id: int) -> None:
    from trackbase.rail.tasks import notify_train_event

    notify_train_event.enqueue(event_id=event_id)


def train_event_notify(*, event_id: int) -> int:
    """Notify every user who favorited the event's train. Idempotent: a retried task adds nothing."""
    event = TrainEvent.objects.select_related("train").get(pk=event_id)
    train = event.train
    title, text = rules.event_text(
        type=event.type,
        train_number=train.train_number,
        train_name=train.name,
        delay_minutes=event.delay_minutes,
        platform=event.platform,
        note=event.message,
    )
    sent = notifications_send(
        user_ids=Favorite.objects.filter(train=train).values_list("user_id", flat=True),
        type=f"TRAIN_{event.type}",
        title=title,
        message=text,
        data={
            "train_number": train.train_number,
            "event_id": event.pk,
            "event_type": event.type,
            "delay_minutes": event.delay_minutes,
            "platform": event.platform,
        },
        dedupe_key=f"train-event:{event.pk}",
    )
    return len(sent)


MOCK_NOTE = "(Simulated by the mock engine: the train's real status is unchanged.)"
MOCK_KINDS = (TrainEventType.DELAY, TrainEventType.PLATFORM_CHANGE, TrainEventType.ON_TIME)
MOCK_DELAYS = (5, 10, 15, 20, 30, 45, 60, 90)


def mock_events_generate(*, user_id: int, rng: random.Random | None = None) -> list[int]:
    """Seed 000's mock engine: a plausible status change for each of the user's upcoming favorite trains,
    worded like a real event, in this user's inbox only. No train changes and nobody else hears of it: real
    events stay an admin action (`train_event_record`). -> the new notifications' ids"""
    rng = rng or random.Random()
    trains = Train.objects.filter(favorites__user_id=user_id, departure_time__gt=timezone.now()).exclude(
        status=TrainStatus.CANCELLED
    )
    sent = []
    for train in trains.only("train_number", "name"):
        kind = rng.choice(MOCK_KINDS)
        delay = rng.choice(MOCK_DELAYS) if kind == TrainEventType.DELAY else None
        platform = str(rng.randint(1, 16)) if kind == TrainEventType.PLATFORM_CHANGE else ""
        title, message = rules.event_text(
            type=kind,
            train_number=train.train_number,
            train_name=train.name,
            delay_minutes=delay,
            platform=platform,
            note=MOCK_NOTE,
        )
        sent += notifications_send(
            user_ids=[user_id],
            type=f"TRAIN_{kind}",
            title=title,
            message=message,
            data={
                "train_number": train.train_number,
                "event_type": kind,
                "delay_minutes": delay,
                "platform": platform,
                "simulated": True,
            },
        )
    return [notification.pk for notification in sent]


# --- Bookings -------------------------------------------------------------------------------------
PNR_ATTEMPTS = 5


def booking_create(*, user, train_id: int, seats: int) -> Booking:
    """Book seats. One conditional UPDATE takes them, so concurrent bookings can never oversell.

    One short transaction: the UPDATE returns the train row the response shows (RETURNING), and the INSERT
    follows; no savepoint, no second read of the train. A PNR collision (1 in 10^10 per pair) rolls the
    whole transaction back, seats included, and it runs again with another PNR.
    """
    if not 1 <= seats <= rules.MAX_SEATS_PER_BOOKING:
        raise SeatLimitExceeded(errors={"seats": [SeatLimitExceeded.detail]})
    for attempt in range(PNR_ATTEMPTS):
        now = timezone.now()
        try:
            with transaction.atomic():
                train = _seats_take(train_id=train_id, seats=seats, now=now)
                if train is None:
                    raise _why_not_bookable(train_id=train_id, now=now)
                return _booking_insert(user=user, train=train, seats=seats)
        except IntegrityError:
            if attempt == PNR_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _seats_take(*, train_id: int, seats: int, now: datetime) -> Train | None:
    """Take the seats if the train is bookable; the train as it is now (output fields loaded), or None."""
    connection = connections[router.db_for_write(Train)]
    if connection.vendor in ("postgresql", "sqlite") and connection.features.can_return_columns_from_insert:
        # UPDATE ... RETURNING (PostgreSQL; SQLite 3.35+, the same release that returns from INSERT).
        params = [seats, now, train_id, seats, now, TrainStatus.CANCELLED.value]
        rows = Train.objects.db_manager(connection.alias).raw(_take_returning_sql(connection), params)
        return next(iter(rows), None)
    # MariaDB has RETURNING on INSERT and DELETE only (MySQL on neither): the row our UPDATE just locked is
    # read back in the same transaction, so it is exactly what the UPDATE left.
    taken = (
        Train.objects.filter(pk=train_id, available_seats__gte=seats, departure_time__gt=now)
        .exclude(status=TrainStatus.CANCELLED)
        .update(available_seats=F("available_seats") - seats, updated_at=now)
    )
    return Train.objects.only(*TRAIN_OUTPUT_FIELDS).get(pk=train_id) if taken else None


def _take_returning_sql(connection) -> str:
    qn = connection.ops.quote_name
    column = {name: qn(Train._meta.get_field(name).column) for name in TRAIN_OUTPUT_FIELDS}
    available = column["available_seats"]
    # Only identifiers from the model's metadata, quoted by the backend, are interpolated; values are parameters.
    return (
        f"UPDATE {qn(Train._meta.db_table)} SET {available} = {available} - %s, {column['updated_at']} = %s"  # noqa: S608
        f" WHERE {column['id']} = %s AND {available} >= %s AND {column['departure_time']} > %s"
        f" AND {column['status']} <> %s RETURNING {', '.join(column.values())}"
    )


def _why_not_bookable(*, train_id: int, now: datetime) -> DomainError:
    train = Train.objects.filter(pk=train_id).first()
    if train is None:
        return TrainNotFound()
    if train.status == TrainStatus.CANCELLED:
        return TrainCancelled()
    if train.departure_time <= now:
        return TrainDeparted()
    return NotEnoughSeats(errors={"seats": [f"Only {train.available_seats} seats are available."]})


def _booking_insert(*, user, train: Train, seats: int) -> Booking:
    # The train instance rides along, so the response renders it without reading it again.
    booking = Booking(pnr=rules.new_pnr(), user=user, train=train, seats=seats)
    booking.save(force_insert=True)
    return booking


def booking_cancel(*, user, booking_id: int) -> Booking:
    """Cancel a booking and give its seats back. The status flip is conditional, so a booking
    cancelled twice at once returns its seats once."""
    now = timezone.now()
    with transaction.atomic():
        booking = Booking.objects.filter(pk=booking_id, user=user).select_related("train").first()
        if booking is None:
            raise BookingNotFound()
        if booking.train.departure_time <= now:
            raise TrainDeparted(detail="The train has departed; the booking can no longer be cancelled.")
        flipped = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
            status=BookingStatus.CANCELLED, cancelled_at=now
        )
        if not flipped:
            raise BookingAlreadyCancelled()
        Train.objects.filter(pk=booking.train_id).update(
            available_seats=F("available_seats") + booking.seats, updated_at=now
        )
    booking.refresh_from_db()
    return booking


# --- Favorites ------------------------------------------------------------------------------------
def favorite_add(*, user, train_number: str) -> tuple[Favorite, bool]:
    """Follow a train; adding it again is not an error. -> (favorite, created)"""
    train = _train_by_number(train_number)
    try:
        with transaction.atomic():
            return Favorite.objects.get_or_create(user=user, train=train)
    except IntegrityError:
        return Favorite.objects.get(user=user, train=train), False


def favorite_remove(*, user, train_number: str) -> None:
    Favorite.objects.filter(user=user, train=_train_by_number(train_number)).delete()


def _train_by_number(train_number: str) -> Train:
    train = Train.objects.filter(train_number=train_number).first()
    if train is None:
        raise TrainNotFound()
    return train
