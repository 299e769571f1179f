"""Every transition of every shipped process (fixtures/processes/*.toml), checked three ways
through the services, as the quality bar asks ("an allowed, a refused and a permission test"):

- refused: from a state that is not among its sources, ``case_transition`` says so, records no
  event and leaves the state as it was;
- permission: a member of the case's store outside the transition's allowed groups is refused,
  told which groups it is reserved for (a transition open to anyone who works on the case is
  checked instead against an inactive user and another store's staff);
- allowed: from each of its sources, a member of an allowed group fires it (an automatic one is
  fired by the periodic task, as the scheduler) and the case lands in the target with one event.

The cases are listed from the TOML files when the tests are collected, so a transition added to
a fixture is covered without editing this file; a test checks that list against the published
versions' definitions, and every test reads the transition (sources, groups, step form, comment)
from the published definition. Cases are walked to the state a test needs with the
services; step forms are filled generically from their published schema (``answers``); the
conditions the generic answers do not satisfy are made true by the explicit ``SETUPS`` table.
"""

from __future__ import annotations

import dataclasses
import datetime
import tomllib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from aftersales.models import Quotation, QuotationStatus
from aftersales.services import quotation_create, quotation_decide, quotation_send
from forms.builder import checklist_slots
from forms.choices import LAYOUT_TYPES, FieldType
from forms.models import FormVersion
from project.accounts.roles import Role
from tests.factories import StoreFactory, UserFactory
from tests.forms.samples import JPEG, PDF, PNG, data_url, drawing
from workflows.definition import TransitionDef
from workflows.errors import TransitionRefused
from workflows.models import Case, Process
from workflows.services import (
    SCHEDULER_USERNAME,
    case_open,
    case_transition,
    may_act_on,
    scheduler_user,
    transition_refusal,
)
from workflows.shipped import SHIPPED_DIR, load_process_file, load_shipped_processes
from workflows.tasks import fire_automatic_transitions

pytestmark = pytest.mark.django_db


# --- The cases, listed from the shipped files -----------------------------------------------------


@dataclass(frozen=True)
class Shipped:
    """One transition of a shipped file, as listed at collection time (``key``: file:code)."""

    file: str
    process_code: str
    code: str
    sources: tuple[str, ...]
    has_groups: bool

    @property
    def key(self) -> str:
        return f"{self.file}:{self.code}"


def shipped_transitions() -> list[Shipped]:
    found = []
    for path in sorted(SHIPPED_DIR.glob("*.toml")):
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        for row in spec.get("transitions", []):
            sources = row["from"] if isinstance(row["from"], list) else row["from"].split(",")
            found.append(
                Shipped(
                    file=path.stem,
                    process_code=spec["process"]["code"],
                    code=row["code"],
                    sources=tuple(source.strip() for source in sources),
                    has_groups=bool(row.get("groups")),
                )
            )
    return found


TRANSITIONS = shipped_transitions()
PAIRS = [(shipped, source) for shipped in TRANSITIONS for source in shipped.sources]

# A transition that cannot be made to fire because of a real bug in a fixture or the engine is
# marked here, one case at a time ("file:code" or "file:code@source"), with the reason.
XFAILS: dict[str, str] = {}


def params(items, key: Callable[[Any], str]):
    return [
        pytest.param(
            item,
            id=key(item),
            marks=[pytest.mark.xfail(strict=True, reason=XFAILS[key(item)])]
            if key(item) in XFAILS
            else [],
        )
        for item in items
    ]


# --- Set-ups that make a condition true -----------------------------------------------------------


def days_from_today(days: int) -> Callable[[Any], str]:
    """An intake answer read when the case is opened: the store's today plus ``days``."""
    return lambda store: (store_today(store) + datetime.timedelta(days=days)).isoformat()


def sent_quotation(case: Case, actor) -> Quotation:
    """The case's quotation sent to the customer: the one already sent (when the case was walked
    through sending one), else one created and sent now."""
    already = case.quotations.filter(status=QuotationStatus.SENT).order_by("-number").first()
    return already or quotation_send(
        quotation=quotation_create(
            case=case, actor=actor, lines=[{"description": "Complete service", "unit_price": "450"}]
        ),
        actor=actor,
    )


