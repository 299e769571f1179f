"""The SVG diagram of a process: well-formed, complete, escaped and stable."""

import re
from decimal import Decimal

import defusedxml.ElementTree as ET
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.choices import StateKind
from workflows.definition import ProcessDefinition, StateDef, TransitionDef
from workflows.diagram import render_process_svg

SVG = "{http://www.w3.org/2000/svg}"


def repair_process(**overrides) -> ProcessDefinition:
    states = (
        StateDef("received", "Received", StateKind.INITIAL),
        StateDef("diagnosing", "Diagnosing", sla_hours=Decimal("24")),
        StateDef("awaiting_customer", "Awaiting customer", StateKind.WAITING, colour="#1f6feb"),
        StateDef("repairing", "Repairing"),
        StateDef("returned", "Returned", StateKind.TERMINAL),
        StateDef("cancelled", "Cancelled", StateKind.TERMINAL),
    )
    transitions = (
        TransitionDef("diagnose", "Diagnose", ("received",), "diagnosing"),
        TransitionDef("send_quote", "Send quote", ("diagnosing",), "awaiting_customer"),
        TransitionDef("approve", "Approve", ("awaiting_customer",), "repairing"),
        TransitionDef("rediagnose", "Diagnose again", ("repairing",), "diagnosing"),
        TransitionDef("return", "Return", ("repairing",), "returned"),
        TransitionDef(
            "cancel", "Cancel", ("received", "diagnosing", "awaiting_customer"), "cancelled"
        ),
    )
    return ProcessDefinition(
        **{"states": states, "transitions": transitions} | overrides  # type: ignore[arg-type]
    )


def parse(svg: str):
    return ET.fromstring(svg)


def by_attribute(root, attribute: str) -> dict[str, object]:
    return {el.get(attribute): el for el in root.iter() if el.get(attribute) is not None}


