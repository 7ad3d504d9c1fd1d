"""The two pages account emails link to, served by the backend when no FRONTEND_URL is configured.

Plain Django views with CSRF protection and no JavaScript. The link only shows a form: the token is spent by
the POST, so a mail scanner that opens every link verifies nothing and resets nothing."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import ValidationError

from trackbase.accounts import services
from trackbase.core.errors import DomainError
from trackbase.core.throttles import scoped

MAX_TOKEN_LENGTH = 512
PASSWORDS_DIFFER = "The two passwords differ."
TOO_MANY_ATTEMPTS = "Too many attempts. Wait a while and try again."
NO_TOKEN = "This link has no token. Open the link from the email again."


def _served() -> None:
    if settings.FRONTEND_URL:
        raise Http404()  # the configured frontend serves these pages


def _throttled(request, scope: str) -> bool:
    return not scoped(scope)().allow_request(request, None)


def _messages(exc: Exception) -> list[str]:
    """What to show for a refusal: each field's messages, else the error's own sentence."""
    errors = exc.detail if isinstance(exc, ValidationError) else getattr(exc, "errors", None)
    if isinstance(errors, dict):
        return [str(message) for messages in errors.values() for message in messages]
    return [str(getattr(exc, "detail", exc))]


def _page(request, *, title, messages=(), failed=False, form=None, token="", button="", status=200):
    context = {"title": title, "messages": messages, "failed": failed, "form": form, "token": token, "button": button}
    return render(request, "accounts/page.html", context, status=status)


def _token(request) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return source.get("token", "")[:MAX_TOKEN_LENGTH]


@never_cache
def verify_email(request):
    _served()
    title, token = "Confirm your email address", _token(request)
    if not token:
        return _page(request, title=title, messages=[NO_TOKEN], failed=True, status=400)
    if request.method != "POST":
        return _page(request, title=title, form="confirm", token=token, button="Confirm my email address")
    if _throttled(request, "email_verify"):
        return _page(request, title=title, messages=[TOO_MANY_ATTEMPTS], failed=True, status=429)
    try:
        services.email_verify(token=token)
    except DomainError as exc:
        return _page(request, title=title, messages=_messages(exc), failed=True, status=exc.status)
    return _page(request, title="Email address confirmed", messages=["You can close this page and sign in."])


@never_cache
def reset_password(request):
    _served()
    title, token = "Choose a new password", _token(request)
    form = {"form": "password", "token": token, "button": "Set the new password"}
    if not token:
        return _page(request, title=title, messages=[NO_TOKEN], failed=True, status=400)
    if request.method != "POST":
        return _page(request, title=title, **form)
    password = request.POST.get("new_password", "")
    if password != request.POST.get("new_password_again", ""):
        return _page(request, title=title, messages=[PASSWORDS_DIFFER], failed=True, status=400, **form)
    if _throttled(request, "password_reset"):
        return _page(request, title=title, messages=[TOO_MANY_ATTEMPTS], failed=True, status=429, **form)
    try:
        services.password_reset_confirm(token=token, new_password=password[:128])
    except (DomainError, ValidationError) as exc:
        status = getattr(exc, "status", 400)
        return _page(request, title=title, messages=_messages(exc), failed=True, status=status, **form)
    return _page(request, title="Password changed", messages=["Sign in with your new password."])
