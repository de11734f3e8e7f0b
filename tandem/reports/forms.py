"""Forms of the Reports tab: folder sharing, schedules, custom report types (Setup)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.access.models import Group, Role, User
from tandem.core import registry
from tandem.reports.models import (
    FOLDER_VISIBILITY,
    PUBLIC,
    CustomReportType,
    Report,
    ReportFolder,
    ReportSchedule,
)


class _Styled:
    """Bootstrap classes on every widget."""

    def _style(self):
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.CheckboxSelectMultiple):
                continue
            if isinstance(w, forms.CheckboxInput | forms.RadioSelect):
                w.attrs.setdefault("class", "form-check-input")
                continue
            cls = (
                "form-select"
                if isinstance(w, (forms.Select, forms.SelectMultiple))
                else "form-control"
            )
            w.attrs.setdefault(
                "class", cls + " form-select-sm" if "select" in cls else cls + " form-control-sm"
            )


class FolderForm(_Styled, forms.ModelForm):
    roles = forms.ModelMultipleChoiceField(
        Role.objects.filter(partner_account__isnull=True),
        required=False,
        label=gettext_lazy("Roles"),
    )
    roles_and_subordinates = forms.ModelMultipleChoiceField(
        Role.objects.filter(partner_account__isnull=True),
        required=False,
        label=gettext_lazy("Roles and subordinates"),
    )
    groups = forms.ModelMultipleChoiceField(
        Group.objects.filter(kind=Group.KIND_GROUP),
        required=False,
        label=gettext_lazy("Public groups"),
    )

    class Meta:
        model = ReportFolder
        fields = ["name", "visibility"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = [c for c in FOLDER_VISIBILITY if user.is_admin or c[0] != PUBLIC]
        self.fields["visibility"].choices = choices
        if self.instance.pk:
            shares = list(self.instance.shares.all())
            self.initial["roles"] = [s.role_id for s in shares if s.kind == "role"]
            self.initial["roles_and_subordinates"] = [
                s.role_id for s in shares if s.kind == "role_subs"
            ]
            self.initial["groups"] = [s.group_id for s in shares if s.kind == "group"]
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("visibility") == "shared" and not (
            data.get("roles") or data.get("roles_and_subordinates") or data.get("groups")
        ):
            raise ValidationError(
                {"roles": _("Roles: choose at least one role or group to share the folder with.")}
            )
        return data

    def save_shares(self):
        folder = self.instance
        folder.shares.all().delete()
        if folder.visibility != "shared":
            return
        rows = [
            folder.shares.model(folder=folder, kind="role", role=r)
            for r in self.cleaned_data["roles"]
        ]
        rows += [
            folder.shares.model(folder=folder, kind="role_subs", role=r)
            for r in self.cleaned_data["roles_and_subordinates"]
        ]
        rows += [
            folder.shares.model(folder=folder, kind="group", group=g)
            for g in self.cleaned_data["groups"]
        ]
        folder.shares.model.objects.bulk_create(rows)


class ScheduleForm(_Styled, forms.ModelForm):
    recipients = forms.ModelMultipleChoiceField(
        User.objects.none(), label=gettext_lazy("Recipients"), required=True
    )

    class Meta:
        model = ReportSchedule
        fields = ["frequency", "weekday", "month_day", "hour", "run_as", "recipients", "is_active"]
        widgets = {"run_as": forms.RadioSelect}

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        # Recipients are internal users who may open the report themselves.
        self.fields["recipients"].queryset = User.objects.filter(
            is_active=True, is_external=False
        ).order_by("last_name", "first_name")
        self.fields["month_day"].help_text = _("1 to 31; 31 means the last day of every month.")
        self.fields["hour"].help_text = _("0 to 23, in the company's time zone.")
        self._style()

    def clean_month_day(self):
        v = self.cleaned_data["month_day"]
        if not 1 <= v <= 31:
            raise ValidationError(_("Day of the month: enter a number from 1 to 31."))
        return v

    def clean_hour(self):
        v = self.cleaned_data["hour"]
        if not 0 <= v <= 23:
            raise ValidationError(_("Hour: enter a number from 0 to 23."))
        return v

    def clean_recipients(self):
        users = list(self.cleaned_data["recipients"])
        refused = [
            u for u in users if not Report.objects.for_user(u).filter(pk=self.report.pk).exists()
        ]
        if refused:
            raise ValidationError(
                _(
                    "Recipients: %(names)s cannot open this report; share its folder with them first."
                )
                % {"names": ", ".join(u.full_name for u in refused)}
            )
        return users

    def save(self, commit=True):
        from tandem.reports.schedules import next_run_after

        schedule = super().save(commit=False)
        schedule.report = self.report
        schedule.next_run_at = next_run_after(schedule, timezone.now())
        if commit:
            schedule.save()
            self.save_m2m()
        return schedule


def _object_choices():
    return sorted(
        ((o.name, o.label_plural) for o in registry.all_objects()), key=lambda c: str(c[1])
    )


class CustomTypeForm(_Styled, forms.ModelForm):
    lookups = forms.MultipleChoiceField(
        required=False,
        label=gettext_lazy("Related objects"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Their fields become columns, filters and groupings."),
    )

    class Meta:
        model = CustomReportType
        fields = ["label", "description", "object_name", "lookups"]

    def __init__(self, *args, **kwargs):
        from tandem.reports.custom_types import lookup_options

        super().__init__(*args, **kwargs)
        self.fields["object_name"] = forms.ChoiceField(
            choices=_object_choices(), label=gettext_lazy("Primary object")
        )
        if self.instance.pk:
            self.fields["object_name"].disabled = True  # saved reports depend on it
        obj = (
            self.data.get("object_name")
            or self.initial.get("object_name")
            or self.instance.object_name
        )
        if self.instance.pk:
            obj = self.instance.object_name
        options = []
        for name in [obj] if obj else [o for o, _l in _object_choices()]:
            for key, label, _lk in lookup_options(name):
                if (key, label) not in options:
                    options.append((key, label))
        self.fields["lookups"].choices = options
        self._style()

    def clean_lookups(self):
        from tandem.reports.custom_types import lookup_options

        obj = self.cleaned_data.get("object_name") or self.instance.object_name
        allowed = {key for key, _l, _lk in lookup_options(obj)}
        chosen = list(self.cleaned_data.get("lookups") or [])
        wrong = [k for k in chosen if k not in allowed]
        if wrong:
            raise ValidationError(
                _("Related objects: %(keys)s cannot be reached from this object.")
                % {"keys": ", ".join(wrong)}
            )
        return chosen
