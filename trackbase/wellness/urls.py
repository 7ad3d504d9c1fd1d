"""Seed 002's routes under /api/v1/, spelt as the seed spells them."""

from django.urls import path, re_path

from trackbase.wellness.api_v1 import analytics, auth, base, checkins, groups, notifications, users

urlpatterns = [
    path("api/v1/auth/register", auth.V1RegisterApi.as_view(), name="v1-auth-register"),
    path("api/v1/auth/login", auth.V1LoginApi.as_view(), name="v1-auth-login"),
    path("api/v1/auth/pin-login", auth.V1PinLoginApi.as_view(), name="v1-auth-pin-login"),
    path("api/v1/auth/pin", auth.V1PinApi.as_view(), name="v1-auth-pin"),
    path("api/v1/auth/refresh", auth.V1RefreshApi.as_view(), name="v1-auth-refresh"),
    path("api/v1/auth/logout", auth.V1LogoutApi.as_view(), name="v1-auth-logout"),
    path("api/v1/auth/forgot-password", auth.V1ForgotPasswordApi.as_view(), name="v1-auth-forgot-password"),
    path("api/v1/auth/reset-password", auth.V1ResetPasswordApi.as_view(), name="v1-auth-reset-password"),
    path("api/v1/auth/verify-email", auth.V1VerifyEmailApi.as_view(), name="v1-auth-verify-email"),
    path("api/v1/users/profile", users.V1ProfileApi.as_view(), name="v1-user-profile"),
    path("api/v1/users/account", users.V1AccountApi.as_view(), name="v1-user-account"),
    path("api/v1/users/avatar", users.V1AvatarApi.as_view(), name="v1-user-avatar"),
    path("api/v1/users/search", users.V1SearchApi.as_view(), name="v1-user-search"),
    path("api/v1/users/export", users.V1ExportApi.as_view(), name="v1-user-export"),
    path("api/v1/migrate/local-storage", users.V1LocalStorageMigrateApi.as_view(), name="v1-migrate-local-storage"),
    path("api/v1/groups", groups.V1GroupListApi.as_view(), name="v1-groups"),
    path("api/v1/groups/join", groups.V1GroupJoinApi.as_view(), name="v1-group-join"),
    path("api/v1/groups/<id:group_id>", groups.V1GroupDetailApi.as_view(), name="v1-group"),
    path("api/v1/groups/<id:group_id>/leave", groups.V1GroupLeaveApi.as_view(), name="v1-group-leave"),
    path("api/v1/groups/<id:group_id>/members", groups.V1GroupMembersApi.as_view(), name="v1-group-members"),
    path("api/v1/groups/<id:group_id>/members/<id:user_id>", groups.V1GroupMemberApi.as_view(), name="v1-group-member"),
    path("api/v1/groups/<id:group_id>/invite", groups.V1GroupInviteApi.as_view(), name="v1-group-invite"),
    path("api/v1/groups/<id:group_id>/access-code", groups.V1GroupAccessCodeApi.as_view(), name="v1-group-access-code"),
    path("api/v1/checkins", checkins.V1CheckInListApi.as_view(), name="v1-checkins"),
    path("api/v1/checkins/current", checkins.V1CheckInCurrentApi.as_view(), name="v1-checkin-current"),
    path("api/v1/checkins/history", checkins.V1CheckInHistoryApi.as_view(), name="v1-checkin-history"),
    path("api/v1/checkins/group/<id:group_id>", checkins.V1GroupCheckInsApi.as_view(), name="v1-checkins-group"),
    path("api/v1/checkins/<id:checkin_id>", checkins.V1CheckInDetailApi.as_view(), name="v1-checkin"),
    path("api/v1/analytics/personal", analytics.V1PersonalApi.as_view(), name="v1-analytics-personal"),
    path("api/v1/analytics/group/<id:group_id>", analytics.V1GroupApi.as_view(), name="v1-analytics-group"),
    path("api/v1/analytics/comparison", analytics.V1ComparisonApi.as_view(), name="v1-analytics-comparison"),
    path("api/v1/analytics/insights", analytics.V1InsightsApi.as_view(), name="v1-analytics-insights"),
    path("api/v1/notifications", notifications.V1NotificationListApi.as_view(), name="v1-notifications"),
    path(
        "api/v1/notifications/read-all",
        notifications.V1NotificationReadAllApi.as_view(),
        name="v1-notifications-read-all",
    ),
    path(
        "api/v1/notifications/<id:notification_id>",
        notifications.V1NotificationDetailApi.as_view(),
        name="v1-notification",
    ),
    path(
        "api/v1/notifications/<id:notification_id>/read",
        notifications.V1NotificationReadApi.as_view(),
        name="v1-notification-read",
    ),
    # Last: any other /api/v1/ path answers 404 in the envelope (not as problem+json).
    re_path(r"^api/v1/", base.V1NoEndpointApi.as_view(schema=None)),
]
