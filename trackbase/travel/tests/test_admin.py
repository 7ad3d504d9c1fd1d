import pytest

from trackbase.accounts.models import Role
from trackbase.accounts.tests.factories import UserFactory
from trackbase.travel.tests.helpers import segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.mark.parametrize("page", ["country", "visarule", "travelsegment", "importjob"])
def test_the_admin_lists_travel_data(client, root, owner, page):
    segment(owner, "US", "DE", "2031-01-01")
    client.force_login(root)
    assert client.get(f"/admin/travel/{page}/").status_code == 200


def test_segments_cannot_be_edited_in_the_admin(client, root, owner):
    mine = segment(owner, "US", "DE", "2031-01-01")
    client.force_login(root)
    assert client.post(f"/admin/travel/travelsegment/{mine.pk}/delete/", {"post": "yes"}).status_code == 403
