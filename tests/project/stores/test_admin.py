import pytest

from project.accounts.roles import Role
from project.stores.models import Store
from tests.factories import StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seoul():
    return StoreFactory(code="SEL-01", name="Seoul Cheongdam")


@pytest.fixture
def kyiv():
    return StoreFactory(code="KBP-01", name="Kyiv Horodetskoho", time_zone="Europe/Kyiv")


def test_store_list_shows_staff_only_their_store(login_client, seoul, kyiv):
    client = login_client(UserFactory(role=Role.STORE_STAFF, stores=[seoul]))

    response = client.get("/admin/stores/")

    assert response.status_code == 200
    assert "Seoul Cheongdam" in response.text
    assert "Kyiv Horodetskoho" not in response.text


def test_another_stores_page_answers_404(login_client, seoul, kyiv):
    client = login_client(UserFactory(role=Role.STORE_STAFF, stores=[seoul]))

    assert client.get(f"/admin/stores/inspect/{seoul.pk}/").status_code == 200
    assert client.get(f"/admin/stores/inspect/{kyiv.pk}/").status_code == 404


def test_staff_cannot_edit_a_store(login_client, seoul):
    client = login_client(UserFactory(role=Role.STORE_STAFF, stores=[seoul]))

    response = client.post(f"/admin/stores/edit/{seoul.pk}/", {"name": "Renamed"})

    assert response.status_code in {302, 403}
    seoul.refresh_from_db()
    assert seoul.name == "Seoul Cheongdam"


def _store_form(**overrides):
    data = {
        "code": "PAR-WS",
        "name": "Paris workshop",
        "country": "FR",
        "time_zone": "Europe/Paris",
        "currency": "EUR",
        "languages": ["fr", "en"],
        "is_active": "on",
        "opening_hours-TOTAL_FORMS": "1",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-MIN_NUM_FORMS": "0",
        "opening_hours-MAX_NUM_FORMS": "1000",
        "opening_hours-0-weekday": "0",
        "opening_hours-0-opens": "09:00",
        "opening_hours-0-closes": "17:30",
        "opening_hours-0-ORDER": "1",
        "holidays-TOTAL_FORMS": "1",
        "holidays-INITIAL_FORMS": "0",
        "holidays-MIN_NUM_FORMS": "0",
        "holidays-MAX_NUM_FORMS": "1000",
        "holidays-0-date": "2026-12-25",
        "holidays-0-name": "Noël",
        "holidays-0-ORDER": "1",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_store_with_hours_and_holidays(login_client):
    client = login_client(UserFactory(is_superuser=True))

    response = client.post("/admin/stores/new/", _store_form())

    assert response.status_code == 302, response.context["form"].errors
    store = Store.objects.get(code="PAR-WS")
    assert store.languages == ["fr", "en"]
    assert [(h.weekday, str(h.opens), str(h.closes)) for h in store.opening_hours.all()] == [
        (0, "09:00:00", "17:30:00")
    ]
    assert store.holidays.get().name == "Noël"


def test_store_form_explains_bad_code_and_closing_before_opening(login_client):
    client = login_client(UserFactory(is_superuser=True))

    response = client.post(
        "/admin/stores/new/",
        _store_form(**{"code": "par ws", "opening_hours-0-closes": "08:00"}),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "Use capital letters, digits and dashes" in str(form.errors["code"])
    assert "Closing time must be after opening time." in str(form.formsets["opening_hours"].errors)
    assert not Store.objects.filter(name="Paris workshop").exists()


def test_admin_records_the_stores_address_and_phone(login_client):
    client = login_client(UserFactory(is_superuser=True))

    response = client.post(
        "/admin/stores/new/",
        _store_form(address="12 rue de la Paix\r\n75002 Paris\r\nFrance", phone="+33100000100"),
    )

    assert response.status_code == 302, response.context["form"].errors
    store = Store.objects.get(code="PAR-WS")
    assert store.address.splitlines() == ["12 rue de la Paix", "75002 Paris", "France"]
    assert store.phone == "+33100000100"


def test_store_form_wants_the_phone_in_international_format(login_client):
    client = login_client(UserFactory(is_superuser=True))

    response = client.post("/admin/stores/new/", _store_form(phone="01 00 00 01 00"))

    assert response.status_code == 200
    assert "international format (E.164)" in str(response.context["form"].errors["phone"])
    assert not Store.objects.filter(code="PAR-WS").exists()
