"""Pure rules for `User.privacy_settings` (seed 002): who may see a member's profile and scores.

    {"profile": "friends", "scores": "group"}

Two keys, each one of PRIVACY_LEVELS; a key left out means its default. The document has this schema
and no other (clients cannot store anything else in it), so its depth and size are bounded too.
"""

PRIVACY_KEYS = ("profile", "scores")
PRIVACY_LEVELS = ("public", "friends", "group", "private")
DEFAULTS = {"profile": "friends", "scores": "group"}


def normalize(document) -> dict:
    """The settings as the API shows them: every key, stored values where valid, defaults elsewhere."""
    document = document if isinstance(document, dict) else {}
    return {key: value if (value := document.get(key)) in PRIVACY_LEVELS else DEFAULTS[key] for key in PRIVACY_KEYS}
