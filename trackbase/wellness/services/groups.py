"""Group writes: create, settings, join under capacity, leave with hand-over, roles, invites, removal."""

import functools
import zoneinfo

from django.db import IntegrityError, transaction
from django.db.models import F

from trackbase.accounts.models import User
from trackbase.notifications.services import notifications_send
from trackbase.wellness import analytics_cache, events, rules
from trackbase.wellness.errors import (
    AlreadyMember,
    CannotRemoveMember,
    CapacityBelowMembers,
    GroupAdminRequired,
    GroupFull,
    GroupModeratorRequired,
    GroupNotFound,
    InvalidAccessCode,
    LastAdmin,
    MemberNotFound,
    RemoveSelf,
    UserNotFound,
    invalid,
)
from trackbase.wellness.models import CheckIn, Group, Membership, Role

ACCESS_CODE_ATTEMPTS = 10
SETTINGS = ("name", "description", "max_members", "timezone", "checkin_frequency")


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_timezone(name: str) -> None:
    if name not in _time_zones():
        raise invalid("timezone", "Unknown time zone; use an IANA name such as Europe/Berlin.")


def membership_of(*, user, group_id: int) -> Membership:
    """The caller's membership; outsiders cannot tell a group they are not in from a missing one (404)."""
    membership = Membership.objects.select_related("group").filter(group_id=group_id, user=user).first()
    if membership is None:
        raise GroupNotFound()
    return membership


def _require_admin(membership: Membership) -> None:
    if membership.role != Role.ADMIN:
        raise GroupAdminRequired()


