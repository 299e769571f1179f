"""Show and hide in the browser: forms/static/forms/conditions.js evaluates the rule the server
parsed exactly as the server does, and hides a field (disabling its inputs) while its condition
does not hold. Forms rendered by the builder are loaded into a blank Chromium page."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from forms.builder import build_form
from forms.choices import FieldType
from forms.rules import parse_rule
from forms.schema_form import _browser_value
from tests.forms.factories import field_spec

pytestmark = pytest.mark.browser

SCRIPT = Path(settings.BASE_DIR) / "forms" / "static" / "forms" / "conditions.js"

CONTEXT = {
    "warranty": "yes",
    "total": Decimal("650.50"),
    "zero": Decimal("0"),
    "empty": "",
    "ticked": True,
    "colours": ["red", "blue"],
    "bought": datetime.date(2026, 3, 1),
    "collected": datetime.datetime(2026, 3, 1, 10, 30, tzinfo=datetime.UTC),
    "price": {"amount": Decimal("1200.00"), "currency": "KRW"},
    "serial": "2026-03-01",
}

RULES = [
    'warranty == "yes"',
    'warranty != "yes"',
    'warranty in ["yes", "maybe"]',
    'warranty not in ["yes"]',
    "total > 500",
    "total >= 650.5",
    "total < 650.5",
    'total == "650.50"',  # unlike kinds are never equal
    'total > "100"',  # nor ordered
    "zero",
    "not zero",
    "empty",
    "ticked and total > 100",
    "ticked == true",
    'not ticked or warranty == "no"',
    '"red" in colours',
    '"green" in colours',
    'colours == ["red", "blue"]',
    "bought > 2026-02-28",
    "bought == 2026-03-01",
    "serial == 2026-03-01",  # an ISO string compared with a date is read as one
    "collected >= 2026-03-01T10:30",
    "collected < 2026-03-01T09:00",
    "price.amount > 1000",
    'price.currency == "KRW"',
    "price.missing == null",
    "missing",
    "missing == null",
    "missing > 3",
    'not (warranty == "yes" and total > 1000)',
]


@pytest.fixture
def page(blank_page):
    blank_page.set_content("<form></form>")
    blank_page.add_script_tag(content=SCRIPT.read_text())
    return blank_page


def test_the_browser_evaluates_every_rule_as_the_server_does(page):
    context = _browser_value(CONTEXT)
    outcomes = {}
    for source in RULES:
        rule = parse_rule(source)
        outcomes[source] = (
            page.evaluate(
                "([rule, context]) => window.AtelierConditions.evaluate(rule, context)",
                [rule.to_json(), context],
            ),
            rule.evaluate(CONTEXT),
        )

    disagreements = {source: pair for source, pair in outcomes.items() if pair[0] != pair[1]}
    assert not disagreements  # source: (browser, server)
    assert {server for _browser, server in outcomes.values()} == {True, False}


def conditional_form():
    return build_form(
        [
            field_spec(FieldType.RADIO, "Under warranty", choices="yes\nno"),
            field_spec(FieldType.FILE, "Proof of purchase", condition='under_warranty == "yes"'),
            field_spec(FieldType.NUMBER, "Quoted price", required=False),
            field_spec(FieldType.MULTI_LINE, "Why so expensive", condition="quoted_price > 500"),
        ]
    )


def open_form(page, form):
    page.set_content(f"<form>{render(form)}</form>")
    page.add_script_tag(content=SCRIPT.read_text())


def render(form) -> str:
    """Each field in the container the page templates give it (see forms/pages/_item.html)."""
    html = []
    for _spec, field in form.iter_items():
        attrs = f'data-field="{field.name}" data-kind="{field.field.browser_kind}"'
        if field.field.browser_condition:
            attrs += f" data-condition='{field.field.browser_condition}'"
        html.append(f"<div {attrs}>{field.label_tag()}{field}</div>")
    return "".join(html)


def test_a_conditional_field_appears_when_its_condition_holds_and_goes_again(page):
    open_form(page, conditional_form())
    proof = page.locator("[data-field=proof_of_purchase]")
    why = page.locator("[data-field=why_so_expensive]")

    expect(proof).to_be_hidden()
    expect(page.get_by_label("Proof of purchase")).to_be_disabled()  # so it is not sent
    expect(why).to_be_hidden()

    page.get_by_label("yes").check()
    expect(proof).to_be_visible()
    expect(page.get_by_label("Proof of purchase")).to_be_enabled()

    page.get_by_label("no").check()
    expect(proof).to_be_hidden()

    page.get_by_label("Quoted price").fill("499")
    expect(why).to_be_hidden()
    page.get_by_label("Quoted price").fill("1200")
    expect(why).to_be_visible()
    page.get_by_label("Quoted price").fill("")
    expect(why).to_be_hidden()
