import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from trackbase.accounts.models import User
from trackbase.accounts.tests.factories import UserFactory
from trackbase.core.testing import client_for
from trackbase.notifications.models import Notification
from trackbase.wellness import rules
from trackbase.wellness.models import CheckIn, Group, Membership, Role
from trackbase.wellness.services.groups import group_create
from trackbase.wellness.services.reminders import reminders_send
from trackbase.wellness.tasks import send_weekly_reminders
from trackbase.wellness.tests.conftest import data_of, error_of

pytestmark = pytest.mark.django_db


def image_file(fmt="PNG", size=(800, 600), name="me.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_it_reads_and_updates_the_profile(owner_client):
    assert data_of(owner_client.get("/api/v1/users/profile"))["username"] == "owner"
    data = data_of(owner_client.put("/api/v1/users/profile", {"timezone": "Asia/Tokyo", "username": "owner_2"}))
    assert data["timezone"] == "Asia/Tokyo" and data["username"] == "owner_2"
    error_of(owner_client.put("/api/v1/users/profile", {"username": "root"}), 400)
    error_of(owner_client.put("/api/v1/users/profile", {"timezone": "Nowhere/Land"}), 400)


def test_a_taken_username_or_email_is_refused(owner_client, outsider):
    error_of(owner_client.put("/api/v1/users/profile", {"username": "outsider"}), 409, "USERNAME_TAKEN")
    error_of(owner_client.put("/api/v1/users/profile", {"email": outsider.email}), 409, "EMAIL_ALREADY_EXISTS")


def test_deleting_the_account_hands_sole_admin_groups_to_the_longest_member(owner, owner_client, group, member):
    later = UserFactory()
    client_for(later).post("/api/v1/groups/join", {"accessCode": group.access_code}, format="json")
    alone = group_create(user=owner, name="Alone")
    _check_in(owner, group, week=date(2026, 3, 2))
    assert owner_client.delete("/api/v1/users/account").status_code == 204
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not CheckIn.objects.filter(user_id=owner.pk).exists()
    assert Membership.objects.get(group=group, user=member).role == Role.ADMIN
    assert Group.objects.get(pk=group.pk).member_count == 2
    assert not Group.objects.filter(pk=alone.pk).exists()
    error_of(owner_client.get("/api/v1/users/profile"), 401)


def test_it_stores_a_re_encoded_avatar(owner, owner_client):
    data = data_of(owner_client.post("/api/v1/users/avatar", {"avatar": image_file()}, format="multipart"))
    assert data["avatarUrl"].endswith(".webp")
    owner.refresh_from_db()
    with Image.open(owner.avatar.open()) as stored:
        assert stored.format == "WEBP" and max(stored.size) == 512
    assert owner_client.delete("/api/v1/users/avatar").status_code == 204
    assert data_of(owner_client.get("/api/v1/users/profile"))["avatarUrl"] is None


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png"),
        SimpleUploadedFile("x.bmp", b"BM" + b"\0" * 100, content_type="image/bmp"),
    ],
)
def test_it_refuses_files_that_are_not_accepted_images(owner_client, upload):
    error = error_of(owner_client.post("/api/v1/users/avatar", {"avatar": upload}, format="multipart"), 400)
    assert "avatar" in error["details"]


def test_it_refuses_an_unsupported_image_type(owner_client):
    upload = image_file("BMP", name="x.bmp")
    error_of(owner_client.post("/api/v1/users/avatar", {"avatar": upload}, format="multipart"), 400)


def test_search_finds_usernames_and_never_emails(owner_client, outsider, member):
    users = data_of(owner_client.get("/api/v1/users/search?q=SIDE"))
    assert users == [{"id": outsider.pk, "username": "outsider", "avatarUrl": None}]
    assert data_of(owner_client.get("/api/v1/users/search?q=own")) == []  # never the caller
    error_of(owner_client.get("/api/v1/users/search?q=o"), 400)
    error_of(owner_client.get("/api/v1/users/search"), 400)
    assert data_of(owner_client.get("/api/v1/users/search?q=example.com")) == []


def test_the_export_holds_the_users_data_and_nobody_elses(owner, owner_client, outsider_client, group, member):
    _check_in(owner, group, week=date(2026, 3, 2))
    response = owner_client.get("/api/v1/users/export")
    data = data_of(response)
    assert "attachment" in response["Content-Disposition"]
    assert data["user"]["username"] == "owner"
    assert [m["groupId"] for m in data["memberships"]] == [group.pk]
    assert len(data["checkins"]) == 1
    other = data_of(outsider_client.get("/api/v1/users/export"))
    assert other["memberships"] == [] and other["checkins"] == []


def test_anonymous_callers_are_refused_everywhere(anon_client):
    for method, path in [
        ("get", "profile"),
        ("put", "profile"),
        ("delete", "account"),
        ("post", "avatar"),
        ("get", "search?q=ab"),
        ("get", "export"),
    ]:
        error_of(getattr(anon_client, method)(f"/api/v1/users/{path}"), 401)
    error_of(anon_client.post("/api/v1/migrate/local-storage", {}), 401)


