"""The list-view editor's form: columns, sort, filters (relative dates included), who sees it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.access.models import TARGET_GROUP, TARGET_ROLE, TARGET_ROLE_SUBS, Group, Role
from tandem.core.fields import all_fields
from tandem.core.filters import DATE_TYPES, OPERATORS, conditions_q
from tandem.core.models import ListView
from tandem.reports.dates import TOKENS

MAX_FILTERS = 5
# What the filter value offers on a date field; "LAST_N_DAYS:n" is shown with a real number.
RELATIVE_DATES = [t.replace(":n", ":30") for t in TOKENS]
SHARE_FIELDS = {
    "share_roles": TARGET_ROLE,
    "share_roles_subs": TARGET_ROLE_SUBS,
    "share_groups": TARGET_GROUP,
}


class ListViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("View name"), max_length=80)
    scope = forms.ChoiceField(label=gettext_lazy("Show"), choices=ListView.SCOPES)
    visibility = forms.ChoiceField(label=gettext_lazy("Visible to"), choices=ListView.VISIBILITIES)
    share_roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    share_roles_subs = forms.MultipleChoiceField(
        label=gettext_lazy("Roles and subordinates"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    share_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Public groups"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    columns = forms.MultipleChoiceField(
        label=gettext_lazy("Columns"), widget=forms.SelectMultiple(attrs={"size": 10})
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"))
    filter_logic = forms.ChoiceField(
        label=gettext_lazy("Filter logic"),
        choices=[
            ("and", gettext_lazy("All conditions (AND)")),
            ("or", gettext_lazy("Any condition (OR)")),
        ],
    )

    def __init__(self, *args, obj_def, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj_def = obj_def
        self.user = user
        specs = all_fields(obj_def)
        fields = [(s.name, s.label) for s in specs]
        self.field_types = {s.name: s.type for s in specs}
        self.fields["columns"].choices = fields
        self.fields["sort"].choices = [(n, f"{label} ↑") for n, label in fields] + [
            (f"-{n}", f"{label} ↓") for n, label in fields
        ]
        roles = [(str(r.pk), r.name) for r in Role.objects.order_by("name")]
        self.fields["share_roles"].choices = roles
        self.fields["share_roles_subs"].choices = roles
        self.fields["share_groups"].choices = [
            (str(g.pk), g.name)
            for g in Group.objects.filter(kind=Group.KIND_GROUP).order_by("name")
        ]
        ops = list(OPERATORS.items())
        for i in range(MAX_FILTERS):
            self.fields[f"filter_{i}_field"] = forms.ChoiceField(
                label=_("Field"), choices=[("", "—"), *fields], required=False
            )
            self.fields[f"filter_{i}_op"] = forms.ChoiceField(
                label=_("Operator"), choices=ops, required=False
            )
            self.fields[f"filter_{i}_value"] = forms.CharField(
                label=_("Value"), required=False, max_length=255
            )
        # Sharing with everyone stays an administrator's call ("Manage Public List Views");
        # partner users keep their views to themselves.
        choices = list(ListView.VISIBILITIES)
        if not user.is_admin:
            choices = [c for c in choices if c[0] != ListView.VISIBLE_ALL]
        if user.is_external:
            choices = [c for c in choices if c[0] == ListView.VISIBLE_ME]
        self.fields["visibility"].choices = choices
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class", "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            )

    def filter_rows(self):
        return [
            (i, self[f"filter_{i}_field"], self[f"filter_{i}_op"], self[f"filter_{i}_value"])
            for i in range(MAX_FILTERS)
        ]

    @property
    def date_types(self) -> list[str]:
        return sorted(DATE_TYPES)

    def clean_columns(self):
        """A multiple select cannot say in which order: keep the view's current order, then
        the object's usual list columns (its name first), then the rest as the fields come."""
        chosen = self.cleaned_data["columns"]
        known = list(self.initial.get("columns") or []) + list(self.obj_def.list_columns)
        rank = {name: i for i, name in reversed(list(enumerate(known)))}
        fields = [name for name, _label in self.fields["columns"].choices]
        return sorted(chosen, key=lambda n: (rank.get(n, len(known)), fields.index(n)))

    def clean(self):
        data = super().clean()
        filters = []
        for i in range(MAX_FILTERS):
            field = data.get(f"filter_{i}_field")
            if not field:
                continue
            cond = {
                "field": field,
                "op": data.get(f"filter_{i}_op") or "equals",
                "value": (data.get(f"filter_{i}_value") or "").strip(),
            }
            try:
                conditions_q(self.obj_def, [cond])
            except ValidationError as exc:
                self.add_error(f"filter_{i}_value", exc.messages)
            filters.append(cond)
        data["filters"] = filters
        shared = []
        if data.get("visibility") == ListView.VISIBLE_SHARED:
            for name, kind in SHARE_FIELDS.items():
                shared += [{"kind": kind, "id": int(pk)} for pk in data.get(name) or []]
            if not shared:
                self.add_error(
                    "share_roles", _("Choose at least one role or public group to share it with.")
                )
        data["shared_with"] = shared
        return data


def initial_for(view: ListView) -> dict:
    """The form's starting values for a saved view (or the view being cloned)."""
    initial = {
        "name": view.name,
        "scope": view.scope,
        "visibility": view.visibility,
        "columns": view.columns,
        "sort": view.sort,
        "filter_logic": view.filter_logic,
    }
    for name, kind in SHARE_FIELDS.items():
        initial[name] = [str(t["id"]) for t in view.shared_with or [] if t.get("kind") == kind]
    for i, cond in enumerate((view.filters or [])[:MAX_FILTERS]):
        initial.update(
            {
                f"filter_{i}_field": cond.get("field", ""),
                f"filter_{i}_op": cond.get("op", "equals"),
                f"filter_{i}_value": cond.get("value", ""),
            }
        )
    return initial
