from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Email (Outbox, templates, Send Email) and in-app notifications."""

    name = "tandem.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        # The Send Email button on the record pages of the objects email can be sent from.
        from tandem.core import registry
        from tandem.messaging.merge_fields import TEMPLATE_OBJECTS
        from tandem.messaging.send_views import send_email_panel

        for name in TEMPLATE_OBJECTS:
            panels = registry.get(name).extra.setdefault("detail_panels", [])
            if send_email_panel not in panels:
                panels.append(send_email_panel)
