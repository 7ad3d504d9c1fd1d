from rest_framework.permissions import BasePermission

from trackbase.accounts.models import Role


class IsAdmin(BasePermission):
    message = "Only administrators may do this."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.role == Role.ADMIN)


class IsWorkerOrAdmin(BasePermission):
    message = "Only workers and administrators may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role in (Role.WORKER, Role.ADMIN))
