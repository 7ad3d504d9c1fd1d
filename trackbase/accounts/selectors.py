from django.db.models import Q, QuerySet

from trackbase.accounts.models import User


def user_list(*, role: str | None = None, is_active: bool | None = None, search: str | None = None) -> QuerySet[User]:
    users = User.objects.order_by("id")
    if role:
        users = users.filter(role=role)
    if is_active is not None:
        users = users.filter(is_active=is_active)
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(email__icontains=search) | Q(first_name__icontains=search)
        )
    return users
