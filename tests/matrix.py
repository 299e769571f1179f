"""The machinery of the permission matrix (the table is ``tests/test_permission_matrix.py``): who
asks, what an answer means, every URL pattern of the project, and the world the matrix requests.

The world is two stores, "own" and "other", one user per shipped role working in the own store,
and in each store the objects whose URLs take an id (cases in the states their actions need,
quotations, attachments). It is built once per module inside a transaction rolled back after the
module's last test; each test runs in its own savepoint on top, as pytest-django's ``db`` makes
it, so what a request changes is gone before the next one.
"""

from __future__ import annotations

import datetime
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from aftersales.models import Invoice, Quotation, ServiceItem, SparePart
from aftersales.services import decision_token, quotation_create, quotation_decide
from forms.choices import FieldType, FormPurpose
from forms.models import FormDefinition, FormPage, FormSubmission, FormVersion, SubmissionFile
from project.accounts.roles import Role
from project.stores.models import ExchangeRate, Store
from tests.aftersales.factories import (
    DIAGNOSIS,
    move,
    open_care_file,
    quoted_care_file,
    shipped_process,
)
from tests.factories import StoreFactory, UserFactory
from tests.forms.factories import FormDefinitionFactory, FormFieldFactory
from tests.forms.pages import PNG, add_page, published_form
from tests.workflows.factories import make_process, published_process
from workflows.models import Attachment, Case, CaseEvent, CaseRequestPage, Process, ProcessVersion

# --- Who asks -------------------------------------------------------------------------------------

# The columns of the matrix. Every signed-in role is a member of the own store; the auditor sees
# every store by permission (decision 7) and the superuser by being one.
ROLES = ("anon", "admin", "designer", "staff", "approver", "area", "trainer", "newhire", "auditor")
GROUP_OF_ROLE = {
    "designer": Role.PROCESS_DESIGNER,
    "staff": Role.STORE_STAFF,
    "approver": Role.APPROVER,
    "area": Role.AREA_MANAGER,
    "trainer": Role.TRAINER,
    "newhire": Role.NEW_HIRE,
    "auditor": Role.AUDITOR,
}
# The roles that see their own store only: nothing of the other store may reach them.
CONFINED = frozenset({"designer", "staff", "approver", "area", "trainer", "newhire"})

# --- What an answer means -------------------------------------------------------------------------

OK = "ok"  # 2xx, or a redirect that neither goes to a login page nor carries an error message
DONE = "done"  # (POST) answered as "ok", and the request changed something
NOOP = "noop"  # (POST) answered as "ok" (e.g. the form again, with its errors) and changed nothing
LOGIN = "login"  # a redirect to a login page
DENIED = "denied"  # 403, or an answer carrying an error message: Wagtail's "Sorry, you do not
#                    have permission to access this area." on the way back to the dashboard, or
#                    the case page saying why a transition or a quotation is refused
NOT_FOUND = "404"
NOT_ALLOWED = "405"  # a method the view does not answer (GET on a POST-only action)
ERROR = "500"
OUTCOMES = frozenset({OK, DONE, NOOP, LOGIN, DENIED, NOT_FOUND, NOT_ALLOWED, ERROR})

LOGIN_PATHS = ("/admin/login/", "/_util/login/")


@dataclass
class Answer:
    outcome: str
    status: int
    location: str = ""
    errors: list[str] = field(default_factory=list)
    body: str = ""
    exception: str = ""

    def explain(self) -> str:
        parts = [f"status {self.status}"]
        if self.location:
            parts.append(f"to {self.location}")
        if self.errors:
            parts.append(f"messages {self.errors}")
        if self.exception:
            parts.append(f"raised:\n{self.exception}")
        return ", ".join(parts)


def _error_messages(response) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return []
    return [str(m).strip() for m in get_messages(request) if m.level >= message_levels.ERROR]


def classify(response) -> Answer:
    status = response.status_code
    location = response.get("Location", "") if 300 <= status < 400 else ""
    errors = _error_messages(response)
    if status == 404:
        outcome = NOT_FOUND
    elif status == 403:
        outcome = DENIED
    elif status == 405:
        outcome = NOT_ALLOWED
    elif status >= 500:
        outcome = ERROR
    elif location and urlsplit(location).path.startswith(LOGIN_PATHS):
        outcome = LOGIN
    elif errors:
        outcome = DENIED
    elif status < 400:
        outcome = OK
    else:
        outcome = str(status)
    if response.streaming:
        b"".join(response.streaming_content)  # read, so that the file behind it is closed
        body = ""
    else:
        body = response.content.decode(errors="replace")
    return Answer(outcome, status, location, errors, body)


