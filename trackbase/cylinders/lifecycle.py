"""The cylinder lifecycle, declared once: statuses, actions, where each action may start, who may do it.

Pure Python (no Django): the transition service enforces this table, the property-based tests replay
random action sequences against it, and docs/cylinders.md prints it.

    add             (new)                               -> AVAILABLE   admin
    ship            AVAILABLE                           -> SENT        worker, admin   needs sent_to (customer)
    return          SENT                                -> RETURNED    worker, admin
    refill/send     RETURNED                            -> IN_REFILL   worker, admin   needs sent_to (station)
    refill/receive  IN_REFILL                           -> AVAILABLE   worker, admin
    trash           any but TRASHED                     -> TRASHED     admin           needs reason; final
    reprint         any but TRASHED                     -> (unchanged) admin           new QR payload
"""

from dataclasses import dataclass


class Status:
    AVAILABLE = "AVAILABLE"
    SENT = "SENT"
    RETURNED = "RETURNED"
    IN_REFILL = "IN_REFILL"
    TRASHED = "TRASHED"

    ALL = (AVAILABLE, SENT, RETURNED, IN_REFILL, TRASHED)
    # Where the cylinder is away from the depot, and `sent_to` says where.
    AWAY = (SENT, IN_REFILL)
    FINAL = (TRASHED,)


class Action:
    ADD = "add"
    SHIP = "ship"
    RETURN = "return"
    REFILL_SEND = "refill/send"
    REFILL_RECEIVE = "refill/receive"
    TRASH = "trash"
    REPRINT = "reprint"

    ALL = (ADD, SHIP, RETURN, REFILL_SEND, REFILL_RECEIVE, TRASH, REPRINT)
    # Actions on existing cylinders, addressed by their scanned QR codes.
    BULK = (SHIP, RETURN, REFILL_SEND, REFILL_RECEIVE, TRASH, REPRINT)


class Role:
    """The account roles this table speaks of (the values of accounts.Role)."""

    USER = "USER"
    WORKER = "WORKER"
    ADMIN = "ADMIN"


OPERATORS = frozenset({Role.WORKER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
_LIVE = frozenset(set(Status.ALL) - set(Status.FINAL))


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str | None]  # None: the cylinder does not exist yet
    target: str | None  # None: the status does not change (reprint)
    roles: frozenset[str]
    needs_sent_to: bool = False
    needs_reason: bool = False
    # The verb a refusal uses: "cannot be shipped".
    verb: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(Action.ADD, frozenset({None}), Status.AVAILABLE, ADMINS, verb="added"),
        Transition(
            Action.SHIP, frozenset({Status.AVAILABLE}), Status.SENT, OPERATORS, needs_sent_to=True, verb="shipped"
        ),
        Transition(Action.RETURN, frozenset({Status.SENT}), Status.RETURNED, OPERATORS, verb="returned"),
        Transition(
            Action.REFILL_SEND,
            frozenset({Status.RETURNED}),
            Status.IN_REFILL,
            OPERATORS,
            needs_sent_to=True,
            verb="sent for refill",
        ),
        Transition(
            Action.REFILL_RECEIVE,
            frozenset({Status.IN_REFILL}),
            Status.AVAILABLE,
            OPERATORS,
            verb="received from refill",
        ),
        Transition(Action.TRASH, _LIVE, Status.TRASHED, ADMINS, needs_reason=True, verb="trashed"),
        Transition(Action.REPRINT, _LIVE, None, ADMINS, verb="given a new QR code"),
    )
}


class UnknownAction(ValueError):
    pass


def transition(action: str) -> Transition:
    try:
        return TRANSITIONS[action]
    except KeyError:
        raise UnknownAction(action) from None


def may(role: str, action: str) -> bool:
    """Whether an account with `role` may perform `action` at all."""
    return role in transition(action).roles


def allows(action: str, status: str | None) -> bool:
    """Whether `action` may start from `status` (None: a cylinder not yet created)."""
    return status in transition(action).sources


def target(action: str, status: str | None) -> str:
    """The status after `action` from `status`; the caller has checked `allows`."""
    to = transition(action).target
    return status if to is None else to


def refusal(*, action: str, status: str, label: str) -> str:
    """The sentence an INVALID_TRANSITION carries: names the cylinder, its status and the action."""
    rule = transition(action)
    if status in Status.FINAL:
        return f"Cylinder {label} is {status} (final); it cannot be {rule.verb} ({action})."
    sources = " or ".join(sorted(s for s in rule.sources if s)) or "nothing"
    return f"Cylinder {label} is {status}; it cannot be {rule.verb} ({action}) unless it is {sources}."


def replay(events: list[tuple[str | None, str, str]]) -> str | None:
    """Fold a history of (from_status, action, to_status) rows into the status they lead to.

    Raises ValueError at the first row that breaks the table or does not continue the previous one:
    a complete, valid history replays to the cylinder's current status."""
    status: str | None = None
    for index, (from_status, action, to_status) in enumerate(events):
        if from_status != status:
            raise ValueError(f"row {index}: starts from {from_status}, but the cylinder was {status}")
        if not allows(action, status):
            raise ValueError(f"row {index}: {action} is not allowed from {status}")
        if to_status != target(action, status):
            raise ValueError(f"row {index}: {action} from {status} cannot lead to {to_status}")
        status = to_status
    return status
