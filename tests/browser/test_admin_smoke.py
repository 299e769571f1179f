import pytest
from playwright.sync_api import expect

from project.accounts.roles import Role
from tests.factories import DEFAULT_PASSWORD, StoreFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_staff_member_signs_in_and_sees_the_dashboard(page):
    UserFactory(
        username="minjun",
        first_name="Min-jun",
        role=Role.STORE_STAFF,
        stores=[StoreFactory(code="SEL-01")],
    )

    page.goto("/admin/")
    expect(page).to_have_url("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("minjun")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url("/admin/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Atelier")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def test_wrong_password_keeps_the_user_out_with_a_message(page):
    UserFactory(username="minjun", role=Role.STORE_STAFF)

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("minjun")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Your username and password didn't match")).to_be_visible()
    expect(page).to_have_url("/admin/login/")
