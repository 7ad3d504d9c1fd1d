"""Account-level wellness writes: deletion with group hand-over, avatar, localStorage import."""

import io
import secrets
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from trackbase.wellness import analytics_cache, rules
from trackbase.wellness.errors import invalid
from trackbase.wellness.models import CheckIn, Group, Membership
from trackbase.wellness.services.checkins import SCORES, _check_scores
from trackbase.wellness.services.groups import _remove, membership_of

AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 40_000_000
AVATAR_SIZE = 512
AVATAR_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
IMPORT_MAX_ROWS = 1000


def account_delete(*, user) -> None:
    """Delete the account: its memberships (sole-admin groups pass to their longest-standing member, groups
    it was alone in go), its check-ins, then the user itself."""
    with transaction.atomic():
        group_ids = sorted(Membership.objects.filter(user=user).values_list("group_id", flat=True))
        # Locked in id order, as every group write does, so two deletions never deadlock.
        list(Group.objects.select_for_update().filter(pk__in=group_ids).order_by("pk").values_list("pk", flat=True))
        for group_id in group_ids:
            _remove(membership_of(user=user, group_id=group_id))
        checkins = CheckIn.objects.filter(user=user)
        # Its check-ins also count in groups it left earlier.
        group_ids_with_checkins = set(checkins.values_list("group_id", flat=True).distinct())
        analytics_cache.changed(group_ids=group_ids_with_checkins, user_ids=[user.pk])
        checkins.delete()
        if user.avatar:
            name = user.avatar.name
            transaction.on_commit(lambda: user.avatar.storage.delete(name))
        user.delete()


def avatar_set(*, user, upload) -> None:
    """Check an uploaded image (type, size, pixels) and store a re-encoded 512 px WebP: nothing the client
    sent (metadata, trailing bytes, a polyglot file) reaches storage."""
    if upload.size > AVATAR_MAX_BYTES:
        raise invalid("avatar", f"The image is larger than {AVATAR_MAX_BYTES // (1024 * 1024)} MB.")
    image = _open_image(upload)
    image.thumbnail((AVATAR_SIZE, AVATAR_SIZE))
    out = io.BytesIO()
    image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").save(out, format="WEBP", quality=85)
    old = user.avatar.name if user.avatar else None
    user.avatar.save(f"{user.pk}-{secrets.token_hex(8)}.webp", ContentFile(out.getvalue()), save=False)
    user.save(update_fields=["avatar", "updated_at"])
    if old:
        transaction.on_commit(lambda: user.avatar.storage.delete(old))


def _open_image(upload) -> Image.Image:
    try:
        image = Image.open(upload)
        if image.format not in AVATAR_FORMATS:
            raise invalid("avatar", "Send a JPEG, PNG, WebP or GIF image.")
        if image.width * image.height > AVATAR_MAX_PIXELS:
            raise invalid("avatar", "The image has too many pixels.")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise invalid("avatar", "The file is not a readable image.") from None
    return image


def avatar_delete(*, user) -> None:
    if user.avatar:
        old = user.avatar.name
        user.avatar = ""
        user.save(update_fields=["avatar", "updated_at"])
        transaction.on_commit(lambda: user.avatar.storage.delete(old))


def local_storage_import(*, user, group_id: int, checkins: list[dict]) -> dict:
    """Import the old localStorage client's check-ins into a group the user belongs to. Idempotent: a week
    that already has the user's check-in in that group is skipped, so sending the export twice changes nothing."""
    group = membership_of(user=user, group_id=group_id).group
    current = rules.week_start(timezone.now(), group.timezone)
    rows = {}
    for index, item in enumerate(checkins):
        week = _monday(item["week_start_date"])
        if week > current:
            raise invalid(f"checkIns.{index}.weekStartDate", "A check-in cannot be in a future week.")
        scores = {name: item[name] for name in SCORES}
        _check_scores(scores)
        rows.setdefault(week, (scores, item))  # the first entry of a week wins, as a second one was never allowed
    existing = set(
        CheckIn.objects.filter(user=user, group=group, week_start_date__in=rows).values_list(
            "week_start_date", flat=True
        )
    )
    new = [
        CheckIn(
            user=user,
            group=group,
            week_start_date=week,
            hu_cares_score=rules.hu_cares_score(**scores),
            notes=item.get("notes", ""),
            submitted_at=item.get("submitted_at") or timezone.now(),
            **scores,
        )
        for week, (scores, item) in sorted(rows.items())
        if week not in existing
    ]
    with transaction.atomic():
        # ignore_conflicts: a parallel import (or a check-in made meanwhile) of the same week is not an error.
        CheckIn.objects.bulk_create(new, ignore_conflicts=True)
        analytics_cache.changed(group_ids=[group.pk], user_ids=[user.pk])
    return {"received": len(checkins), "imported": len(new), "skipped": len(checkins) - len(new)}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
