"""Designers' patterns with RE2: linear time on hostile input, clear refusals, the validator."""

import time

import pytest
from django.core.exceptions import ValidationError

from project.core.patterns import (
    PatternError,
    PatternValidator,
    compile_pattern,
    pattern_problem,
)

# Each takes Python's backtracking ``re`` exponential time on the texts below (the second took
# 4.9 s on "A" * 26 + "!" alone).
CATASTROPHIC = [r"(a+)+$", r"([A-Z0-9]+[ -]?)+", r"(a|aa)+$", r"(.*a){20}", r"(x+x+)+y"]
HOSTILE_TEXTS = {
    "a then a stop": "a" * 10_000 + "!",
    "capitals then a stop": "A" * 10_000 + "!",
    "x without y": "x" * 10_240,
    "words": ("AB12 " * 2_048)[:-1] + "!",
}
# A correctness bound, generous: RE2 answers these in well under a millisecond.
LINEAR_TIME_BOUND = 0.050


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


@pytest.mark.parametrize("pattern", CATASTROPHIC)
@pytest.mark.parametrize("name", HOSTILE_TEXTS)
def test_catastrophic_patterns_answer_10_kb_texts_in_linear_time(pattern, name):
    text = HOSTILE_TEXTS[name]
    compiled = compile_pattern(pattern)

    for match in (compiled.fullmatch, compiled.search):
        _result, seconds = timed(match, text)
        assert seconds < LINEAR_TIME_BOUND, f"{match.__name__} took {seconds:.3f} s"


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_the_validator_refuses_a_10_kb_hostile_answer_in_linear_time(pattern):
    validator = PatternValidator(pattern, "Wrong format.")

    started = time.perf_counter()
    with pytest.raises(ValidationError) as caught:
        validator("A" * 10_000 + "!")
    seconds = time.perf_counter() - started

    assert seconds < LINEAR_TIME_BOUND
    assert caught.value.messages == ["Wrong format."]
    assert caught.value.code == "invalid"


def test_a_catastrophic_pattern_still_means_what_it_says():
    compiled = compile_pattern(r"([A-Z0-9]+[ -]?)+")

    assert compiled.fullmatch("AB12 CD-34")
    assert not compiled.fullmatch("AB12 cd")
    assert compile_pattern(r"(a|aa)+$").fullmatch("a" * 10_000)


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (r"[A-Z]{2}\d{4}", ["AB1234", "ZZ0000"], ["ab1234", "AB123", "AB12345", "xAB1234", ""]),
        (r"\d{5}(-\d{4})?", ["90210", "90210-1234"], ["9021", "90210-12", "90210 "]),
        (r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", ["SW1A 1AA", "M1 1AE", "B338TH"], ["SW1A 1A"]),
        (r"\d{3}-\d{3}", ["135-080"], ["135080", "1350-80"]),
        (r"(?i)[a-z]{2}\d{2}", ["ab12", "AB12"], ["a12"]),
        # Alternatives are anchored as a whole, not only the last one.
        (r"cat|dog", ["cat", "dog"], ["cats", "hotdog"]),
    ],
)
def test_ordinary_patterns_accept_and_refuse_as_before(pattern, good, bad):
    validator = PatternValidator(pattern)

    for text in good:
        validator(text)
    for text in bad:
        with pytest.raises(ValidationError):
            validator(text)


def test_digits_and_word_characters_are_ascii_and_unicode_classes_are_named():
    assert not compile_pattern(r"\d{3}").fullmatch("١٢٣")  # Arabic-Indic digits
    assert not compile_pattern(r"\w+").fullmatch("보증서")
    assert compile_pattern(r"\p{Hangul}+").fullmatch("보증서")
    assert compile_pattern(r"\pL+").fullmatch("Numéro")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "Backreferences such as \\1 cannot be used in a pattern"),
        (r"(?P<x>a)(?P=x)", "Backreferences such as \\1 cannot be used in a pattern"),
        (r"(?<x>a)\k<x>", "Backreferences such as \\1 cannot be used in a pattern"),
        (r"(?=a)", "Lookaheads and lookbehinds such as (?=…)"),
        (r"(?!a)b", "Lookaheads and lookbehinds such as (?=…)"),
        (r"(?<=a)b", "Lookaheads and lookbehinds such as (?=…)"),
        (r"(?<!a)b", "Lookaheads and lookbehinds such as (?=…)"),
        (r"(?>ab)c", "Atomic groups and possessive repetitions"),
        (r"a++", "Atomic groups and possessive repetitions"),
        (r"a{2}+", "Atomic groups and possessive repetitions"),
        (r"(a)?(?(1)b|c)", "Conditional groups such as (?(1)…|…)"),
        (r"(a{100}){100}", "A repetition such as {2,5} may count to at most 1000"),
        (r"\pL{1,1000}", "This pattern is too large to be checked quickly"),
        (r"[A-Z", "This is not a valid regular expression: missing ]"),
        (r"a)", "This is not a valid regular expression: unexpected )"),
    ],
)
def test_patterns_re2_cannot_run_are_refused_with_a_reason(pattern, reason):
    with pytest.raises(PatternError) as caught:
        compile_pattern(pattern)

    assert str(caught.value.message).startswith(reason)
    assert caught.value.detail  # RE2's own words, for the logs
    assert pattern_problem(pattern) == str(caught.value.message)


def test_a_usable_pattern_has_no_problem():
    assert pattern_problem(r"[A-Z]{2}\d{6}") is None


def test_a_validator_of_a_pattern_re2_cannot_run_refuses_every_answer_without_failing(caplog):
    validator = PatternValidator(r"(\w)\1", "Twice the same letter.")

    with pytest.raises(ValidationError) as caught:
        validator("aa")

    assert caught.value.code == "pattern_unsupported"
    assert caught.value.messages == [
        "This answer cannot be checked at the moment, so it cannot be accepted; please contact us."
    ]
    assert "cannot be compiled with RE2" in caplog.text


def test_texts_longer_than_the_limit_are_refused_without_matching():
    validator = PatternValidator(r"a+", max_length=5)

    validator("aaaaa")
    with pytest.raises(ValidationError):
        validator("aaaaaa")


def test_a_lone_surrogate_does_not_match_rather_than_fail():
    assert not compile_pattern(r".+").fullmatch("\ud800")
    with pytest.raises(ValidationError):
        PatternValidator(r".+")("\ud800")


def test_the_validator_deconstructs_for_migrations_and_compares_by_its_arguments():
    validator = PatternValidator(r"\d+", "Digits.", max_length=10)

    path, args, kwargs = validator.deconstruct()

    assert path == "project.core.patterns.PatternValidator"
    assert (args, kwargs) == ((r"\d+", "Digits."), {"max_length": 10})
    assert validator == PatternValidator(r"\d+", "Digits.", max_length=10)
    assert validator != PatternValidator(r"\d+", "Digits.")
