from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"

    def ready(self):
        # Registering the objects here means every app's models are loaded first.
        from tandem.core import objects  # noqa: F401
        from tandem.core.defaults import on_post_migrate

        post_migrate.connect(on_post_migrate, dispatch_uid="tandem-defaults")
