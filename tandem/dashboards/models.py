"""Dashboards and their components.

A dashboard lives in a report folder (private or public, like reports) and runs as its
viewer or as one chosen user. Each component shows a saved report (or, as the exception,
a registered data source, see sources.py) as a chart, a table, a single number or a gauge.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tandem.reports.models import PRIVATE, PUBLIC, VISIBILITY

MAX_COMPONENTS = 20
MAX_FILTERS = 3
GRID_COLUMNS = 12
MAX_HEIGHT = 4

RUN_AS_VIEWER, RUN_AS_USER = "viewer", "user"
RUNNING_MODES = [
    (RUN_AS_VIEWER, _("The dashboard viewer")),
    (RUN_AS_USER, _("A chosen user")),
]

CHART, TABLE, METRIC, GAUGE = "chart", "table", "metric", "gauge"
KINDS = [(CHART, _("Chart")), (TABLE, _("Table")), (METRIC, _("Metric")), (GAUGE, _("Gauge"))]
CHART_TYPES = [
    ("bar", _("Bar")),
    ("stacked_bar", _("Stacked bar")),
    ("line", _("Line")),
    ("donut", _("Donut")),
    ("funnel", _("Funnel")),
]
WIDTHS = [(3, _("Quarter")), (4, _("Third")), (6, _("Half")), (8, _("Two thirds")), (12, _("Full"))]


def may_choose_running_user(user) -> bool:
    """As in Salesforce: only administrators and View All Data users run dashboards as others."""
    return bool(getattr(user, "is_admin", False) or user.has_system_permission("view_all_data"))


class DashboardQuerySet(models.QuerySet):
    def for_user(self, user):
        """The dashboards `user` may open: their own, public ones, and those in report folders
        the user may open (public, or shared with their role or groups), as for reports."""
        if getattr(user, "is_admin", False):
            return self
        from tandem.reports import models as report_models

        folders_for = getattr(report_models, "folders_for", None)
        if folders_for is None:  # before folder sharing: public folders only
            in_folder = Q(folder__visibility=PUBLIC)
        else:
            in_folder = Q(folder__in=folders_for(user).values("pk"))
        return self.filter(Q(owner=user) | Q(visibility=PUBLIC) | in_folder)


class Dashboard(models.Model):
    """A grid of up to 20 components with up to 3 dashboard-wide filters."""

    title = models.CharField(_("title"), max_length=120)
    description = models.CharField(_("description"), max_length=255, blank=True)
    folder = models.ForeignKey(
        "reports.ReportFolder",
        verbose_name=_("folder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dashboards",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=VISIBILITY, default=PRIVATE
    )
    running_mode = models.CharField(
        _("run as"), max_length=10, choices=RUNNING_MODES, default=RUN_AS_VIEWER
    )
    running_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("running user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # [{"field": "stage", "label": "Stage", "options": ["Prospecting", "Qualification"]}]
    filters = models.JSONField(_("dashboard filters"), default=list, blank=True)
    # Demo dashboards carry a stable key so install_demo_dashboards() can be run again.
    demo_key = models.CharField(
        _("ready-made dashboard"), max_length=60, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = DashboardQuerySet.as_manager()

    class Meta:
        ordering = ("title", "pk")
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboards")
        constraints = (
            models.UniqueConstraint(
                fields=["demo_key"], condition=~Q(demo_key=""), name="dashboard_demo_key_unique"
            ),
        )

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("dashboards:view", args=[self.pk])

    def can_edit(self, user) -> bool:
        return self.owner_id == user.pk or getattr(user, "is_admin", False)

    def clean(self):
        if self.running_mode == RUN_AS_USER and self.running_user_id is None:
            raise ValidationError(
                {"running_user": gettext("Running user: choose the user the dashboard runs as.")}
            )
        if len(self.filters or []) > MAX_FILTERS:
            raise ValidationError(
                {"filters": gettext("A dashboard has at most %(n)s filters.") % {"n": MAX_FILTERS}}
            )

    def running_user_for(self, viewer):
        """Whose access the components are computed with: the viewer, or the chosen user."""
        user = self.running_user if self.running_mode == RUN_AS_USER else None
        if user is None or not user.is_active:
            return viewer
        return user


class DashboardComponent(models.Model):
    """One tile of a dashboard: a saved report (or a registered source) shown one way."""

    dashboard = models.ForeignKey(
        Dashboard,
        verbose_name=_("dashboard"),
        on_delete=models.CASCADE,
        related_name="components",
    )
    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The report's name when it was chosen, to say which report was deleted.
    report_name = models.CharField(_("report name"), max_length=120, blank=True, editable=False)
    source = models.CharField(_("data source"), max_length=60, blank=True)
    kind = models.CharField(_("display as"), max_length=10, choices=KINDS, default=CHART)
    chart_type = models.CharField(
        _("chart type"), max_length=20, choices=CHART_TYPES, default="bar", blank=True
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    footer = models.CharField(_("footer"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    width = models.PositiveSmallIntegerField(_("width"), choices=WIDTHS, default=6)
    height = models.PositiveSmallIntegerField(_("height"), default=2)
    # Gauge: red below the first breakpoint, amber up to the second, green above; a target line.
    gauge_min = models.DecimalField(
        _("gauge minimum"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    gauge_max = models.DecimalField(
        _("gauge maximum"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    gauge_low = models.DecimalField(
        _("end of the low range"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    gauge_high = models.DecimalField(
        _("start of the high range"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    gauge_target = models.DecimalField(
        _("target"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ("dashboard", "position", "pk")
        verbose_name = _("dashboard component")
        verbose_name_plural = _("dashboard components")
        indexes = (models.Index(fields=["dashboard", "position"]),)

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.report_id and self.report:
            return self.report.name
        if self.source:
            return self.source_label
        return self.report_name or gettext("Component")

    @property
    def source_label(self) -> str:
        from tandem.dashboards import sources

        src = sources.get(self.source)
        return str(src.label) if src else self.source

    def clean(self):
        errors = {}
        if bool(self.report_id) == bool(self.source):
            errors["report"] = gettext("Report: choose a report or a data source (one of them).")
        if self.kind == CHART and not self.chart_type:
            errors["chart_type"] = gettext("Chart type: choose how to draw the chart.")
        if not 1 <= (self.width or 0) <= GRID_COLUMNS:
            errors["width"] = gettext("Width: between 1 and %(n)s columns.") % {"n": GRID_COLUMNS}
        if not 1 <= (self.height or 0) <= MAX_HEIGHT:
            errors["height"] = gettext("Height: between 1 and %(n)s rows.") % {"n": MAX_HEIGHT}
        if self.kind == GAUGE:
            lo = self.gauge_min if self.gauge_min is not None else 0
            if self.gauge_max is None:
                errors["gauge_max"] = gettext("Gauge maximum: a gauge needs a maximum.")
            elif self.gauge_max <= lo:
                errors["gauge_max"] = gettext(
                    "Gauge maximum: must be greater than the minimum (%(min)s)."
                ) % {"min": lo}
            else:
                for name in ("gauge_low", "gauge_high", "gauge_target"):
                    v = getattr(self, name)
                    if v is not None and not lo <= v <= self.gauge_max:
                        label = self._meta.get_field(name).verbose_name
                        errors[name] = gettext(
                            "%(field)s: must lie between the minimum and the maximum."
                        ) % {"field": str(label).capitalize()}
                if (
                    self.gauge_low is not None
                    and self.gauge_high is not None
                    and self.gauge_low > self.gauge_high
                    and "gauge_high" not in errors
                ):
                    errors["gauge_high"] = gettext(
                        "Start of the high range: must not be below the end of the low range."
                    )
        if errors:
            raise ValidationError(errors)
