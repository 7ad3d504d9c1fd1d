import pytest


@pytest.mark.django_db
def test_register_returns_user_and_tokens(anon_client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = anon_client.post(
            "/api/auth/register/",
            {"email": "ann@example.com", "password": "Secret123x", "first_name": "Ann"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["user"]["role"] == "USER"
    assert len(mailoutbox) == 1
