from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "tandem.channel"
    label = "channel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Scorecard and live activity feed on partner account pages (objects registered by core).
        from tandem.channel.views import feed_panel, scorecard_panel
        from tandem.core import registry

        panels = registry.get("account").extra.setdefault("detail_panels", [])
        panels.extend([scorecard_panel, feed_panel])