def local_export(weeks):
    return [
        {
            "id": f"local-{n}",
            "userId": "u1",
            "groupId": "g1",
            "weekStartDate": week,
            "productive": 8,
            "satisfied": 7,
            "body": 6,
            "care": 9,
            "huCaresScore": 99,
            "submittedAt": f"{week}T10:00:00.000Z",
        }
        for n, week in enumerate(weeks)
    ]


def test_the_local_storage_import_is_idempotent(owner, owner_client, time_machine, group):
    time_machine.move_to(datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False)
    client = client_for(owner)
    body = {"groupId": group.pk, "checkIns": local_export(["2026-02-16", "2026-02-23", "2026-02-25"])}
    first = data_of(client.post("/api/v1/migrate/local-storage", body, format="json"))
    assert first == {"received": 3, "imported": 2, "skipped": 1}  # 25 Feb is in the week of 23 Feb
    again = data_of(client.post("/api/v1/migrate/local-storage", body, format="json"))
    assert again == {"received": 3, "imported": 0, "skipped": 3}
    rows = CheckIn.objects.filter(user=owner).order_by("week_start_date")
    assert [row.hu_cares_score for row in rows] == [12, 12]  # computed, not the client's 99


def test_the_import_refuses_future_weeks_outsiders_and_bad_scores(owner, outsider_client, time_machine, group):
    time_machine.move_to(datetime(2026, 3, 4, 12, tzinfo=UTC), tick=False)
    client = client_for(owner)
    error_of(
        client.post(
            "/api/v1/migrate/local-storage",
            {"groupId": group.pk, "checkIns": local_export(["2026-03-16"])},
            format="json",
        ),
        400,
    )
    bad = local_export(["2026-02-16"])
    bad[0]["care"] = 11
    error_of(client.post("/api/v1/migrate/local-storage", {"groupId": group.pk, "checkIns": bad}, format="json"), 400)
    error_of(
        client_for(UserFactory()).post(
            "/api/v1/migrate/local-storage",
            {"groupId": group.pk, "checkIns": local_export(["2026-02-16"])},
            format="json",
        ),
        404,
    )


def _check_in(user, group, *, week: date) -> None:
    CheckIn.objects.create(
        user=user,
        group=group,
        week_start_date=week,
        productive=5,
        satisfied=5,
        body=5,
        care=5,
        hu_cares_score=10,
        submitted_at=datetime.combine(week, datetime.min.time(), tzinfo=UTC) + timedelta(days=1),
    )


def test_weekly_reminders_reach_members_without_a_check_in_once(owner, group, member, time_machine):
    # Sunday 8 March 2026, 18:10 in Berlin is 17:10 UTC.
    Group.objects.filter(pk=group.pk).update(timezone="Europe/Berlin")
    time_machine.move_to(datetime(2026, 3, 8, 17, 10, tzinfo=UTC), tick=False)
    _check_in(owner, group, week=date(2026, 3, 2))
    assert send_weekly_reminders.call() == 1
    assert send_weekly_reminders.call() == 0  # the same hour again: deduplicated
    [reminder] = Notification.objects.filter(type="weekly_reminder")
    assert reminder.user_id == member.pk and reminder.data["weekStartDate"] == "2026-03-02"


def test_daily_groups_remind_once_a_day_until_the_check_in(owner, group, member, time_machine):
    Group.objects.filter(pk=group.pk).update(checkin_frequency="daily")  # UTC, the fixture's time zone
    time_machine.move_to(datetime(2026, 3, 10, 18, 5, tzinfo=UTC), tick=False)  # a Tuesday
    assert send_weekly_reminders.call() == 2  # owner and member: neither has checked in this week
    assert send_weekly_reminders.call() == 0
    time_machine.move_to(datetime(2026, 3, 11, 18, 5, tzinfo=UTC), tick=False)
    _check_in(owner, group, week=date(2026, 3, 9))
    assert send_weekly_reminders.call() == 1
    assert Notification.objects.filter(type="weekly_reminder", user=member).count() == 2


def test_no_reminder_outside_the_groups_reminder_hour(group, member):
    assert reminders_send(now=datetime(2026, 3, 8, 18, 10, tzinfo=UTC) - timedelta(hours=2)) == 0
    assert rules.reminder_due(datetime(2026, 3, 8, 18, 10), frequency="weekly")


def test_the_stored_avatar_is_served(owner_client, client, settings):
    settings.SERVE_MEDIA = True  # as under `make run`; in production the proxy or the storage serves media
    url = data_of(owner_client.post("/api/v1/users/avatar", {"avatar": image_file()}, format="multipart"))["avatarUrl"]
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


def test_an_outsider_sees_only_their_own_profile_and_no_emails_in_search(outsider_client, owner, outsider, group):
    assert data_of(outsider_client.get("/api/v1/users/profile"))["id"] == outsider.pk
    found = data_of(outsider_client.get("/api/v1/users/search?q=own"))
    assert found == [{"id": owner.pk, "username": "owner", "avatarUrl": None}]
    error_of(
        outsider_client.post("/api/v1/migrate/local-storage", {"groupId": group.pk, "checkIns": []}, format="json"),
        404,
        "GROUP_NOT_FOUND",
    )
