"""Posts and comments on records, who they mention, and who follows which record.

Tracked field changes are not copied here: the feed reads them from core's FieldHistory
at query time and merges them with posts by time.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_BODY = 10_000


class Post(models.Model):
    """A post on a record's feed, or (with a parent) a comment on a post."""

    object_name = models.CharField(_("object"), max_length=40)
    record_id = models.BigIntegerField(_("record"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    body = models.TextField(_("text"), max_length=MAX_BODY)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feed post")
        verbose_name_plural = _("feed posts")
        indexes = [
            models.Index(fields=["object_name", "record_id", "-created_at"]),
            models.Index(fields=["-created_at", "-id"]),
        ]

    def __str__(self):
        return self.body[:60]

    @property
    def is_comment(self) -> bool:
        return self.parent_id is not None


class Mention(models.Model):
    """A user named with @ in a post or comment; `notified` is False when they could not see the record."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    notified = models.BooleanField(_("notified"), default=False)

    class Meta:
        ordering = ["post_id", "id"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="feed_mention_once")]
        indexes = [models.Index(fields=["user", "post"])]

    def __str__(self):
        return f"{self.user_id} in {self.post_id}"


class Follow(models.Model):
    """A user's explicit choice to follow (or stop following) one record.

    Without a row, a record's owner and creator follow it automatically (decided at query
    time); a row with `following=False` is an owner or creator who unfollowed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_name = models.CharField(_("object"), max_length=40)
    record_id = models.BigIntegerField(_("record"))
    following = models.BooleanField(_("following"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "object_name", "record_id"], name="feed_follow_once"
            )
        ]
        indexes = [models.Index(fields=["object_name", "record_id"])]

    def __str__(self):
        return f"{self.user_id} {self.object_name} {self.record_id}: {self.following}"
