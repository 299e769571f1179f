import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.rules import (
    MAX_DEPTH,
    MAX_SOURCE_LENGTH,
    And,
    Compare,
    ListLiteral,
    Literal,
    Name,
    Not,
    Or,
    RuleError,
    Today,
    parse_rule,
)


def holds(source: str, **context) -> bool:
    return parse_rule(source).evaluate(context)


# --- Parsing --------------------------------------------------------------------------------------


def test_not_binds_tighter_than_and_which_binds_tighter_than_or():
    tree = parse_rule("not a and b or c").tree

    assert tree == Or((And((Not(Name(("a",))), Name(("b",)))), Name(("c",))))


def test_parentheses_override_precedence():
    tree = parse_rule("a and (b or c)").tree

    assert tree == And((Name(("a",)), Or((Name(("b",)), Name(("c",))))))


def test_chained_and_is_flattened_into_one_node():
    assert parse_rule("(a and b) and (c and d)").tree == And(
        tuple(Name((letter,)) for letter in "abcd")
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("true or false and false", True),
        ("(true or false) and false", False),
        ("not false and false", False),
        ("not (false and false)", True),
        ("false or not false", True),
    ],
)
def test_precedence_decides_the_result(source, expected):
    assert holds(source) is expected


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("42", Literal("decimal", Decimal("42"))),
        ("-1.50", Literal("decimal", Decimal("-1.50"))),
        ('"say \\"hi\\"\\n"', Literal("string", 'say "hi"\n')),
        ("'it\\'s'", Literal("string", "it's")),
        ("true", Literal("boolean", True)),
        ("false", Literal("boolean", False)),
        ("null", Literal("null", None)),
        ("2026-01-31", Literal("date", date(2026, 1, 31))),
        ("2026-01-31T10:00", Literal("datetime", datetime(2026, 1, 31, 10, tzinfo=UTC))),
        (
            "2026-01-31T10:00:30+09:00",
            Literal("datetime", datetime(2026, 1, 31, 1, 0, 30, tzinfo=UTC)),
        ),
        ("today", Today()),
        ('["KR", 1]', ListLiteral((Literal("string", "KR"), Literal("decimal", Decimal(1))))),
    ],
)
def test_every_literal_type_parses_to_a_typed_value(source, value):
    assert parse_rule(f"x == {source}").tree == Compare("==", Name(("x",)), value)


def test_numbers_are_decimals_not_floats():
    literal = parse_rule("0.1").tree

    assert literal.value == Decimal("0.1")
    assert isinstance(literal.value, Decimal)


def test_keywords_inside_longer_names_are_names():
    assert parse_rule("notes and truth and order.today").names == {
        "notes",
        "truth",
        "order.today",
    }


def test_names_lists_every_dotted_name_once():
    rule = parse_rule("quote.total > 5 and store.country in allowed or quote.total == 1")

    assert rule.names == frozenset({"quote.total", "store.country", "allowed"})


def test_parsing_is_cached():
    assert parse_rule("a == 1") is parse_rule("a == 1")


def test_to_source_normalises_spacing_quotes_and_parentheses():
    rule = parse_rule("not(a==1)and ( b  or 'x'!=c )")

    assert rule.to_source() == 'not a == 1 and (b or "x" != c)'


# --- Syntax errors and limits ---------------------------------------------------------------------


def test_syntax_error_points_at_the_column_of_the_unexpected_token():
    with pytest.raises(RuleError) as caught:
        parse_rule("quote.total == == 5")

    assert caught.value.position == 16
    assert caught.value.message == 'Unexpected "==" at column 16 in: quote.total == == 5'


@pytest.mark.parametrize(
    ("source", "message", "position"),
    [
        ("quote.total >", "Unexpected end of condition at column 14", 14),
        ("a $ 1", 'Unexpected "$" at column 3', 3),
        ("a = 1", 'Unexpected "=" at column 3 in: a = 1 (use == to compare)', 3),
        ("1 < x < 3", 'Unexpected "<" at column 7', 7),
        ("x in 5", 'Unexpected "5" at column 6', 6),
        ("x == 2026-02-30", "Invalid date 2026-02-30 at column 6", 6),
        ("x == (1)", 'Unexpected "(" at column 6', 6),
    ],
)
def test_syntax_errors_say_what_and_where(source, message, position):
    with pytest.raises(RuleError, match=re.escape(message)) as caught:
        parse_rule(source)

    assert caught.value.position == position


