import pytest

from trackbase.core.testing import travel
from trackbase.notifications.models import Notification
from trackbase.travel import alerts
from trackbase.travel.models import SchengenAlert
from trackbase.travel.tasks import schengen_alerts_daily
from trackbase.travel.tests.helpers import segment

pytestmark = pytest.mark.django_db


def alerts_of(user):
    return list(Notification.objects.filter(user=user, type=alerts.NOTIFICATION_TYPE).order_by("id"))


def test_reaching_80_days_notifies_once_and_the_daily_job_does_not_repeat_it(
    owner, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        segment(owner, "US", "DE", "2030-12-25")  # 80 days in Germany by today, 2031-03-14
    [sent] = alerts_of(owner)
    assert sent.data["threshold"] == "80" and sent.data["days_used"] == 80
    schengen_alerts_daily.enqueue()
    assert len(alerts_of(owner)) == 1
    assert alerts_of(outsider) == []


def test_the_daily_job_notices_each_next_threshold_as_days_pass(owner, time_machine):
    segment(owner, "US", "DE", "2030-12-25")
    assert schengen_alerts_daily.enqueue().return_value == 1
    travel(time_machine, days=5)  # 85 days
    schengen_alerts_daily.enqueue()
    travel(time_machine, days=5)  # 90 days
    schengen_alerts_daily.enqueue()
    travel(time_machine, days=1)  # 91: overstay
    schengen_alerts_daily.enqueue()
    assert [n.data["threshold"] for n in alerts_of(owner)] == ["80", "85", "90", "OVERSTAY"]


def test_a_jump_past_several_thresholds_sends_one_alert_for_the_highest(owner):
    segment(owner, "US", "DE", "2030-12-01")
    alerts.schengen_alerts_check(user_id=owner.pk)
    [sent] = alerts_of(owner)
    assert sent.data["threshold"] == "OVERSTAY"
    recorded = set(SchengenAlert.objects.filter(user=owner).values_list("threshold", flat=True))
    assert recorded == {"80", "85", "90", "OVERSTAY"}


def test_custom_thresholds_come_from_the_preferences(owner):
    owner.notification_preferences = {"travel": {"schengen_thresholds": [30]}}
    owner.save()
    segment(owner, "US", "DE", "2031-02-01")  # 42 days
    alerts.schengen_alerts_check(user_id=owner.pk)
    assert [n.data["threshold"] for n in alerts_of(owner)] == ["30"]


def test_thresholds_are_part_of_the_notification_settings(owner, owner_client, outsider_client):
    settings_url = "/api/notifications/settings/"
    assert "travel" not in owner_client.get(settings_url).json()  # the defaults (80, 85, 90) until saved
    response = owner_client.put(settings_url, {"travel": {"schengen_thresholds": [60, 75]}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["travel"] == {"schengen_thresholds": [60, 75]}
    owner.refresh_from_db()
    assert alerts.thresholds_for(owner) == [60, 75]
    assert "travel" not in outsider_client.get(settings_url).json()
    bad = owner_client.put(settings_url, {"travel": {"schengen_thresholds": [91]}}, format="json")
    assert bad.status_code == 400
