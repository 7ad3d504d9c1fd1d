from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane) instead of Django's
    100 MiB x 8 lanes: measured here, Django's costs ~210 CPU ms per login (5 logins/s for a
    2-core box, and as many for an attacker's unknown-user probes); this costs a small fraction.
    Hashes made with other parameters are upgraded on the user's next successful login."""

    memory_cost = 19 * 1024
    time_cost = 2
    parallelism = 1
