from trackbase.core.contracts import v1
from trackbase.core.request_id import reset_request_id, set_request_id


def test_field_error_keys_become_camel_case():
    assert v1.camelize({"max_members": ["x"], "check_ins": [{"week_start_date": ["y"]}]}) == {
        "maxMembers": ["x"],
        "checkIns": [{"weekStartDate": ["y"]}],
    }


def test_an_error_body_carries_the_request_id_and_only_present_details():
    token = set_request_id("req-7")
    try:
        body = v1.error_body(409, "DUPLICATE_CHECKIN", "Already.")
    finally:
        reset_request_id(token)
    assert body["success"] is False
    assert body["error"] == {"code": "DUPLICATE_CHECKIN", "message": "Already."}
    assert body["meta"]["requestId"] == "req-7" and body["meta"]["timestamp"].endswith("Z")


def test_a_no_content_success_has_no_body():
    response = v1.ok(http_status=204)
    assert response.status_code == 204 and response.data is None
