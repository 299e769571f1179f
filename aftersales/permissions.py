"""Who may quote a case: the same people who may act on it (``workflows.permissions``)."""

from __future__ import annotations

from workflows.errors import InvalidInput
from workflows.services import may_act_on


def check_may_quote(case, actor) -> None:
    """Refuse, saying why, unless ``actor`` may work on ``case`` (its store, a working role)."""
    if not may_act_on(case, actor):
        raise InvalidInput(
            f"You can look at {case.reference} but not quote it: that needs a role that works on "
            f"cases and membership of {case.store.name}."
        )
