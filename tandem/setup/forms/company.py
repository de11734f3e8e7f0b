"""The company profile."""

import re
import zoneinfo

from django import forms
from django.conf import settings
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from tandem.access.models import User
from tandem.core.models import Company
from tandem.setup.forms.base import ModelForm

# The first bytes of the image formats a logo may use. SVG is refused: it can carry script.
IMAGE_SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}
MAX_LOGO_BYTES = 2 * 1024 * 1024


def time_zone_choices():
    return [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz or tz == "UTC"]


class CompanyForm(ModelForm):
    time_zone = forms.ChoiceField(label=_("Default time zone"))
    language = forms.ChoiceField(label=_("Default language"))
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"), coerce=int, choices=list(MONTHS.items())
    )
    primary_color = forms.CharField(
        label=_("Primary colour"), widget=forms.TextInput(attrs={"type": "color"}), max_length=7
    )

    class Meta:
        model = Company
        fields = (
            "name",
            "time_zone",
            "language",
            "currency",
            "fiscal_year_start_month",
            "primary_color",
            "default_lead_owner",
            "logo",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        self.fields["language"].choices = [(code, name) for code, name in settings.LANGUAGES]
        self.fields["currency"].help_text = _("Three-letter ISO 4217 code, such as EUR or USD.")
        self.fields["default_lead_owner"].queryset = User.objects.filter(
            is_active=True, is_external=False
        )
        self.fields["default_lead_owner"].help_text = _(
            "Owns leads that arrive with no owner (for example from the web)."
        )
        self.fields["logo"].help_text = _("PNG, JPEG, GIF or WebP, up to 2 MB.")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_gettext("Enter the company name."))
        return name

    def clean_time_zone(self):
        tz = self.cleaned_data["time_zone"]
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                _gettext("“%(tz)s” is not a time zone.") % {"tz": tz}
            ) from None
        return tz

    def clean_currency(self):
        code = self.cleaned_data["currency"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise forms.ValidationError(
                _gettext("Enter a three-letter currency code, such as EUR.")
            )
        return code

    def clean_primary_color(self):
        color = self.cleaned_data["primary_color"].strip().lower()
        if not re.fullmatch(r"#[0-9a-f]{6}", color):
            raise forms.ValidationError(_gettext("Enter a colour as #rrggbb, such as #0b5cab."))
        return color

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):
            return logo  # unchanged or cleared
        name = logo.name.lower()
        ext = name[name.rfind(".") :] if "." in name else ""
        signatures = IMAGE_SIGNATURES.get(ext)
        if signatures is None:
            raise forms.ValidationError(
                _gettext("The logo must be a PNG, JPEG, GIF or WebP image.")
            )
        if logo.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(_gettext("The logo must be at most 2 MB."))
        head = logo.read(12)
        logo.seek(0)
        if not any(head.startswith(sig) for sig in signatures) or (
            ext == ".webp" and head[8:12] != b"WEBP"
        ):
            raise forms.ValidationError(_gettext("This file is not the image its name says it is."))
        return logo
