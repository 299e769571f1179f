"""The workflow engine's extension points: how feature apps plug in without the engine knowing them.

Features register functions on Wagtail's hook registry from their ``wagtail_hooks.py``, the way
Wagtail apps register ``construct_homepage_panels``; the engine calls the functions below and
imports no feature.

======================== ==================================== =====================================
hook                     signature                            called
======================== ==================================== =====================================
workflows_rule_context   ``fn(case, actor) -> {root: value}`` when a condition is evaluated; the
                         (register with                       roots are declared so publishing can
                         ``register_rule_context``)           refuse a condition naming an unknown
                                                              one
workflows_case_panels    ``fn(case, user, **forms)``          by the case page, for each panel;
                         ``-> CasePanel | None``              ``forms`` carries a refused action's
                                                              bound forms back to its panel
workflows_case_urls      ``fn() -> [path(...)]``              once, mounted under
                                                              ``/admin/cases/`` (``cases:`` names)
workflows_after_timers   ``fn(now) -> dict``                  after each timer sweep, outside it
workflows_event_recorded ``fn(event)``                        inside the transaction that wrote the
                                                              case event
workflows_trigger_events ``fn() -> [TriggerEvent, ...]``      to list the events that
                                                              ``ProcessTrigger`` rows may map to
                                                              transitions
======================== ==================================== =====================================
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wagtail import hooks

RULE_CONTEXT = "workflows_rule_context"
CASE_PANELS = "workflows_case_panels"
CASE_URLS = "workflows_case_urls"
AFTER_TIMERS = "workflows_after_timers"
EVENT_RECORDED = "workflows_event_recorded"
TRIGGER_EVENTS = "workflows_trigger_events"


# --- Rule context ---------------------------------------------------------------------------------


def register_rule_context(*roots: str) -> Callable:
    """Register ``fn(case, actor) -> {root: value}`` adding ``roots`` to what conditions read::

    @register_rule_context("certificate")
    def certificate_context(case, actor):
        return {"certificate": ...}
    """

    def decorator(fn: Callable) -> Callable:
        fn.rule_context_roots = tuple(roots)
        hooks.register(RULE_CONTEXT, fn)
        return fn

    return decorator


def rule_context_roots() -> tuple[str, ...]:
    """The roots the registered features add, in registration order."""
    roots: list[str] = []
    for fn in hooks.get_hooks(RULE_CONTEXT):
        roots.extend(root for root in getattr(fn, "rule_context_roots", ()) if root not in roots)
    return tuple(roots)


def rule_context_extra(case, actor) -> dict[str, Any]:
    """What the features add to a condition's context: only the roots each one declared."""
    extra: dict[str, Any] = {}
    for fn in hooks.get_hooks(RULE_CONTEXT):
        declared = getattr(fn, "rule_context_roots", ())
        extra.update({k: v for k, v in fn(case, actor).items() if k in declared})
    return extra


# --- Case page ------------------------------------------------------------------------------------


@dataclass
class CasePanel:
    """A panel of the case page: ``template`` is included with ``panel`` (this object's
    ``context``) and ``case`` in its context. Lower ``order`` comes first."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def case_panels(case, user, **forms) -> list[CasePanel]:
    panels = [fn(case, user, **forms) for fn in hooks.get_hooks(CASE_PANELS)]
    return sorted((panel for panel in panels if panel is not None), key=lambda p: p.order)


def case_urls() -> list:
    return [url for fn in hooks.get_hooks(CASE_URLS) for url in fn()]


# --- Timers and events ----------------------------------------------------------------------------


def after_timers(now: datetime.datetime) -> dict[str, Any]:
    """Run every ``workflows_after_timers`` function; their results, merged, for the task log."""
    results: dict[str, Any] = {}
    for fn in hooks.get_hooks(AFTER_TIMERS):
        results.update(fn(now) or {})
    return results


def event_recorded(event) -> None:
    for fn in hooks.get_hooks(EVENT_RECORDED):
        fn(event)


# --- Trigger events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriggerEvent:
    """Something that happens outside the engine and may move a case: ``name`` is what a
    ``ProcessTrigger`` row stores (``course.completed``). ``spec_key``: the top-level key of a
    published version's frozen spec that named this event's transition before triggers existed
    (versions published then keep working)."""

    name: str
    label: Any
    spec_key: str = ""


def trigger_events() -> dict[str, TriggerEvent]:
    """Every registered trigger event by name."""
    events: dict[str, TriggerEvent] = {}
    for fn in hooks.get_hooks(TRIGGER_EVENTS):
        for event in fn():
            events.setdefault(event.name, event)
    return events


def trigger_event_choices() -> list[tuple[str, Any]]:
    return [(event.name, event.label) for event in trigger_events().values()]


def legacy_triggers(spec: dict) -> Iterable[tuple[str, str]]:
    """(event, transition) pairs named by a frozen spec's keys from before triggers existed."""
    for event in trigger_events().values():
        if event.spec_key and spec.get(event.spec_key):
            yield event.name, spec[event.spec_key]
