"""Pure rules for notification preferences: which channels deliver which notification type.

Stored in `User.notification_preferences` (a JSON document other apps may also write keys into):

    {"default": {"in_app": true, "realtime": true, "push": true},
     "types":   {"TRAIN_DELAY": {"push": false}}}

A channel is on for a type when `types[type][channel]` says so, else when `default[channel]` says so,
else it is on. Keys other than `default` and `types` belong to someone else and are left alone.

Other apps may show their own settings in the same document and endpoint (travel's Schengen alert
thresholds): `register_section(key, serializer_class, normalize)` in their AppConfig.ready(). The
section is stored under `key`, validated by the serializer on PUT and, once saved, shown as
`normalize(stored)` (an unsaved section is left out: its owner documents its defaults).
"""

import re
from collections.abc import Callable

IN_APP, REALTIME, PUSH = "in_app", "realtime", "push"
CHANNELS = (IN_APP, REALTIME, PUSH)
OWN_KEYS = ("default", "types")
TYPE_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,49}")
MAX_TYPES = 100

# key -> (input/output serializer class, normalize(stored value) -> shown value)
SECTIONS: dict[str, tuple[type, Callable[[object], dict]]] = {}


def register_section(key: str, serializer_class: type, normalize: Callable[[object], dict]) -> None:
    SECTIONS[key] = (serializer_class, normalize)


def sections_of(document) -> dict:
    document = document if isinstance(document, dict) else {}
    return {key: show(document[key]) for key, (_serializer, show) in SECTIONS.items() if key in document}


def _channels(raw) -> dict[str, bool]:
    """The valid channel switches of a stored entry; anything malformed (written elsewhere) is ignored."""
    if not isinstance(raw, dict):
        return {}
    return {channel: raw[channel] for channel in CHANNELS if isinstance(raw.get(channel), bool)}


def normalize(document) -> dict:
    """The preferences as the API shows them: every default channel spelled out, type overrides as stored."""
    document = document if isinstance(document, dict) else {}
    types = document.get("types") if isinstance(document.get("types"), dict) else {}
    return {
        "default": {channel: True for channel in CHANNELS} | _channels(document.get("default")),
        "types": {
            name: channels
            for name, raw in types.items()
            if isinstance(name, str) and TYPE_NAME.fullmatch(name) and (channels := _channels(raw))
        },
    }


def channels_for(document, type: str) -> dict[str, bool]:
    """Which channels deliver a notification of `type` to the owner of `document`."""
    preferences = normalize(document)
    return preferences["default"] | preferences["types"].get(type, {})


def replace(document, *, default: dict, types: dict) -> dict:
    """`document` with this app's keys replaced by the given (already validated) preferences."""
    document = document if isinstance(document, dict) else {}
    others = {key: value for key, value in document.items() if key not in OWN_KEYS}
    return others | normalize({"default": default, "types": types})