def send_a_quotation(case: Case, actor):
    """Fire the process's send transition the way the Quotations panel does: a quotation
    created and sent with ``quotation_send``, which fires it as the sender."""
    quotation_send(
        quotation=quotation_create(
            case=case, actor=actor, lines=[{"description": "Complete service", "unit_price": "450"}]
        ),
        actor=actor,
    )
    return case.events.latest("created_at", "pk")


def counter_decision(*, accept: bool) -> Callable:
    """Fire a customer-decision transition the way the counter does: a quotation created and
    sent, then the customer's decision recorded with ``quotation_decide``, which fires the
    transition the process names for it (its condition reads the recorded decision)."""

    def fire(case: Case, actor):
        quotation_decide(
            quotation=sent_quotation(case, actor),
            accept=accept,
            actor=actor,
            name="Grace Hopper",
            reason="Too expensive.",
            channel="counter",
        )
        return case.events.latest("created_at", "pk")

    return fire


def expired_sent_quotation(case: Case, actor) -> None:
    """The quotation sent through the quotation services, whose validity then ended yesterday.
    The services refuse a validity in the past, so the date is moved back with a queryset
    update: set-up only, as test_care_file's no-answer test does."""
    quotation = sent_quotation(case, actor)
    yesterday = store_today(case.store) - datetime.timedelta(days=1)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=yesterday)


@dataclass(frozen=True)
class Setup:
    """What a transition needs beyond the generic answers. ``intake``: posted intake answers
    replacing the generic ones (a callable gets the store); ``steps``: posted step-form answers by
    transition code, used when walking the case and when firing; ``actor``: "opener" when only
    the person who opened the case may fire it; ``prepare``: run once the case is in the source
    state, with the set-up user; ``fire``: how it is fired, when another service fires it
    (``fire(case, actor)`` returns the event), both when walking a case and when testing it."""

    why: str
    intake: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, dict] = field(default_factory=dict)
    actor: str = "member"
    prepare: Callable[[Case, Any], None] | None = None
    fire: Callable[[Case, Any], Any] | None = None


NO_SETUP = Setup(why="The generic answers do.")

OUT_OF_WARRANTY = {"warranty_status": "Out of warranty"}
SMALL_AMOUNT = {"amount_amount": "300", "amount_currency": "USD"}
LARGE_AMOUNT = {"amount_amount": "2500", "amount_currency": "USD"}
RESERVATION = {"request_type": "Reservation"}
DEADLINE_AHEAD = {"response_deadline": days_from_today(5)}

