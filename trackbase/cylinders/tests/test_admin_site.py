"""The Django admin shows cylinders and their history, and changes nothing."""

import pytest

from trackbase.cylinders import services
from trackbase.cylinders.lifecycle import Action

pytestmark = pytest.mark.django_db

PAGES = ["cylinder", "cylinderevent", "shipment", "refill"]


@pytest.mark.parametrize("page", PAGES)
def test_the_admin_lists_each_model(client, admin_user, add_cylinders, worker, page):
    [cylinder] = add_cylinders()
    services.cylinders_transition(actor=worker, action=Action.SHIP, qr_codes=[cylinder.qr_code], sent_to="Acme")
    client.force_login(admin_user)
    assert client.get(f"/admin/cylinders/{page}/").status_code == 200
    assert client.get(f"/admin/cylinders/{page}/add/").status_code == 403


def test_a_cylinder_cannot_be_edited_there(client, admin_user, add_cylinders):
    [cylinder] = add_cylinders()
    client.force_login(admin_user)
    response = client.post(f"/admin/cylinders/cylinder/{cylinder.pk}/change/", {"status": "TRASHED"})
    assert response.status_code == 403
    cylinder.refresh_from_db()
    assert cylinder.status == "AVAILABLE"
