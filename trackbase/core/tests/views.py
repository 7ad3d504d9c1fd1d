"""Small DRF views for the core tests: each raises one kind of error, or exercises one core piece."""

import threading
import time

from django.contrib.auth import get_user_model
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from trackbase.core.errors import DomainError
from trackbase.core.idempotency import idempotent
from trackbase.core.pagination import paginate
from trackbase.core.throttles import scoped

SECRET_IN_CRASH = "password=hunter2"
MAX_SEATS = 5


class QuietApi(APIView):
    """No throttles, so counters left by other test runs on a shared Redis never answer for us."""

    throttle_classes = ()


class OpenApi(QuietApi):
    permission_classes = (AllowAny,)


class ValidationApi(OpenApi):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField()
        seats = serializers.IntegerField(min_value=1)

    def post(self, request):
        self.InputSerializer(data=request.data).is_valid(raise_exception=True)
        return Response(status=204)


class SignedInApi(QuietApi):
    """The project's default authentication and IsAuthenticated permission."""

    def get(self, request):
        return Response({"user": request.user.username})


class PermissionDeniedApi(OpenApi):
    def get(self, request):
        raise exceptions.PermissionDenied()


class Http404Api(OpenApi):
    def get(self, request):
        raise Http404("No Booking matches the given query.")


class DomainErrorApi(OpenApi):
    def post(self, request):
        raise DomainError("Only 2 seats are left.", code="NOT_ENOUGH_SEATS", status=409)


class GetOnlyApi(OpenApi):
    def get(self, request):
        return Response({"ok": True})


class EchoApi(OpenApi):
    def post(self, request):
        return Response(request.data)


class ThrottledApi(OpenApi):
    def get(self, request):
        raise exceptions.Throttled(wait=2.5)


class CrashApi(OpenApi):
    def get(self, request):
        raise RuntimeError(f"could not connect with {SECRET_IN_CRASH}")


def plain_django_crash(request):
    raise RuntimeError(f"outside DRF with {SECRET_IN_CRASH}")


class UserListApi(OpenApi):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()

    def get(self, request):
        return paginate(request, get_user_model().objects.order_by("id"), serializer=self.OutputSerializer)


class TwoPerMinuteThrottle(scoped("core_test")):
    rate = "2/min"


class AddressThrottledApi(OpenApi):
    throttle_classes = (TwoPerMinuteThrottle,)

    def get(self, request):
        return Response({"ok": True})


class Executions:
    """How many times a booking view really ran (thread-safe, for the live-server test), and a way to
    make the next run fail."""

    def __init__(self):
        self._lock = threading.Lock()
        self.count = 0
        self.fail_next: str | None = None

    def record(self) -> int:
        with self._lock:
            self.count += 1
            return self.count

    def reset(self) -> None:
        with self._lock:
            self.count = 0
            self.fail_next = None

    def take_failure(self) -> str | None:
        with self._lock:
            failure, self.fail_next = self.fail_next, None
            return failure


executions = Executions()


def _seats(data) -> int:
    seats = data.get("seats")
    # Multipart fields arrive as strings; JSON ones as numbers.
    if isinstance(seats, str) and seats.isdigit():
        return int(seats)
    if not isinstance(seats, int):
        raise exceptions.ValidationError({"seats": ["A whole number is required."]})
    return seats


def _book(request) -> Response:
    """A stand-in write: `seats` above MAX_SEATS is a domain refusal; `fail_next` injects a failure."""
    failure = executions.take_failure()
    if failure == "crash":
        raise RuntimeError("booking engine down")
    if failure == "unavailable":
        return Response({"detail": "try again"}, status=503)
    seats = _seats(request.data)
    if seats > MAX_SEATS:
        raise DomainError(f"At most {MAX_SEATS} seats per booking.", code="TOO_MANY_SEATS", status=409)
    return Response({"booking": executions.record(), "seats": seats}, status=201)


class BookingApi(QuietApi):
    @idempotent
    def post(self, request):
        return _book(request)


class OpenBookingApi(OpenApi):
    @idempotent
    def post(self, request):
        return _book(request)


class SlowBookingApi(QuietApi):
    @idempotent
    def post(self, request):
        time.sleep(0.3)  # long enough that every parallel request arrives while the first is in flight
        return _book(request)


@api_view(["POST"])
@throttle_classes(())
@idempotent
def booking_function(request):
    return _book(request)
