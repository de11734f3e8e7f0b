"""The base of every business record, and the queryset that forces the door to be used.

`Lead.objects.visible_to(user, "read")` is the way in. A queryset of a record model
refuses to run until it has been through `visible_to()` or the one greppable escape,
`unrestricted()`, so a view cannot leak records by forgetting the access filter.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DoorNotUsed(RuntimeError):
    """A record queryset was evaluated without visible_to() or unrestricted()."""


class RecordQuerySet(models.QuerySet):
    _door_passed = False

    def _clone(self):
        clone = super()._clone()
        clone._door_passed = self._door_passed
        return clone

    def visible_to(self, user, action: str = "read"):
        """The records `user` may perform `action` (read, edit, delete) on."""
        from tandem.access.door import access_filter

        qs = self._clone()
        condition = access_filter(self.model, user, action)
        if condition is not None:
            qs = qs.filter(condition)
        qs._door_passed = True
        return qs

    def unrestricted(self):
        """Every record, ignoring access. For system code only: actions, tasks, migrations."""
        qs = self._clone()
        qs._door_passed = True
        return qs

    def _guard(self):
        if not self._door_passed:
            raise DoorNotUsed(
                f"{self.model.__name__} queryset evaluated without visible_to() or unrestricted()"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._guard()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._guard()
        return super().iterator(*args, **kwargs)

    def count(self):
        self._guard()
        return super().count()

    def exists(self):
        self._guard()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._guard()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._guard()
        return super().update(**kwargs)

    def delete(self):
        self._guard()
        return super().delete()


class RecordManager(models.Manager.from_queryset(RecordQuerySet)):
    pass


class Record(models.Model):
    """What every business record has: an owner, who made and changed it and when, custom fields."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last modified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last modified"), default=timezone.now, editable=False)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True, editable=False)

    objects = RecordManager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("record_detail", args=[self.object_def.slug, self.pk])
