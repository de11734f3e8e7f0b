from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    """Record feeds: posts, comments, mentions, follows and tracked changes."""

    name = "tandem.feed"
    label = "feed"
    verbose_name = _("Feed")
