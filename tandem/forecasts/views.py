"""Forecast pages: the roll-up table, expanding a row, drill-down, adjustments and quotas.

Views stay thin: figures come from tandem.forecasts.figures (through the door), changes
through tandem.forecasts.actions. A forecast the viewer may not see answers 404.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.models import Company
from tandem.forecasts import actions, permissions
from tandem.forecasts import periods as fiscal
from tandem.forecasts.figures import (
    FIGURES,
    Figures,
    figures_for,
    in_figure,
    opportunities,
    owned_by_subtree,
)
from tandem.forecasts.figures import quotas as quota_map
from tandem.forecasts.models import (
    ADJUSTABLE,
    ADJUSTABLE_CHOICES,
    FIGURE_CHOICES,
    QUARTER,
    ForecastAdjustment,
)
from tandem.forecasts.periods import Period, current_period, parse_period
from tandem.forecasts.snapshots import take_if_current
from tandem.forecasts.tree import ForecastTree

PAGE_SIZE = 50
FIGURE_LABELS = dict(FIGURE_CHOICES)


def _require_forecasts(user):
    if not permissions.uses_forecasts(user):
        raise Http404


def _period(request, company, source=None) -> Period:
    source = source if source is not None else request.GET
    text = source.get("period", "")
    fsm = company.fiscal_year_start_month
    if not text:
        return current_period(QUARTER, fsm=fsm)
    try:
        return parse_period(text, fsm)
    except ValidationError as exc:
        messages.error(request, exc.messages[0] + " " + _("Showing the current quarter."))
        return current_period(QUARTER, fsm=fsm)


def _user_id(source, name="user") -> int | None:
    try:
        return int(source.get(name, ""))
    except (TypeError, ValueError):
        return None


def _visible_person(request, tree, source=None, default=True):
    """The person named by ?user=, 404 unless the viewer may see their forecast."""
    source = source if source is not None else request.GET
    pk = _user_id(source)
    if pk is None:
        if default:
            person = permissions.default_person(request.user, tree)
            if person is None:
                raise Http404
            return person
        raise Http404
    if not permissions.may_view(request.user, tree, pk):
        raise Http404
    return tree.get(pk)


def _query(**params) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


class Row:
    """What the template shows for one person's line."""

    def __init__(
        self, request, tree, fig: Figures, period: Period, depth: int, parent=None, root=False
    ):
        person = fig.person
        self.person, self.fig, self.depth, self.parent, self.root = person, fig, depth, parent, root
        self.indent = depth * 1.25
        self.sub_indent = self.indent + 1.25
        self.expandable = bool(person.children) and not root
        self.can_adjust = permissions.may_adjust(request.user, tree, person.pk)
        self.can_quota = permissions.may_set_quota(request.user, tree, person.pk)
        self.quota_url = (
            reverse("forecasts:quotas") + _query(period=period.key) + f"#id_quota_{person.pk}"
        )
        self.rows_url = reverse("forecasts:rows") + _query(
            period=period.key, user=person.pk, depth=depth
        )
        self.cells = []
        for name in FIGURES:
            adj = fig.adjustments.get(name)
            self.cells.append(
                {
                    "name": name,
                    "label": FIGURE_LABELS[name],
                    "value": fig.value[name],
                    "original": fig.original[name],
                    "adjustment": adj,
                    "drill_url": reverse("forecasts:opportunities")
                    + _query(period=period.key, user=person.pk, figure=name),
                    "adjust_url": reverse("forecasts:adjust")
                    + _query(period=period.key, user=person.pk, figure=name)
                    if self.can_adjust and name in ADJUSTABLE
                    else "",
                }
            )


def _rows_below(request, tree, figs, person, period, depth):
    return [
        Row(request, tree, figs[c.pk], period, depth, parent=person.pk) for c in person.children
    ]


