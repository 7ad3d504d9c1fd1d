from django.core.checks import Error, register


@register()
def schedule_check(app_configs, **kwargs):
    """`manage.py check` (and every start) fails on a periodic job that cannot run: a duplicate name, a bad task."""
    from trackbase.core.scheduler import declared_jobs

    try:
        declared_jobs()
    except Exception as exc:
        return [Error(f"config/schedule.py: {exc}", id="core.E001")]
    return []
