"""Writes: travel segments (with sync versions and tombstones) and the per-rule status cache."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from trackbase.core.errors import DomainError, NotFound, ValidationFailed
from trackbase.realtime import services as realtime
from trackbase.travel import calculators, selectors
from trackbase.travel.models import Country, SegmentTombstone, TravelSegment, UserVisaStatus, VisaRule


class SegmentNotFound(NotFound):
    code, detail = "SEGMENT_NOT_FOUND", "No such travel segment."


class StaleSegment(DomainError):
    status, code, detail = 412, "PRECONDITION_FAILED", "The segment changed since you read it; fetch it and retry."


class RuleNotFound(NotFound):
    code, detail = "RULE_NOT_FOUND", "No such visa rule."


SEGMENTS_CHANGED = "travel.segments_changed"
ARRIVAL_BEFORE_DEPARTURE = "The arrival date cannot be before the departure date."
UNKNOWN_COUNTRY = "Unknown ISO 3166-1 alpha-2 country code."


def _check_countries(fields: dict) -> None:
    codes = {fields[name] for name in ("departure_country", "arrival_country") if name in fields}
    known = set(Country.objects.filter(iso_code__in=codes).values_list("iso_code", flat=True))
    errors = {
        name: [UNKNOWN_COUNTRY]
        for name in ("departure_country", "arrival_country")
        if name in fields and fields[name] not in known
    }
    if errors:
        raise ValidationFailed(errors=errors)


def _check_dates(departure: date, arrival: date) -> None:
    if arrival < departure:
        raise ValidationFailed(errors={"arrival_date": [ARRIVAL_BEFORE_DEPARTURE]})


def _as_columns(fields: dict) -> dict:
    columns = dict(fields)
    for name in ("departure_country", "arrival_country"):
        if name in columns:
            columns[f"{name}_id"] = columns.pop(name)
    return columns


def visa_status_invalidate(*, user_id: int) -> None:
    """Forget every cached rule result of this user (their segments changed)."""
    UserVisaStatus.objects.filter(user_id=user_id).delete()


def after_segments_changed(user_id: int, change: str = "updated") -> None:
    """Drop the user's cached statuses and, after commit, tell their other devices to sync
    (`travel.segments_changed`, then `GET ?updated_since=`) and check their Schengen alerts."""
    visa_status_invalidate(user_id=user_id)
    # Imported lazily: alerts reads statuses through this module.
    from trackbase.travel import alerts

    transaction.on_commit(lambda: _notify_devices(user_id, change), robust=True)
    transaction.on_commit(lambda: alerts.schengen_alerts_check(user_id=user_id), robust=True)


def _notify_devices(user_id: int, change: str) -> None:
    realtime.emit_to_user(user_id, SEGMENTS_CHANGED, {"change": change, "at": timezone.now().isoformat()})


@transaction.atomic
def segment_create(*, user, **fields) -> TravelSegment:
    """Record a travel segment (countries as ISO codes)."""
    _check_countries(fields)
    _check_dates(fields["departure_date"], fields["arrival_date"])
    segment = TravelSegment.objects.create(user=user, **_as_columns(fields))
    after_segments_changed(user.pk, "created")
    return segment


def _locked(user, segment_id: int, if_match: str | None) -> TravelSegment:
    segment = TravelSegment.objects.select_for_update().filter(user=user, pk=segment_id).first()
    if segment is None:
        raise SegmentNotFound()
    if if_match is not None and if_match.strip() not in ("*", segment.etag, f"W/{segment.etag}"):
        raise StaleSegment()
    return segment


@transaction.atomic
def segment_update(*, user, segment_id: int, if_match: str | None = None, **fields) -> TravelSegment:
    """Change a segment; with `if_match` only if it is still that version (else 412), otherwise last write wins."""
    segment = _locked(user, segment_id, if_match)
    _check_countries(fields)
    _check_dates(fields.get("departure_date", segment.departure_date), fields.get("arrival_date", segment.arrival_date))
    for name, value in _as_columns(fields).items():
        setattr(segment, name, value)
    segment.version = F("version") + 1
    segment.save()
    segment.refresh_from_db()
    after_segments_changed(user.pk)
    return segment


@transaction.atomic
def segment_delete(*, user, segment_id: int, if_match: str | None = None) -> None:
    """Delete a segment and leave a tombstone for the user's other devices."""
    segment = _locked(user, segment_id, if_match)
    SegmentTombstone.objects.create(user=user, segment_id=segment.pk)
    segment.delete()
    after_segments_changed(user.pk, "deleted")


def segment_tombstone_purge_expired() -> int:
    """Delete tombstones older than TRAVEL_TOMBSTONE_RETENTION_DAYS: a device that far behind gets 410
    SYNC_WINDOW_EXPIRED and reads everything again, so it never needs them. Returns how many went."""
    deleted, _ = SegmentTombstone.objects.filter(deleted_at__lt=selectors.sync_horizon()).delete()
    return deleted


def visa_status(*, user, rule: VisaRule, check_date: date | None = None) -> tuple[calculators.RuleResult, object]:
    """(result, calculated_at) of `rule` for `user` on `check_date` (default: today in their zone).

    Today's answer is cached in UserVisaStatus until their segments change or the day turns; other
    dates are computed on request."""
    today = selectors.user_today(user)
    check_date = check_date or today
    calculator = calculators.CALCULATORS.get(rule.calculation_logic_ref)
    if calculator is None:
        raise RuleNotFound()
    if check_date == today:
        cached = UserVisaStatus.objects.filter(user=user, rule=rule, window_end_date=today).first()
        if cached is not None and cached.result.get("check_date") == today.isoformat():
            result = calculators.RuleResult(
                cached.days_used, cached.window_start_date, cached.window_end_date, cached.result["details"]
            )
            return result, cached.last_calculated_at
    legs = selectors.user_legs(user=user, since=calculator.first_day(check_date))
    result = calculator(legs, selectors.schengen_membership(), check_date)
    now = timezone.now()
    if check_date == today:
        _cache(user, rule, today, result, now)
    return result, now


def _cache(user, rule: VisaRule, today: date, result: calculators.RuleResult, now) -> None:
    try:
        with transaction.atomic():
            UserVisaStatus.objects.update_or_create(
                user=user,
                rule=rule,
                defaults={
                    "days_used": result.days_used,
                    "window_start_date": result.window_start,
                    "window_end_date": result.window_end,
                    "result": {"check_date": today.isoformat(), "details": result.details},
                    "last_calculated_at": now,
                },
            )
    except IntegrityError:
        pass  # a concurrent request cached the same answer first


def rule_by_ref(ref: str) -> VisaRule:
    rule = VisaRule.objects.filter(calculation_logic_ref=ref).first()
    if rule is None:
        raise RuleNotFound()
    return rule
