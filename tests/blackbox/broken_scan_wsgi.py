"""The production WSGI app with the cylinder transition guards removed: for proving the scan race test can fail.

Served by gunicorn as `tests.blackbox.broken_scan_wsgi:application` (never imported by pytest itself). It replaces
`trackbase.cylinders.services.cylinders_transition` (row locks in order, UPDATEs conditional on the checked status)
with the naive version: read the statuses outside any transaction, check them, pause (as a slow request would),
then write unconditionally and append the history. Requests that read the same status all pass the check. It opens
no Shipment rows, whose one-open-trip column would otherwise still refuse the second shipment.

Every response carries `X-Scan-Guard: removed`, so a test can tell it is talking to this app.
"""

import time

from django.db import transaction
from django.utils import timezone

from config.wsgi import application as django_application
from trackbase.cylinders import codes, lifecycle, services
from trackbase.cylinders.api import actions
from trackbase.cylinders.errors import InvalidTransition
from trackbase.cylinders.models import Cylinder

RACE_WINDOW_SECONDS = 0.2


def transition_without_guard(*, actor, action, qr_codes, sent_to="", reason="", note="", partial=False):
    rule = lifecycle.transition(action)
    cylinders = list(Cylinder.objects.filter(qr_code__in=[codes.qr_key(c) for c in qr_codes]))  # the bug
    for cylinder in cylinders:
        if not lifecycle.allows(action, cylinder.status):
            raise InvalidTransition(
                lifecycle.refusal(action=action, status=cylinder.status, label=cylinder.serial_number)
            )
    time.sleep(RACE_WINDOW_SECONDS)
    now, result = timezone.now(), services.BatchResult(action)
    with transaction.atomic():
        Cylinder.objects.filter(pk__in=[c.pk for c in cylinders]).update(status=rule.target, sent_to=sent_to)
        for cylinder in cylinders:
            item = services.Item(cylinder.qr_code, services.OK, cylinder=cylinder, from_status=cylinder.status)
            cylinder.status, cylinder.sent_to = rule.target, sent_to
            result.updated.append(item)
        services._history(action, [(i.cylinder, i.from_status, "", "") for i in result.updated], actor=actor, now=now)
    return result


services.cylinders_transition = transition_without_guard
# The views must reach the replacement: they look the function up on the module object at request time.
assert actions.services is services
assert "cylinders_transition" in actions.CylinderActionApi.scan.__code__.co_names


def application(environ, start_response):
    def start_marked(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Scan-Guard", "removed")], exc_info)

    return django_application(environ, start_marked)
