"""Designers' patterns (regular expressions), compiled and matched with RE2 only.

A designer's pattern runs on answers that anyone may post, so it must never take more than a
time proportional to the answer's length. Python's ``re`` (and a browser's engine) backtracks:
``([A-Z0-9]+[ -]?)+`` took 4.9 s on ``"A" * 26 + "!"``, and each character more multiplies that.
RE2 (``google-re2``) runs in time linear in the text (times the size of the pattern, which
``MAX_MEM`` bounds), at the price of the constructs that need backtracking —
backreferences (``\\1``), lookaheads and lookbehinds (``(?=…)``, ``(?<!…)``), atomic groups and
possessive repetitions, conditionals — which it refuses to compile. A pattern RE2 refuses is
refused here with a reason a designer can act on, and nothing ever falls back to ``re``.

What RE2 means differs from ``re`` in a few places designers may notice: ``\\d``, ``\\w``, ``\\s``
and ``\\b`` are ASCII only (``\\pL``, ``\\p{Hangul}``, ``\\pN`` name Unicode classes); ``\\Z`` is
written ``\\z``; ``{,3}`` is text, not a repetition. The syntax is
https://github.com/google/re2/wiki/Syntax.

- ``compile_pattern(text)`` → a ``Pattern`` (``fullmatch``, ``search``) or ``PatternError``;
- ``pattern_problem(text)`` → the translated reason it cannot be used, or None;
- ``PatternValidator`` → the Django validator of an answer against a designer's pattern.

Every place a designer's pattern checks input goes through here: the form builder's fields, the
JSON Schema's ``pattern`` keyword (``forms.jsonschema.validation``), the field checks at save and
publish time (``FormField.get_problems``), and so the loaders and imports that call them.
"""

from __future__ import annotations

import logging

import re2
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Memory RE2 may use for one pattern: its compiled program and the cache of its DFA. It bounds
# the program's size, hence (with the answer's length) the time of a match, and the memory a
# few hundred cached patterns may hold. 2 MiB takes any pattern a form needs (``\pL{1,100}``,
# ``.{0,1000}``); bigger ones are refused as too large, and a length belongs in the length
# settings anyway. RE2's own default is 8 MiB.
MAX_MEM = 2 * 1024 * 1024


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = MAX_MEM
    options.log_errors = False  # refusals are reported to the designer, not to stderr
    options.never_capture = True  # only yes or no is asked: the DFA alone can answer
    return options


_OPTIONS = _options()


class PatternError(ValueError):
    """A designer's pattern RE2 cannot run; ``message`` says why, for the designer."""

    def __init__(self, message, *, detail: str = ""):
        super().__init__(str(message))
        self.message = message
        self.detail = detail


class Pattern:
    """A compiled designer's pattern. Both matches take time linear in the text."""

    __slots__ = ("_regexp", "pattern")

    def __init__(self, pattern: str, regexp):
        self.pattern = pattern
        self._regexp = regexp

    def __repr__(self):
        return f"Pattern({self.pattern!r})"

    def fullmatch(self, text: str) -> bool:
        """Whether the whole of ``text`` matches (how a form field applies the pattern)."""
        return self._match(self._regexp.fullmatch, text)

    def search(self, text: str) -> bool:
        """Whether some part of ``text`` matches (JSON Schema's ``pattern``)."""
        return self._match(self._regexp.search, text)

    @staticmethod
    def _match(method, text: str) -> bool:
        try:
            return method(text) is not None
        except UnicodeEncodeError:
            # A lone surrogate (from a JSON "\ud800") is no text a pattern can match.
            return False


def compile_pattern(pattern: str) -> Pattern:
    """Compile a designer's pattern with RE2, or raise ``PatternError`` saying why not.

    Compiled patterns are kept in RE2's module cache (the last 128), so compiling the same text
    again is a lookup.
    """
    try:
        regexp = re2.compile(pattern, options=_OPTIONS)
    except UnicodeEncodeError as exc:
        raise PatternError(_invalid(str(exc)), detail=str(exc)) from exc
    except re2.error as exc:
        detail = _error_text(exc)
        raise PatternError(_reason(detail), detail=detail) from exc
    return Pattern(pattern, regexp)


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used, translated, or None when it can."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return str(exc.message)
    return None