# "file:transition" -> what makes its condition (or the way to its source state) hold. The
# generic answers pick the first choice of each choice field, 1 in the store's currency (USD) for
# amounts and the store's today for dates; an entry is needed wherever that is not enough.
SETUPS: dict[str, Setup] = {
    "care_file:record_diagnosis": Setup(
        why="Its condition: a quotation is prepared only for a piece out of warranty.",
        intake=OUT_OF_WARRANTY,
    ),
    "care_file:send_quotation": Setup(
        why="Its source, quoting, is reached only by record_diagnosis: out of warranty. Its "
        "condition needs a sent quotation: sending one (quotation_send) fires it, as the process's "
        "trigger for quotation.sent.",
        intake=OUT_OF_WARRANTY,
        fire=send_a_quotation,
    ),
    "care_file:cannot_repair": Setup(
        why="One source, quoting, is reached only by record_diagnosis: out of warranty (the "
        "other sources are reached out of warranty too).",
        intake=OUT_OF_WARRANTY,
    ),
    "care_file:repair_under_warranty": Setup(
        why="Its condition: only a piece under warranty skips the quotation.",
        intake={"warranty_status": "Under warranty"},
    ),
    "care_file:customer_accepts": Setup(
        why="Its source, the quotation state, is reached only by sending a quotation: out of "
        "warranty. Its condition needs the customer's acceptance recorded on the quotation, "
        "which fires it.",
        intake=OUT_OF_WARRANTY,
        fire=counter_decision(accept=True),
    ),
    "care_file:customer_refuses": Setup(
        why="Its source, the quotation state, is reached only by sending a quotation: out of "
        "warranty. Its condition needs the customer's refusal recorded on the quotation, which "
        "fires it (also when a case is walked to unrepaired).",
        intake=OUT_OF_WARRANTY,
        fire=counter_decision(accept=False),
    ),
    "care_file:no_answer": Setup(
        why="Its source is reached only out of warranty, and its condition needs a sent "
        "quotation whose validity has ended (the task then marks it expired).",
        intake=OUT_OF_WARRANTY,
        prepare=expired_sent_quotation,
    ),
    "care_file:hand_back_unrepaired": Setup(
        why="Its source, unrepaired, is reached only from the quotation state: out of warranty.",
        intake=OUT_OF_WARRANTY,
    ),
    "price_exception:approve": Setup(
        why="Its condition: an amount at or below the threshold (300 <= 1000 USD), approved by "
        "someone other than the requester (the opener is always a separate user here).",
        intake=SMALL_AMOUNT,
    ),
    "price_exception:escalate": Setup(
        why="Its condition: an amount above the threshold (2500 > 1000 USD).",
        intake=LARGE_AMOUNT,
    ),
    "price_exception:confirm": Setup(
        why="Its source, area_review, is reached only by escalate: an amount above the threshold.",
        intake=LARGE_AMOUNT,
    ),
    "price_exception:refuse": Setup(
        why="One source, area_review, is reached only by escalate: an amount above the threshold.",
        intake=LARGE_AMOUNT,
    ),
    "price_exception:withdraw": Setup(
        why="Its condition: only the requester withdraws; one source, area_review, needs an "
        "amount above the threshold.",
        intake=LARGE_AMOUNT,
        actor="opener",
    ),
    "return_exchange:refund": Setup(
        why="Its condition: the customer asked for a return.", intake={"request": "Return"}
    ),
    "return_exchange:issue_refund": Setup(
        why="Its source, refund, is reached only by the refund transition: a return.",
        intake={"request": "Return"},
    ),
    "return_exchange:exchange": Setup(
        why="Its condition: the customer asked for an exchange.", intake={"request": "Exchange"}
    ),
    "return_exchange:hand_over_exchange": Setup(
        why="Its source, exchange, is reached after the inspection only for an exchange.",
        intake={"request": "Exchange"},
    ),
    "return_exchange:partial_exchange": Setup(
        why="Its condition: a partial exchange was among the alternatives offered.",
        steps={"not_eligible": {"alternatives_offered": ["Partial exchange"]}},
    ),
    "return_exchange:choose_repair": Setup(
        why="Its condition: a repair was among the alternatives offered.",
        steps={"not_eligible": {"alternatives_offered": ["Repair"]}},
    ),
    "chargeback:submit_response": Setup(
        why="Its condition: the bank's response deadline has not passed.", intake=DEADLINE_AHEAD
    ),
    "chargeback:won": Setup(
        why="Its source, submitted, is reached only by submit_response: a deadline ahead.",
        intake=DEADLINE_AHEAD,
    ),
    "chargeback:lost": Setup(
        why="Its source, submitted, is reached only by submit_response: a deadline ahead.",
        intake=DEADLINE_AHEAD,
    ),
    "reservation:reserve": Setup(
        why="Its condition: only a reservation is put aside.", intake=RESERVATION
    ),
    "reservation:sell": Setup(
        why="One source, reserved, is reached only by reserve: a reservation.",
        intake=RESERVATION,
    ),
    "reservation:cancel": Setup(
        why="One source, reserved, is reached only by reserve: a reservation.",
        intake=RESERVATION,
    ),
    "reservation:expire": Setup(
        why="Its source is reached only for a reservation, and its condition needs the "
        "reservation's date to have passed.",
        intake={**RESERVATION, "reserved_until": days_from_today(-1)},
    ),
}


# --- Generic answers of a published form ----------------------------------------------------------

