"""Demo accounts for `manage.py load_demo_data`: known usernames and one known password (never in production)."""

from trackbase.accounts.models import Role, User

DEMO_PASSWORD = "Demo-pass-2026"
DEMO_USERS = (
    ("alice", "alice@example.com", Role.USER),
    ("bob", "bob@example.com", Role.USER),
    ("demo-admin", "admin@example.com", Role.ADMIN),
)


def load() -> list[str]:
    """Create the demo users that are missing; an existing user (and their password) is left as it is."""
    lines = []
    for username, email, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username, email, DEMO_PASSWORD, role=role, is_staff=role == Role.ADMIN, email_verified=True
            )
            lines.append(f"{username} / {DEMO_PASSWORD} ({role}) created")
        else:
            lines.append(f"{username} ({user.role}) already there, left unchanged")
    return lines
