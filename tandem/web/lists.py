"""List views: My/All and saved views with columns, filters, search, sorting, paging, inline edit.

Paging fetches one row more than it shows instead of counting, and a page is read through
`visible_page` (top-N per access branch), so the first page of a million-row table costs
about what the first page of a small one does.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.access.door import access_branches, can_create, visible_page
from tandem.access.principals import is_member
from tandem.core import actions, registry
from tandem.core.fields import fields_named, get_field
from tandem.core.filters import conditions_q
from tandem.core.models import ListView
from tandem.web.display import lookup_names, show
from tandem.web.forms import RecordForm
from tandem.web.layouts import layout_for
from tandem.web.list_forms import RELATIVE_DATES, ListViewForm, initial_for

PAGE_SIZE = 50
# Inline edit keeps to fields a one-line input can hold; lookups and owners go to the form.
INLINE_TYPES = {
    "text",
    "textarea",
    "email",
    "phone",
    "url",
    "number",
    "currency",
    "percent",
    "date",
    "datetime",
    "checkbox",
    "picklist",
}


def object_or_404(slug: str) -> registry.ObjectDef:
    obj_def = registry.by_slug(slug)
    if obj_def is None:
        raise Http404
    return obj_def


def view_reaches(view: ListView, user) -> bool:
    """Whether a saved view shows up in `user`'s list of views."""
    if view.is_standard or view.owner_id == user.pk or view.visibility == ListView.VISIBLE_ALL:
        return True
    if view.visibility != ListView.VISIBLE_SHARED:
        return False
    return any(is_member(user, t.get("kind"), t.get("id")) for t in view.shared_with or [])


def views_for(obj_def, user) -> list[ListView]:
    candidates = ListView.objects.filter(object_name=obj_def.name).filter(
        Q(visibility__in=(ListView.VISIBLE_ALL, ListView.VISIBLE_SHARED)) | Q(owner=user)
    )
    return [v for v in candidates if view_reaches(v, user)]


def can_manage(view: ListView, user) -> bool:
    """The creator edits their view; sharing it does not hand it over. Administrators (who
    hold "Manage Public List Views") edit any shared view; everyone else may clone it."""
    if view.is_standard:
        return False
    return view.owner_id == user.pk or (view.visibility != ListView.VISIBLE_ME and user.is_admin)


def search_q(obj_def, text: str) -> Q:
    q = Q()
    for name in obj_def.search_fields:
        q |= Q(**{f"{name}__icontains": text})
    return q


def base_queryset(obj_def, user, view: ListView, search: str = "", sort: str = ""):
    """A view's rows before access: its scope, filters, search and a total order (pk last).

    Unrestricted on purpose: the door is applied by `visible_page` or `view_queryset`.
    """
    qs = obj_def.model.objects.unrestricted()
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


def view_queryset(obj_def, user, view: ListView, search: str = "", sort: str = ""):
    """The rows of a list view for a user: through the door, then the view's own filters."""
    return base_queryset(obj_def, user, view, search, sort).visible_to(user, "read")


def page_rows(obj_def, user, view, search="", sort="", page=1, related=()):
    """One page of a view, plus one row more to tell whether there is a next page."""
    qs = base_queryset(obj_def, user, view, search, sort).select_related(*related)
    start = (page - 1) * PAGE_SIZE
    return visible_page(qs, user, "read", start, start + PAGE_SIZE + 1), start


def columns_for(obj_def, view: ListView):
    return fields_named(obj_def, view.columns or obj_def.list_columns)


def inline_fields(obj_def, user) -> set[str]:
    """Fields the user's page layout lets them edit, of a kind a table cell can edit."""
    return {
        spec.name
        for section in layout_for(obj_def, user).sections
        for spec in section.fields
        if spec.editable and spec.type in INLINE_TYPES and spec.name != "owner_queue"
    }


def editable_rows(obj_def, user, rows) -> set[int]:
    """Which of these rows the user may edit: one query through the door."""
    if not rows:
        return set()
    pks = [r.pk for r in rows if not getattr(r, "is_converted", False)]
    if access_branches(obj_def.model, user, "edit") is None:  # Modify All, or public read/write
        return set(pks)
    qs = obj_def.model.objects.visible_to(user, "edit").filter(pk__in=pks)
    return set(qs.values_list("pk", flat=True))


def cell_url(pattern: str, pk: int) -> str:
    """The inline-edit URL of a row's cell, from the column's URL reversed for pk 0."""
    head, _sep, tail = pattern.rpartition("/0/cell/")
    return f"{head}/{pk}/cell/{tail}"