SIGNATURE = data_url(drawing())
SAMPLE_FILES = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG}


def store_today(store) -> datetime.date:
    return timezone.now().astimezone(store.zoneinfo).date()


def text_answer(spec) -> str:
    text = f"Test {spec['label']}"
    if spec.get("min_length"):
        text = text.ljust(spec["min_length"], "x")
    return text[: spec["max_length"]] if spec.get("max_length") else text


def number_answer(spec) -> str:
    """1, or the least value allowed when that is more (as a string, as a browser posts it)."""
    value = Decimal(1)
    if spec.get("min_value") not in (None, ""):
        value = max(value, Decimal(spec["min_value"]))
    if spec.get("max_value") not in (None, ""):
        value = min(value, Decimal(spec["max_value"]))
    return format(value, "f")


def upload(name: str, extensions) -> SimpleUploadedFile:
    extension = next(ext for ext in extensions if ext in SAMPLE_FILES)
    return SimpleUploadedFile(f"{name}.{extension}", SAMPLE_FILES[extension])


def answers(version_id: int | None, *, store, overrides: dict | None = None):
    """``(data, files)`` posting a valid answer to every required field of the form version
    (and to the optional ones named in ``overrides``, whose posted values replace the generic
    ones; a callable value gets the store). ``(None, None)`` when there is no form."""
    if version_id is None:
        return None, None
    overrides = {
        key: value(store) if callable(value) else value for key, value in (overrides or {}).items()
    }
    data, files = {}, MultiValueDict()
    for spec in FormVersion.objects.get(pk=version_id).schema:
        name, kind = spec["clean_name"], spec["field_type"]
        if kind in LAYOUT_TYPES or not spec["required"]:
            continue
        if kind in (FieldType.SINGLE_LINE, FieldType.MULTI_LINE):
            assert not spec.get("regex"), f"{name}: a pattern needs an answer in SETUPS"
            data[name] = text_answer(spec)
        elif kind == FieldType.EMAIL:
            data[name] = "customer@example.com"
        elif kind == FieldType.PHONE:
            data[name] = "+1 212 555 0100"
        elif kind == FieldType.NUMBER:
            data[name] = number_answer(spec)
        elif kind == FieldType.MONEY:
            currencies = spec["choices"] or [store.currency]
            data[f"{name}_currency"] = (
                store.currency if store.currency in currencies else currencies[0]
            )
            data[f"{name}_amount"] = number_answer(spec)
        elif kind == FieldType.DATE:
            data[name] = store_today(store).isoformat()
        elif kind == FieldType.DATETIME:
            data[name] = timezone.now().astimezone(store.zoneinfo).strftime("%Y-%m-%dT%H:%M")
        elif kind == FieldType.CHECKBOX:
            data[name] = "on"
        elif kind in (FieldType.DROPDOWN, FieldType.RADIO):
            data[name] = spec["choices"][0]
        elif kind == FieldType.MULTI_SELECT:
            data[name] = [spec["choices"][0]]
        elif kind == FieldType.FILE:
            extensions = spec["allowed_extensions"] or list(SAMPLE_FILES)
            files.setlist(
                name, [upload(f"{name}-{n}", extensions) for n in range(spec["min_length"] or 1)]
            )
        elif kind == FieldType.IMAGE and spec["choices"]:
            for key, _label in checklist_slots(spec["choices"]):
                files.setlist(f"{name}_{key}", [upload(key, ["png"])])
        elif kind == FieldType.IMAGE:
            files.setlist(
                name, [upload(f"{name}-{n}", ["png"]) for n in range(spec["min_length"] or 1)]
            )
        elif kind == FieldType.SIGNATURE:
            data[name] = SIGNATURE
        elif kind == FieldType.LINE_ITEMS:
            for index in range(spec["min_length"] or 1):
                data[f"{name}-{index}-code"] = f"SRV-{index}"
                data[f"{name}-{index}-description"] = "Complete service"
                data[f"{name}-{index}-quantity"] = "1"
                data[f"{name}-{index}-unit_price"] = "100"
        else:
            pytest.fail(f"No generic answer for a {kind} field ({name}): teach answers() one.")
    data.update(overrides)
    return data, files


