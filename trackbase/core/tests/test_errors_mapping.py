"""The exception -> problem mapping on its own, for the cases no view needs to exist for."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from rest_framework import exceptions, serializers

from trackbase.core.errors import to_problem


def test_it_maps_a_django_validation_error_with_fields():
    body, _ = to_problem(ValidationError({"email": ["Enter a valid email address."]}))
    assert (body["status"], body["code"]) == (400, "VALIDATION_ERROR")
    assert body["errors"] == {"email": ["Enter a valid email address."]}


def test_it_turns_a_plain_validation_message_into_the_detail():
    body, _ = to_problem(exceptions.ValidationError("Departure must be before arrival."))
    assert body["detail"] == "Departure must be before arrival."
    assert "errors" not in body


class SeatSerializer(serializers.Serializer):
    seats = serializers.IntegerField()


def test_it_reports_list_serializer_errors_per_item():
    serializer = SeatSerializer(many=True, data=[{"seats": 1}, {"seats": "x"}])
    assert not serializer.is_valid()
    body, _ = to_problem(exceptions.ValidationError(serializer.errors))
    assert body["detail"] == "Some items are invalid."
    assert body["errors"] == [{}, {"seats": ["A valid integer is required."]}]


def test_it_maps_django_permission_denied_without_its_internal_reason():
    body, _ = to_problem(PermissionDenied("internal reason"))
    assert (body["status"], body["code"]) == (403, "PERMISSION_DENIED")
    assert "internal reason" not in body["detail"]


def test_it_answers_a_suspicious_request_with_400_not_500():
    body, _ = to_problem(SuspiciousOperation("too many fields"))
    assert (body["status"], body["code"]) == (400, "MALFORMED_REQUEST")
