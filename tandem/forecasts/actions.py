"""Named forecast actions: adjust a figure, set quotas. Atomic, checked, kept as history."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.forecasts import permissions
from tandem.forecasts.figures import figures_for
from tandem.forecasts.models import ADJUSTABLE, FIGURE_CHOICES, ForecastAdjustment, Quota
from tandem.forecasts.periods import Period
from tandem.forecasts.tree import ForecastTree

MAX_AMOUNT = Decimal("9999999999999999.99")
MAX_NOTE = 2000


def parse_amount(raw, field: str, label: str) -> Decimal:
    """A non-negative amount with at most two decimals; errors name the field."""
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if not text:
        raise ValidationError({field: _("%(label)s: enter an amount.") % {"label": label}})
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            {
                field: _("%(label)s: “%(value)s” is not a number.")
                % {"label": label, "value": text[:40]}
            }
        )
    if value < 0:
        raise ValidationError({field: _("%(label)s: cannot be negative.") % {"label": label}})
    if value > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        raise ValidationError(
            {field: _("%(label)s: use at most 16 digits and 2 decimals.") % {"label": label}}
        )
    return value.quantize(Decimal("0.01"))


def adjust_forecast(actor, subject_id: int, period: Period, category: str, amount, note: str):
    """Replace `subject`'s roll-up figure in `category` for the period, with the reason why."""
    tree = ForecastTree()
    person = tree.get(subject_id)
    if person is None or not permissions.may_view(actor, tree, subject_id):
        raise PermissionDenied(_("This forecast does not exist or you cannot see it."))
    if not permissions.may_adjust(actor, tree, subject_id):
        raise PermissionDenied(
            _("Only people above %(name)s in the role hierarchy may adjust this forecast.")
            % {"name": person.name}
        )
    errors = {}
    if category not in ADJUSTABLE:
        errors["category"] = [_("Category: choose Commit, Best Case or Pipeline.")]
    try:
        value = parse_amount(amount, "amount", _("Adjusted amount"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Note: say why the forecast is adjusted.")]
    elif len(note) > MAX_NOTE:
        errors["note"] = [_("Note: at most %(n)s characters.") % {"n": MAX_NOTE}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        original = figures_for(actor, tree, person, period)[subject_id].original[category]
        return ForecastAdjustment.objects.create(
            user_id=subject_id,
            period_kind=period.kind,
            period_start=period.start,
            category=category,
            amount=value,
            original_amount=original,
            note=note,
            adjusted_by=actor,
        )


def set_quotas(actor, period: Period, amounts: dict[int, str]) -> int:
    """Save quotas {user id: amount text}; blank removes a quota. All or nothing.

    Returns the number of quotas written or removed.
    """
    tree = ForecastTree()
    errors: dict[str, list[str]] = {}
    clean: dict[int, Decimal | None] = {}
    for pk, raw in amounts.items():
        person = tree.get(pk)
        if person is None or not permissions.may_set_quota(actor, tree, pk):
            raise PermissionDenied(_("You may not set quotas for this person."))
        if str(raw or "").strip() == "":
            clean[pk] = None
            continue
        try:
            clean[pk] = parse_amount(
                raw, f"quota_{pk}", _("Quota for %(name)s") % {"name": person.name}
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    changed = 0
    with transaction.atomic():
        existing = {
            q.user_id: q
            for q in Quota.objects.select_for_update().filter(
                period_kind=period.kind, period_start=period.start, user_id__in=list(clean)
            )
        }
        for pk, value in clean.items():
            current = existing.get(pk)
            if value is None:
                if current is not None:
                    current.delete()
                    changed += 1
            elif current is None:
                Quota.objects.create(
                    user_id=pk,
                    period_kind=period.kind,
                    period_start=period.start,
                    amount=value,
                    updated_by=actor,
                )
                changed += 1
            elif current.amount != value:
                current.amount, current.updated_by = value, actor
                current.save(update_fields=["amount", "updated_by", "updated_at"])
                changed += 1
    return changed


def figure_label(name: str) -> str:
    return str(dict(FIGURE_CHOICES).get(name, name))
