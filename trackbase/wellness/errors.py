"""The wellness domain's errors, with stable codes (the /api/v1/ layer shows them as they are)."""

from trackbase.core.errors import Conflict, Forbidden, NotFound, ValidationFailed


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(errors={field: [message]})


class GroupNotFound(NotFound):
    code, detail = "GROUP_NOT_FOUND", "No such group among yours."


class InvalidAccessCode(NotFound):
    code, detail = "INVALID_ACCESS_CODE", "No group has this access code."


class AlreadyMember(Conflict):
    code, detail = "ALREADY_MEMBER", "This user is already a member of the group."


class GroupFull(Conflict):
    code, detail = "GROUP_FULL", "The group has reached its maximum number of members."


class CapacityBelowMembers(Conflict):
    code, detail = "MAX_MEMBERS_BELOW_MEMBER_COUNT", "maxMembers cannot be lower than the current number of members."


class GroupAdminRequired(Forbidden):
    code, detail = "GROUP_ADMIN_REQUIRED", "Only a group admin may do this."


class GroupModeratorRequired(Forbidden):
    code, detail = "GROUP_MODERATOR_REQUIRED", "Only a group admin or moderator may do this."


class CannotRemoveMember(Forbidden):
    code, detail = "CANNOT_REMOVE_MEMBER", "A moderator may remove members only, not admins or moderators."


class MemberNotFound(NotFound):
    code, detail = "MEMBER_NOT_FOUND", "No such member in this group."


class UserNotFound(NotFound):
    code, detail = "USER_NOT_FOUND", "No user with this username."


class LastAdmin(Conflict):
    code, detail = "LAST_ADMIN", "A group needs an admin: promote another member first."


class RemoveSelf(Conflict):
    code, detail = "CANNOT_REMOVE_SELF", "To leave a group, use its leave endpoint."


class DuplicateCheckIn(Conflict):
    code, detail = "DUPLICATE_CHECKIN", "You have already checked in to this group this week."


class CheckInNotFound(NotFound):
    code, detail = "CHECKIN_NOT_FOUND", "No such check-in of yours."


class CheckInWeekOver(Forbidden):
    code, detail = "CHECKIN_NOT_EDITABLE", "A check-in can be changed only during its own week."
