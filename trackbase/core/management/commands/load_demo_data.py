"""`manage.py load_demo_data`: demo users, trains and bookings, so a fresh `make run` has something to show.

Each trackbase app that ships a `demo_data` module contributes (apps in INSTALLED_APPS order, so accounts'
users exist before rail books seats for them). Each load() is idempotent: running the command again adds
nothing and changes nothing already there.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

APP_PACKAGE = "trackbase."
MODULE_NAME = "demo_data"


def demo_data_modules() -> list[tuple[str, object]]:
    found = []
    for app_config in apps.get_app_configs():
        if app_config.name.startswith(APP_PACKAGE) and module_has_submodule(app_config.module, MODULE_NAME):
            found.append((app_config.label, import_module(f"{app_config.name}.{MODULE_NAME}")))
    return found


class Command(BaseCommand):
    help = "Load demo users (with known passwords), trains and bookings. Safe to run again."

    def handle(self, *args, **options):
        for label, module in demo_data_modules():
            with transaction.atomic():
                lines = module.load()
            if options["verbosity"] >= 1:
                self.stdout.write(f"{label}:")
                for line in lines:
                    self.stdout.write(f"  {line}")
