from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def find_user(login: str):
    """The account a login names: the user with this email (case-insensitive), else with this username."""
    users = get_user_model()._default_manager
    user = users.filter(email__iexact=login).first() if "@" in login else None
    if user is None:
        # Usernames may contain "@" too: a login that is nobody's email can still be a username.
        # Registration keeps usernames unique regardless of case, so "Ann" signs in as "ann";
        # an exact match wins for accounts made before that rule (createsuperuser).
        user = users.filter(username=login).first() or users.filter(username__iexact=login).first()
    return user


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with a username or an email address (emails match case-insensitively)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = username or kwargs.get("email")
        if not login or password is None:
            return None
        user = find_user(login)
        if user is None:
            # Spend the same time as a real check so response timing does not reveal which logins exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