@pytest.mark.parametrize("source", ["", "   ", "\n\t"])
def test_empty_condition_is_refused(source):
    with pytest.raises(RuleError, match="empty condition"):
        parse_rule(source)


def test_sources_over_the_length_limit_are_refused():
    source = " or ".join(["a"] * 1000)
    assert len(source) > MAX_SOURCE_LENGTH

    with pytest.raises(RuleError, match="longer than 2000 characters"):
        parse_rule(source)


def test_trees_deeper_than_the_limit_are_refused():
    parse_rule("not " * (MAX_DEPTH - 1) + "x")

    with pytest.raises(RuleError, match="nested more than 50 levels"):
        parse_rule("not " * MAX_DEPTH + "x")


def test_redundant_parentheses_do_not_count_as_depth():
    assert parse_rule("(" * 300 + "x" + ")" * 300).names == {"x"}


@pytest.mark.parametrize(
    "source",
    [
        '__import__("os")',
        "a.__class__",
        "quote.total.__class__.__mro__",
        "_private",
        'open("/etc/passwd")',
        "x.upper()",
        '"".join(x)',
        "lambda: 1",
        "[x for x in y]",
        "a if b else c",
        "a; b",
        "a + 1 == 2",
    ],
)
def test_code_injection_attempts_are_refused(source):
    with pytest.raises(RuleError):
        parse_rule(source)


# --- Validation -----------------------------------------------------------------------------------


def test_validate_names_each_unknown_name():
    rule = parse_rule("quote.totl > 5 and store.country == 'KR' and stor.city == 'Seoul'")

    with pytest.raises(RuleError) as caught:
        rule.validate({"quote.total", "store"})

    assert caught.value.message.startswith('Unknown names "quote.totl", "stor.city" in: ')
    assert caught.value.position == 1


def test_validate_accepts_names_under_a_known_prefix_at_a_dot_boundary():
    parse_rule("quote.total > 5 and quote.lines.count > 1").validate(["quote"])

    with pytest.raises(RuleError, match='Unknown name "quotes.total"'):
        parse_rule("quotes.total > 5").validate(["quote"])


def test_validate_with_none_skips_the_check():
    parse_rule("anything.at.all").validate(None)


# --- Evaluation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x == 5", True),
        ("x != 5", False),
        ("x < 6", True),
        ("x <= 5", True),
        ("x > 5", False),
        ("x >= 5", True),
        ("x in [1, 5]", True),
        ("x not in [1, 5]", False),
        ("x in []", False),
    ],
)
def test_every_operator(source, expected):
    assert holds(source, x=5) is expected


def test_in_accepts_a_name_whose_value_is_a_list():
    actor = {"groups": ["repairers", "managers"]}

    assert holds('"managers" in actor.groups', actor=actor)
    assert holds('"cashiers" not in actor.groups', actor=actor)


def test_in_with_nothing_on_the_right_is_false():
    assert not holds('"KR" in store.countries', store={})
    assert holds('"KR" not in store.countries', store={})
    assert not holds('"KR" in store.name', store={"name": "KR store"})


def test_names_resolve_through_nested_dicts():
    assert holds('data.customer.country == "KR"', data={"customer": {"country": "KR"}})


def test_names_resolve_through_object_attributes():
    @dataclass
    class Quote:
        total: Decimal

    assert holds("quote.total > 500", quote=Quote(total=Decimal("600")))
    assert holds("case.quote.total > 500", case={"quote": Quote(total=Decimal("600"))})


def test_callables_are_never_called_or_exposed():
    class Sneaky:
        called = False

        def delete(self):
            Sneaky.called = True
            return True

    assert not holds("obj.delete", obj=Sneaky())
    assert holds("obj.delete == null", obj=Sneaky())
    assert holds("data.keys == null", data={})
    assert not Sneaky.called


def test_attributes_that_fail_to_load_are_missing():
    class Broken:
        @property
        def status(self):
            raise LookupError("no status")

    assert holds("obj.status == null", obj=Broken())


def test_missing_names_are_null():
    assert holds("data.x == null", data={})
    assert holds("nothing.here == null")
    assert not holds("nothing.here")
    assert not holds("data.x != null", data={"x": None})


