from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trackbase.accounts"
    label = "accounts"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from trackbase.accounts import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from trackbase.accounts.models import User
        from trackbase.accounts.principal import principal_invalidate

        # A cache, not business logic: any save of a user row (service, Django admin, changepassword, shell)
        # must invalidate the cached principal, or a deactivation made outside the services would not bite.
        def invalidate(sender, instance, **kwargs):
            principal_invalidate(instance.pk)

        post_save.connect(invalidate, sender=User, weak=False, dispatch_uid="principal-invalidate-save")
        post_delete.connect(invalidate, sender=User, weak=False, dispatch_uid="principal-invalidate-delete")