# --- The world a test runs in ---------------------------------------------------------------------


class CannotWalk(AssertionError):
    """No transition that may fire now leads a case on towards the state a test needs."""


@dataclass
class World:
    """A loaded shipped process, its store, the store member who opens cases, and the user who
    walks cases to the state a test needs (a superuser: set-up, not what is tested)."""

    file: str
    process: Process
    store: Any
    opener: Any
    walker: Any
    setup: Setup
    key: str

    def open(self) -> Case:
        intake = self.process.live_version.definition.intake_form_version_id
        data, files = answers(intake, store=self.store, overrides=self.setup.intake)
        return case_open(
            process=self.process,
            store=self.store,
            actor=self.opener,
            customer={"name": "Grace Hopper"},
            data=data,
            files=files,
        )

    def fire(self, case: Case, definition: TransitionDef, actor, **kwargs):
        data, files = answers(
            definition.step_form_version_id,
            store=self.store,
            overrides=self.setup.steps.get(definition.code),
        )
        comment = f"Test: {definition.label}." if definition.comment_required else ""
        return case_transition(
            case=case,
            transition=definition.code,
            actor=actor,
            data=data,
            files=files,
            comment=comment,
            **kwargs,
        )

    def place(self, goal: str) -> Case:
        """A new case walked from the initial state to ``goal`` with the services, as the
        walker, taking at each step a transition that may fire now and gets closer to the goal
        (automatic transitions are left to the scheduler and never taken)."""
        case = self.open()
        definition = case.definition
        distance = {goal: 0}
        queue = deque([goal])
        while queue:
            state = queue.popleft()
            for t in definition.transitions:
                for source in t.sources:
                    if t.target == state and not t.automatic and source not in distance:
                        distance[source] = distance[state] + 1
                        queue.append(source)
        visited = {case.state}
        while case.state != goal:
            candidates = sorted(
                (
                    t
                    for t in definition.transitions_from(case.state)
                    if not t.automatic and t.target in distance and t.target not in visited
                ),
                key=lambda t: distance[t.target],
            )
            through = {t.code: self.setup_of(t).fire for t in candidates}
            reasons = {
                t.code: None if through[t.code] else transition_refusal(case, t, self.walker)
                for t in candidates
            }
            step = next((t for t in candidates if reasons[t.code] is None), None)
            if step is None:
                raise CannotWalk(
                    f"Set-up cannot walk {case.reference} from “{case.state}” to “{goal}”: "
                    + "; ".join(f"{code}: {refusal.message}" for code, refusal in reasons.items())
                    + f" (set-up: {self.setup.why} An entry in SETUPS may be missing.)"
                )
            if through[step.code]:
                through[step.code](case, self.walker)
                case = Case.objects.get(pk=case.pk)  # moved by another service
            else:
                self.fire(case, step, self.walker)
            visited.add(case.state)
        return case

    def setup_of(self, definition: TransitionDef) -> Setup:
        return SETUPS.get(f"{self.file}:{definition.code}", NO_SETUP)

    def allowed_actor(self, case: Case, definition: TransitionDef):
        """Who may fire ``definition``: the scheduler for an automatic one, the opener when the
        set-up says so, else a store member of its first allowed group (store staff when any
        member may)."""
        if definition.automatic:
            return scheduler_user()
        if self.setup.actor == "opener":
            return self.opener
        group = (definition.allowed_group_names or (Role.STORE_STAFF,))[0]
        return UserFactory(role=group, stores=[self.store])


def make_world(shipped: Shipped) -> World:
    """Load only ``shipped``'s file (its forms and process, published) and make its world."""
    admin = UserFactory(is_superuser=True)
    load_process_file(SHIPPED_DIR / f"{shipped.file}.toml", actor=admin)
    store = StoreFactory(code="NYC-01", currency="USD", time_zone="America/New_York")
    return World(
        file=shipped.file,
        process=Process.objects.get(code=shipped.process_code),
        store=store,
        opener=UserFactory(role=Role.STORE_STAFF, stores=[store]),
        walker=admin,
        setup=SETUPS.get(shipped.key, NO_SETUP),
        key=shipped.key,
    )


