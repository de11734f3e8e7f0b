"""List views: My/All and saved views with columns, filters, search, sorting and paging.

Paging fetches one row more than it shows instead of counting, so the first page of a
million-row table costs the same as the first page of a small one.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.access.door import can_create
from tandem.core import registry
from tandem.core.fields import all_fields, fields_named, get_field
from tandem.core.filters import OPERATORS, conditions_q
from tandem.core.models import ListView
from tandem.web.display import show

PAGE_SIZE = 50
MAX_FILTERS = 5


def object_or_404(slug: str) -> registry.ObjectDef:
    obj_def = registry.by_slug(slug)
    if obj_def is None:
        raise Http404
    return obj_def


def views_for(obj_def, user):
    return ListView.objects.filter(object_name=obj_def.name).filter(
        Q(visibility=ListView.VISIBLE_ALL) | Q(owner=user)
    )


def search_q(obj_def, text: str) -> Q:
    q = Q()
    for name in obj_def.search_fields:
        q |= Q(**{f"{name}__icontains": text})
    return q


def view_queryset(obj_def, user, view: ListView, search: str = "", sort: str = ""):
    """The rows of a list view for a user: through the door, then the view's own filters."""
    qs = obj_def.model.objects.visible_to(user, "read")
    if view.scope == ListView.SCOPE_MINE:
        qs = qs.filter(owner=user)
    if view.filters:
        qs = qs.filter(conditions_q(obj_def, view.filters, view.filter_logic))
    if search:
        qs = qs.filter(search_q(obj_def, search))
    sort = sort or view.sort or "-created_at"
    spec = get_field(obj_def, sort.lstrip("-"))
    if spec is None:
        sort = "-created_at"
        spec = get_field(obj_def, "created_at")
    direction = "-" if sort.startswith("-") else ""
    return qs.order_by(f"{direction}{spec.orm}", f"{direction}pk")


def columns_for(obj_def, view: ListView):
    return fields_named(obj_def, view.columns or obj_def.list_columns)


@login_required
def record_list(request, slug):
    obj_def = object_or_404(slug)
    views = list(views_for(obj_def, request.user))
    view_id = request.GET.get("view")
    view = next((v for v in views if str(v.pk) == view_id), None)
    if view is None:
        # Partners open Opportunities on "My Opportunities", as in the Salesforce portal.
        scope = ListView.SCOPE_MINE if request.user.is_external and obj_def.name == "opportunity" else ListView.SCOPE_ALL
        view = next((v for v in views if v.is_standard and v.scope == scope), views[0])
    search = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "")
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    columns = columns_for(obj_def, view)
    error = None
    try:
        qs = view_queryset(obj_def, request.user, view, search, sort)
        related = [c.name for c in columns if c.type in ("lookup", "owner") and not c.is_custom]
        if obj_def.queue_owned:
            related.append("owner_queue")
        qs = qs.select_related(*related)
        start = (page - 1) * PAGE_SIZE
        rows = list(qs[start : start + PAGE_SIZE + 1])
    except ValidationError as exc:
        error, rows, start = "; ".join(exc.messages), [], 0
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    table = [(row, [show(row, c) for c in columns]) for row in rows]
    context = {
        "obj_def": obj_def,
        "views": views,
        "view": view,
        "columns": columns,
        "table": table,
        "search": search,
        "sort": sort or view.sort,
        "page": page,
        "has_next": has_next,
        "first_row": start + 1 if rows else 0,
        "last_row": start + len(rows),
        "can_create": can_create(request.user, obj_def.name),
        "can_mass_transfer": not request.user.is_external,
        "error": error,
        "page_title": obj_def.label_plural,
    }
    template = "web/list_table.html" if request.htmx else "web/list.html"
    return render(request, template, context)


