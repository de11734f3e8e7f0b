"""Stage history of opportunities: the tracked changes that matter to the pipeline, and the
time each opportunity spent in each stage (for the record page and for reports)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import CharField, F, Value
from django.utils import timezone

from tandem.core.models import FieldHistory
from tandem.sales.models import Opportunity

PIPELINE_FIELDS = ("stage", "amount", "probability", "close_date")


def pipeline_changes(opportunity, limit: int = 200) -> list[FieldHistory]:
    """Every change of stage, amount, probability and close date, newest first, with who."""
    return list(
        FieldHistory.objects.filter(
            object_name="opportunity", record_id=opportunity.pk, field_name__in=PIPELINE_FIELDS
        )
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )


@dataclass
class StageSpell:
    """One uninterrupted stay in a stage; `left` is None while the opportunity is still there."""

    stage: str
    entered: datetime
    left: datetime | None
    now: datetime

    @property
    def duration(self) -> timedelta:
        return (self.left or self.now) - self.entered


def _spells(created_at, first_stage, changes, now) -> list[StageSpell]:
    """`changes` are (changed_at, old, new) stage changes in time order."""
    spells = []
    stage = changes[0][1] if changes else first_stage
    entered = created_at
    for changed_at, _old, new in changes:
        spells.append(StageSpell(stage, entered, changed_at, now))
        stage, entered = new, changed_at
    spells.append(StageSpell(stage, entered, None, now))
    return spells


def time_in_stage(opportunity_ids, now: datetime | None = None) -> dict[int, dict[str, timedelta]]:
    """{opportunity id: {stage: total time spent in it}} in one query for any number of ids.

    The query is a UNION of each opportunity's creation (created_at, current stage) and its
    stage changes from field history. An opportunity created before history was tracked
    counts its first stage from created_at. The current stage counts up to `now`.
    """
    ids = sorted({int(i) for i in opportunity_ids})
    if not ids:
        return {}
    now = now or timezone.now()
    created = (
        Opportunity.objects.unrestricted()
        .filter(pk__in=ids)
        .values_list(
            "pk",
            F("created_at"),
            Value("", output_field=CharField()),
            F("stage"),
            Value(0),
        )
    )
    changes = FieldHistory.objects.filter(
        object_name="opportunity", record_id__in=ids, field_name="stage"
    ).values_list("record_id", "changed_at", "old_value", "new_value", "id")
    rows = created.order_by().union(changes.order_by(), all=True)
    per_opp: dict[int, dict] = defaultdict(lambda: {"created": None, "stage": "", "changes": []})
    for record_id, when, old, new, row_id in rows:
        entry = per_opp[record_id]
        if row_id == 0:
            entry["created"], entry["stage"] = when, new
        else:
            entry["changes"].append((when, row_id, old, new))
    out: dict[int, dict[str, timedelta]] = {}
    for record_id, entry in per_opp.items():
        if entry["created"] is None:  # history of a deleted opportunity
            continue
        ordered = [(w, o, n) for w, _i, o, n in sorted(entry["changes"])]
        totals: dict[str, timedelta] = defaultdict(timedelta)
        for spell in _spells(entry["created"], entry["stage"], ordered, now):
            totals[spell.stage] += max(spell.duration, timedelta(0))
        out[record_id] = dict(totals)
    return out


def stage_spells(opportunity, now: datetime | None = None) -> list[StageSpell]:
    """The opportunity's stays in stages, oldest first, for its record page."""
    changes = (
        FieldHistory.objects.filter(
            object_name="opportunity", record_id=opportunity.pk, field_name="stage"
        )
        .order_by("changed_at", "id")
        .values_list("changed_at", "old_value", "new_value")
    )
    return _spells(opportunity.created_at, opportunity.stage, list(changes), now or timezone.now())
