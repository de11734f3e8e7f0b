"""Profiles: list, the permission grid, clone, delete (never a standard one)."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.access.models import Profile
from tandem.setup.forms.profiles import CloneProfileForm, ProfileForm
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import confirm_delete, form_page, name_list, setup_render


def _crumbs():
    return [(_("Profiles"), reverse("setup:profiles"))]


@admin_required
def profile_list(request):
    profiles = Profile.objects.annotate(user_count=Count("users")).order_by("name")
    return setup_render(
        request, "setup/profiles.html", {"page_title": _("Profiles"), "profiles": profiles}
    )


@admin_required
def profile_edit(request, pk):
    profile = get_object_or_404(Profile, pk=pk)
    form = ProfileForm(request.POST or None, instance=profile, editor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile %(name)s was saved.") % {"name": profile})
        return redirect("setup:profile", pk=profile.pk)
    return form_page(
        request,
        form,
        str(profile),
        cancel_url=reverse("setup:profiles"),
        breadcrumbs=_crumbs(),
        template="setup/profile_edit.html",
        profile=profile,
    )


@admin_required
def profile_clone(request, pk):
    source = get_object_or_404(Profile, pk=pk)
    form = CloneProfileForm(
        request.POST or None, initial={"name": _("Copy of %(name)s") % {"name": source.name}}
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            clone = Profile.objects.create(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"] or source.description,
                is_standard=False,
                is_external=source.is_external,
                object_permissions=source.object_permissions,
                system_permissions=source.system_permissions,
            )
        messages.success(request, _("Profile %(name)s was created.") % {"name": clone})
        return redirect("setup:profile", pk=clone.pk)
    return form_page(
        request,
        form,
        _("Clone %(name)s") % {"name": source},
        cancel_url=reverse("setup:profile", args=[source.pk]),
        breadcrumbs=_crumbs(),
        intro=_("The new profile starts with the same permissions; change them afterwards."),
    )


@admin_required
def profile_delete(request, pk):
    profile = get_object_or_404(Profile, pk=pk)
    blockers = []
    if profile.is_standard:
        blockers.append(_("Standard profiles cannot be deleted."))
    users = list(profile.users.order_by("last_name", "first_name")[:11])
    if users:
        count = profile.users.count()
        blockers.append(
            ngettext(
                "%(count)d user has this profile: %(names)s. Give them another profile first.",
                "%(count)d users have this profile: %(names)s. Give them another profile first.",
                count,
            )
            % {"count": count, "names": name_list(users)}
        )
    cancel = reverse("setup:profile", args=[profile.pk])
    if request.method == "POST" and not blockers:
        profile.delete()
        messages.success(request, _("Profile %(name)s was deleted.") % {"name": profile})
        return redirect("setup:profiles")
    return confirm_delete(request, profile, cancel, blockers, breadcrumbs=_crumbs())
