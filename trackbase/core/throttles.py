"""Cache-backed throttles: with Redis configured, the counts are shared by every worker process."""

from rest_framework import throttling


class AnonRateThrottle(throttling.AnonRateThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle):
    pass


def scoped(scope_name: str) -> type[throttling.SimpleRateThrottle]:
    """A throttle for one scope (login, register, ...): keyed by user when signed in, else by address."""
    name = "".join(part.title() for part in scope_name.split("_")) + "Throttle"
    return type(name, (throttling.UserRateThrottle,), {"scope": scope_name})
