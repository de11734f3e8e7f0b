"""Setup › Email Templates: email templates for Send Email, and the notification emails.

Administrators only (Customize Application); anybody else gets 404. A preview renders a
template against a record the administrator can see, through the door.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core import registry
from tandem.messaging.forms import EmailTemplateForm, NotificationTemplateForm
from tandem.messaging.merge import merge
from tandem.messaging.merge_fields import TEMPLATE_OBJECTS, Resolver, catalogue, context_records
from tandem.messaging.models import EmailTemplate, NotificationTemplate
from tandem.messaging.notify import BUILT_IN, ensure_built_in, known_fields
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import confirm_delete, setup_render


def _crumbs():
    return [(_("Email Templates"), reverse("email_templates"))]


@admin_required
def template_list(request):
    notification_templates = ensure_built_in() + list(
        NotificationTemplate.objects.exclude(key__in=list(BUILT_IN))
    )
    templates = list(EmailTemplate.objects.select_related("owner"))
    labels = dict(EmailTemplate.OBJECTS)
    for t in templates:
        t.object_label = labels.get(t.object_name, "") if t.object_name else "—"
    return setup_render(
        request,
        "messaging/setup/template_list.html",
        {
            "page_title": _("Email Templates"),
            "templates": templates,
            "notification_templates": notification_templates,
            "built_in": set(BUILT_IN),
        },
    )


def _pickers():
    """The merge-field picker of every object, switched in the page by the object field."""
    return {name: catalogue(name) for name in ("", *TEMPLATE_OBJECTS)}


def _template_page(request, form, title, template=None):
    return setup_render(
        request,
        "messaging/setup/template_form.html",
        {
            "page_title": title,
            "form": form,
            "template": template,
            "pickers": _pickers(),
            "breadcrumbs": _crumbs(),
            "cancel_url": reverse("email_templates"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@admin_required
@require_http_methods(["GET", "POST"])
def template_add(request):
    form = EmailTemplateForm(request.POST or None, initial={"is_shared": True, "is_active": True})
    if request.method == "POST" and form.is_valid():
        template = form.save(commit=False)
        template.owner = request.user
        template.save()
        messages.success(request, _("Email template “%(name)s” was created.") % {"name": template})
        return redirect("email_template", pk=template.pk)
    return _template_page(request, form, _("New email template"))


@admin_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk):
    template = get_object_or_404(EmailTemplate, pk=pk)
    form = EmailTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Email template “%(name)s” was saved.") % {"name": template})
        return redirect("email_template", pk=template.pk)
    return _template_page(
        request, form, _("Edit email template %(name)s") % {"name": template}, template
    )


@admin_required
@require_POST
def template_clone(request, pk):
    source = get_object_or_404(EmailTemplate, pk=pk)
    source.pk = None
    source.name = (_("Copy of %(name)s") % {"name": source.name})[:120]
    source.owner = request.user
    source.save()
    messages.success(request, _("Email template “%(name)s” was created.") % {"name": source})
    return redirect("email_template", pk=source.pk)


@admin_required
@require_http_methods(["GET", "POST"])
def template_delete(request, pk):
    template = get_object_or_404(EmailTemplate, pk=pk)
    if request.method == "POST":
        name = str(template)
        template.delete()
        messages.success(request, _("Email template “%(name)s” was deleted.") % {"name": name})
        return redirect("email_templates")
    return confirm_delete(
        request,
        template,
        reverse("email_template", args=[pk]),
        consequences=[
            _("Emails already sent with it are kept in the Outbox and in record histories.")
        ],
        breadcrumbs=_crumbs(),
    )


@admin_required
def template_preview(request, pk):
    """The template merged with a record the administrator can see (chosen by id)."""
    template = get_object_or_404(EmailTemplate, pk=pk)
    record, choices = None, []
    object_name = request.GET.get("object") or template.object_name or ""
    if object_name and object_name in TEMPLATE_OBJECTS:
        model = registry.get(object_name).model
        visible = model.objects.visible_to(request.user, "read")
        choices = list(visible.order_by("-updated_at", "-id")[:25])
        record_id = request.GET.get("record")
        if record_id:
            try:
                record = visible.filter(pk=int(record_id)).first()
            except ValueError:
                record = None
            if record is None:
                raise Http404
        elif choices:
            record = choices[0]
    records = context_records(record) if record is not None else {}
    resolver = Resolver(request.user, records, request.build_absolute_uri("/")[:-1])
    values = resolver.values(template.subject, template.body, template.html_body)
    return setup_render(
        request,
        "messaging/setup/template_preview.html",
        {
            "page_title": _("Preview of %(name)s") % {"name": template},
            "template": template,
            "record": record,
            "choices": choices,
            "object_name": object_name,
            "subject": merge(template.subject, values),
            "body": merge(template.body, values),
            "html_body": merge(template.html_body, values, html=True),
            "breadcrumbs": _crumbs() + [(template.name, reverse("email_template", args=[pk]))],
        },
    )


@admin_required
@require_http_methods(["GET", "POST"])
def notification_edit(request, key):
    if key in BUILT_IN:
        from tandem.messaging.notify import template

        item = template(key)
    else:
        item = get_object_or_404(NotificationTemplate, key=key)
    form = NotificationTemplateForm(request.POST or None, instance=item, key=key)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Notification template “%(name)s” was saved.") % {"name": item})
        return redirect("email_templates")
    fields = known_fields(key)
    return setup_render(
        request,
        "messaging/setup/notification_form.html",
        {
            "page_title": _("Edit notification email “%(name)s”") % {"name": item},
            "form": form,
            "item": item,
            "pickers": {
                "": [
                    {"label": _("Merge fields"), "fields": [(k, str(v)) for k, v in fields.items()]}
                ]
            },
            "breadcrumbs": _crumbs(),
            "cancel_url": reverse("email_templates"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
