import pytest

pytestmark = pytest.mark.django_db
URL = "/api/countries/"


def test_anyone_gets_every_country_as_a_plain_array(anon_client):
    response = anon_client.get(URL)
    assert response.status_code == 200
    rows = {row["iso_code"]: row for row in response.json()}
    assert len(rows) == 249
    assert rows["DE"] == {"name": "Germany", "iso_code": "DE", "is_schengen": True}
    assert rows["IE"]["is_schengen"] is False
    assert rows["BG"]["is_schengen"] is True
    assert rows["US"]["is_schengen"] is False


def test_it_answers_304_to_a_matching_etag(anon_client, outsider_client):
    etag = anon_client.get(URL)["ETag"]
    again = outsider_client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert anon_client.get(URL, HTTP_IF_NONE_MATCH='"other"').status_code == 200
