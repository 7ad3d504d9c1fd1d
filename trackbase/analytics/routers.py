ANALYTICS_APP = "analytics"


class AnalyticsRouter:
    """The request log lives in its own database; nothing else does."""

    def db_for_read(self, model, **hints):
        return "analytics" if model._meta.app_label == ANALYTICS_APP else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        if ANALYTICS_APP in (obj1._meta.app_label, obj2._meta.app_label):
            return obj1._meta.app_label == obj2._meta.app_label
        return None

    def allow_migrate(self, db, app_label, **hints):
        if app_label == ANALYTICS_APP:
            return db == "analytics"
        return db == "default"
