PROBLEM_CONTENT_TYPE = "application/problem+json"


def assert_problem(response, status: int, code: str | None = None) -> dict:
    """The response is problem+json with this status (and stable code, when given)."""
    assert response.status_code == status, response.content[:800]
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE), response["Content-Type"]
    body = response.json()
    assert body["status"] == status, body
    if code is not None:
        assert body["code"] == code, body
    return body
