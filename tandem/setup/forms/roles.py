"""Roles: name and place in the hierarchy."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tandem.access.hierarchy import check_parent, role_tree
from tandem.access.models import Role
from tandem.setup.forms.base import ModelForm


class RoleForm(ModelForm):
    class Meta:
        model = Role
        fields = ("name", "parent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices follow the tree, indented, so a move reads like the Roles page.
        self.fields["parent"].choices = [("", _("— Top of the hierarchy —"))] + [
            (role.pk, "\u00a0\u00a0" * depth + role.name) for role, depth in role_tree()
        ]
        self.fields["parent"].help_text = _(
            "The role this one reports to. Its holders see this role's records."
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the role a name."))
        return name

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        try:
            check_parent(self.instance, parent)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict.get("parent", exc.messages)) from None
        return parent
