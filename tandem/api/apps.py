from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tandem.api"
    label = "api"

    def ready(self):
        from tandem.api import schema  # noqa: F401  registers the OpenAPI extensions
