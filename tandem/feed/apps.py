from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    """Record feeds: posts, comments, mentions, follows and tracked changes.

    The "mention" notification email is one of messaging's built-in, editable templates.
    """

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
