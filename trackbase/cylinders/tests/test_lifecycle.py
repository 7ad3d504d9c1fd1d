"""The transition table, tested directly: no database."""

import pytest

from trackbase.cylinders import lifecycle
from trackbase.cylinders.lifecycle import Action, Role, Status

# (action, from) -> to, the issue's lifecycle written out by hand.
EXPECTED = {
    (Action.ADD, None): Status.AVAILABLE,
    (Action.SHIP, Status.AVAILABLE): Status.SENT,
    (Action.RETURN, Status.SENT): Status.RETURNED,
    (Action.REFILL_SEND, Status.RETURNED): Status.IN_REFILL,
    (Action.REFILL_RECEIVE, Status.IN_REFILL): Status.AVAILABLE,
    **{(Action.TRASH, s): Status.TRASHED for s in Status.ALL if s != Status.TRASHED},
    **{(Action.REPRINT, s): s for s in Status.ALL if s != Status.TRASHED},
}


@pytest.mark.parametrize("action", Action.ALL)
@pytest.mark.parametrize("status", [None, *Status.ALL])
def test_the_table_allows_exactly_the_issues_transitions(action, status):
    assert lifecycle.allows(action, status) == ((action, status) in EXPECTED)
    if (action, status) in EXPECTED:
        assert lifecycle.target(action, status) == EXPECTED[(action, status)]


@pytest.mark.parametrize("action", Action.ALL)
def test_trashed_is_final(action):
    assert not lifecycle.allows(action, Status.TRASHED)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, set(Action.ALL)),
        (Role.WORKER, {Action.SHIP, Action.RETURN, Action.REFILL_SEND, Action.REFILL_RECEIVE}),
        (Role.USER, set()),
    ],
)
def test_who_may_do_what(role, allowed):
    assert {action for action in Action.ALL if lifecycle.may(role, action)} == allowed


def test_ship_and_refill_send_need_a_place_and_trash_a_reason():
    needs_place = {a for a, t in lifecycle.TRANSITIONS.items() if t.needs_sent_to}
    needs_reason = {a for a, t in lifecycle.TRANSITIONS.items() if t.needs_reason}
    assert needs_place == {Action.SHIP, Action.REFILL_SEND}
    assert needs_reason == {Action.TRASH}


def test_it_rejects_an_unknown_action():
    with pytest.raises(lifecycle.UnknownAction):
        lifecycle.transition("teleport")


def test_a_refusal_names_the_cylinder_its_status_and_the_action():
    message = lifecycle.refusal(action=Action.SHIP, status=Status.SENT, label="CYL-42")
    assert "CYL-42" in message and "SENT" in message and "ship" in message and "AVAILABLE" in message
    final = lifecycle.refusal(action=Action.RETURN, status=Status.TRASHED, label="CYL-7")
    assert "CYL-7" in final and "TRASHED" in final and "final" in final


def test_a_valid_history_replays_to_its_last_status():
    history = [
        (None, Action.ADD, Status.AVAILABLE),
        (Status.AVAILABLE, Action.SHIP, Status.SENT),
        (Status.SENT, Action.REPRINT, Status.SENT),
        (Status.SENT, Action.RETURN, Status.RETURNED),
        (Status.RETURNED, Action.REFILL_SEND, Status.IN_REFILL),
        (Status.IN_REFILL, Action.REFILL_RECEIVE, Status.AVAILABLE),
        (Status.AVAILABLE, Action.TRASH, Status.TRASHED),
    ]
    assert lifecycle.replay(history) == Status.TRASHED
    assert lifecycle.replay([]) is None


@pytest.mark.parametrize(
    "history",
    [
        [(Status.AVAILABLE, Action.SHIP, Status.SENT)],  # no add
        [(None, Action.ADD, Status.AVAILABLE), (Status.SENT, Action.RETURN, Status.RETURNED)],  # gap
        [(None, Action.ADD, Status.AVAILABLE), (Status.AVAILABLE, Action.RETURN, Status.RETURNED)],  # not allowed
        [(None, Action.ADD, Status.AVAILABLE), (Status.AVAILABLE, Action.SHIP, Status.RETURNED)],  # wrong target
        [
            (None, Action.ADD, Status.AVAILABLE),
            (Status.AVAILABLE, Action.TRASH, Status.TRASHED),
            (Status.TRASHED, Action.REPRINT, Status.TRASHED),
        ],  # after the end
    ],
)
def test_a_broken_history_does_not_replay(history):
    with pytest.raises(ValueError):
        lifecycle.replay(history)


def test_the_module_does_not_import_django():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(lifecycle))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name and name.startswith("django") for name in imported)