def test_diagram_is_one_self_contained_svg_naming_the_process():
    svg = render_process_svg(repair_process(), title="Phone repair")
    root = parse(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox")
    assert root.get("width") == "100%"
    assert root.get("role") == "img"
    assert "Phone repair" in root.get("aria-label")
    assert "Phone repair" in root.find(f"{SVG}title").text
    lowered = svg.lower()
    for forbidden in ("<script", "href", "<image", "<foreignobject", "<style", "@import", " on"):
        assert forbidden not in lowered


def test_every_state_and_transition_is_drawn_and_findable():
    definition = repair_process()
    root = parse(render_process_svg(definition))

    states = by_attribute(root, "data-state")
    transitions = by_attribute(root, "data-transition")
    assert list(states) == [state.code for state in definition.states]
    assert list(transitions) == [t.code for t in definition.transitions]
    cancel_paths = transitions["cancel"].findall(f"{SVG}path")
    assert [path.get("data-source") for path in cancel_paths] == list(
        definition.transition("cancel").sources
    )
    edges = [path for path in root.iter(f"{SVG}path") if path.get("data-source")]
    assert len(edges) == 8
    assert all(path.get("marker-end") for path in edges)


def test_current_state_is_marked_and_only_it():
    root = parse(render_process_svg(repair_process(), current_state="awaiting_customer"))

    current = [el for el in root.iter() if el.get("aria-current") is not None]
    assert [el.get("data-state") for el in current] == ["awaiting_customer"]
    assert current[0].get("aria-current") == "step"
    marked = [el.get("data-state") for el in root.iter() if "is-current" in el.get("class", "")]
    assert marked == ["awaiting_customer"]
    assert "Awaiting customer" in root.find(f"{SVG}desc").text


def test_no_state_is_marked_without_a_current_state_or_with_an_unknown_one():
    for current_state in (None, "nowhere"):
        svg = render_process_svg(repair_process(), current_state=current_state)
        assert "aria-current" not in svg
        assert "is-current" not in svg


def test_designer_typed_labels_and_codes_come_out_as_text():
    attack = '<script>alert("x")</script>'
    definition = ProcessDefinition(
        states=(
            StateDef('a"><script>', attack, StateKind.INITIAL, colour='red" onload="alert(1)'),
            StateDef("b' onclick='x", "Tom & Jerry's <b>", StateKind.TERMINAL),
        ),
        transitions=(TransitionDef("<go>", attack, ('a"><script>',), "b' onclick='x"),),
    )
    svg = render_process_svg(definition, current_state='a"><script>', title="<img src=x>")
    root = parse(svg)

    assert "<script" not in svg
    assert "<img" not in svg
    assert not any(name.startswith("on") for el in root.iter() for name in el.attrib)
    assert set(by_attribute(root, "data-state")) == {'a"><script>', "b' onclick='x"}
    assert set(by_attribute(root, "data-transition")) == {"<go>"}
    texts = [el.text for el in root.iter(f"{SVG}text")]
    assert attack in texts
    assert "Tom & Jerry's <b>" in texts
    assert "<img src=x>" in root.get("aria-label")
    # An invalid colour falls back to the neutral fill instead of reaching an attribute.
    assert "onload" not in svg


def test_state_colour_is_used_with_readable_text():
    root = parse(render_process_svg(repair_process()))
    group = by_attribute(root, "data-state")["awaiting_customer"]

    assert group.find(f"{SVG}rect").get("fill") == "#1f6feb"
    assert {text.get("fill") for text in group.iter(f"{SVG}text")} == {"#ffffff"}


def test_terminal_states_have_a_double_border():
    states = by_attribute(parse(render_process_svg(repair_process())), "data-state")

    assert len(states["returned"].findall(f"{SVG}rect")) == 2
    assert len(states["repairing"].findall(f"{SVG}rect")) == 1


def test_long_labels_are_shortened_with_the_full_text_in_a_tooltip():
    label = "Waiting for the spare part from the manufacturer in Shenzhen"
    definition = ProcessDefinition(
        states=(
            StateDef("start", "Start", StateKind.INITIAL),
            StateDef("waiting_part", label, StateKind.WAITING),
        ),
        transitions=(TransitionDef("order", label, ("start",), "waiting_part"),),
    )
    root = parse(render_process_svg(definition))

    for group in (*by_attribute(root, "data-state").values(), root.find(".//*[@data-transition]")):
        for text in group.iter(f"{SVG}text"):
            assert len(text.text) <= 28
    state = by_attribute(root, "data-state")["waiting_part"]
    assert state.find(f"{SVG}text").text.endswith("…")
    assert label in state.find(f"{SVG}title").text


def test_unreachable_states_are_still_drawn_in_a_last_row():
    definition = repair_process(
        states=(*repair_process().states, StateDef("orphan", "Orphan")),
    )
    states = by_attribute(parse(render_process_svg(definition)), "data-state")

    def top(code: str) -> float:
        return float(states[code].find(f"{SVG}rect").get("y"))

    assert "orphan" in states
    assert top("orphan") > max(top(code) for code in states if code != "orphan")
    assert top("received") < top("diagnosing") < top("awaiting_customer") < top("repairing")


def test_self_loops_and_back_edges_render():
    definition = repair_process(
        transitions=(
            *repair_process().transitions,
            TransitionDef("add_note", "Add a note", ("repairing",), "repairing"),
            TransitionDef("add_photo", "Add a photo", ("repairing",), "repairing"),
            TransitionDef("restart", "Start over", ("awaiting_customer",), "received"),
            TransitionDef("swap", "Swap", ("returned",), "cancelled"),
            TransitionDef("swap_back", "Swap back", ("cancelled",), "returned"),
        ),
    )
    root = parse(render_process_svg(definition, current_state="repairing"))
    transitions = by_attribute(root, "data-transition")

    def path(code: str) -> str:
        return transitions[code].find(f"{SVG}path").get("d")

    # Forward paths are one (at most gently bowed) curve; the others go round or loop.
    assert re.fullmatch(r"M\S+ Q\S+ \S+", path("swap_back"))  # cancelled is in an earlier row
    for code in ("add_note", "add_photo", "restart", "rediagnose", "swap"):
        assert re.search(r"[CL]", path(code)), code
    assert path("swap") != path("swap_back")
    assert path("add_note") != path("add_photo")
    assert transitions["add_note"].find(f"{SVG}path").get("class") == "from-current"


def test_parallel_transitions_do_not_share_a_path():
    definition = repair_process(
        transitions=(
            *repair_process().transitions,
            TransitionDef("fast_track", "Fast track", ("received",), "diagnosing"),
        ),
    )
    transitions = by_attribute(parse(render_process_svg(definition)), "data-transition")

    paths = {transitions[code].find(f"{SVG}path").get("d") for code in ("diagnose", "fast_track")}
    assert len(paths) == 2


def test_output_is_deterministic():
    first = render_process_svg(repair_process(), current_state="diagnosing", title="Repair")
    second = render_process_svg(repair_process(), current_state="diagnosing", title="Repair")

    assert first == second


def test_degenerate_definitions_still_render():
    no_initial = ProcessDefinition(
        states=(StateDef("a", "A"), StateDef("b", "B")),
        transitions=(TransitionDef("ghost", "Ghost", ("a", "missing"), "elsewhere"),),
    )
    empty = ProcessDefinition(states=(), transitions=())

    assert set(by_attribute(parse(render_process_svg(no_initial)), "data-state")) == {"a", "b"}
    assert parse(render_process_svg(empty)).tag == f"{SVG}svg"


# Anything a designer could type, including markup and whitespace XML attributes would fold.
typed = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
    | st.sampled_from("\t\n\r<>&\"'"),
    max_size=40,
)


@st.composite
def small_processes(draw) -> ProcessDefinition:
    codes = draw(st.lists(typed.filter(str.strip), min_size=2, max_size=12, unique=True))
    kinds = st.sampled_from(list(StateKind))
    states = tuple(
        StateDef(code, draw(typed), StateKind.INITIAL if i == 0 else draw(kinds))
        for i, code in enumerate(codes)
    )
    edges = draw(
        st.lists(
            st.tuples(
                st.lists(st.sampled_from(codes), min_size=1, max_size=3), st.sampled_from(codes)
            ),
            max_size=20,
        )
    )
    transitions = tuple(
        TransitionDef(f"t{i}", draw(typed), tuple(sources), target)
        for i, (sources, target) in enumerate(edges)
    )
    return ProcessDefinition(states=states, transitions=transitions)


@settings(max_examples=150, deadline=None)
@given(definition=small_processes(), data=st.data())
def test_any_small_process_renders_one_node_per_state(definition, data):
    current = data.draw(st.sampled_from([None, *(state.code for state in definition.states)]))
    svg = render_process_svg(definition, current_state=current)
    root = parse(svg)

    assert list(by_attribute(root, "data-state")) == [state.code for state in definition.states]
    assert list(by_attribute(root, "data-transition")) == [t.code for t in definition.transitions]
    assert len([el for el in root.iter() if el.get("aria-current")]) == (current is not None)
    assert svg == render_process_svg(definition, current_state=current)
