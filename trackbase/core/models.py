from django.db import models


class TimestampedModel(models.Model):
    """Base for domain records: creation and update times, kept by the database layer."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
