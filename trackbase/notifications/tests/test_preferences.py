"""The pure preference rules: which channels deliver which type (no database)."""

import pytest

from trackbase.notifications import preferences

ALL_ON = {"in_app": True, "realtime": True, "push": True}


def test_every_channel_is_on_for_a_user_who_never_chose():
    assert preferences.channels_for({}, "TRAIN_DELAY") == ALL_ON


def test_a_type_override_beats_the_default():
    document = {"default": {"push": False}, "types": {"TRAIN_DELAY": {"push": True, "in_app": False}}}

    assert preferences.channels_for(document, "TRAIN_DELAY") == {"in_app": False, "realtime": True, "push": True}
    assert preferences.channels_for(document, "TRAIN_CANCELLED") == {"in_app": True, "realtime": True, "push": False}


@pytest.mark.parametrize(
    "document",
    [
        None,
        [],
        "push: off",
        {"default": "off"},
        {"default": {"push": "false", "sms": False}},
        {"types": ["TRAIN_DELAY"]},
        {"types": {"TRAIN_DELAY": {"push": 0}, "lower_case": {"push": False}}},
    ],
)
def test_it_ignores_what_it_cannot_read(document):
    """The JSON field is shared with other apps and the profile endpoint: a stray shape must not break delivery."""
    assert preferences.channels_for(document, "TRAIN_DELAY") == ALL_ON


def test_it_spells_out_the_defaults_and_drops_empty_overrides():
    document = {"default": {"realtime": False}, "types": {"TRAIN_DELAY": {}, "TRAIN_CANCELLED": {"push": False}}}

    assert preferences.normalize(document) == {
        "default": {"in_app": True, "realtime": False, "push": True},
        "types": {"TRAIN_CANCELLED": {"push": False}},
    }


def test_replacing_keeps_the_keys_other_apps_own():
    document = {"email_digest": "weekly", "default": {"push": False}, "types": {"A": {"push": False}}}

    replaced = preferences.replace(document, default={"in_app": False}, types={})

    assert replaced == {
        "email_digest": "weekly",
        "default": {"in_app": False, "realtime": True, "push": True},
        "types": {},
    }