@login_required
def index(request):
    """The viewer's forecast (or a subordinate's): their roll-up, then one row per direct report."""
    _require_forecasts(request.user)
    company = Company.current()
    period = _period(request, company)
    tree = ForecastTree()
    person = _visible_person(request, tree)
    take_if_current(period)
    figs = figures_for(request.user, tree, person, period)
    rows = [Row(request, tree, figs[person.pk], period, 0, root=True)]
    rows += _rows_below(request, tree, figs, person, period, 1)
    subtree = set(tree.subtree_ids(person.pk))
    adjustments = [
        a
        for a in ForecastAdjustment.objects.filter(
            period_kind=period.kind, period_start=period.start
        )
        .select_related("user", "adjusted_by")
        .order_by("-created_at", "-id")[:500]
        if a.user_id in subtree
    ]
    other = period.as_other_kind(fiscal.today())
    here = current_period(period.kind, fsm=period.fiscal_start_month)
    return render(
        request,
        "forecasts/index.html",
        {
            "page_title": _("Forecasts"),
            "period": period,
            "person": person,
            "rows": rows,
            "adjustments": adjustments,
            "figure_labels": FIGURE_LABELS,
            "currency": company.currency,
            "people": permissions.choosable_people(request.user, tree),
            "prev_url": _query(period=period.previous.key, user=person.pk),
            "next_url": _query(period=period.next.key, user=person.pk),
            "current_url": _query(period=here.key, user=person.pk),
            "is_current": here == period,
            "other_url": _query(period=other.key, user=person.pk),
            "is_quarter": period.kind == QUARTER,
            "may_set_quotas": any(r.can_quota for r in rows),
            "quotas_url": reverse("forecasts:quotas") + _query(period=period.key),
        },
    )


@login_required
def rows(request):
    """The rows under one person (HTMX: expanding a row)."""
    _require_forecasts(request.user)
    company = Company.current()
    period = _period(request, company)
    tree = ForecastTree()
    person = _visible_person(request, tree, default=False)
    try:
        depth = min(max(int(request.GET.get("depth", 1)), 0), 30)
    except ValueError:
        depth = 1
    figs = figures_for(request.user, tree, person, period)
    return render(
        request,
        "forecasts/_rows.html",
        {
            "rows": _rows_below(request, tree, figs, person, period, depth + 1),
            "currency": company.currency,
        },
    )


@login_required
def drilldown(request):
    """The opportunities behind one amount, as the viewer may see them, a page at a time."""
    _require_forecasts(request.user)
    company = Company.current()
    period = _period(request, company)
    tree = ForecastTree()
    person = _visible_person(request, tree, default=False)
    figure = request.GET.get("figure", "")
    if figure not in FIGURES:
        raise Http404
    people = len(tree.subtree_ids(person.pk))
    qs = in_figure(owned_by_subtree(opportunities(request.user, period, people), person), figure)
    totals = qs.order_by().aggregate(n=Count("pk"), total=Sum("amount"))
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    found = list(
        qs.select_related("account", "owner").order_by("close_date", "name", "pk")[
            start : start + PAGE_SIZE + 1
        ]
    )
    has_next = len(found) > PAGE_SIZE
    base = {"period": period.key, "user": person.pk, "figure": figure}
    return render(
        request,
        "forecasts/drilldown.html",
        {
            "page_title": _("Forecasts"),
            "period": period,
            "person": person,
            "figure_label": FIGURE_LABELS[figure],
            "opportunities": found[:PAGE_SIZE],
            "count": totals["n"],
            "total": totals["total"] or Decimal(0),
            "page": page,
            "prev_url": _query(**base, page=page - 1) if page > 1 else "",
            "next_url": _query(**base, page=page + 1) if has_next else "",
            "back_url": reverse("forecasts:index") + _query(period=period.key),
            "currency": company.currency,
        },
    )


class AdjustmentForm(forms.Form):
    figure = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=ADJUSTABLE_CHOICES,
        error_messages={
            "required": gettext_lazy("Category: choose Commit, Best Case or Pipeline."),
            "invalid_choice": gettext_lazy("Category: choose Commit, Best Case or Pipeline."),
        },
    )
    amount = forms.CharField(label=gettext_lazy("Adjusted amount"), required=False, max_length=40)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required: why the figure differs from the opportunities."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-select" if name == "figure" else "form-control"
            field.widget.attrs["class"] = css
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"


def _safe_next(request, fallback):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return fallback


