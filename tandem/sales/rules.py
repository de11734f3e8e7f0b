"""Field rules applied before a sales record is saved."""

from tandem.core.fields import default_picklist_value
from tandem.core.models import Company, PicklistValue


def before_save_opportunity(opp) -> None:
    """The stage sets probability, forecast category and closed/won, unless the user chose them."""
    stage = PicklistValue.objects.filter(
        object_name="opportunity", field_name="stage", value=opp.stage
    ).first()
    if stage is None:
        return
    previous = None
    if opp.pk:
        previous = type(opp).objects.unrestricted().filter(pk=opp.pk).values(
            "stage", "probability", "forecast_category"
        ).first()
    stage_changed = previous is None or previous["stage"] != opp.stage
    if stage_changed:
        kept_probability = previous and opp.probability != previous["probability"]
        kept_category = previous and opp.forecast_category != previous["forecast_category"]
        if opp.probability is None or (previous and not kept_probability):
            opp.probability = stage.probability
        if not opp.forecast_category or (previous and not kept_category):
            opp.forecast_category = stage.forecast_category
    opp.is_closed = stage.is_closed
    opp.is_won = stage.is_won
    if not opp.currency:
        opp.currency = Company.current().currency


def before_save_lead(lead) -> None:
    if not lead.status:
        lead.status = default_picklist_value("lead", "status")
