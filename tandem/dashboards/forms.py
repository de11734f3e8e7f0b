"""Forms for a dashboard's properties (with its filters) and for one component."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.access.models import User
from tandem.core.models import PicklistValue
from tandem.dashboards import sources
from tandem.dashboards.models import (
    MAX_FILTERS,
    PUBLIC,
    RUN_AS_USER,
    Dashboard,
    DashboardComponent,
    may_choose_running_user,
)
from tandem.dashboards.rendering import may_use
from tandem.reports import engine
from tandem.reports.models import Report, ReportFolder
from tandem.reports.types import all_types, get_type

MAX_OPTIONS = 50


class StyledForm(forms.Form):
    """Bootstrap classes on every widget; an action's errors shown at the fields they name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self):
        for f in self.fields.values():
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs.setdefault("class", css)

    def add_action_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


def folders_for_saving(user):
    """As for reports: one's own folders; administrators also public ones."""
    if user.is_admin:
        return ReportFolder.objects.filter(Q(owner=user) | Q(visibility=PUBLIC))
    return ReportFolder.objects.filter(owner=user)


def reports_for_editor(user):
    """The saved reports an editor may put on a dashboard: those they may open and run."""
    reports = (
        Report.objects.for_user(user).select_related("folder").order_by("folder__name", "name")
    )
    return [r for r in reports if (t := get_type(r.report_type)) is not None and may_use(t, user)]


def known_filter_fields() -> dict[str, str]:
    """Every field name a dashboard filter may use, with its label (from any report type)."""
    fields = {}
    for rtype in all_types():
        for col in engine.available_columns(rtype):
            fields.setdefault(col.name, col.label)
    return fields


def picklist_options(field: str) -> list[str]:
    """A picklist field's values, offered when an editor leaves a filter's options empty."""
    name = field.rsplit("__", 1)[-1]
    return list(
        PicklistValue.objects.filter(field_name=name)
        .order_by("sort_order", "id")
        .values_list("value", flat=True)
        .distinct()
    )[:MAX_OPTIONS]


class DashboardForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=255, required=False)
    folder = forms.ModelChoiceField(
        label=gettext_lazy("Folder"), queryset=None, required=False, empty_label="—"
    )
    visibility = forms.ChoiceField(label=gettext_lazy("Visibility"))
    running_mode = forms.ChoiceField(
        label=gettext_lazy("Run as"),
        choices=Dashboard._meta.get_field("running_mode").choices,
        help_text=gettext_lazy(
            "The viewer sees what they may see; a chosen user shows everyone that user's figures."
        ),
    )
    running_user = forms.ModelChoiceField(
        label=gettext_lazy("Running user"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, *args, editor, dashboard: Dashboard | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.dashboard = dashboard
        self.fields["folder"].queryset = folders_for_saving(editor)
        vis = Dashboard._meta.get_field("visibility").choices
        self.fields["visibility"].choices = vis if editor.is_admin else vis[:1]
        users = User.objects.filter(is_active=True, is_external=False)
        if not may_choose_running_user(editor):
            keep = [editor.pk]
            if dashboard and dashboard.running_user_id:
                keep.append(dashboard.running_user_id)
            users = users.filter(pk__in=keep)
            self.fields["running_user"].help_text = _(
                "Only administrators and users with View All Data may choose another user."
            )
        self.fields["running_user"].queryset = users
        self.filter_rows = []
        for i in range(MAX_FILTERS):
            self.fields[f"filter_{i}_field"] = forms.CharField(
                label=_("Filter %(n)s: field") % {"n": i + 1}, max_length=120, required=False
            )
            self.fields[f"filter_{i}_label"] = forms.CharField(
                label=_("Filter %(n)s: label") % {"n": i + 1}, max_length=80, required=False
            )
            self.fields[f"filter_{i}_options"] = forms.CharField(
                label=_("Filter %(n)s: options") % {"n": i + 1},
                max_length=2000,
                required=False,
                help_text=_("Comma-separated; empty takes a picklist's values."),
            )
            self.filter_rows.append(
                (
                    self[f"filter_{i}_field"],
                    self[f"filter_{i}_label"],
                    self[f"filter_{i}_options"],
                )
            )
        self.style()
        if dashboard is not None and not self.is_bound:
            self.initial.update(
                {
                    "title": dashboard.title,
                    "description": dashboard.description,
                    "folder": dashboard.folder_id,
                    "visibility": dashboard.visibility,
                    "running_mode": dashboard.running_mode,
                    "running_user": dashboard.running_user_id,
                }
            )
            for i, f in enumerate((dashboard.filters or [])[:MAX_FILTERS]):
                self.initial[f"filter_{i}_field"] = f.get("field", "")
                self.initial[f"filter_{i}_label"] = f.get("label", "")
                self.initial[f"filter_{i}_options"] = ", ".join(f.get("options") or [])

    def field_fields(self):
        return [self[f"filter_{i}_field"] for i in range(MAX_FILTERS)]

    def clean(self):
        data = super().clean()
        if data.get("running_mode") == RUN_AS_USER and not data.get("running_user"):
            self.add_error(
                "running_user", _("Running user: choose the user the dashboard runs as.")
            )
        known = None
        filters = []
        for i in range(MAX_FILTERS):
            name = (data.get(f"filter_{i}_field") or "").strip()
            if not name:
                continue
            known = known if known is not None else known_filter_fields()
            if name not in known:
                self.add_error(
                    f"filter_{i}_field",
                    _("Filter %(n)s: “%(field)s” is not a field of any report type.")
                    % {"n": i + 1, "field": name},
                )
                continue
            raw = data.get(f"filter_{i}_options") or ""
            options = list(dict.fromkeys(o.strip() for o in raw.split(",") if o.strip()))
            if not options:
                options = picklist_options(name)
            if not options:
                self.add_error(
                    f"filter_{i}_options",
                    _("Filter %(n)s: list the options to choose from, separated by commas.")
                    % {"n": i + 1},
                )
                continue
            if len(options) > MAX_OPTIONS:
                self.add_error(
                    f"filter_{i}_options",
                    _("Filter %(n)s: at most %(max)s options.") % {"n": i + 1, "max": MAX_OPTIONS},
                )
                continue
            label = (data.get(f"filter_{i}_label") or "").strip() or str(known[name])
            filters.append({"field": name, "label": label, "options": options})
        data["filters"] = filters
        return data

    def apply(self, dashboard: Dashboard) -> Dashboard:
        data = self.cleaned_data
        dashboard.title = data["title"]
        dashboard.description = data["description"]
        dashboard.folder = data["folder"]
        dashboard.visibility = data["visibility"]
        dashboard.running_mode = data["running_mode"]
        dashboard.running_user = (
            data["running_user"] if data["running_mode"] == RUN_AS_USER else None
        )
        dashboard.filters = data["filters"]
        return dashboard


class ComponentForm(StyledForm):
    report = forms.TypedChoiceField(
        label=gettext_lazy("Report"), coerce=int, required=False, empty_value=None
    )
    source = forms.ChoiceField(label=gettext_lazy("Or a data source"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Display as"),
        choices=DashboardComponent._meta.get_field("kind").choices,
    )
    chart_type = forms.ChoiceField(
        label=gettext_lazy("Chart type"),
        choices=DashboardComponent._meta.get_field("chart_type").choices,
        required=False,
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120, required=False)
    footer = forms.CharField(label=gettext_lazy("Footer"), max_length=255, required=False)
    width = forms.TypedChoiceField(
        label=gettext_lazy("Width"),
        coerce=int,
        choices=DashboardComponent._meta.get_field("width").choices,
        initial=6,
    )
    height = forms.TypedChoiceField(
        label=gettext_lazy("Height"),
        coerce=int,
        choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")],
        initial=2,
    )
    gauge_min = forms.DecimalField(
        label=gettext_lazy("Gauge minimum"), required=False, max_digits=20, decimal_places=2
    )
    gauge_max = forms.DecimalField(
        label=gettext_lazy("Gauge maximum"), required=False, max_digits=20, decimal_places=2
    )
    gauge_low = forms.DecimalField(
        label=gettext_lazy("End of the low (red) range"),
        required=False,
        max_digits=20,
        decimal_places=2,
    )
    gauge_high = forms.DecimalField(
        label=gettext_lazy("Start of the high (green) range"),
        required=False,
        max_digits=20,
        decimal_places=2,
    )
    gauge_target = forms.DecimalField(
        label=gettext_lazy("Target"), required=False, max_digits=20, decimal_places=2
    )

    def __init__(self, *args, editor, component: DashboardComponent | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.reports = {r.pk: r for r in reports_for_editor(editor)}
        if component is not None and component.report_id and component.report:
            # Keep a component's current report selectable even if the editor lost access.
            self.reports.setdefault(component.report_id, component.report)
        choices = [("", "—")]
        groups: dict[str, list] = {}
        for r in self.reports.values():
            folder = r.folder.name if r.folder_id else _("No folder")
            groups.setdefault(folder, []).append((r.pk, r.name))
        choices += list(groups.items())
        self.fields["report"].choices = choices
        self.fields["source"].choices = [("", "—")] + sources.choices()
        if component is not None and not self.is_bound:
            self.initial.update(
                {
                    name: getattr(component, name)
                    for name in self.fields
                    if name not in ("report",) and hasattr(component, name)
                }
            )
            self.initial["report"] = component.report_id

    def clean(self):
        data = super().clean()
        report_id, source = data.get("report"), data.get("source")
        if bool(report_id) == bool(source):
            self.add_error("report", _("Report: choose a report or a data source (one of them)."))
            return data
        report = self.reports.get(report_id) if report_id else None
        if report_id and report is None:
            self.add_error("report", _("Report: choose a report you may open."))
            return data
        data["report_obj"] = report
        if data.get("kind") == "chart" and not data.get("chart_type"):
            self.add_error("chart_type", _("Chart type: choose how to draw the chart."))
        if (
            report is not None
            and data.get("kind") == "chart"
            and not (report.definition or {}).get("groupings")
        ):
            self.add_error(
                "kind",
                _(
                    "Display as: “%(name)s” has no groupings, so it cannot be drawn as a "
                    "chart; show it as a table or a metric, or add a grouping to the report."
                )
                % {"name": report.name},
            )
        return data

    def apply(self, component: DashboardComponent) -> DashboardComponent:
        data = self.cleaned_data
        component.report = data.get("report_obj")
        component.source = data.get("source") or ""
        for name in (
            "kind",
            "chart_type",
            "title",
            "footer",
            "width",
            "height",
            "gauge_min",
            "gauge_max",
            "gauge_low",
            "gauge_high",
            "gauge_target",
        ):
            setattr(component, name, data.get(name))
        component.chart_type = component.chart_type or ""
        return component