def refusal(world: World, case: Case, definition: TransitionDef, actor) -> TransitionRefused:
    """The refusal of ``definition`` to ``actor``, after checking it changed nothing."""
    events, state = case.events.count(), case.state
    with pytest.raises(TransitionRefused) as refused:
        world.fire(case, definition, actor)
    case.refresh_from_db()
    assert (case.state, case.events.count()) == (state, events)
    return refused.value


# --- The list of cases is the published definitions' ----------------------------------------------


def test_the_cases_are_every_transition_of_every_published_version():
    report = load_shipped_processes(actor=UserFactory(is_superuser=True))
    files = {shipped.process_code: shipped.file for shipped in TRANSITIONS}

    published = set()
    unrestricted = set()
    for process in Process.objects.filter(code__in=files):
        for t in process.live_version.definition.transitions:
            published |= {(files[process.code], t.code, source) for source in t.sources}
            if not t.allowed_group_names:
                unrestricted.add(f"{files[process.code]}:{t.code}")

    assert {f"process {code}" for code in files} <= set(report.created)
    assert published == {(s.file, s.code, source) for s, source in PAIRS}
    assert unrestricted == {s.key for s in TRANSITIONS if not s.has_groups}
    assert set(SETUPS) <= {s.key for s in TRANSITIONS}, "a set-up names no shipped transition"
    assert set(XFAILS) <= {s.key for s in TRANSITIONS} | {f"{s.key}@{x}" for s, x in PAIRS}


# --- Refused from a state that is not a source ----------------------------------------------------


def states_outside(world: World, definition: TransitionDef) -> list[str]:
    """The states to try ``definition`` from, best first: open states that are not among its
    sources, nearest the initial state first (at equal distance, not its own target); when every
    open state is a source, the closed ones (its own target last)."""
    process_definition = world.process.live_version.definition
    initial = process_definition.initial_state.code
    order = {initial: 0}
    queue = deque([initial])
    while queue:
        state = queue.popleft()
        for t in process_definition.transitions_from(state):
            if not t.automatic and t.target not in order:
                order[t.target] = order[state] + 1
                queue.append(t.target)
    candidates = [
        state
        for state in process_definition.states
        if state.code in order and state.code not in definition.sources
    ]
    candidates.sort(
        key=lambda state: (
            state.is_terminal,
            state.is_terminal and state.code == definition.target,
            order[state.code],
            state.code == definition.target,
        )
    )
    assert candidates, f"{world.key}: every state reachable by hand is one of its sources"
    return [state.code for state in candidates]


def place_outside(world: World, definition: TransitionDef) -> Case:
    """A case in the first of ``states_outside`` it can be walked to, with the transition's own
    set-up or else another set-up of the same file (approve's small amount never reaches
    area_review; escalate's large one does)."""
    setups = [world.setup]
    for setup in [NO_SETUP, *(v for k, v in SETUPS.items() if k.startswith(f"{world.file}:"))]:
        if setup not in setups:
            setups.append(setup)
    problems = []
    for state in states_outside(world, definition):
        for setup in setups:
            try:
                return dataclasses.replace(world, setup=setup).place(state)
            except CannotWalk as exc:
                problems.append(str(exc))
    pytest.fail(" ".join(problems))


@pytest.mark.parametrize("shipped", params(TRANSITIONS, lambda s: s.key))
def test_refused_from_a_state_that_is_not_among_its_sources(shipped):
    world = make_world(shipped)
    definition = world.process.live_version.definition.transition(shipped.code)
    case = place_outside(world, definition)
    actor = world.allowed_actor(case, definition)

    refused = refusal(world, case, definition, actor)

    if case.current_state.is_terminal:
        # Every open state is a source: from a closed case, the refusal says it is closed.
        assert refused.reason == "closed"
        assert refused.message == f"{case.reference} is closed."
    else:
        assert refused.reason == "wrong_state"
        assert refused.message == (
            f"“{definition.label}” cannot be used while the case is “{case.current_state.label}”."
        )