def group_create(
    *,
    user,
    name: str,
    description: str = "",
    max_members: int = 20,
    timezone: str = "UTC",
    checkin_frequency: str = "weekly",
) -> Group:
    """Create a group with a fresh access code; the creator is its admin and first member."""
    _check_timezone(timezone)
    fields = {
        "name": name,
        "description": description,
        "max_members": max_members,
        "timezone": timezone,
        "checkin_frequency": checkin_frequency,
    }
    for _ in range(ACCESS_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                group = Group.objects.create(
                    access_code=rules.new_access_code(), member_count=1, created_by=user, **fields
                )
                Membership.objects.create(group=group, user=user, role=Role.ADMIN)
                return group
        except IntegrityError:
            continue  # an access code collision (31^8 codes): draw again
    raise RuntimeError("could not draw a free access code")


def group_update(*, user, group_id: int, **fields) -> Group:
    """Change settings (admin). maxMembers may not go below the members already in."""
    if "timezone" in fields:
        _check_timezone(fields["timezone"])
    with transaction.atomic():
        membership = membership_of(user=user, group_id=group_id)
        _require_admin(membership)
        group = Group.objects.select_for_update().get(pk=group_id)
        if fields.get("max_members", group.max_members) < group.member_count:
            raise CapacityBelowMembers()
        changed = {name: value for name, value in fields.items() if name in SETTINGS}
        for name, value in changed.items():
            setattr(group, name, value)
        group.save()
        events.group_updated(group.pk, "settings-changed", {"changed": sorted(_camel(name) for name in changed)})
    return group


def group_delete(*, user, group_id: int) -> None:
    with transaction.atomic():
        membership = membership_of(user=user, group_id=group_id)
        _require_admin(membership)
        events.group_updated(group_id, "settings-changed", {"deleted": True})
        events.group_gone(group_id)
        _delete(group_id)


def group_join(*, user, access_code: str) -> Group:
    """Join by access code. One conditional UPDATE takes the place, so parallel joins never overfill."""
    group = Group.objects.filter(access_code=rules.normalize_access_code(access_code)).first()
    if group is None:
        raise InvalidAccessCode()
    if Membership.objects.filter(group=group, user=user).exists():
        raise AlreadyMember()
    with transaction.atomic():
        taken = Group.objects.filter(pk=group.pk, member_count__lt=F("max_members")).update(
            member_count=F("member_count") + 1
        )
        if not taken:
            raise GroupFull()
        try:
            with transaction.atomic():
                Membership.objects.create(group=group, user=user, role=Role.MEMBER)
        except IntegrityError:
            raise AlreadyMember() from None  # a parallel join of the same user; the outer rollback frees the place
        analytics_cache.changed(group_ids=[group.pk])
        events.group_updated(group.pk, "member-joined", {"userId": user.pk, "username": user.username})
    group.refresh_from_db()
    return group


def group_leave(*, user, group_id: int) -> bool:
    """Leave; the last admin hands over to the longest-standing member, the last member deletes the group.
    -> whether the group was deleted."""
    with transaction.atomic():
        Group.objects.select_for_update().filter(pk=group_id).first()  # serialises leaves of one group
        membership = membership_of(user=user, group_id=group_id)
        return _remove(membership)


def _remove(membership: Membership) -> bool:
    group_id = membership.group_id
    others = Membership.objects.filter(group_id=group_id).exclude(pk=membership.pk)
    events.member_gone(group_id, membership.user_id)
    if not others.exists():
        _delete(group_id)
        events.group_gone(group_id)
        return True
    membership.delete()
    Group.objects.filter(pk=group_id).update(member_count=F("member_count") - 1)
    analytics_cache.changed(group_ids=[group_id])
    if membership.role == Role.ADMIN and not others.filter(role=Role.ADMIN).exists():
        heir = others.order_by("joined_at", "id").first()
        Membership.objects.filter(pk=heir.pk).update(role=Role.ADMIN)
    events.group_updated(group_id, "member-left", {"userId": membership.user_id})
    return False


def _delete(group_id: int) -> None:
    """Delete a group. Its check-ins go with it, so their authors' own analytics change too."""
    authors = CheckIn.objects.filter(group_id=group_id).values_list("user_id", flat=True).distinct()
    analytics_cache.changed(group_ids=[group_id], user_ids=list(authors))
    Group.objects.filter(pk=group_id).delete()


def member_remove(*, user, group_id: int, member_id: int) -> None:
    """Remove a member (admin; a moderator may remove plain members only)."""
    with transaction.atomic():
        Group.objects.select_for_update().filter(pk=group_id).first()
        actor = membership_of(user=user, group_id=group_id)
        if actor.role not in (Role.ADMIN, Role.MODERATOR):
            raise GroupModeratorRequired()
        if member_id == user.pk:
            raise RemoveSelf()
        target = Membership.objects.filter(group_id=group_id, user_id=member_id).first()
        if target is None:
            raise MemberNotFound()
        if actor.role == Role.MODERATOR and target.role != Role.MEMBER:
            raise CannotRemoveMember()
        _remove(target)


def member_set_role(*, user, group_id: int, member_id: int, role: str) -> Membership:
    """Change a member's role (admin). The group keeps at least one admin."""
    with transaction.atomic():
        Group.objects.select_for_update().filter(pk=group_id).first()
        _require_admin(membership_of(user=user, group_id=group_id))
        target = Membership.objects.select_related("user").filter(group_id=group_id, user_id=member_id).first()
        if target is None:
            raise MemberNotFound()
        admins = Membership.objects.filter(group_id=group_id, role=Role.ADMIN).exclude(pk=target.pk)
        if target.role == Role.ADMIN and role != Role.ADMIN and not admins.exists():
            raise LastAdmin()
        target.role = role
        target.save(update_fields=["role"])
        events.group_updated(group_id, "settings-changed", {"memberRole": {"userId": member_id, "role": role}})
    return target


def access_code_regenerate(*, user, group_id: int) -> Group:
    """A new access code (admin); the old one stops working at once."""
    with transaction.atomic():
        _require_admin(membership_of(user=user, group_id=group_id))
        for _ in range(ACCESS_CODE_ATTEMPTS):
            try:
                with transaction.atomic():
                    Group.objects.filter(pk=group_id).update(access_code=rules.new_access_code())
                    break
            except IntegrityError:
                continue
        events.group_updated(group_id, "settings-changed", {"changed": ["accessCode"]})
    return Group.objects.get(pk=group_id)


def member_invite(*, user, group_id: int, username: str) -> None:
    """Invite a user by username: a `group_invitation` notification (inbox and real time) with the code."""
    group = membership_of(user=user, group_id=group_id).group
    invitee = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
    if invitee is None:
        raise UserNotFound()
    if Membership.objects.filter(group=group, user=invitee).exists():
        raise AlreadyMember()
    notifications_send(
        user_ids=[invitee.pk],
        type="group_invitation",
        title=f"Join {group.name}",
        message=f"{user.username} invited you to {group.name} on HuCares.",
        data={
            "groupId": group.pk,
            "groupName": group.name,
            "accessCode": group.access_code,
            "invitedBy": {"id": user.pk, "username": user.username},
        },
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
