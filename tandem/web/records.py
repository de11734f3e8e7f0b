"""The record page and the actions on it: new, edit, delete, change owner, sharing.

Every record is fetched through the door; one the user may not see answers 404.
The record page's query count does not grow with its related records, history or
lookups (tests/web/test_query_counts.py): lookups are joined, custom lookups fetched
per target object, metadata read once per request (core/fields.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.access.directory import pickable_users
from tandem.access.door import access_filter, can, can_create
from tandem.access.models import ACCESS_LEVELS, TARGET_KINDS, Group, RecordShare, Role, User
from tandem.assignment.actions import create_and_assign
from tandem.assignment.forms import assign_checkbox
from tandem.core import actions, registry
from tandem.core.fields import fields_named, standard_fields
from tandem.core.history import history_for
from tandem.web.display import lookup_names, show
from tandem.web.forms import ChangeOwnerForm, RecordForm
from tandem.web.layouts import layout_for
from tandem.web.lists import object_or_404

RELATED_LIMIT = 10
ACTIVITY_OBJECTS = ("task", "event", "note")


def lookup_columns(obj_def, names=None) -> list[str]:
    """The foreign keys among `names` (default: all of the object's), to join in one query."""
    return [
        s.name
        for s in standard_fields(obj_def)
        if s.type in ("lookup", "owner") and (names is None or s.name in names)
    ]


def _right(model, user, action):
    """The door's condition for `action` as a column of the row: what `can()` would answer."""
    condition = access_filter(model, user, action)
    if condition is None:
        return Value(True)
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def fetch(obj_def, user, pk, action="read", related=None, rights=False):
    """The record if `user` may `action` it, else 404 — the same answer as a missing record.

    `related` names the lookups to join (the record page joins all of them); `rights` adds
    `may_edit` and `may_delete`, so the record page asks the door once instead of three times.
    """
    qs = obj_def.model.objects.visible_to(user, action)
    if related is None:
        related = ["owner", "owner_queue"] if obj_def.queue_owned else ["owner"]
    qs = qs.select_related(*related)
    if rights:
        qs = qs.annotate(
            may_edit=_right(obj_def.model, user, "edit"),
            may_delete=_right(obj_def.model, user, "delete"),
        )
    record = qs.filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def related_lists(obj_def, record, user):
    """Children of the record the user may see, a few of each, newest first."""
    out = []
    for child_name, fk in obj_def.related_lists:
        child = registry.get(child_name)
        if child_name in ACTIVITY_OBJECTS:
            continue
        columns = fields_named(child, [n for n in child.list_columns if n != fk])
        rows = list(
            child.model.objects.visible_to(user, "read")
            .filter(**{fk: record})
            .select_related(*lookup_columns(child, {c.name for c in columns}))[: RELATED_LIMIT + 1]
        )
        more, rows = len(rows) > RELATED_LIMIT, rows[:RELATED_LIMIT]
        names = lookup_names(rows, columns, user)
        out.append(
            {
                "obj_def": child,
                "fk": fk,
                "columns": columns,
                "rows": [(r, [show(r, c, names=names) for c in columns]) for r in rows],
                "more": more,
                "can_create": can_create(user, child_name),
            }
        )
    return out


def timeline(obj_def, record, user):
    """Open and past activities around the record, for the activity timeline."""
    items = []
    for child_name, fk in obj_def.related_lists:
        if child_name not in ACTIVITY_OBJECTS:
            continue
        child = registry.get(child_name)
        for row in (
            child.model.objects.visible_to(user, "read")
            .filter(**{fk: record})
            .select_related("owner")[:25]
        ):
            when = getattr(row, "start", None) or getattr(row, "due_date", None) or row.created_at
            items.append({"obj_def": child, "record": row, "when": when, "sort": str(when)})
    items.sort(key=lambda i: i["sort"], reverse=True)
    return items


@login_required
def record_detail(request, slug, pk):
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk, related=lookup_columns(obj_def), rights=True)
    actions.remember_view(request.user, obj_def, record)
    layout = layout_for(obj_def, request.user)
    names = lookup_names(
        [record], [spec for s in layout.sections for spec in s.fields], request.user
    )
    sections = [
        {"title": s.title, "fields": [(spec, show(record, spec, names=names)) for spec in s.fields]}
        for s in layout.sections
    ]
    context = {
        "obj_def": obj_def,
        "record": record,
        "sections": sections,
        "related": related_lists(obj_def, record, request.user),
        "timeline": timeline(obj_def, record, request.user),
        "activity_objects": [
            registry.get(n)
            for n in ACTIVITY_OBJECTS
            if any(c == n for c, _ in obj_def.related_lists)
        ],
        "activity_fk": next((fk for c, fk in obj_def.related_lists if c in ACTIVITY_OBJECTS), None),
        "history": history_for(obj_def, record),
        "panels": [
            p
            for p in (panel(request, record) for panel in obj_def.extra.get("detail_panels", []))
            if p
        ],
        "can_edit": not getattr(record, "is_converted", False) and record.may_edit,
        "can_delete": record.may_delete,
        "page_title": str(record),
    }
    return render(request, "web/detail.html", context)


