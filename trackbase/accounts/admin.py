from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from trackbase.accounts.devices import admin as devices_admin  # noqa: F401  (registers the device admin)
from trackbase.accounts.models import User
from trackbase.accounts.tokens import tokens_revoke_all


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Same rule as the API's deactivate: the account's sessions end now, not at token expiry.
            tokens_revoke_all(user_id=obj.pk)

    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["username", "email", "role", "usable_password", "password1", "password2"]},
        ),
    ]
