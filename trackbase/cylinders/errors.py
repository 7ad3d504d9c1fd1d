"""The cylinder domain's refusals, each with a stable code (asserted by tests and documented)."""

from trackbase.core.errors import Conflict, Forbidden, NotFound


class CylinderNotFound(NotFound):
    code, detail = "CYLINDER_NOT_FOUND", "No cylinder with this id or QR code."


class ActionForbidden(Forbidden):
    code = "PERMISSION_DENIED"


class InvalidTransition(Conflict):
    """One or more scanned cylinders cannot take this action; `errors.qr_codes` has one result per code."""

    code, detail = "INVALID_TRANSITION", "A cylinder cannot take this action in its current status."


class UnknownQrCode(Conflict):
    """All-or-nothing batch refused only because some codes resolve to no cylinder."""

    code, detail = "UNKNOWN_QR_CODE", "Some scanned codes belong to no cylinder; nothing was changed."


class SerialNumberTaken(Conflict):
    code, detail = "SERIAL_NUMBER_TAKEN", "A cylinder with this serial number already exists."


class CylinderTrashed(Conflict):
    """A trashed cylinder is out of service for good: no new label may go on it."""

    code, detail = "CYLINDER_TRASHED", "Trashed cylinders get no labels; nothing was printed."
