"""Cache-backed throttles: one counter per client and fixed window, shared by every worker process when
Redis is configured.

DRF's SimpleRateThrottle keeps the time of every request of the window in one cache value, read and
written whole on each request: at 600/min up to 600 floats, a cost that grows with the rate. Here a
request costs one atomic increment of a number, whatever the rate. The price of a fixed window is the
boundary: a client can spend the end of one window's allowance and the start of the next back to back
(twice the rate for a moment), which limits meant against abuse, not for billing, accept. Rates, scopes,
keys (`THROTTLE_<SCOPE>`, per user when signed in, else per address) and Retry-After are DRF's."""

from django.core.cache import cache
from rest_framework import throttling


def counter_incr(key: str, timeout: int) -> int:
    """Add one to the counter `key`, which lives `timeout` seconds from its first count; the new count.

    Atomic on Redis and in local memory: parallel requests never lose a count."""
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet: this is the window's first request
        pass
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)  # a parallel request created it first
    except ValueError:  # ...and it expired since: a new window
        cache.add(key, 1, timeout)
        return 1


class FixedWindowThrottle(throttling.SimpleRateThrottle):
    """SimpleRateThrottle's rates and keys, counted per fixed window (see the module docstring)."""

    retry_after: float | None = None

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        if counter_incr(f"{key}:{window}", self.duration) <= self.num_requests:
            return True
        self.retry_after = (window + 1) * self.duration - now
        return False

    def wait(self) -> float | None:
        return self.retry_after


class AnonRateThrottle(FixedWindowThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(FixedWindowThrottle, throttling.UserRateThrottle):
    pass


def scoped(scope_name: str) -> type[throttling.SimpleRateThrottle]:
    """A throttle for one scope (login, register, ...): keyed by user when signed in, else by address."""
    name = "".join(part.title() for part in scope_name.split("_")) + "Throttle"
    return type(name, (UserRateThrottle,), {"scope": scope_name})
