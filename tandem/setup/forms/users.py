"""Adding and editing users."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tandem.access.models import Profile, Role, User
from tandem.setup.forms.base import ModelForm
from tandem.setup.forms.company import time_zone_choices


class UserForm(ModelForm):
    notify = forms.BooleanField(
        label=_("Generate new password and notify user immediately"),
        required=False,
        initial=True,
        help_text=_("Uncheck to create the user now and send an invitation later."),
    )

    class Meta:
        model = User
        fields = (
            "first_name",
            "last_name",
            "email",
            "title",
            "phone",
            "profile",
            "role",
            "manager",
            "time_zone",
            "language",
            "is_active",
        )

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        external = bool(self.instance.pk and self.instance.is_external)
        self.fields["profile"].queryset = Profile.objects.filter(is_external=external)
        self.fields["role"].queryset = Role.objects.filter(partner_account__isnull=not external)
        managers = User.objects.filter(is_active=True, is_external=False)
        if self.instance.pk:
            managers = managers.exclude(pk=self.instance.pk)
            del self.fields["notify"]
        self.fields["manager"].queryset = managers
        self.fields["time_zone"] = forms.ChoiceField(
            label=_("Time zone"),
            choices=[("", _("Company default"))] + time_zone_choices(),
            required=False,
        )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=[("", _("Company default"))] + list(settings.LANGUAGES),
            required=False,
            help_text=_("Also the language of the emails Tandem sends this user."),
        )
        for name in ("time_zone", "language"):
            self.style_field(name, self.fields[name])

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        clash = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("A user with the email %(email)s already exists."), params={"email": email}
            )
        return email

    def clean_is_active(self):
        active = self.cleaned_data.get("is_active")
        if not active and self.editor is not None and self.instance.pk == self.editor.pk:
            raise forms.ValidationError(_("You cannot deactivate yourself."))
        return active

    def clean_profile(self):
        profile = self.cleaned_data.get("profile")
        if (
            self.editor is not None
            and self.instance.pk == self.editor.pk
            and profile is not None
            and self.editor.has_system_permission("customize_application")
            and not profile.has_system_permission("customize_application")
        ):
            raise forms.ValidationError(
                _("You cannot take away your own right to customise the application.")
            )
        return profile