def _error_text(exc: re2.error) -> str:
    text = exc.args[0] if exc.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text)


# RE2's error texts are "<what>: <the part of the pattern>" (re2.h, RE2::ErrorCode); these
# name the constructs that need backtracking.
_BACKREFERENCE = (
    *(f"invalid escape sequence: \\{digit}" for digit in "123456789"),
    "invalid escape sequence: \\k",  # \k<name>
    "invalid escape sequence: \\g",  # \g<1>
    "invalid perl operator: (?P",  # (?P=name); (?P<name>…) is valid
)
_LOOKAROUND = tuple(f"invalid perl operator: (?{op}" for op in ("=", "!", "<=", "<!"))
_ATOMIC = "invalid perl operator: (?>"
_CONDITIONAL = "invalid perl operator: (?("
_REPETITION = "bad repetition operator: "


def _reason(detail: str):
    """The designer's reason for RE2's refusal ``detail``."""
    if detail.startswith(_BACKREFERENCE):
        return _(
            "Backreferences such as \\1 cannot be used in a pattern: answers are checked in a "
            "time that grows only with their length, which backreferences do not allow."
        )
    if detail.startswith(_LOOKAROUND):
        return _(
            "Lookaheads and lookbehinds such as (?=…), (?!…) or (?<=…) cannot be used in a "
            "pattern: answers are checked in a time that grows only with their length, which "
            "they do not allow."
        )
    if detail.startswith(_ATOMIC) or (detail.startswith(_REPETITION) and detail.endswith("+")):
        return _(
            "Atomic groups and possessive repetitions such as (?>…) or a++ cannot be used in a "
            "pattern; write the group or the repetition without them."
        )
    if detail.startswith(_CONDITIONAL):
        return _("Conditional groups such as (?(1)…|…) cannot be used in a pattern.")
    if detail.startswith("invalid repetition size"):
        return _(
            "A repetition such as {2,5} may count to at most 1000, repetitions inside "
            "repetitions multiplied; set long lengths with the minimum and maximum length."
        )
    if detail.startswith("pattern too large"):
        return _(
            "This pattern is too large to be checked quickly; simplify it, and set lengths with "
            "the minimum and maximum length rather than in the pattern."
        )
    return _invalid(detail)


def _invalid(detail: str):
    return _("This is not a valid regular expression: %s.") % detail


@deconstructible
class PatternValidator:
    """Refuses a text that does not wholly match a designer's pattern, in linear time (RE2).

    A pattern RE2 cannot run (one saved before patterns were checked with RE2) does not break
    the form: the validator is built, logs a warning, and refuses every answer it is given with
    ``unsupported_message``, so nothing unchecked is stored and the page never fails. Texts
    longer than ``max_length`` are refused without being matched: the field's length check
    refuses them too, and the time of a match stays bounded.
    """

    message = _("Enter a value in the expected format.")
    code = "invalid"
    unsupported_message = _(
        "This answer cannot be checked at the moment, so it cannot be accepted; please contact us."
    )
    unsupported_code = "pattern_unsupported"

    def __init__(self, pattern: str, message=None, code=None, *, max_length: int | None = None):
        self.pattern = pattern
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        self.max_length = max_length
        try:
            self.compiled: Pattern | None = compile_pattern(pattern)
        except PatternError as exc:
            self.compiled = None
            logger.warning(
                "Pattern %r cannot be compiled with RE2 (%s); answers to it are refused.",
                pattern,
                exc.detail,
            )

    def __call__(self, value):
        text = str(value)
        if self.compiled is None:
            raise ValidationError(
                self.unsupported_message, code=self.unsupported_code, params={"value": value}
            )
        too_long = self.max_length is not None and len(text) > self.max_length
        if too_long or not self.compiled.fullmatch(text):
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other):
        return isinstance(other, PatternValidator) and (
            other.pattern,
            other.message,
            other.code,
            other.max_length,
        ) == (self.pattern, self.message, self.code, self.max_length)