class ListViewForm(forms.Form):
    name = forms.CharField(label=_("View name"), max_length=80)
    scope = forms.ChoiceField(label=_("Show"), choices=ListView.SCOPES)
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=[(ListView.VISIBLE_ME, _("Only me")), (ListView.VISIBLE_ALL, _("All users"))],
    )
    columns = forms.MultipleChoiceField(label=_("Columns"), widget=forms.SelectMultiple(attrs={"size": 10}))
    sort = forms.ChoiceField(label=_("Sort by"))
    filter_logic = forms.ChoiceField(label=_("Filter logic"), choices=[("and", _("All conditions (AND)")), ("or", _("Any condition (OR)"))])

    def __init__(self, *args, obj_def, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.obj_def = obj_def
        self.user = user
        fields = [(s.name, s.label) for s in all_fields(obj_def)]
        self.fields["columns"].choices = fields
        self.fields["sort"].choices = [(n, f"{label} ↑") for n, label in fields] + [
            (f"-{n}", f"{label} ↓") for n, label in fields
        ]
        ops = list(OPERATORS.items())
        for i in range(MAX_FILTERS):
            self.fields[f"filter_{i}_field"] = forms.ChoiceField(
                label=_("Field"), choices=[("", "—")] + fields, required=False
            )
            self.fields[f"filter_{i}_op"] = forms.ChoiceField(label=_("Operator"), choices=ops, required=False)
            self.fields[f"filter_{i}_value"] = forms.CharField(label=_("Value"), required=False, max_length=255)
        if not user.is_admin:
            self.fields["visibility"].choices = [(ListView.VISIBLE_ME, _("Only me"))]
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class", "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            )

    def filter_rows(self):
        return [
            (self[f"filter_{i}_field"], self[f"filter_{i}_op"], self[f"filter_{i}_value"])
            for i in range(MAX_FILTERS)
        ]

    def clean(self):
        data = super().clean()
        filters = []
        for i in range(MAX_FILTERS):
            field = data.get(f"filter_{i}_field")
            if not field:
                continue
            cond = {"field": field, "op": data.get(f"filter_{i}_op") or "equals", "value": data.get(f"filter_{i}_value", "")}
            try:
                conditions_q(self.obj_def, [cond])
            except ValidationError as exc:
                self.add_error(f"filter_{i}_value", exc.messages)
            filters.append(cond)
        data["filters"] = filters
        return data


@login_required
def list_view_edit(request, slug, pk=None):
    obj_def = object_or_404(slug)
    view = None
    if pk is not None:
        view = get_object_or_404(ListView, pk=pk, object_name=obj_def.name, is_standard=False)
        if view.owner_id != request.user.pk and not request.user.is_admin:
            raise Http404
    initial = {}
    if view is not None:
        initial = {
            "name": view.name,
            "scope": view.scope,
            "visibility": view.visibility,
            "columns": view.columns,
            "sort": view.sort,
            "filter_logic": view.filter_logic,
        }
        for i, cond in enumerate(view.filters[:MAX_FILTERS]):
            initial.update({f"filter_{i}_field": cond["field"], f"filter_{i}_op": cond["op"], f"filter_{i}_value": cond["value"]})
    else:
        initial = {"columns": list(obj_def.list_columns), "sort": "-created_at", "scope": ListView.SCOPE_ALL}
    form = ListViewForm(request.POST or None, obj_def=obj_def, user=request.user, initial=initial)
    if request.method == "POST" and "delete" in request.POST and view is not None:
        view.delete()
        messages.success(request, _("List view deleted."))
        return redirect(reverse("record_list", args=[obj_def.slug]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        view = view or ListView(object_name=obj_def.name, owner=request.user)
        view.name = data["name"]
        view.scope = data["scope"]
        view.visibility = data["visibility"]
        view.columns = data["columns"]
        view.sort = data["sort"]
        view.filter_logic = data["filter_logic"]
        view.filters = data["filters"]
        view.save()
        messages.success(request, _("List view saved."))
        return redirect(reverse("record_list", args=[obj_def.slug]) + f"?view={view.pk}")
    return render(
        request,
        "web/list_view_form.html",
        {"obj_def": obj_def, "form": form, "view": view, "page_title": _("Edit list view")},
    )
