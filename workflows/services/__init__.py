"""Writes of the workflow engine, one module per entity: ``processes`` (publish, move cases to a
newer version), ``cases`` (open, transition, trigger, assign, comment, attach, bulk) and
``automatic`` (the periodic sweep). Reads are in ``workflows.selectors``; who may act, in
``workflows.permissions``; what conditions read, in ``workflows.rule_context``."""

from project.accounts.system_users import SCHEDULER_USERNAME, scheduler_user
from workflows.permissions import (
    available_transitions,
    may_act_on,
    may_move_cases,
    transition_refusal,
    waiting_transitions,
)
from workflows.rule_context import rule_context
from workflows.services.automatic import AutomaticRun, cases_fire_automatic
from workflows.services.cases import (
    BulkResult,
    case_assign,
    case_attach,
    case_comment,
    case_fire_trigger,
    case_open,
    case_transition,
    cases_bulk_transition,
)
from workflows.services.processes import (
    MOVE_TRANSITION,
    MoveRow,
    process_build_definition,
    process_move_cases,
    process_problems,
    process_publish,
)

__all__ = [
    "MOVE_TRANSITION",
    "SCHEDULER_USERNAME",
    "AutomaticRun",
    "BulkResult",
    "MoveRow",
    "available_transitions",
    "case_assign",
    "case_attach",
    "case_comment",
    "case_fire_trigger",
    "case_open",
    "case_transition",
    "cases_bulk_transition",
    "cases_fire_automatic",
    "may_act_on",
    "may_move_cases",
    "process_build_definition",
    "process_move_cases",
    "process_problems",
    "process_publish",
    "rule_context",
    "scheduler_user",
    "transition_refusal",
    "waiting_transitions",
]
