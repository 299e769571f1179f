"""Issue 3's acceptance by clicking: the admin's JavaScript panels build a working process.

In headless Chromium a process designer builds the "Diagnosis" step form and a three-state
process with the inline panels' "Add …" buttons and publishes both; store staff open a case and
start it; an approver finishes it through the step form, first with wrong answers. The same journey
through the views, with every refusal spelled out, is tests/workflows/test_designer_journey.py.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from project.accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, StoreFactory, UserFactory
from workflows.models import Case, Process

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page: Page, username: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url("/admin/")


def sign_out(page: Page, display_name: str) -> None:
    """Through the account menu at the foot of the sidebar."""
    page.get_by_role("button", name=display_name).click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/admin/login/"))


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def click_posting_button(page: Page, name: str) -> None:
    """Click a header button that Wagtail's Stimulus ``w-action`` controller turns into a POST
    (the form's "Publish"). Clicked before the controller has connected, it does nothing, so the
    click waits for it as a person waits for the page to finish loading."""
    button = page.get_by_role("button", name=name)
    page.wait_for_function(
        "el => Boolean(window.wagtail?.app?.getControllerForElementAndIdentifier(el, 'w-action'))",
        arg=button.element_handle(),
    )
    button.click()


def build_diagnosis_form(page: Page) -> None:
    """Form definitions > Add: two fields added with "Add Field", then saved and published."""
    page.goto("/admin/form-definitions/new/")
    form = page.get_by_role("region", name="Form", exact=True)
    form.get_by_label("Name").fill("Diagnosis")
    form.get_by_label("Slug").fill("diagnosis")
    form.get_by_label("Purpose").select_option(label="Workflow step")
    add_field = page.get_by_role("button", name="Add Field")

    add_field.click()
    findings = page.get_by_role("region", name="Field 1", exact=True)
    findings.get_by_label("Label").fill("Findings")
    findings.get_by_label("Field type").select_option(label="Single line text")
    expect(findings.get_by_label("Required")).to_be_checked()
    add_field.click()
    hours = page.get_by_role("region", name="Field 2", exact=True)
    hours.get_by_label("Label").fill("Hours spent")
    hours.get_by_label("Field type").select_option(label="Number")
    hours.get_by_label("Minimum value").fill("0")
    page.get_by_role("button", name="Create").click()

    expect_message(page, "Form 'Diagnosis' created.")
    page.get_by_role("link", name="Diagnosis", exact=True).click()
    click_posting_button(page, "Publish")
    expect_message(page, "Published version 1.")


def build_repair_process(page: Page) -> None:
    """Processes > Add: three states and two transitions through the inline panels."""
    page.goto("/admin/processes/new/")
    process = page.get_by_role("region", name="Process", exact=True)
    process.get_by_label("Name").fill("Watch repair")
    process.get_by_label("Code").fill("watch-repair")
    process.get_by_label("Reference prefix").fill("REP")

    add_state = page.get_by_role("button", name="Add State")
    for number, (code, label, kind) in enumerate(
        [
            ("received", "Received", "Initial"),
            ("in_diagnosis", "In diagnosis", "Active (someone works on it)"),
            ("done", "Done", "Terminal (the case is closed)"),
        ],
        start=1,
    ):
        add_state.click()
        state = page.get_by_role("region", name=f"State {number}", exact=True)
        state.get_by_label("Code").fill(code)
        state.get_by_label("Label").fill(label)
        state.get_by_label("Kind").select_option(label=kind)

    add_transition = page.get_by_role("button", name="Add Transition")
    add_transition.click()
    start = page.get_by_role("region", name="Transition 1", exact=True)
    start.get_by_label("Code").fill("start")
    start.get_by_label("Button label").fill("Start diagnosis")
    start.get_by_label("From states").fill("received")
    start.get_by_label("To state").fill("in_diagnosis")
    start.get_by_label(Role.STORE_STAFF, exact=True).check()
    add_transition.click()
    finish = page.get_by_role("region", name="Transition 2", exact=True)
    finish.get_by_label("Code").fill("finish")
    finish.get_by_label("Button label").fill("Finish")
    finish.get_by_label("From states").fill("in_diagnosis")
    finish.get_by_label("To state").fill("done")
    finish.get_by_label(Role.APPROVER, exact=True).check()
    finish.get_by_label("Step form").select_option(label="Diagnosis")
    page.get_by_role("button", name="Create").click()

    expect_message(page, "Process 'Watch repair' created.")
    page.get_by_role("link", name="Watch repair", exact=True).click()
    page.get_by_role("link", name="Review and publish").click()
    expect(page.get_by_text("No problems found: the draft can be published.")).to_be_visible()
    page.get_by_role("button", name="Publish").click()

    expect_message(page, "Watch repair: version 1 is live.")
    diagram = page.get_by_role("img", name="Diagram of Watch repair")
    expect(diagram).to_be_visible()
    expect(diagram.locator("[data-state]")).to_have_count(3)
    expect(diagram.locator("[data-transition]")).to_have_count(2)


def test_a_process_built_by_clicking_in_the_admin_carries_a_case_to_its_end(page):
    store = StoreFactory(code="SEL-01", name="Seoul Cheongdam")
    UserFactory(username="designer", first_name="Camille", role=Role.PROCESS_DESIGNER)
    UserFactory(username="minjun", first_name="Min-jun", role=Role.STORE_STAFF, stores=[store])
    UserFactory(username="seoyeon", first_name="Seo-yeon", role=Role.APPROVER, stores=[store])

    # The designer, in the admin only.
    sign_in(page, "designer")
    build_diagnosis_form(page)
    build_repair_process(page)
    sign_out(page, "Camille")

    # Store staff open a case and start the diagnosis; finishing is not theirs to do.
    sign_in(page, "minjun")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Cases").click()
    page.get_by_role("link", name="Open a case").click()
    page.get_by_role("link", name="Watch repair").click()
    expect(page.get_by_role("combobox", name="Store")).to_have_value(str(store.pk))
    page.get_by_label("Customer name").fill("Ji-woo Lee")
    page.get_by_role("button", name="Open the case").click()

    expect_message(page, "Opened REP-")
    reference = Case.objects.get().reference
    next_steps = page.get_by_role("region", name="Next steps")
    expect(next_steps.get_by_role("link", name="Start diagnosis")).to_be_visible()
    expect(next_steps.get_by_role("link", name="Finish")).to_have_count(0)
    next_steps.get_by_role("link", name="Start diagnosis").click()
    page.get_by_label("Comment").fill("Crown does not wind.")
    page.get_by_role("button", name="Start diagnosis").click()

    expect_message(page, f"{reference} moved to “In diagnosis”")
    expect(next_steps.get_by_role("link", name="Finish")).to_have_count(0)
    expect(next_steps).to_contain_text("another group takes it from here")
    page.goto(page.url + "transition/finish/")  # even by its address
    expect_message(page, "“Finish” is reserved for: Approver.")
    sign_out(page, "Min-jun")

    # The approver finds the case waiting for their group and finishes it with the step form.
    sign_in(page, "seoyeon")
    page.get_by_role("region", name="Waiting for my group").get_by_role(
        "link", name=reference
    ).click()
    page.get_by_role("region", name="Next steps").get_by_role("link", name="Finish").click()
    page.get_by_label("Hours spent").fill("-1")
    page.get_by_role("button", name="Finish").click()

    expect_message(page, "The form has errors:")
    expect(page.get_by_label("Findings")).to_have_accessible_description(
        re.compile("This field is required.")
    )
    expect(page.get_by_label("Hours spent")).to_have_accessible_description(
        re.compile("Enter a number of at least 0.")
    )
    assert Case.objects.get().state == "in_diagnosis"
    page.get_by_label("Findings").fill("Mainspring broken, replaced")
    page.get_by_label("Hours spent").fill("2.5")
    page.get_by_role("button", name="Finish").click()

    expect_message(page, f"{reference} moved to “Done”")
    expect(page.get_by_role("region", name="Next steps")).to_contain_text("This case is closed.")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.get_by_role("row")).to_have_count(4)  # the header and three events
    expect(timeline.get_by_role("row").nth(1)).to_contain_text("Opened")
    expect(timeline.get_by_role("row").nth(2)).to_contain_text("Received → In diagnosis")
    expect(timeline.get_by_role("row").nth(2)).to_contain_text("Crown does not wind.")
    finished = timeline.get_by_role("row").nth(3)
    expect(finished).to_contain_text("Transition: Finish")
    expect(finished).to_contain_text("In diagnosis → Done")
    expect(finished).to_contain_text("Mainspring broken, replaced")
    expect(finished).to_contain_text("Seo-yeon")

    case = Case.objects.get()
    assert (case.state, case.process, case.closed_at is not None) == (
        "done",
        Process.objects.get(code="watch-repair"),
        True,
    )
    assert case.data == {"findings": "Mainspring broken, replaced", "hours_spent": "2.5"}
