"""The Setup landing page: a link to every administration page."""

from django.utils.translation import gettext as _

from tandem.core import registry
from tandem.setup.permissions import admin_required, setup_required
from tandem.setup.views.common import setup_render


@setup_required
def home(request):
    return setup_render(
        request,
        "setup/home.html",
        {"page_title": _("Setup"), "objects": registry.all_objects()},
    )


@admin_required
def object_manager(request):
    return setup_render(
        request,
        "setup/objects.html",
        {"page_title": _("Object Manager"), "objects": registry.all_objects()},
    )
