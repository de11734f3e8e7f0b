"""Profiles: the object-permission grid, system permissions, cloning."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.access.models import OBJECT_ACTIONS, SYSTEM_PERMISSIONS, Profile
from tandem.core import registry
from tandem.setup.forms.base import Form, ModelForm

ACTION_LABELS = {
    "read": _("Read"),
    "create": _("Create"),
    "edit": _("Edit"),
    "delete": _("Delete"),
    "view_all": _("View All"),
    "modify_all": _("Modify All"),
}
# Ticking a permission ticks what it needs, as Salesforce does.
IMPLIES = {
    "create": ("read",),
    "edit": ("read",),
    "delete": ("read", "edit"),
    "view_all": ("read",),
    "modify_all": ("read", "edit", "delete", "view_all"),
}


def perm_key(object_name: str, action: str) -> str:
    return f"perm__{object_name}__{action}"


def sys_key(name: str) -> str:
    return f"sys__{name}"


class ProfileForm(ModelForm):
    class Meta:
        model = Profile
        fields = ("name", "description")

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        profile = self.instance
        if profile.is_standard:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("Standard profiles keep their name.")
        for obj in registry.all_objects():
            current = profile.object_permissions.get(obj.name, {})
            for action in OBJECT_ACTIONS:
                self.fields[perm_key(obj.name, action)] = forms.BooleanField(
                    required=False,
                    initial=bool(current.get(action)),
                    label=f"{obj.label_plural}: {ACTION_LABELS[action]}",
                )
        for name, label in SYSTEM_PERMISSIONS:
            self.fields[sys_key(name)] = forms.BooleanField(
                required=False, initial=bool(profile.system_permissions.get(name)), label=label
            )

    def grid(self):
        """Rows of (object, [bound checkbox per action]) for the template."""
        return [
            (obj, [self[perm_key(obj.name, a)] for a in OBJECT_ACTIONS])
            for obj in registry.all_objects()
        ]

    def system_fields(self):
        return [self[sys_key(name)] for name, _label in SYSTEM_PERMISSIONS]

    def action_labels(self):
        return [ACTION_LABELS[a] for a in OBJECT_ACTIONS]

    def clean(self):
        data = super().clean()
        customize = data.get(sys_key("customize_application"))
        if (
            self.editor is not None
            and self.instance.pk
            and self.editor.profile_id == self.instance.pk
            and self.instance.has_system_permission("customize_application")
            and not customize
        ):
            self.add_error(
                sys_key("customize_application"),
                _("You cannot take this permission away from your own profile."),
            )
        return data

    def save(self, commit=True):
        profile = super().save(commit=False)
        perms = {}
        for obj in registry.all_objects():
            chosen = {a for a in OBJECT_ACTIONS if self.cleaned_data.get(perm_key(obj.name, a))}
            for action in list(chosen):
                chosen.update(IMPLIES.get(action, ()))
            perms[obj.name] = {a: a in chosen for a in OBJECT_ACTIONS}
        # Objects the registry no longer knows keep what they had.
        profile.object_permissions = {**profile.object_permissions, **perms}
        profile.system_permissions = {
            name: bool(self.cleaned_data.get(sys_key(name))) for name, _label in SYSTEM_PERMISSIONS
        }
        if commit:
            profile.save()
        return profile


class CloneProfileForm(Form):
    name = forms.CharField(label=_("Profile name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Profile.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("A profile named %(name)s already exists."), params={"name": name}
            )
        return name