@pytest.mark.parametrize(
    ("source", "context"),
    [
        ("x > 1", {"x": None}),
        ("x < 1", {"x": None}),
        ("x > 1", {"x": "5"}),
        ("x == 5", {"x": "5"}),
        ("x < 2026-01-31", {"x": 5}),
        ("x > true", {"x": 5}),
        ("x == 1", {"x": True}),
        ("x < 2026-01-31", {"x": datetime(2026, 1, 1, tzinfo=UTC)}),
        ("x >= [1]", {"x": [1]}),
        ("x > 1", {"x": float("nan")}),
    ],
)
def test_type_mismatches_are_false_not_errors(source, context):
    assert holds(source, **context) is False


def test_numbers_compare_across_int_float_and_decimal():
    assert holds("x == 0.1", x=0.1)
    assert holds("x == 300 and y < 500.5", x=Decimal("300.00"), y=500)
    assert holds("x >= 2", x=2.0)


def test_strings_compare_as_text():
    assert holds('x < "b"', x="a")
    assert holds('x == "10"', x="10")
    assert not holds("x < 9", x="10")


def test_iso_date_strings_are_read_as_dates_when_compared_with_dates():
    submission = json.loads(
        json.dumps({"bought": date(2026, 1, 30), "due": date(2026, 3, 1)}, cls=DjangoJSONEncoder)
    )

    assert holds("data.bought < 2026-01-31", data=submission)
    assert holds("data.due == 2026-03-01", data=submission)
    assert not holds("data.x > 2026-01-01", data={"x": "soon"})


def test_iso_datetime_strings_are_read_as_aware_datetimes():
    stamp = datetime(2026, 1, 31, 19, 0, tzinfo=timezone(timedelta(hours=9)))
    data = json.loads(json.dumps({"at": stamp}, cls=DjangoJSONEncoder))

    assert holds("data.at == 2026-01-31T10:00", data=data)
    assert holds("data.at < 2026-01-31T10:01Z", data=data)
    assert holds("x == 2026-01-31T10:00", x=datetime(2026, 1, 31, 10, 0))  # noqa: DTZ001


def test_today_comes_from_the_context():
    assert holds("data.due < today", data={"due": "2026-01-30"}, today=date(2026, 1, 31))
    assert not holds("data.due < today", data={"due": "2026-02-01"}, today=date(2026, 1, 31))


def test_today_defaults_to_the_current_date(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2030, 5, 5, 12, tzinfo=UTC))

    assert holds("today == 2030-05-05")


def test_bare_values_are_truthiness_tests():
    assert holds("data.under_warranty", data={"under_warranty": True})
    assert not holds("data.under_warranty", data={"under_warranty": False})
    assert not holds("data.items", data={"items": []})
    assert not holds("0")
    assert holds('"x"')
    assert not holds("null")


def test_list_equality_is_element_by_element():
    assert holds('tags == ["a", 1]', tags=["a", 1])
    assert not holds('tags == ["a", 1]', tags=["a", "1"])


# --- Explanations ---------------------------------------------------------------------------------

CONDITION = 'quote.total > 500 and store.country == "KR"'


def test_explain_is_none_when_the_rule_holds():
    context = {"quote": {"total": 800}, "store": {"country": "KR"}}

    assert parse_rule(CONDITION).explain(context) is None


def test_explain_names_the_first_false_conjunct_with_its_actual_value():
    rule = parse_rule(CONDITION)

    assert (
        rule.explain({"quote": {"total": 300}, "store": {"country": "JP"}})
        == "quote.total > 500 (quote.total is 300)"
    )
    assert (
        rule.explain({"quote": {"total": 800}, "store": {"country": "JP"}})
        == 'store.country == "KR" (store.country is "JP")'
    )


def test_explain_shows_an_or_or_not_clause_whole():
    rule = parse_rule("a == 1 and (b == 2 or not c) and d")
    context = {"a": 1, "b": 3, "c": True, "d": True}

    assert rule.explain(context) == "b == 2 or not c"
    assert parse_rule("not c").explain(context) == "not c"


