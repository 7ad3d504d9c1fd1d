from django.urls import path

from trackbase.accounts import admin_apis, apis, pages
from trackbase.accounts.devices import apis as device_apis

urlpatterns = [
    # The pages account emails link to when no FRONTEND_URL is configured.
    path("verify-email", pages.verify_email, name="page-verify-email"),
    path("reset-password", pages.reset_password, name="page-reset-password"),
    path("api/auth/register/", apis.RegisterApi.as_view(), name="auth-register"),
    path("api/auth/login/", apis.LoginApi.as_view(), name="auth-login"),
    path("api/auth/logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("api/auth/login/email/", apis.LoginApi.as_view(), name="auth-login-email"),
    path("api/auth/login/apple/", apis.AppleLoginApi.as_view(), name="auth-login-apple"),
    path("api/auth/token/refresh/", apis.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("api/auth/password/change/", apis.PasswordChangeApi.as_view(), name="auth-password-change"),
    path("api/auth/password/reset/", apis.PasswordResetRequestApi.as_view(), name="auth-password-reset"),
    path(
        "api/auth/password/reset/confirm/", apis.PasswordResetConfirmApi.as_view(), name="auth-password-reset-confirm"
    ),
    path("api/auth/verify-email/", apis.EmailVerifyApi.as_view(), name="auth-verify-email"),
    path("api/auth/verify-email/resend/", apis.EmailVerifyResendApi.as_view(), name="auth-verify-email-resend"),
    path("api/profile/", apis.ProfileApi.as_view(), name="profile"),
    path("api/devices/", device_apis.DeviceListApi.as_view(), name="device-list"),
    path("api/admin/users/", admin_apis.UserListApi.as_view(), name="admin-user-list"),
    path("api/admin/users/<id:user_id>/", admin_apis.UserDetailApi.as_view(), name="admin-user-detail"),
    path("api/admin/users/<id:user_id>/role/", admin_apis.UserRoleApi.as_view(), name="admin-user-role"),
    path(
        "api/admin/users/<id:user_id>/deactivate/",
        admin_apis.UserDeactivateApi.as_view(),
        name="admin-user-deactivate",
    ),
    path("api/admin/users/<id:user_id>/activate/", admin_apis.UserActivateApi.as_view(), name="admin-user-activate"),
]