@login_required
def adjust(request):
    """Adjust one person's figure for a period, with the note; the history is shown beside it."""
    _require_forecasts(request.user)
    source = request.POST if request.method == "POST" else request.GET
    company = Company.current()
    period = _period(request, company, source)
    tree = ForecastTree()
    person = _visible_person(request, tree, source, default=False)
    if not permissions.may_adjust(request.user, tree, person.pk):
        raise PermissionDenied(
            _("Only people above %(name)s in the role hierarchy may adjust this forecast.")
            % {"name": person.name}
        )
    figure = source.get("figure") if source.get("figure") in ADJUSTABLE else "commit"
    figs = figures_for(request.user, tree, person, period)[person.pk]
    # Back to the forecast where this person is a row: their manager's, when the viewer may see it.
    parent = tree.parent_of.get(person.pk)
    shown = parent if parent and permissions.may_view(request.user, tree, parent) else None
    back = _safe_next(request, reverse("forecasts:index") + _query(period=period.key, user=shown))
    if request.method == "POST":
        form = AdjustmentForm(request.POST)
        form.is_valid()
        try:
            actions.adjust_forecast(
                request.user,
                person.pk,
                period,
                request.POST.get("figure", ""),
                request.POST.get("amount", ""),
                request.POST.get("note", ""),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                field = "figure" if field == "category" else field
                if field == "figure" and form.has_error("figure"):
                    continue
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            for name in form.errors:
                if name in form.fields:
                    attrs = form.fields[name].widget.attrs
                    attrs["class"] += " is-invalid"
                    attrs["aria-invalid"] = "true"
                    attrs["aria-describedby"] = f"id_{name}-error"
        else:
            messages.success(
                request,
                _("%(figure)s for %(name)s adjusted.")
                % {"figure": FIGURE_LABELS[request.POST["figure"]], "name": person.name},
            )
            return redirect(back)
    else:
        form = AdjustmentForm(initial={"figure": figure, "amount": figs.value[figure]})
    history = (
        ForecastAdjustment.objects.filter(
            user_id=person.pk, period_kind=period.kind, period_start=period.start
        )
        .select_related("adjusted_by")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "forecasts/adjust.html",
        {
            "page_title": _("Adjust forecast"),
            "period": period,
            "person": person,
            "form": form,
            "figures": [
                {
                    "label": FIGURE_LABELS[name],
                    "original": figs.original[name],
                    "value": figs.value[name],
                    "adjusted": name in figs.adjustments,
                }
                for name in FIGURES
            ],
            "history": history,
            "figure_labels": FIGURE_LABELS,
            "next": back,
            "currency": company.currency,
        },
    )


@login_required
def quotas(request):
    """Quotas for the people below the viewer (everyone, for administrators) in one period."""
    _require_forecasts(request.user)
    source = request.POST if request.method == "POST" else request.GET
    company = Company.current()
    period = _period(request, company, source)
    tree = ForecastTree()
    me = tree.get(request.user.pk)
    if request.user.is_admin:
        candidates = tree.everyone()
    else:
        candidates = tree.walk(me) if me is not None else []
    ordered = [(p, d) for p, d in candidates if permissions.may_set_quota(request.user, tree, p.pk)]
    current = quota_map(period)

    errors = {}
    values = {p.pk: current.get(p.pk) for p, _d in ordered}
    if request.method == "POST":
        amounts = {p.pk: request.POST.get(f"quota_{p.pk}", "") for p, _d in ordered}
        try:
            changed = actions.set_quotas(request.user, period, amounts)
        except ValidationError as exc:
            errors = {k: v[0] for k, v in exc.message_dict.items()}
            values = amounts
        else:
            messages.success(
                request,
                _("Quotas saved for %(period)s (%(n)s changed).")
                % {"period": period.label, "n": changed},
            )
            return redirect(reverse("forecasts:quotas") + _query(period=period.key))
    people = [
        {
            "person": p,
            "indent": depth * 1.25,
            "field": f"quota_{p.pk}",
            "value": "" if values.get(p.pk) is None else values[p.pk],
            "error": errors.get(f"quota_{p.pk}", ""),
        }
        for p, depth in ordered
    ]
    return render(
        request,
        "forecasts/quotas.html",
        {
            "page_title": _("Quotas"),
            "period": period,
            "people": people,
            "errors": errors,
            "prev_url": _query(period=period.previous.key),
            "next_url": _query(period=period.next.key),
            "other_url": _query(period=period.as_other_kind(fiscal.today()).key),
            "is_quarter": period.kind == QUARTER,
            "back_url": reverse("forecasts:index") + _query(period=period.key),
            "currency": company.currency,
        },
    )