# --- Refused to someone outside its groups --------------------------------------------------------


def outside_groups_user(world: World, definition: TransitionDef):
    """A member of the store who works on cases (``change_case``) in a shipped role that is not
    one of the allowed groups; with no such role, a member with the permission given directly."""
    role = (
        Group.objects.filter(
            permissions__content_type__app_label="workflows", permissions__codename="change_case"
        )
        .exclude(name__in=definition.allowed_group_names)
        .order_by("name")
        .first()
    )
    if role is not None:
        return UserFactory(role=role.name, stores=[world.store])
    user = UserFactory(stores=[world.store])
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="workflows", codename="change_case")
    )
    return user


# Transitions without a group restriction may be fired by anyone who works on the case's store:
# test_an_unrestricted_transition_is_refused_to_outsiders is their permission test.
@pytest.mark.parametrize(
    "shipped", params([s for s in TRANSITIONS if s.has_groups], lambda s: s.key)
)
def test_refused_to_a_store_member_outside_its_allowed_groups(shipped):
    world = make_world(shipped)
    definition = world.process.live_version.definition.transition(shipped.code)
    assert definition.allowed_group_names, "the fixture and the published version disagree"
    case = world.place(definition.sources[0])
    if world.setup.prepare:
        world.setup.prepare(case, world.walker)
    user = outside_groups_user(world, definition)
    assert may_act_on(case, user)  # only the group is missing

    refused = refusal(world, case, definition, user)

    assert refused.reason == "permission"
    assert f"“{definition.label}” is reserved for:" in refused.message
    for name in definition.allowed_group_names:
        assert name in refused.message


@pytest.mark.parametrize(
    "shipped", params([s for s in TRANSITIONS if not s.has_groups], lambda s: s.key)
)
def test_an_unrestricted_transition_is_refused_to_outsiders(shipped):
    world = make_world(shipped)
    definition = world.process.live_version.definition.transition(shipped.code)
    assert definition.allowed_group_names == ()
    case = world.place(definition.sources[0])
    if world.setup.prepare:
        world.setup.prepare(case, world.walker)
    elsewhere = UserFactory(role=Role.STORE_STAFF, stores=[StoreFactory(code="KBP-01")])
    inactive = world.allowed_actor(case, definition)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    for outsider in (elsewhere, inactive):
        refused = refusal(world, case, definition, outsider)
        assert refused.reason == "permission"
        assert f"membership of {world.store.name}" in refused.message

    if definition.automatic:  # nobody fires it by hand, even a member of the store
        member = UserFactory(role=Role.APPROVER, stores=[world.store])
        assert refusal(world, case, definition, member).reason == "automatic"


# --- Allowed from each source ---------------------------------------------------------------------


@pytest.mark.parametrize("pair", params(PAIRS, lambda pair: f"{pair[0].key}@{pair[1]}"))
def test_allowed_from_each_source_for_an_allowed_actor(pair):
    shipped, source = pair
    world = make_world(shipped)
    definition = world.process.live_version.definition.transition(shipped.code)
    case = world.place(source)
    if world.setup.prepare:
        world.setup.prepare(case, world.walker)
    actor = world.allowed_actor(case, definition)
    events = case.events.count()

    if definition.automatic:
        run = fire_automatic_transitions.call_local()
        assert (run["fired"], run["failed"]) == ([case.reference], [])
        event = case.events.latest("created_at", "pk")
        assert event.actor.username == SCHEDULER_USERNAME
    else:
        if world.setup.fire:
            event = world.setup.fire(case, actor)
        else:
            event = world.fire(case, definition, actor)
        assert event.actor == actor

    case.refresh_from_db()
    assert case.state == definition.target
    assert case.events.count() == events + 1
    assert (event.transition, event.from_state, event.to_state) == (
        definition.code,
        source,
        definition.target,
    )
    assert (case.closed_at is not None) == case.current_state.is_terminal
