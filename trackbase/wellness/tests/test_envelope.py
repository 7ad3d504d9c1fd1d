from trackbase.wellness.tests.conftest import data_of, error_of


def test_a_success_carries_data_and_meta(owner_client, group):
    body = owner_client.get(f"/api/v1/groups/{group.pk}").json()
    assert body["success"] is True
    assert body["data"]["id"] == group.pk
    assert {"timestamp", "version", "requestId"} <= set(body["meta"])


def test_an_error_carries_code_message_and_the_request_id(outsider_client, group):
    response = outsider_client.get(f"/api/v1/groups/{group.pk}", HTTP_X_REQUEST_ID="req-42")
    error = error_of(response, 404, "GROUP_NOT_FOUND")
    assert error["message"]
    assert response.json()["meta"]["requestId"] == "req-42"
    assert response["X-Request-ID"] == "req-42"


def test_validation_errors_name_the_fields_in_camel_case(owner_client):
    error = error_of(owner_client.post("/api/v1/groups", {"maxMembers": 0}, format="json"), 400, "VALIDATION_ERROR")
    assert set(error["details"]) == {"name", "maxMembers"}


def test_it_requires_authentication_in_the_envelope(anon_client):
    error_of(anon_client.get("/api/v1/groups"), 401, "NOT_AUTHENTICATED")


def test_lists_report_page_limit_total_and_pages(owner, owner_client):
    from trackbase.wellness.services.groups import group_create

    for n in range(5):
        group_create(user=owner, name=f"g{n}")
    body = owner_client.get("/api/v1/groups?page=2&limit=2").json()
    assert len(body["data"]) == 2
    assert body["meta"]["pagination"] == {"page": 2, "limit": 2, "total": 5, "totalPages": 3}


def test_it_rejects_out_of_range_pages(owner_client):
    error_of(owner_client.get("/api/v1/groups?limit=1000"), 400, "VALIDATION_ERROR")
    error_of(owner_client.get("/api/v1/groups?page=0"), 400, "VALIDATION_ERROR")
    assert data_of(owner_client.get("/api/v1/groups?page=9")) == []


def test_unknown_v1_paths_and_out_of_range_ids_are_404_in_the_envelope(owner_client, anon_client):
    error_of(anon_client.get("/api/v1/nothing-here"), 404, "NOT_FOUND")
    error_of(anon_client.delete("/api/v1/groups/1/nothing"), 404, "NOT_FOUND")
    error_of(owner_client.get(f"/api/v1/groups/{2**64}"), 404, "NOT_FOUND")


def test_a_wrong_method_is_405_in_the_envelope(owner_client):
    error_of(owner_client.patch("/api/v1/groups/join", {}), 405, "METHOD_NOT_ALLOWED")


def test_routes_answer_with_and_without_the_trailing_slash(owner_client):
    data_of(owner_client.post("/api/v1/groups/", {"name": "Slash"}, format="json"), 201)
    assert len(data_of(owner_client.get("/api/v1/groups/"))) == 1
