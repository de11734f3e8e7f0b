from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "tandem.channel"
    label = "channel"
    default_auto_field = "django.db.models.BigAutoField"
