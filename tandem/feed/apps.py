from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _default_templates(sender, using="default", **kwargs):
    """The "mention" notification email exists after every migrate (edits are kept)."""
    from django.db import connections

    from tandem.messaging.models import NotificationTemplate

    if NotificationTemplate._meta.db_table not in connections[using].introspection.table_names():
        return
    from tandem.feed.actions import ensure_mention_template

    ensure_mention_template()


class FeedConfig(AppConfig):
    """Record feeds: posts, comments, mentions, follows and tracked changes."""

    name = "tandem.feed"
    label = "feed"
    verbose_name = _("Feed")

    def ready(self):
        # The feed panel on every object's record page (objects are registered by core).
        from tandem.core import registry
        from tandem.feed.views import feed_panel

        for obj_def in registry.all_objects():
            panels = obj_def.extra.setdefault("detail_panels", [])
            if feed_panel not in panels:
                panels.append(feed_panel)
        post_migrate.connect(_default_templates, sender=self, dispatch_uid="feed-default-templates")