@login_required
def record_list(request, slug):
    obj_def = object_or_404(slug)
    views = views_for(obj_def, request.user)
    view_id = request.GET.get("view")
    view = next((v for v in views if str(v.pk) == view_id), None)
    if view is None:
        # Partners open Opportunities on "My Opportunities", as in the Salesforce portal.
        mine = request.user.is_external and obj_def.name == "opportunity"
        scope = ListView.SCOPE_MINE if mine else ListView.SCOPE_ALL
        view = next((v for v in views if v.is_standard and v.scope == scope), views[0])
    search = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "")
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    columns = columns_for(obj_def, view)
    error = None
    related = [c.name for c in columns if c.type in ("lookup", "owner") and not c.is_custom]
    if obj_def.queue_owned:
        related.append("owner_queue")
    try:
        rows, start = page_rows(obj_def, request.user, view, search, sort, page, related)
    except ValidationError as exc:
        error, rows, start = "; ".join(exc.messages), [], 0
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    editable = editable_rows(obj_def, request.user, rows)
    fields = inline_fields(obj_def, request.user) if editable else set()
    names = lookup_names(rows, columns, request.user)
    # One reverse() per column, not per cell: a page has hundreds of editable cells.
    cell_urls = {
        c.name: reverse("list_cell_edit", args=[obj_def.slug, 0, c.name])
        for c in columns[1:]
        if c.name in fields
    }
    table = [
        (
            row,
            [
                (
                    c,
                    show(row, c, names=names),
                    cell_url(cell_urls[c.name], row.pk)
                    if i > 0 and row.pk in editable and c.name in fields
                    else "",
                )
                for i, c in enumerate(columns)
            ],
        )
        for row in rows
    ]
    context = {
        "obj_def": obj_def,
        "views": views,
        "view": view,
        "can_manage_view": can_manage(view, request.user),
        "columns": columns,
        "table": table,
        "search": search,
        "sort": sort or view.sort,
        "page": page,
        "has_next": has_next,
        "first_row": start + 1 if rows else 0,
        "last_row": start + len(rows),
        "can_create": can_create(request.user, obj_def.name),
        # Change Owner needs edit rights on the object (a read-only profile never transfers).
        "can_mass_transfer": not request.user.is_external
        and request.user.profile.has_object_permission(obj_def.name, "edit"),
        "error": error,
        "page_title": obj_def.label_plural,
    }
    template = "web/list_table.html" if request.htmx else "web/list.html"
    return render(request, template, context)


def _clone_source(obj_def, user, pk) -> ListView | None:
    try:
        source = ListView.objects.get(pk=int(pk), object_name=obj_def.name)
    except (ValueError, TypeError, ListView.DoesNotExist):
        return None
    return source if view_reaches(source, user) else None


@login_required
@require_http_methods(["GET", "POST"])
def list_view_edit(request, slug, pk=None):
    """Create, edit, clone or delete a saved view. Editing another's view needs "manage"."""
    obj_def = object_or_404(slug)
    view = None
    if pk is not None:
        view = get_object_or_404(ListView, pk=pk, object_name=obj_def.name, is_standard=False)
        if not view_reaches(view, request.user) and not can_manage(view, request.user):
            raise Http404
        if not can_manage(view, request.user):
            raise PermissionDenied(_("Only its creator or an administrator can edit this view."))
    source = (
        _clone_source(obj_def, request.user, request.GET.get("clone")) if view is None else None
    )
    if view is not None:
        initial = initial_for(view)
    elif source is not None:
        initial = initial_for(source) | {
            "name": _("Copy of %(name)s") % {"name": source.name},
            "visibility": ListView.VISIBLE_ME,
            "columns": source.columns or list(obj_def.list_columns),
        }
    else:
        initial = {
            "columns": list(obj_def.list_columns),
            "sort": "-created_at",
            "scope": ListView.SCOPE_ALL,
        }
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
        view.shared_with = data["shared_with"]
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
        {
            "obj_def": obj_def,
            "form": form,
            "view": view,
            "cloned_from": source,
            "relative_dates": RELATIVE_DATES,
            "page_title": _("Edit list view"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cell_edit(request, slug, pk, field):
    """Inline edit of one cell: GET the input (or, with ?show=1, the value), POST to save.

    The same checks as the record form: the door's "edit" (a record the user may not edit
    answers 404, as the edit page does), the user's layout, the form field's validation, and
    the named action update_record. Nothing is written unless all of it passes.
    """
    obj_def = object_or_404(slug)
    record = obj_def.model.objects.visible_to(request.user, "edit").filter(pk=pk).first()
    spec = get_field(obj_def, field)
    if (
        record is None
        or spec is None
        or getattr(record, "is_converted", False)
        or spec.name not in inline_fields(obj_def, request.user)
    ):
        raise Http404
    url = reverse("list_cell_edit", args=[obj_def.slug, record.pk, spec.name])
    context = {"obj_def": obj_def, "row": record, "spec": spec, "editable": url, "url": url}
    if request.method == "GET" and request.GET.get("show"):
        return render(request, "web/list_cell.html", context | {"value": show(record, spec)})
    form = RecordForm(obj_def, request.user, record=record, data=request.POST or None)
    form.fields = {spec.key: form.fields[spec.key]}
    form.fields[spec.key].widget.attrs.update({"autofocus": True, "aria-label": spec.label})
    if request.method == "POST" and form.is_valid():
        values, custom = form.split_values()
        try:
            actions.update_record(request.user, record, values, custom or None)
        except ValidationError as exc:
            form.add_action_error(exc)
        except actions.NotVisible:
            raise Http404 from None
        else:
            record.refresh_from_db()
            return render(request, "web/list_cell.html", context | {"value": show(record, spec)})
    return render(
        request, "web/list_cell_form.html", context | {"field": form[spec.key], "form": form}
    )
