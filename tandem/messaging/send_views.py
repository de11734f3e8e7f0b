"""Send Email from a record, read an email as it was sent, and choose notification emails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.access.door import can_create
from tandem.core import registry
from tandem.core.actions import NotVisible
from tandem.messaging.forms import EmailPreferencesForm, SendEmailForm
from tandem.messaging.merge import merge
from tandem.messaging.merge_fields import TEMPLATE_OBJECTS, Resolver, context_records
from tandem.messaging.models import EmailTemplate, OutboundEmail
from tandem.messaging.sending import send_record_email


def _record(request, object_name, pk):
    """The record if the user may read it, else 404 (the same answer as a missing record)."""
    if object_name not in TEMPLATE_OBJECTS:
        raise Http404
    model = registry.get(object_name).model
    record = model.objects.visible_to(request.user, "read").filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _recipient_contacts(user, object_name, record):
    """For an account or opportunity: the account's contacts with an email the user can see."""
    account_id = record.pk if object_name == "account" else getattr(record, "account_id", None)
    if object_name not in ("account", "opportunity") or not account_id:
        return []
    model = registry.get("contact").model
    return list(
        model.objects.visible_to(user, "read")
        .filter(account_id=account_id)
        .exclude(email="")
        .order_by("last_name", "first_name", "id")[:100]
    )


def send_email_panel(request, record):
    """The Send Email button on lead, contact, account and opportunity pages."""
    return {"template": "messaging/send_email_panel.html", "record": record}


def _merged(request, record, template):
    resolver = Resolver(request.user, context_records(record), request.build_absolute_uri("/")[:-1])
    values = resolver.values(template.subject, template.body, template.html_body)
    return {
        "subject": merge(template.subject, values).replace("\n", " "),
        "body": merge(template.body, values),
        "html_body": merge(template.html_body, values, html=True),
    }


def _templates(request, record):
    return EmailTemplate.usable_by(request.user, list(context_records(record)))


def _same(a: str, b: str) -> bool:
    return (a or "").replace("\r\n", "\n").strip() == (b or "").replace("\r\n", "\n").strip()


def _html_to_send(request, record, templates, data) -> str:
    """The HTML part, unless the user rewrote the text and left the template's HTML as it was.

    Mail programs show the HTML part when there is one, so sending the template's untouched
    HTML beside an edited text would hide the user's edits from the recipient.
    """
    html_body = data.get("html_body") or ""
    chosen = next((t for t in templates if str(t.pk) == data.get("template")), None)
    if not html_body.strip() or chosen is None:
        return html_body
    merged = _merged(request, record, chosen)
    if not _same(data.get("body"), merged["body"]) and _same(html_body, merged["html_body"]):
        return ""
    return html_body


@login_required
@require_http_methods(["GET", "POST"])
def send_email(request, object_name, pk):
    record = _record(request, object_name, pk)
    obj_def = registry.get(object_name)
    contacts = _recipient_contacts(request.user, object_name, record)
    templates = list(_templates(request, record))
    initial = {"to": getattr(record, "email", "") if object_name in ("lead", "contact") else ""}
    form = SendEmailForm(
        request.POST or None, contacts=contacts, templates=templates, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        recipients = form.cleaned_data["recipients"]
        html_body = _html_to_send(request, record, templates, form.cleaned_data)
        try:
            task = send_record_email(
                request.user,
                record,
                to=recipients["to"],
                cc=recipients["cc"],
                bcc=recipients["bcc"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                html_body=html_body,
            )
        except NotVisible:
            raise Http404 from None
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            sent = OutboundEmail.objects.filter(activity=task).first()
            if sent is not None and sent.status == OutboundEmail.FAILED:
                messages.warning(
                    request,
                    _(
                        "The email was kept but could not be delivered yet (%(error)s); Tandem will retry."
                    )
                    % {"error": sent.last_error},
                )
            else:
                messages.success(request, _("Email sent; a copy is in the activity history."))
            return redirect(record.get_absolute_url())
    return render(
        request,
        "messaging/send_email.html",
        {
            "form": form,
            "record": record,
            "obj_def": obj_def,
            "object_name": object_name,
            "replace_warning": _(
                "Replace the subject and message you typed with the template's? What you typed is lost."
            ),
            "may_keep_copy": can_create(request.user, "task"),
            "page_title": _("Send Email"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def send_email_template(request, object_name, pk):
    """HTMX: the subject and bodies of the chosen template, merged with this record."""
    record = _record(request, object_name, pk)
    choice = request.GET.get("template", "")
    merged = {"subject": "", "body": "", "html_body": ""}
    if choice:
        try:
            template = _templates(request, record).filter(pk=int(choice)).first()
        except ValueError:
            template = None
        if template is None:
            raise Http404
        merged = _merged(request, record, template)
    form = SendEmailForm(initial=merged)
    return render(request, "messaging/_email_content.html", {"form": form})


def _may_read_copy(user, email) -> bool:
    if user.has_system_permission("customize_application"):
        return True
    if email.activity_id is None:
        return False
    task_model = registry.get("task").model
    return task_model.objects.visible_to(user, "read").filter(pk=email.activity_id).exists()


@login_required
def sent_email(request, task_pk):
    """The email behind an "Email" activity, as it was sent, for whoever can read the activity."""
    email = OutboundEmail.objects.filter(activity_id=task_pk).first()
    if email is None or not _may_read_copy(request.user, email):
        raise Http404
    return render(
        request,
        "messaging/sent_email.html",
        {
            "email": email,
            "page_title": email.subject,
            "task_pk": task_pk,
            "show_bcc": email.sent_by_id == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request):
    """Which notification emails I receive (kept in calendar_app's EmailPreference)."""
    from tandem.calendar_app.models import EmailPreference

    kinds = EmailPreference.KINDS
    current = {kind: EmailPreference.wants(request.user, kind) for kind, _label in kinds}
    form = EmailPreferencesForm(request.POST or None, kinds=kinds, initial_values=current)
    if request.method == "POST" and form.is_valid():
        for kind, _label in kinds:
            EmailPreference.objects.update_or_create(
                user=request.user, kind=kind, defaults={"enabled": form.cleaned_data[kind]}
            )
        messages.success(request, _("Email preferences saved."))
        return redirect("email_preferences")
    return render(
        request,
        "messaging/email_preferences.html",
        {"form": form, "page_title": _("Email notifications")},
    )
