from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "tandem.setup"
    label = "setup"
