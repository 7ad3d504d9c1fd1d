from django.db import models

ROUTE_MAX_LENGTH = 255
METHOD_MAX_LENGTH = 16


class RequestLog(models.Model):
    """One API request: which route, who asked with which parameters, how it ended and how long it took.

    Lives in the analytics database, so `user_id` is a plain column: a foreign key cannot cross databases.
    """

    route = models.CharField(max_length=ROUTE_MAX_LENGTH)
    method = models.CharField(max_length=METHOD_MAX_LENGTH)
    status_code = models.PositiveSmallIntegerField()
    user_id = models.BigIntegerField(null=True, blank=True)
    query_params = models.JSONField(default=dict, blank=True)
    duration_ms = models.FloatField()
    timestamp = models.DateTimeField()
    request_id = models.CharField(max_length=128, blank=True)

    class Meta:
        indexes = [
            # Per-route reports over a time window ("top searches in the last N days").
            models.Index(fields=["route", "timestamp"], name="requestlog_route_ts_idx"),
            # Whole-traffic windows and retention deletes.
            models.Index(fields=["timestamp"], name="requestlog_ts_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.route} {self.status_code}"
