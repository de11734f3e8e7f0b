"""Log a Call from any record, complete a task in one click."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.access.door import can
from tandem.activities.actions import complete_task, log_call
from tandem.core import registry
from tandem.core.actions import NotVisible
from tandem.web.lists import object_or_404
from tandem.web.records import fetch


@login_required
@require_POST
def record_log_call(request, slug, pk):
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk)
    try:
        log_call(request.user, record, request.POST.get("subject", ""), request.POST.get("comments", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except NotVisible:
        raise Http404 from None
    else:
        messages.success(request, _("Call logged."))
    return redirect(record.get_absolute_url())


@login_required
@require_POST
def task_complete(request, pk):
    task = fetch(registry.get("task"), request.user, pk)
    if not can(request.user, "edit", task):
        raise Http404
    complete_task(request.user, task)
    messages.success(request, _("Task completed."))
    back = request.POST.get("next")
    return redirect(back if back and back.startswith("/") and not back.startswith("//") else task.get_absolute_url())
