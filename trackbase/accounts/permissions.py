from rest_framework.permissions import BasePermission

from trackbase.accounts.models import Role


class IsAdmin(BasePermission):
    message = "Only administrators may do this."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.role == Role.ADMIN)
