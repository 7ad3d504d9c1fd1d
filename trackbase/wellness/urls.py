"""Seed 002's routes under /api/v1/, spelt as the seed spells them."""

from django.urls import path

from trackbase.wellness.api_v1 import analytics, auth, checkins, groups, notifications, users

urlpatterns = [
    path("api/v1/auth/register", auth.RegisterApi.as_view(), name="v1-auth-register"),
    path("api/v1/auth/login", auth.LoginApi.as_view(), name="v1-auth-login"),
    path("api/v1/auth/pin-login", auth.PinLoginApi.as_view(), name="v1-auth-pin-login"),
    path("api/v1/auth/pin", auth.PinApi.as_view(), name="v1-auth-pin"),
    path("api/v1/auth/refresh", auth.RefreshApi.as_view(), name="v1-auth-refresh"),
    path("api/v1/auth/logout", auth.LogoutApi.as_view(), name="v1-auth-logout"),
    path("api/v1/auth/forgot-password", auth.ForgotPasswordApi.as_view(), name="v1-auth-forgot-password"),
    path("api/v1/auth/reset-password", auth.ResetPasswordApi.as_view(), name="v1-auth-reset-password"),
    path("api/v1/auth/verify-email", auth.VerifyEmailApi.as_view(), name="v1-auth-verify-email"),
    path("api/v1/users/profile", users.ProfileApi.as_view(), name="v1-user-profile"),
    path("api/v1/users/account", users.AccountApi.as_view(), name="v1-user-account"),
    path("api/v1/users/avatar", users.AvatarApi.as_view(), name="v1-user-avatar"),
    path("api/v1/users/search", users.SearchApi.as_view(), name="v1-user-search"),
    path("api/v1/users/export", users.ExportApi.as_view(), name="v1-user-export"),
    path("api/v1/migrate/local-storage", users.LocalStorageMigrateApi.as_view(), name="v1-migrate-local-storage"),
    path("api/v1/groups", groups.GroupListApi.as_view(), name="v1-groups"),
    path("api/v1/groups/join", groups.GroupJoinApi.as_view(), name="v1-group-join"),
    path("api/v1/groups/<id:group_id>", groups.GroupDetailApi.as_view(), name="v1-group"),
    path("api/v1/groups/<id:group_id>/leave", groups.GroupLeaveApi.as_view(), name="v1-group-leave"),
    path("api/v1/groups/<id:group_id>/members", groups.GroupMembersApi.as_view(), name="v1-group-members"),
    path("api/v1/groups/<id:group_id>/members/<id:user_id>", groups.GroupMemberApi.as_view(), name="v1-group-member"),
    path("api/v1/groups/<id:group_id>/invite", groups.GroupInviteApi.as_view(), name="v1-group-invite"),
    path("api/v1/groups/<id:group_id>/access-code", groups.GroupAccessCodeApi.as_view(), name="v1-group-access-code"),
    path("api/v1/checkins", checkins.CheckInListApi.as_view(), name="v1-checkins"),
    path("api/v1/checkins/current", checkins.CheckInCurrentApi.as_view(), name="v1-checkin-current"),
    path("api/v1/checkins/history", checkins.CheckInHistoryApi.as_view(), name="v1-checkin-history"),
    path("api/v1/checkins/group/<id:group_id>", checkins.GroupCheckInsApi.as_view(), name="v1-checkins-group"),
    path("api/v1/checkins/<id:checkin_id>", checkins.CheckInDetailApi.as_view(), name="v1-checkin"),
    path("api/v1/analytics/personal", analytics.PersonalApi.as_view(), name="v1-analytics-personal"),
    path("api/v1/analytics/group/<id:group_id>", analytics.GroupApi.as_view(), name="v1-analytics-group"),
    path("api/v1/analytics/comparison", analytics.ComparisonApi.as_view(), name="v1-analytics-comparison"),
    path("api/v1/analytics/insights", analytics.InsightsApi.as_view(), name="v1-analytics-insights"),
    path("api/v1/notifications", notifications.NotificationListApi.as_view(), name="v1-notifications"),
    path(
        "api/v1/notifications/read-all",
        notifications.NotificationReadAllApi.as_view(),
        name="v1-notifications-read-all",
    ),
    path(
        "api/v1/notifications/<id:notification_id>",
        notifications.NotificationDetailApi.as_view(),
        name="v1-notification",
    ),
    path(
        "api/v1/notifications/<id:notification_id>/read",
        notifications.NotificationReadApi.as_view(),
        name="v1-notification-read",
    ),
]
