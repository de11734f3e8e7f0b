"""Non-report dashboard components: other apps register a data source here.

A dashboard component is normally built on a saved report. A source is the exception,
for figures no report type can express (for example forecast accuracy). Another app
registers one from its ``AppConfig.ready()``::

    from tandem.dashboards import sources

    sources.register("forecast_accuracy", _("Forecast accuracy"), accuracy_for_dashboard)

``fn(user, filters)`` receives the running user (whose access the figures must respect:
query through the door) and the dashboard filters as ``{field_name: value}``, and returns::

    {"labels": [...], "series": [{"label": ..., "data": [...]}], "rows": [...]}

``rows`` are lists of cells, shown when the component is a table. Optional keys:
``columns`` (table headings), ``hrefs`` (one link per label, for drill-down), ``value`` and
``value_label`` (what a metric or gauge shows; otherwise the sum of the first series).
A source that raises breaks only its own component; the error is logged.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SourceFn = Callable[[Any, dict], dict]


@dataclass(frozen=True)
class Source:
    """One registered data source."""

    key: str
    label: Any
    fn: SourceFn


_SOURCES: dict[str, Source] = {}


def register(key: str, label, fn: SourceFn) -> None:
    """Register (or replace) the source named ``key``; ``label`` may be a lazy string."""
    if not key or not callable(fn):
        raise ValueError("A dashboard source needs a key and a callable.")
    _SOURCES[key] = Source(key=key, label=label, fn=fn)


def unregister(key: str) -> None:
    """Forget a source (tests)."""
    _SOURCES.pop(key, None)


def get(key: str) -> Source | None:
    """The source named ``key``, or None when no app registered it."""
    return _SOURCES.get(key)


def all_sources() -> list[Source]:
    """Every registered source, by label."""
    return sorted(_SOURCES.values(), key=lambda s: str(s.label))


def choices() -> list[tuple[str, str]]:
    """(key, label) pairs for a form's choice field."""
    return [(s.key, str(s.label)) for s in all_sources()]
