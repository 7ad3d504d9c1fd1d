"""Load each trackbase app's reference data (stations, countries, cylinder types...). Safe to run again."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

APP_PACKAGE = "trackbase."
MODULE_NAME = "reference_data"


def reference_data_modules() -> list[tuple[str, object]]:
    """(app label, module) for every installed trackbase app that ships a `reference_data` module."""
    found = []
    for app_config in apps.get_app_configs():
        if app_config.name.startswith(APP_PACKAGE) and module_has_submodule(app_config.module, MODULE_NAME):
            found.append((app_config.label, import_module(f"{app_config.name}.{MODULE_NAME}")))
    return found


class Command(BaseCommand):
    help = "Call load() in every trackbase app's reference_data module. Each load() must be idempotent."

    def handle(self, *args, **options):
        loaded = []
        for label, module in reference_data_modules():
            # One transaction per app: a failing load leaves that app's reference data as it was.
            with transaction.atomic():
                module.load()
            loaded.append(label)
        if options["verbosity"] >= 1:
            summary = ", ".join(loaded) if loaded else "none"
            self.stdout.write(f"Reference data loaded: {summary}.")