def _prefill(obj_def, request) -> dict:
    """Values passed in the URL (e.g. ?account=12 from a related list's New button)."""
    initial = {}
    for key, value in request.GET.items():
        initial[key] = value
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request, slug):
    obj_def = object_or_404(slug)
    if not can_create(request.user, obj_def.name):
        raise Http404
    form = RecordForm(
        obj_def, request.user, data=request.POST or None, initial=_prefill(obj_def, request)
    )
    for key, value in _prefill(obj_def, request).items():
        field = form.fields.get(key)
        if hasattr(field, "set_initial_choice"):
            try:
                field.set_initial_choice(field.to_python(value))
            except ValidationError:
                pass
    assign_field = assign_checkbox(obj_def.name)
    if assign_field is not None:
        form.fields["assign"] = assign_field
    if request.method == "POST" and form.is_valid():
        assign = form.cleaned_data.pop("assign", False)
        values, custom = form.split_values()
        try:
            record, _outcome = create_and_assign(
                request.user,
                obj_def,
                values,
                custom,
                assign=assign,
                link=lambda r: request.build_absolute_uri(r.get_absolute_url()),
            )
        except ValidationError as exc:
            form.add_action_error(exc)
        else:
            messages.success(
                request,
                _("%(object)s “%(name)s” was created.") % {"object": obj_def.label, "name": record},
            )
            if "save_new" in request.POST:
                return redirect("record_create", slug=obj_def.slug)
            if not can(request.user, "read", record):
                # The assignment rule handed it to someone this user cannot see through.
                return redirect("record_list", slug=obj_def.slug)
            return redirect(record.get_absolute_url())
    return render(
        request,
        "web/form.html",
        {
            "obj_def": obj_def,
            "form": form,
            "record": None,
            "page_title": _("New %(object)s") % {"object": obj_def.label},
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, slug, pk):
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk, "read")
    if not can(request.user, "edit", record):
        raise Http404
    if getattr(record, "is_converted", False):
        messages.error(request, _("A converted lead is read-only."))
        return redirect(record.get_absolute_url())
    form = RecordForm(obj_def, request.user, record=record, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, custom = form.split_values()
        try:
            actions.update_record(request.user, record, values, custom)
        except ValidationError as exc:
            form.add_action_error(exc)
        except actions.NotVisible:
            raise Http404 from None
        else:
            messages.success(request, _("Saved."))
            if request.user.is_external and obj_def.name == "opportunity":
                return redirect("record_list", slug=obj_def.slug)
            return redirect(record.get_absolute_url())
    return render(
        request,
        "web/form.html",
        {
            "obj_def": obj_def,
            "form": form,
            "record": record,
            "page_title": _("Edit %(name)s") % {"name": record},
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request, slug, pk):
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk)
    if not can(request.user, "delete", record):
        raise Http404
    error = None
    if request.method == "POST":
        name = str(record)
        try:
            actions.delete_record(request.user, record)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except (PermissionDenied, actions.NotVisible):
            raise Http404 from None
        else:
            messages.success(
                request,
                _("%(object)s “%(name)s” was deleted.") % {"object": obj_def.label, "name": name},
            )
            return redirect("record_list", slug=obj_def.slug)
    return render(
        request,
        "web/confirm_delete.html",
        {
            "obj_def": obj_def,
            "record": record,
            "error": error,
            "page_title": _("Delete %(name)s") % {"name": record},
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_change_owner(request, slug, pk):
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk)
    form = ChangeOwnerForm(request.POST or None, obj_def=obj_def, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_owner(
                request.user,
                record,
                form.cleaned_data.get("new_owner"),
                form.cleaned_data.get("queue"),
                send_email=form.cleaned_data.get("send_email", False),
                link=request.build_absolute_uri(record.get_absolute_url()),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except actions.NotVisible:
            raise Http404 from None
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Owner changed."))
            if can(request.user, "read", record):
                return redirect(record.get_absolute_url())
            return redirect("record_list", slug=obj_def.slug)
    return render(
        request,
        "web/change_owner.html",
        {"obj_def": obj_def, "record": record, "form": form, "page_title": _("Change Owner")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_sharing(request, slug, pk):
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk)
    may_share = can(request.user, "delete", record)
    error = None
    if request.method == "POST" and may_share:
        if "remove" in request.POST:
            RecordShare.objects.filter(
                pk=request.POST.get("remove"), object_name=obj_def.name, record_id=record.pk
            ).delete()
            messages.success(request, _("Sharing removed."))
            return redirect("record_sharing", slug=slug, pk=pk)
        kind = request.POST.get("target_kind")
        level = request.POST.get("access_level")
        try:
            target_id = int(request.POST.get("target_id", ""))
        except ValueError:
            target_id = None
        valid_kind = dict(TARGET_KINDS).get(kind)
        model = {"user": User, "role": Role, "role_and_subordinates": Role, "group": Group}.get(
            kind
        )
        if (
            not valid_kind
            or level not in dict(ACCESS_LEVELS)
            or target_id is None
            or not model.objects.filter(pk=target_id).exists()
        ):
            error = _("Choose whom to share with and an access level.")
        else:
            actions.share_record(request.user, record, kind, target_id, level)
            messages.success(request, _("Record shared."))
            return redirect("record_sharing", slug=slug, pk=pk)
    shares = RecordShare.objects.filter(object_name=obj_def.name, record_id=record.pk)
    names = {
        "user": {
            u.pk: u.full_name
            for u in User.objects.filter(
                pk__in=[s.target_id for s in shares if s.target_kind == "user"]
            )
        },
        "role": dict(Role.objects.values_list("pk", "name")),
        "group": dict(Group.objects.values_list("pk", "name")),
    }
    for s in shares:
        s.target_name = names[
            "role" if s.target_kind == "role_and_subordinates" else s.target_kind
        ].get(s.target_id, "?")
    return render(
        request,
        "web/sharing.html",
        {
            "obj_def": obj_def,
            "record": record,
            "shares": shares,
            "may_share": may_share,
            "error": error,
            "target_kinds": TARGET_KINDS,
            "levels": ACCESS_LEVELS,
            "users": pickable_users(request.user),
            "roles": Role.objects.none() if request.user.is_external else Role.objects.all(),
            "groups": Group.objects.none() if request.user.is_external else Group.objects.all(),
            "page_title": _("Sharing"),
        },
        status=400 if error else 200,
    )
