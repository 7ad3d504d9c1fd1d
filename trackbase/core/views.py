import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.db import connections
from django.http import Http404, JsonResponse
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import page_not_found, server_error
from django.views.defaults import permission_denied as default_permission_denied
from django.views.static import serve as serve_file

from trackbase.core.errors import INTERNAL_ERROR_DETAIL, problem_response

logger = logging.getLogger(__name__)
API_PREFIXES = ("/api/", "/me/")
NO_ENDPOINT_DETAIL = "No endpoint matches this path."
ROOT_MESSAGE = "trackbase API. Start at the docs (Swagger UI) or fetch the OpenAPI schema."
ROOT_LINKS = {"docs": "/api/docs/", "schema": "/api/schema/", "health": "/health/", "ready": "/ready/"}


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path in ("/me", "/api")


def not_found(request, exception=None):
    if is_api_path(request.path):
        return problem_response(404, "NOT_FOUND", NO_ENDPOINT_DETAIL)
    return page_not_found(request, exception)


def bad_request(request, exception=None):
    """Django's own 400s (a disallowed Host header, a malformed request) before any view ran."""
    if is_api_path(request.path):
        return problem_response(400, "BAD_REQUEST", "The request is malformed.")
    return default_bad_request(request, exception)


def permission_denied(request, exception=None):
    if is_api_path(request.path):
        return problem_response(403, "PERMISSION_DENIED", "You do not have permission to perform this action.")
    return default_permission_denied(request, exception)


def server_failure(request):
    if is_api_path(request.path):
        return problem_response(500, "INTERNAL_ERROR", INTERNAL_ERROR_DETAIL)
    return server_error(request)


def root(request):
    """`GET /`: this server has no web pages; say where the API and its documentation are."""
    links = {name: request.build_absolute_uri(path) for name, path in ROOT_LINKS.items()}
    return JsonResponse({"name": "trackbase", "message": ROOT_MESSAGE, **links})


def media(request, path: str):
    """Uploaded files (avatars) under `make run` (SERVE_MEDIA); in production the proxy or the storage serves them."""
    if not settings.SERVE_MEDIA:
        raise Http404()
    try:
        return serve_file(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:  # a path that climbs out of MEDIA_ROOT
        raise Http404() from None


def health(request):
    """Liveness: the process answers. No dependency is touched."""
    return JsonResponse({"status": "ok"})


def _check_database(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("ready-probe", "1", 5)
    if cache.get("ready-probe") != "1":
        raise RuntimeError("cache did not return the value just written")


def _check_tasks() -> None:
    if settings.TASK_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
    elif settings.TASK_BACKEND == "rq":
        import django_rq

        django_rq.get_connection("default").ping()


READINESS_CHECKS = {
    "database": lambda: _check_database("default"),
    "analytics_database": lambda: _check_database("analytics"),
    "cache": _check_cache,
    "tasks": _check_tasks,
}


def register_readiness_check(name: str, check) -> None:
    """Add a dependency an app owns (the request log, ...) to /ready/; `check()` raises while it is down."""
    READINESS_CHECKS[name] = check


def _scheduler_status() -> dict:
    """The periodic jobs' last runs: reported, never a reason to take this instance out of the load balancer
    (the scheduler is its own process in production; a late job is the operator's alert, not the web tier's)."""
    from trackbase.core.scheduler import declared_jobs, job_status

    try:
        jobs = job_status(jobs=declared_jobs())
    except Exception as exc:  # the database is down: the checks above already say so
        logger.warning("scheduler status unavailable", extra={"error": str(exc)})
        return {"status": "unavailable", "jobs": {}}
    return {"status": "late" if any(job["late"] for job in jobs.values()) else "ok", "jobs": jobs}


def ready(request):
    """Readiness: every dependency the API needs answers. 503 names the ones that do not."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log
            logger.warning("readiness check failed", extra={"check": name, "error": str(exc)})
            results[name] = "unavailable"
    ok = all(value == "ok" for value in results.values())
    body = {"status": "ok" if ok else "unavailable", "checks": results, "scheduler": _scheduler_status()}
    return JsonResponse(body, status=200 if ok else 503)
