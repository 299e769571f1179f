"""Money rules of every shipped process (fixtures/processes/*.toml) compare like with like.

For each process, as published: a transition condition reads an amount only through its value in
the store's currency (``data.<field>.in_store_currency``), so no choice of the currency, of its
unit or of the amount's sign changes which transitions are offered while that value stays the
same. The price exception, the one process with a threshold, offers its store manager exactly one
of "approve" and "escalate", and "approve" only for an amount from zero up to the limit of the
store's currency: a negative amount, an unknown conversion or a huge one goes to the area manager.
"""

from __future__ import annotations

import itertools
import tomllib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.choices import FieldType
from forms.models import FormVersion
from forms.rules import parse_rule
from project.stores.choices import Currency
from tests.factories import UserFactory
from workflows.models import Process
from workflows.shipped import SHIPPED_DIR, load_process_file

FILES = sorted(path.name for path in SHIPPED_DIR.glob("*.toml"))
MONEY_TYPES = {FieldType.MONEY, FieldType.LINE_ITEMS}
# Amounts a requester may type, of every sign and size, in each currency's units.
AMOUNTS = [Decimal(text) for text in ("-1000000", "-0.01", "0", "0.01", "1", "999", "1e15")]
# Values in the store's currency around every shipped limit; None: no exchange rate known.
IN_STORE = [None, Decimal(-1), Decimal(0), Decimal(1000), Decimal("1000.01"), Decimal(40001)]
IN_STORE += [Decimal(150001), Decimal(1500000), Decimal(1500001), Decimal("1e15")]


def published(file_name: str) -> Process:
    path = SHIPPED_DIR / file_name
    load_process_file(path, actor=UserFactory(is_superuser=True))
    code = tomllib.loads(path.read_text(encoding="utf-8"))["process"]["code"]
    return Process.objects.get(code=code)


def money_fields(process: Process) -> set[str]:
    """The names of the amounts the process's forms (intake and step forms) store."""
    definition = process.live_version.definition
    version_ids = {definition.intake_form_version_id} | {
        transition.step_form_version_id for transition in definition.transitions
    }
    return {
        spec["clean_name"]
        for schema in FormVersion.objects.filter(pk__in=version_ids - {None}).values_list(
            "schema", flat=True
        )
        for spec in schema
        if spec["field_type"] in MONEY_TYPES
    }


def context(store_currency: str, *, is_opener: bool, amounts: dict) -> dict:
    return {
        "data": amounts,
        "store": {"code": "TEST-01", "country": "KR", "currency": store_currency},
        "actor": {"is_opener": is_opener, "groups": ["Approver"], "username": "someone"},
        "case": {"state": "requested"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("file_name", FILES)
def test_conditions_read_amounts_only_in_the_stores_currency(file_name):
    process = published(file_name)
    amounts = money_fields(process)
    read = {
        (transition.code, name)
        for transition in process.live_version.definition.transitions
        if transition.rule is not None
        for name in transition.rule.names
        if name.startswith("data.") and name.split(".")[1] in amounts
    }

    unconverted = sorted(
        (code, name) for code, name in read if not name.endswith(".in_store_currency")
    )
    assert not unconverted, "an amount compared in the currency the requester chose"
    assert all(len(name.split(".")) == 3 for _code, name in read)


@pytest.mark.django_db
@pytest.mark.parametrize("file_name", FILES)
def test_no_choice_of_currency_unit_or_sign_changes_what_is_offered(file_name):
    """With the value in the store's currency fixed, the currency and the amount typed (of any
    sign and any number of decimals) never change a condition's outcome."""
    process = published(file_name)
    fields = sorted(money_fields(process))
    conditional = [t for t in process.live_version.definition.transitions if t.rule is not None]

    for transition, field, value, store_currency, is_opener in itertools.product(
        conditional, fields, IN_STORE, Currency.values, (True, False)
    ):
        outcomes = {
            transition.rule.evaluate(
                context(
                    store_currency,
                    is_opener=is_opener,
                    amounts={
                        field: {"amount": amount, "currency": currency, "in_store_currency": value}
                    },
                )
            )
            for currency, amount in itertools.product(Currency.values, AMOUNTS)
        }
        assert len(outcomes) == 1, (transition.code, field, value, store_currency)


# --- The price exception's threshold ----------------------------------------------------------

LIMITS = {"KRW": Decimal(1500000), "JPY": Decimal(150000), "UAH": Decimal(40000)}


def shipped_rule(file_name: str, code: str):
    """A transition's condition as the file ships it (the loader publishes it unchanged)."""
    spec = tomllib.loads((SHIPPED_DIR / file_name).read_text(encoding="utf-8"))
    return parse_rule(next(t for t in spec["transitions"] if t["code"] == code)["condition"])


APPROVE = shipped_rule("price_exception.toml", "approve")
ESCALATE = shipped_rule("price_exception.toml", "escalate")


@given(
    store_currency=st.sampled_from(Currency.values),
    currency=st.sampled_from(Currency.values),
    value=st.none() | st.decimals(min_value=Decimal("-1e18"), max_value=Decimal("1e18"), places=2),
)
def test_the_store_manager_approves_alone_only_up_to_the_stores_limit(
    store_currency, currency, value
):
    approve, escalate = APPROVE, ESCALATE
    amounts = {"amount": {"amount": Decimal(1), "currency": currency, "in_store_currency": value}}
    asked = context(store_currency, is_opener=False, amounts=amounts)
    within = value is not None and 0 <= value <= LIMITS.get(store_currency, Decimal(1000))

    assert approve.evaluate(asked) is within
    assert escalate.evaluate(asked) is not within
    # The requester does neither, whatever the amount.
    own = context(store_currency, is_opener=True, amounts=amounts)
    assert not approve.evaluate(own) and not escalate.evaluate(own)