def ask(client: Client, method: str, url: str, data=None) -> Answer:
    """The answer to one request; an exception the view raises is a server error, reported with
    its traceback."""
    try:
        response = getattr(client, method)(url, data or {})
    except Exception:  # whatever the view raised: the matrix shows it as a 500 with the traceback
        return Answer(ERROR, 500, exception=traceback.format_exc(limit=-6))
    return classify(response)


# --- Every URL pattern ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full route as ``resolve()`` reports it, and its full name."""

    route: str
    name: str | None

    def __str__(self):
        return f"{self.route} ({self.name})" if self.name else self.route


def _join(prefix: str, route: str) -> str:
    # As Django's URLResolver joins routes: an inner regex loses its leading "^".
    return prefix + route.removeprefix("^") if prefix else route


def all_routes(patterns=None, prefix: str = "", namespaces: tuple = ()) -> Iterator[Route]:
    """Every URL pattern the project answers, Wagtail's included, from the root URLconf down."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = _join(prefix, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from all_routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            yield Route(route, name)


# --- The world ------------------------------------------------------------------------------------


@dataclass
class World:
    """What the matrix requests. Objects of a store are dicts keyed "own" and "other"."""

    stores: dict
    users: dict
    workers: dict  # a store staff member of each store (the own one is the "staff" column)
    sessions: dict
    care_file: Process  # the shipped care file, published; the cases below are care files
    errand: Process  # published, without an intake form: opening a case takes no answers
    draft_process: Process  # never published
    intake_form: FormDefinition
    step_form: FormDefinition  # internal: its JSON Schema is for staff only
    draft_form: FormDefinition  # never published
    public_form: FormDefinition
    spare_part: SparePart
    exchange_rate: ExchangeRate
    service: ServiceItem
    form_page: FormPage
    private_page: FormPage  # behind a password
    request_page: dict  # the public page opening care files for each store
    submission: FormSubmission
    submission_file: SubmissionFile
    document: object
    document_restriction: CollectionViewRestriction
    page_restriction: PageViewRestriction
    intake: dict  # just opened, with the photos of the intake: notes, files, assignment, moves
    quoted: dict  # its quotation sent to the customer: revising it, the customer's decision
    drafted: dict  # with a draft quotation: sending it
    accepted: dict  # its light-intervention quotation accepted: invoicing it
    foreign_markers: list = field(default_factory=list)  # text showing the other store's data

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anon":
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client

    def attachment(self, store: str) -> Attachment:
        return self.intake[store].attachments.order_by("pk").first()

    def quotation(self, case: str, store: str) -> Quotation:
        return getattr(self, case)[store].quotations.order_by("-number").first()

    def token(self, store: str) -> str:
        return decision_token(self.quotation("quoted", store))


def snapshot() -> dict:
    """What the POSTs of the matrix may change; equal before and after means nothing changed."""
    return {
        "cases": list(
            Case.objects.order_by("pk").values_list("pk", "state", "assignee_id", "store_id")
        ),
        "events": CaseEvent.objects.count(),
        "attachments": Attachment.objects.count(),
        "quotations": list(Quotation.objects.order_by("pk").values_list("pk", "status")),
        "invoices": Invoice.objects.count(),
        "process versions": ProcessVersion.objects.count(),
        "form versions": FormVersion.objects.count(),
        "submissions": FormSubmission.objects.count(),
        "stores": list(Store.objects.order_by("pk").values_list("pk", "name", "is_active")),
    }


def _service(code: str, *, light: bool, amount: str) -> ServiceItem:
    item = ServiceItem.objects.create(
        code=code, description=f"Service {code}", light_intervention=light
    )
    item.prices.create(currency="KRW", amount=Decimal(amount))
    item.save()  # the prices are a cluster: saved with their item
    return item


def build_world() -> World:
    own = StoreFactory(code="SEL-01", name="Seoul", currency="KRW", time_zone="Asia/Seoul")
    other = StoreFactory(code="PUS-01", name="Busan", currency="KRW", time_zone="Asia/Seoul")
    stores = {"own": own, "other": other}
    users = {"admin": UserFactory(username="admin", is_superuser=True, is_staff=True)}
    for role, group in GROUP_OF_ROLE.items():
        users[role] = UserFactory(username=role, role=group, stores=[own])
    workers = {
        "own": users["staff"],
        "other": UserFactory(username="other-staff", role=Role.STORE_STAFF, stores=[other]),
    }
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value

    care_file = shipped_process("care-file")
    service = _service("SRV-COMPLETE", light=False, amount="450000")
    light = _service("SRV-BATTERY", light=True, amount="30000")
    spare_part = SparePart.objects.create(part_number="PT-0001", description="Crown")
    exchange_rate = ExchangeRate.objects.create(
        currency="GBP",
        store_currency="KRW",
        rate=Decimal("1770"),
        valid_from=datetime.date(2026, 1, 1),
    )
    spare_part.prices.create(currency="KRW", amount=Decimal("12000"))
    spare_part.save()

    intake, quoted, drafted, accepted = {}, {}, {}, {}
    for key, store in stores.items():
        worker = workers[key]
        intake[key] = open_care_file(care_file, store, worker)
        quoted[key], _sent = quoted_care_file(care_file, store, worker, service)
        drafted[key] = open_care_file(care_file, store, worker)
        move(drafted[key], "send_to_diagnosis", worker)
        move(drafted[key], "record_diagnosis", worker, data=DIAGNOSIS)
        quotation_create(case=drafted[key], actor=worker, lines=[{"service": service}])
        accepted[key], sent = quoted_care_file(care_file, store, worker, light)
        quotation_decide(
            quotation=sent, accept=True, actor=worker, name="Ji-woo Lee", channel="counter"
        )
    # An administrator edited the other store: its history is the other store's business.
    log(other, "wagtail.edit", user=users["admin"])

    draft_form = FormDefinitionFactory(name="Draft form", slug="draft-form")
    FormFieldFactory(form=draft_form, label="Question", field_type=FieldType.SINGLE_LINE)
    public_form = published_form(
        [
            {"label": "Name", "field_type": FieldType.SINGLE_LINE},
            {"label": "Photo", "field_type": FieldType.IMAGE, "required": False},
        ],
        name="Contact",
        slug="contact",
        purpose=FormPurpose.PUBLIC,
    )
    form_page = add_page(FormPage(title="Contact us", slug="contact", form=public_form))
    private_page = add_page(FormPage(title="Private", slug="private", form=public_form))
    page_restriction = PageViewRestriction.objects.create(
        page=private_page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    request_page = {
        key: add_page(
            CaseRequestPage(
                title="Repair request",
                slug=f"repair-{key}",
                process=care_file,
                store=store,
                form=care_file.intake_form,
            )
        )
        for key, store in stores.items()
    }
    submission = FormSubmission.objects.create(
        form=public_form, form_version=public_form.live_version, page=form_page, data={}
    )
    submission_file = SubmissionFile(
        submission=submission,
        field_name="photo",
        original_name="photo.png",
        content_type="image/png",
        size=len(PNG),
        sha256="0" * 64,
    )
    submission_file.file.save("photo.png", ContentFile(PNG), save=False)
    submission_file.save()

    document = get_document_model()(title="Opening hours")
    document.file.save("opening-hours.txt", ContentFile(b"10:00-19:00"), save=False)
    document.save()
    restricted = Collection.get_first_root_node().add_child(name="Restricted")
    document_restriction = CollectionViewRestriction.objects.create(
        collection=restricted,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="secret",
    )

    references = [cases["other"].reference for cases in (intake, quoted, drafted, accepted)]
    return World(
        foreign_markers=[other.name, other.code, *references],
        stores=stores,
        users=users,
        workers=workers,
        sessions=sessions,
        care_file=care_file,
        errand=published_process(name="Errand", prefix="ERR"),
        draft_process=make_process(name="Draft repair", prefix="DRAFT"),
        intake_form=FormDefinition.objects.get(slug="care-intake"),
        step_form=FormDefinition.objects.get(slug="care-diagnosis"),
        draft_form=draft_form,
        public_form=public_form,
        spare_part=spare_part,
        exchange_rate=exchange_rate,
        service=service,
        form_page=form_page,
        private_page=private_page,
        request_page=request_page,
        submission=submission,
        submission_file=submission_file,
        document=document,
        document_restriction=document_restriction,
        page_restriction=page_restriction,
        intake=intake,
        quoted=quoted,
        drafted=drafted,
        accepted=accepted,
    )


def world_fixture(django_db_blocker) -> Iterator[World]:
    """The body of a module-scoped fixture: the world, built in a transaction that is rolled back
    once the module's tests ran."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
