from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from trackbase.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin (hashed passwords, never shown) plus trackbase's fields."""

    list_display = ["username", "email", "role", "is_active", "email_verified", "created_at"]
    list_filter = ["role", "is_active", "email_verified", "is_staff"]
    search_fields = ["username", "email", "first_name", "last_name"]
    ordering = ["id"]
    readonly_fields = ["created_at", "updated_at", "last_login", "last_login_at", "last_active_at", "date_joined"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("trackbase", {"fields": ["role", "email_verified", "apple_user_id", "timezone", "avatar"]}),
        ("Preferences", {"fields": ["notification_preferences", "privacy_settings"]}),
        ("Activity", {"fields": ["last_login_at", "last_active_at", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["username", "email", "role", "usable_password", "password1", "password2"]},
        ),
    ]
