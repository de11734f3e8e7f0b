"""Users: list, add (with or without an emailed password), edit, invite, deactivate."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.access.models import User
from tandem.setup import onboarding
from tandem.setup.forms.users import UserForm
from tandem.setup.permissions import users_admin_required
from tandem.setup.views.common import form_page, setup_render


def _crumbs():
    return [(_("Users"), reverse("setup:users"))]


@users_admin_required
def user_list(request):
    users = User.objects.select_related("profile", "role").order_by("last_name", "first_name", "pk")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(
            Q(email__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    show = request.GET.get("show", "active")
    if show == "active":
        users = users.filter(is_active=True)
    elif show == "inactive":
        users = users.filter(is_active=False)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return setup_render(
        request,
        "setup/users.html",
        {"page_title": _("Users"), "page": page, "query": query, "show": show},
    )


@users_admin_required
def user_add(request):
    form = UserForm(request.POST or None, editor=request.user)
    if request.method == "POST" and form.is_valid():
        notify = form.cleaned_data["notify"]
        user, delivery = onboarding.add_user(form, notify, request.build_absolute_uri)
        if delivery.failed:
            messages.warning(
                request,
                _(
                    "%(name)s was added, but the email could not be sent. "
                    "Use “Reset password and notify” once the mail server works."
                )
                % {"name": user},
            )
        elif notify:
            messages.success(
                request, _("%(name)s was added and emailed a temporary password.") % {"name": user}
            )
        else:
            messages.success(
                request,
                _("%(name)s was added. Send an invitation when you are ready.") % {"name": user},
            )
        return redirect("setup:user", pk=user.pk)
    return form_page(
        request, form, _("New user"), cancel_url=reverse("setup:users"), breadcrumbs=_crumbs()
    )


@users_admin_required
def user_detail(request, pk):
    user = get_object_or_404(User.objects.select_related("profile", "role", "manager"), pk=pk)
    return setup_render(
        request,
        "setup/user_detail.html",
        {"page_title": str(user), "subject": user, "breadcrumbs": _crumbs()},
    )


@users_admin_required
def user_edit(request, pk):
    user = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, instance=user, editor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s was saved.") % {"name": user})
        return redirect("setup:user", pk=user.pk)
    return form_page(
        request,
        form,
        _("Edit %(name)s") % {"name": user},
        cancel_url=reverse("setup:user", args=[user.pk]),
        breadcrumbs=_crumbs(),
    )


@users_admin_required
@require_POST
def user_invite(request, pk):
    user = get_object_or_404(User, pk=pk)
    if not user.is_active:
        messages.error(request, _("Activate %(name)s before inviting them.") % {"name": user})
    else:
        delivery = onboarding.send_invitation(user, request.build_absolute_uri)
        if delivery.failed:
            messages.error(
                request, _("The invitation could not be sent: the mail server refused it.")
            )
        else:
            messages.success(
                request, _("An invitation was emailed to %(email)s.") % {"email": user.email}
            )
    return redirect("setup:user", pk=user.pk)


@users_admin_required
@require_POST
def user_reset_password(request, pk):
    user = get_object_or_404(User, pk=pk)
    if not user.is_active:
        messages.error(request, _("Activate %(name)s first.") % {"name": user})
    else:
        delivery = onboarding.reset_and_notify(user, request.build_absolute_uri)
        if delivery.failed:
            messages.error(
                request,
                _("The new password was not sent: the mail server refused it. Try again later."),
            )
        else:
            messages.success(
                request,
                _("A new temporary password was emailed to %(email)s.") % {"email": user.email},
            )
    return redirect("setup:user", pk=user.pk)


@users_admin_required
@require_POST
def user_set_active(request, pk, active: bool):
    user = get_object_or_404(User, pk=pk)
    if not active and user.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate yourself."))
    else:
        User.objects.filter(pk=user.pk).update(is_active=active)
        if active:
            messages.success(request, _("%(name)s was activated.") % {"name": user})
        else:
            messages.success(
                request,
                _(
                    "%(name)s was deactivated and can no longer log in. Their records keep their owner."
                )
                % {"name": user},
            )
    return redirect("setup:user", pk=user.pk)