def test_explain_shows_both_names_and_missing_values():
    rule = parse_rule("quote.total <= budget.limit")

    assert (
        rule.explain({"quote": {"total": 900}})
        == "quote.total <= budget.limit (quote.total is 900, budget.limit is not set)"
    )
    assert (
        parse_rule("data.under_warranty").explain({})
        == "data.under_warranty (data.under_warranty is not set)"
    )


# --- JSON -----------------------------------------------------------------------------------------


def test_to_json_is_a_typed_tree_for_the_browser():
    rule = parse_rule(
        'not (x.total >= 1.5 or d < 2026-01-31T10:00) and c in ["KR", null, true] and t == today'
    )

    tree = rule.to_json()

    assert json.loads(json.dumps(tree)) == tree
    assert tree == {
        "op": "and",
        "operands": [
            {
                "op": "not",
                "operand": {
                    "op": "or",
                    "operands": [
                        {
                            "op": ">=",
                            "left": {"op": "name", "path": ["x", "total"]},
                            "right": {"op": "literal", "type": "decimal", "value": "1.5"},
                        },
                        {
                            "op": "<",
                            "left": {"op": "name", "path": ["d"]},
                            "right": {
                                "op": "literal",
                                "type": "datetime",
                                "value": "2026-01-31T10:00:00Z",
                            },
                        },
                    ],
                },
            },
            {
                "op": "in",
                "left": {"op": "name", "path": ["c"]},
                "right": {
                    "op": "list",
                    "items": [
                        {"op": "literal", "type": "string", "value": "KR"},
                        {"op": "literal", "type": "null", "value": None},
                        {"op": "literal", "type": "boolean", "value": True},
                    ],
                },
            },
            {"op": "==", "left": {"op": "name", "path": ["t"]}, "right": {"op": "today"}},
        ],
    }


def test_to_json_tags_dates():
    assert parse_rule("2026-01-31").to_json() == {
        "op": "literal",
        "type": "date",
        "value": "2026-01-31",
    }


# --- Properties -----------------------------------------------------------------------------------

KEYWORDS = {"and", "or", "not", "in", "true", "false", "null", "today"}
segments = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(lambda s: s not in KEYWORDS)
names = st.lists(segments, min_size=1, max_size=3).map(lambda path: Name(tuple(path)))
literals = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
        lambda d: Literal("decimal", d)
    ),
    st.text(max_size=8).map(lambda s: Literal("string", s)),
    st.booleans().map(lambda b: Literal("boolean", b)),
    st.just(Literal("null", None)),
    st.dates().map(lambda d: Literal("date", d)),
    st.datetimes(timezones=st.just(UTC)).map(lambda d: Literal("datetime", d)),
    st.just(Today()),
)
lists = st.lists(literals, max_size=3).map(lambda items: ListLiteral(tuple(items)))
operands = st.one_of(literals, names, lists)
comparisons = st.one_of(
    operands,
    st.builds(Compare, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), operands, operands),
    st.builds(Compare, st.sampled_from(["in", "not in"]), operands, st.one_of(names, lists)),
)


def junction(kind):
    def build(children):
        flat = []
        for child in children:
            flat.extend(child.operands if isinstance(child, kind) else [child])
        return kind(tuple(flat))

    return build


trees = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(junction(And)),
        st.lists(inner, min_size=2, max_size=3).map(junction(Or)),
    ),
    max_leaves=12,
)


@settings(max_examples=300)
@given(trees)
def test_source_round_trips_to_an_equal_tree(tree):
    assert parse_rule(tree.to_source()).tree == tree


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.decimals(),
        st.text(max_size=12),
        st.dates().map(date.isoformat),
        st.dates(),
        st.datetimes(),
        st.datetimes(timezones=st.just(UTC)),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("abxy"), inner, max_size=3)
    ),
    max_leaves=10,
)
RULES = [
    parse_rule(source)
    for source in [
        'a.x > 1 and b in [1, "1", null] or not (x.a <= 2026-01-31)',
        "a == b and a != x.y and a < b or a >= b",
        "a in b and x not in y.a and a > today",
        "a.b.x and not y or x == 2026-01-31T10:00",
    ]
]


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from("abxy"), json_values, max_size=4))
def test_evaluation_and_explanation_never_raise(context):
    context = {**context, "today": date(2026, 1, 31)}
    for rule in RULES:
        assert rule.evaluate(context) in (True, False)
        explanation = rule.explain(context)
        assert explanation is None or isinstance(explanation, str)
