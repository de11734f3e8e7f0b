"""The company profile: name, time zone, language, currency, fiscal year, branding."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from tandem.core.models import Company
from tandem.setup.forms.company import CompanyForm
from tandem.setup.permissions import admin_required
from tandem.setup.views.common import form_page


@admin_required
def company(request):
    form = CompanyForm(request.POST or None, request.FILES or None, instance=Company.current())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The company profile was saved."))
        return redirect("setup:company")
    return form_page(request, form, _("Company Profile"))
