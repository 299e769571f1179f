"""The permission matrix: every URL pattern of the project × every role (and anonymous) × the own
store's object and another store's, with what each answers.

How to read a row: ``E(match, url, *cells)``. ``match`` names the URL patterns the row covers:
URL names (``cases:detail``), shell-style globs of names (``wagtailimages:*``) or
``route:<route>`` for an unnamed pattern, ``prefix:<route>`` for every pattern under a route;
every pattern of the project must be matched by exactly
one row (``test_every_url_pattern_has_exactly_one_entry``), so a URL added without a row fails
here. ``url(world, variant)`` builds the address requested. Each cell line is
``"<variant> : <outcome per role>"`` in the order of the header comment: ``own``/``other`` for an
object of the own store and of the other one (decision 8: the other store's answers 404),
``any`` where the URL names no store-owned object, or a name saying what varies.

Outcomes (``tests/matrix.py``): ``ok`` (2xx, or a redirect to a page that is not a login page,
without an error message), ``login`` (a redirect to a login page), ``denied`` (403, or an answer
carrying an error message: Wagtail redirects to the dashboard with "Sorry, you do not have
permission to access this area."), ``404``, ``405`` (GET on a POST-only action), ``500``. POST
rows (``P``) add ``done`` (answered "ok" and changed something) and ``noop`` (answered "ok", e.g.
the form again with its errors, and changed nothing); every other POST outcome must change
nothing at all.

Besides the outcome, every "ok" admin or API page answered to a role confined to the own store
must not show the other store's name, code or case references.

Adding a URL: add a row next to its neighbours, with the outcome each role should get (not merely
what it gets today); where today's answer is wrong, keep the right outcome and list the cell in
``KNOWN_PROBLEMS`` with the reason, so it runs as a strict xfail until fixed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse

from tests.factories import UserFactory
from tests.forms.pages import PNG
from tests.matrix import (
    CONFINED,
    DENIED,
    DONE,
    LOGIN,
    NOOP,
    NOT_FOUND,
    OK,
    OUTCOMES,
    ROLES,
    Route,
    World,
    all_routes,
    ask,
    snapshot,
    world_fixture,
)

# --- The table ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    match: str
    build: Callable[[World, str], str]
    cells: dict[str, tuple[str, ...]]
    data: Callable[[World, str], dict] | None = None  # POST rows: the form posted

    @property
    def label(self) -> str:
        return self.match.split()[0].removeprefix("route:")

    def matches(self, route: Route) -> bool:
        for spec in self.match.split():
            if spec.startswith("route:"):
                if route.route == spec.removeprefix("route:"):
                    return True
            elif spec.startswith("prefix:"):
                if route.route.startswith(spec.removeprefix("prefix:")):
                    return True
            elif route.name and fnmatch.fnmatchcase(route.name, spec):
                return True
        return False


def _cells(lines: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    cells = {}
    for line in lines:
        variant, _colon, outcomes = line.partition(":")
        outcomes = tuple(outcomes.split())
        if len(outcomes) != len(ROLES) or not set(outcomes) <= OUTCOMES:
            raise ValueError(f"a cell needs one of {sorted(OUTCOMES)} per role: {line}")
        cells[variant.strip()] = outcomes
    return cells


def E(match: str, build, *lines: str) -> Entry:
    """A row of GET cells."""
    return Entry(match, build, _cells(lines))


def P(match: str, build, data, *lines: str) -> Entry:
    """A row of POST cells: ``data(world, variant)`` is what is posted."""
    return Entry(match, build, _cells(lines), data if callable(data) else (lambda w, v: data))


def to(name: str, *args):
    """A URL builder: ``name`` reversed with ``args``, each a value or ``fn(world, variant)``."""

    def build(world: World, variant: str) -> str:
        return reverse(name, args=[arg(world, variant) if callable(arg) else arg for arg in args])

    return build


# What the URLs take. For "own" and "other" the object of that store; for "missing" an id no
# object has (decision 8: another store's object answers as a missing one does).
MISSING = 999_999


def case(kind: str):
    def pk(w: World, v: str):
        return MISSING if v == "missing" else getattr(w, kind)[v].pk

    return pk


def quotation(kind: str):
    def pk(w: World, v: str):
        return MISSING if v == "missing" else w.quotation(kind, v).pk

    return pk


def attachment(w: World, v: str):
    return MISSING if v == "missing" else w.attachment(v).pk


def store(w: World, v: str):
    return MISSING if v == "missing" else w.stores[v].pk


def token(w: World, v: str):
    return w.token("own") if v == "link" else "forged-link"


def first(attr: str):
    """The pk of the world's (store-less) ``attr``."""

    def pk(w: World, v: str):
        return getattr(w, attr).pk

    return pk


def export(name: str):
    """The list ``name`` ("list"), or its CSV export ("csv")."""

    def build(w: World, v: str) -> str:
        return reverse(name) + ("?export=csv" if v == "csv" else "")

    return build


def fixed(path: str):
    return lambda w, v: path


intake = case("intake")
quoted, quoted_quotation = case("quoted"), quotation("quoted")
drafted, drafted_quotation = case("drafted"), quotation("drafted")
accepted, accepted_quotation = case("accepted"), quotation("accepted")
care_file = first("care_file")


def bulk_transition(w: World, v: str) -> str:
    """The case list's bulk transition for the intake case of the store ``v``."""
    path = reverse("wagtail_bulk_action", args=["workflows", "case", "transition"])
    return f"{path}?id={intake(w, v)}&next=/admin/cases/"


# fmt: off
ENTRIES = [
    # ===== Atelier's own URLs =====================================================================
    # --- Public: health, the customer's decision link, the forms API, public pages ---------------
    #           anon     admin    designer staff    approver area     trainer  newhire  auditor
    E("health", to("health"),
      "any    : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
    # The customer's link works for whoever holds it; a forged or unknown one is a 404.
    E("quotation_decision", to("quotation_decision", token),
      "link   : ok       ok       ok       ok       ok       ok       ok       ok       ok",
      "forged : 404      404      404      404      404      404      404      404      404"),
    E("quotation_decision_pdf", to("quotation_decision_pdf", token),
      "link   : ok       ok       ok       ok       ok       ok       ok       ok       ok",
      "forged : 404      404      404      404      404      404      404      404      404"),
    # A public form's JSON Schema is public; an internal (step) form's is for staff only.
    E("forms_api:form_schema",
      to("forms_api:form_schema", lambda w, v: getattr(w, f"{v}_form").slug),
      "public : ok       ok       ok       ok       ok       ok       ok       ok       ok",
      "step   : 404      ok       ok       ok       ok       ok       ok       ok       ok"),
    # Every store's public page is public, whoever asks.
    E("wagtail_serve", lambda w, v: w.request_page[v].url,
      "own    : ok       ok       ok       ok       ok       ok       ok       ok       ok",
      "other  : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
    # --- Stores (Settings > Stores): another store's answers 404 -------------------------------
    #           anon     admin    designer staff    approver area     trainer  newhire  auditor
    E("stores:index", to("stores:index"),
      "any    : login    ok       denied   ok       ok       ok       denied   denied   ok"),
    E("stores:index_results", to("stores:index_results"),
      "any    : login    ok       denied   ok       ok       ok       denied   denied   ok"),
    E("stores:add", to("stores:add"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("stores:inspect", to("stores:inspect", store),
      "own    : login    ok       denied   ok       ok       ok       denied   denied   ok",
      "other  : login    ok       404      404      404      404      404      404      ok"),
    E("stores:edit", to("stores:edit", store),
      "own    : login    ok       denied   denied   denied   denied   denied   denied   denied",
      "other  : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("stores:delete", to("stores:delete", store),
      "own    : login    ok       denied   denied   denied   denied   denied   denied   denied",
      "other  : login    ok       404      404      404      404      404      404      denied"),
    E("stores:history", to("stores:history", store),
      "own    : login    ok       denied   denied   denied   denied   denied   denied   denied",
      "other  : login    ok       404      404      404      404      404      404      denied"),
    E("stores:history_results", to("stores:history_results", store),
      "own    : login    ok       denied   denied   denied   denied   denied   denied   denied",
      "other  : login    ok       404      404      404      404      404      404      denied"),
    E("stores:usage", to("stores:usage", store),
      "own    : login    ok       denied   denied   denied   denied   denied   denied   denied",
      "other  : login    ok       404      404      404      404      404      404      denied"),
    E("stores:copy", to("stores:copy", store),
      "own    : login    ok       denied   denied   denied   denied   denied   denied   denied",
      "other  : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    # --- Forms > Form definitions: process designers ---------------------------------------------
    #           anon     admin    designer staff    approver area     trainer  newhire  auditor
    E("form_definitions:index", to("form_definitions:index"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("form_definitions:index_results", to("form_definitions:index_results"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("form_definitions:add", to("form_definitions:add"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("form_definitions:edit", to("form_definitions:edit", first("intake_form")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("form_definitions:delete", to("form_definitions:delete", first("intake_form")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("form_definitions:history", to("form_definitions:history", first("intake_form")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("form_definitions:history_results",
      to("form_definitions:history_results", first("intake_form")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("form_definitions:usage", to("form_definitions:usage", first("intake_form")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("form_definitions:copy", to("form_definitions:copy", first("intake_form")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("form_definitions:publish", to("form_definitions:publish", first("draft_form")),
      "any    : login    405      405      denied   denied   denied   denied   denied   denied"),
    # --- Forms > Submissions: personal data, granted by an administrator (no shipped role) --------
    #           anon     admin    designer staff    approver area     trainer  newhire  auditor
    E("form_submissions:index", export("form_submissions:index"),
      "list   : login    ok       denied   denied   denied   denied   denied   denied   denied",
      "csv    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("form_submissions:index_results", to("form_submissions:index_results"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("form_submissions:inspect", to("form_submissions:inspect", first("submission")),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("form_submissions:delete", to("form_submissions:delete", first("submission")),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("form_submissions:file",
      to("form_submissions:file", first("submission"), first("submission_file")),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    # --- Cases: view_case to look, membership of the case's store, change_case to act -----------
    #           anon     admin    designer staff    approver area     trainer  newhire  auditor
    E("cases:index", export("cases:index"),
      "list   : login    ok       ok       ok       ok       ok       denied   denied   ok",
      "csv    : login    ok       ok       ok       ok       ok       denied   denied   ok"),
    E("cases:index_results", to("cases:index_results"),
      "any    : login    ok       ok       ok       ok       ok       denied   denied   ok"),
    E("cases:review", to("cases:review"),
      "any    : login    ok       ok       ok       ok       ok       denied   denied   ok"),
    E("cases:open_index", to("cases:open_index"),
      "any    : login    ok       denied   ok       denied   denied   denied   denied   denied"),
    E("cases:open", to("cases:open", care_file),
      "any    : login    ok       denied   ok       denied   denied   denied   denied   denied"),
    E("cases:detail", to("cases:detail", intake),
      "own    : login    ok       ok       ok       ok       ok       denied   denied   ok",
      "other  : login    ok       404      404      404      404      denied   denied   ok"),
    E("cases:events", to("cases:events", intake),
      "own    : login    ok       ok       ok       ok       ok       denied   denied   ok",
      "other  : login    ok       404      404      404      404      denied   denied   ok"),
    E("cases:attachment", to("cases:attachment", intake, attachment),
      "own    : login    ok       ok       ok       ok       ok       denied   denied   ok",
      "other  : login    ok       404      404      404      404      denied   denied   ok"),
    E("cases:transition", to("cases:transition", intake, "send_to_diagnosis"),
      "own    : login    ok       denied   ok       ok       denied   denied   denied   denied",
      "other  : login    ok       404      404      404      404      denied   denied   denied"),
    E("cases:note", to("cases:note", intake),
      "own    : login    405      405      405      405      405      denied   denied   405",
      "other  : login    405      404      404      404      404      denied   denied   405"),
    E("cases:attach", to("cases:attach", intake),
      "own    : login    405      405      405      405      405      denied   denied   405",
      "other  : login    405      404      404      404      404      denied   denied   405"),
    E("cases:assign", to("cases:assign", intake),
      "own    : login    405      405      405      405      405      denied   denied   405",
      "other  : login    405      404      404      404      404      denied   denied   405"),
    E("cases:quotation_pdf", to("cases:quotation_pdf", quoted, quoted_quotation),
      "own    : login    ok       ok       ok       ok       ok       denied   denied   ok",
      "other  : login    ok       404      404      404      404      denied   denied   ok"),
    E("cases:quotation_new", to("cases:quotation_new", quoted),
      "own    : login    405      405      405      405      405      denied   denied   405",
      "other  : login    405      404      404      404      404      denied   denied   405"),
    E("cases:quotation_send", to("cases:quotation_send", drafted, drafted_quotation),
      "own    : login    405      405      405      405      405      denied   denied   405",
      "other  : login    405      404      404      404      404      denied   denied   405"),
    E("cases:quotation_revise", to("cases:quotation_revise", quoted, quoted_quotation),
      "own    : login    405      405      405      405      405      denied   denied   405",
      "other  : login    405      404      404      404      404      denied   denied   405"),
    E("cases:quotation_decision", to("cases:quotation_decision", quoted, quoted_quotation),
      "own    : login    405      405      405      405      405      denied   denied   405",
      "other  : login    405      404      404      404      404      denied   denied   405"),
    E("cases:quotation_invoice", to("cases:quotation_invoice", accepted, accepted_quotation),
      "own    : login    405      405      405      405      405      denied   denied   405",
      "other  : login    405      404      404      404      404      denied   denied   405"),
    # The case list's bulk transition (Wagtail's bulk-action URL, one pattern for every model's
    # bulk actions). The ids are in the query string: another store's are left out, as unknown
    # ones are ("None of the selected cases can be found in your stores").
    E("wagtail_bulk_action", bulk_transition,
      "own    : login    ok       ok       ok       ok       ok       ok       ok       ok",
      "other  : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    # --- Processes: process designers; auditors look -------------------------------------------
    #           anon     admin    designer staff    approver area     trainer  newhire  auditor
    E("processes:index", to("processes:index"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   ok"),
    E("processes:index_results", to("processes:index_results"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   ok"),
    E("processes:add", to("processes:add"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("processes:edit", to("processes:edit", care_file),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("processes:delete", to("processes:delete", care_file),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("processes:history", to("processes:history", care_file),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("processes:history_results", to("processes:history_results", care_file),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("processes:usage", to("processes:usage", care_file),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("processes:copy", to("processes:copy", care_file),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("processes:publish", to("processes:publish", first("draft_process")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("processes:move_cases", to("processes:move_cases", care_file),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    # --- Catalogues: designers keep them; staff, approvers, area managers, auditors look --------
    #           anon     admin    designer staff    approver area     trainer  newhire  auditor
    E("spare_parts:index", to("spare_parts:index"),
      "any    : login    ok       ok       ok       ok       ok       denied   denied   ok"),
    E("spare_parts:index_results", to("spare_parts:index_results"),
      "any    : login    ok       ok       ok       ok       ok       denied   denied   ok"),
    E("spare_parts:add", to("spare_parts:add"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("spare_parts:edit", to("spare_parts:edit", first("spare_part")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("spare_parts:delete", to("spare_parts:delete", first("spare_part")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("spare_parts:history", to("spare_parts:history", first("spare_part")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("spare_parts:history_results", to("spare_parts:history_results", first("spare_part")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("spare_parts:usage", to("spare_parts:usage", first("spare_part")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("spare_parts:copy", to("spare_parts:copy", first("spare_part")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("service_items:index", to("service_items:index"),
      "any    : login    ok       ok       ok       ok       ok       denied   denied   ok"),
    E("service_items:index_results", to("service_items:index_results"),
      "any    : login    ok       ok       ok       ok       ok       denied   denied   ok"),
    E("service_items:add", to("service_items:add"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("service_items:edit", to("service_items:edit", first("service")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("service_items:delete", to("service_items:delete", first("service")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("service_items:history", to("service_items:history", first("service")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("service_items:history_results", to("service_items:history_results", first("service")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("service_items:usage", to("service_items:usage", first("service")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("service_items:copy", to("service_items:copy", first("service")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    # --- Settings > Exchange rates: administrators keep them; roles that judge amounts look ------
    #           anon     admin    designer staff    approver area     trainer  newhire  auditor
    E("exchange_rates:index", to("exchange_rates:index"),
      "any    : login    ok       ok       denied   ok       ok       denied   denied   ok"),
    E("exchange_rates:index_results", to("exchange_rates:index_results"),
      "any    : login    ok       ok       denied   ok       ok       denied   denied   ok"),
    E("exchange_rates:add", to("exchange_rates:add"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("exchange_rates:edit", to("exchange_rates:edit", first("exchange_rate")),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("exchange_rates:delete", to("exchange_rates:delete", first("exchange_rate")),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("exchange_rates:history", to("exchange_rates:history", first("exchange_rate")),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("exchange_rates:history_results",
      to("exchange_rates:history_results", first("exchange_rate")),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("exchange_rates:usage", to("exchange_rates:usage", first("exchange_rate")),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("exchange_rates:copy", to("exchange_rates:copy", first("exchange_rate")),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    # ===== Wagtail's own URLs: one row per group, requesting one representative URL ===============
    #           anon     admin    designer staff    approver area     trainer  newhire  auditor
    E("wagtailadmin_home", to("wagtailadmin_home"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    E("route:admin/test404/", fixed("/admin/test404/"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    # Wagtail's page to test error reporting (it raises on purpose) is answered 404 first.
    E("wagtailadmin_error_test route:admin/failwhale/", fixed("/admin/failwhale/"),
      "any    : 404      404      404      404      404      404      404      404      404"),
    # Settings > Sign-in lockouts: superusers and holders of axes.delete_accessattempt.
    E("lockouts:index", to("lockouts:index"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("lockouts:unlock", to("lockouts:unlock"),
      "any    : login    405      denied   denied   denied   denied   denied   denied   denied"),
    E("wagtailadmin_api:*", fixed("/admin/api/main/pages/"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailadmin_explore_root wagtailadmin_explore wagtailadmin_explore_results",
      to("wagtailadmin_explore_root"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("wagtailadmin_pages:*", to("wagtailadmin_pages:edit", first("form_page")),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("wagtailadmin_choose_page*", to("wagtailadmin_choose_page"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailadmin_tag_autocomplete wagtailadmin_tag_model_autocomplete",
      to("wagtailadmin_tag_autocomplete"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailadmin_collections:*", to("wagtailadmin_collections:index"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("wagtailadmin_workflows:*", to("wagtailadmin_workflows:index"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    # Reports: the site history lists what was done to every model a role has a permission on.
    # Their exporting views are answered at the same routes by the same views made safe
    # (project.core.exports), mounted ahead of Wagtail's: "prefix:" takes in both.
    E("wagtailadmin_reports:* prefix:admin/reports/", to("wagtailadmin_reports:site_history"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailadmin_account", to("wagtailadmin_account"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailadmin_logout", to("wagtailadmin_logout"),
      "any    : login    405      405      405      405      405      405      405      405"),
    E("wagtailadmin_dismissibles", to("wagtailadmin_dismissibles"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailadmin_editing_sessions:*", to("wagtailadmin_editing_sessions:release", 1),
      "any    : login    405      405      405      405      405      405      405      405"),
    E("wagtailadmin_block_preview", to("wagtailadmin_block_preview"),
      "any    : login    404      404      404      404      404      404      404      404"),
    E("wagtailforms:*", to("wagtailforms:index"),
      "any    : login    ok       ok       denied   denied   denied   denied   denied   denied"),
    E("wagtailredirects:* prefix:admin/redirects/", to("wagtailredirects:index"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    # No settings model is registered: any settings address is a 404.
    E("wagtailsettings:*", fixed("/admin/settings/stores/store/"),
      "any    : login    404      404      404      404      404      404      404      404"),
    E("wagtailembeds:*", to("wagtailembeds:chooser"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    # No snippet model is registered.
    E("wagtailsnippets:*", to("wagtailsnippets:index"),
      "any    : login    denied   denied   denied   denied   denied   denied   denied   denied"),
    E("wagtaildocs:*", to("wagtaildocs:index"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("wagtaildocs_chooser:*", to("wagtaildocs_chooser:choose"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailimages:*", to("wagtailimages:index"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("wagtailimages_chooser:*", to("wagtailimages_chooser:choose"),
      "any    : login    ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailsites:*", to("wagtailsites:index"),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("wagtailusers_users:*", to("wagtailusers_users:edit", lambda w, v: w.users["admin"].pk),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("wagtailusers_groups:*",
      to("wagtailusers_groups:edit", lambda w, v: w.users["staff"].groups.get().pk),
      "any    : login    ok       denied   denied   denied   denied   denied   denied   denied"),
    E("wagtailadmin_sprite", to("wagtailadmin_sprite"),
      "any    : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailadmin_login", to("wagtailadmin_login"),
      "any    : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailadmin_password_reset*", to("wagtailadmin_password_reset"),
      "any    : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailadmin_javascript_catalog", to("wagtailadmin_javascript_catalog"),
      "any    : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
    E("route:admin/.*/$", fixed("/admin/no-such-screen/"),
      "any    : login    404      404      404      404      404      404      404      404"),
    E("wagtaildocs_serve", lambda w, v: w.document.url,
      "any    : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtaildocs_authenticate_with_password",
      to("wagtaildocs_authenticate_with_password", first("document_restriction")),
      "any    : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailcore_authenticate_with_password",
      to("wagtailcore_authenticate_with_password", first("page_restriction"),
         first("private_page")),
      "any    : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
    E("wagtailcore_login", to("wagtailcore_login"),
      "any    : ok       ok       ok       ok       ok       ok       ok       ok       ok"),
]

# What the POSTs of the project's own state-changing endpoints do. Every cell that is not "done"
# must leave the database as it was.
NOTE = {"note-text": "Called the customer."}

POSTS = [
    P("cases:transition", to("cases:transition", intake, "send_to_diagnosis"),
      {"transition-comment": "Checked in.", "transition-expected_state": "intake"},
      "own    : login    done     denied   done     done     denied   denied   denied   denied",
      "other  : login    done     404      404      404      404      denied   denied   denied"),
    P("cases:note", to("cases:note", intake), NOTE,
      "own    : login    done     denied   done     done     done     denied   denied   denied",
      "other  : login    done     404      404      404      404      denied   denied   denied"),
    P("cases:attach", to("cases:attach", intake),
      lambda w, v: {"upload-file": SimpleUploadedFile("receipt.png", PNG, "image/png")},
      "own    : login    done     denied   done     done     done     denied   denied   denied",
      "other  : login    done     404      404      404      404      denied   denied   denied"),
    P("cases:assign", to("cases:assign", intake),
      lambda w, v: {"assign-assignee": w.workers[v].pk},
      "own    : login    done     denied   done     done     done     denied   denied   denied",
      "other  : login    done     404      404      404      404      denied   denied   denied"),
    P("cases:quotation_new", to("cases:quotation_new", quoted), {"quotation-tax_rate": "10"},
      "own    : login    done     denied   done     done     done     denied   denied   denied",
      "other  : login    done     404      404      404      404      denied   denied   denied"),
    P("cases:quotation_send", to("cases:quotation_send", drafted, drafted_quotation), {},
      "own    : login    done     denied   done     done     denied   denied   denied   denied",
      "other  : login    done     404      404      404      404      denied   denied   denied"),
    P("cases:quotation_revise", to("cases:quotation_revise", quoted, quoted_quotation), {},
      "own    : login    done     denied   done     done     done     denied   denied   denied",
      "other  : login    done     404      404      404      404      denied   denied   denied"),
    P("cases:quotation_decision", to("cases:quotation_decision", quoted, quoted_quotation),
      {"decision-decision": "refuse", "decision-reason": "Too dear."},
      "own    : login    done     denied   done     done     done     denied   denied   denied",
      "other  : login    done     404      404      404      404      denied   denied   denied"),
    P("cases:quotation_invoice", to("cases:quotation_invoice", accepted, accepted_quotation), {},
      "own    : login    done     denied   done     done     done     denied   denied   denied",
      "other  : login    done     404      404      404      404      denied   denied   denied"),
    P("wagtail_bulk_action", bulk_transition, {"transition": "send_to_diagnosis"},
      "own    : login    done     noop     done     done     noop     noop     noop     noop",
      "other  : login    done     noop     noop     noop     noop     noop     noop     noop"),
    # The store is chosen in the form: only the stores of the user are offered and accepted.
    P("cases:open", to("cases:open", first("errand")),
      lambda w, v: {"case-store": w.stores[v].pk, "case-customer_name": "Ada Lovelace"},
      "own    : login    done     denied   done     denied   denied   denied   denied   denied",
      "other  : login    done     denied   noop     denied   denied   denied   denied   denied"),
    P("processes:publish", to("processes:publish", first("draft_process")), {},
      "any    : login    done     done     denied   denied   denied   denied   denied   denied"),
    P("processes:move_cases", to("processes:move_cases", care_file), {"confirm": "1"},
      "any    : login    noop     noop     denied   denied   denied   denied   denied   denied"),
    P("form_definitions:publish", to("form_definitions:publish", first("draft_form")), {},
      "any    : login    done     done     denied   denied   denied   denied   denied   denied"),
    P("form_submissions:delete", to("form_submissions:delete", first("submission")), {},
      "any    : login    done     denied   denied   denied   denied   denied   denied   denied"),
    P("stores:delete", to("stores:delete", store), {},
      "own    : login    denied   denied   denied   denied   denied   denied   denied   denied",
      "other  : login    denied   404      404      404      404      404      404      denied"),
    P("quotation_decision", to("quotation_decision", token),
      {"decision": "accept", "name": "Ji-woo Lee"},
      "link   : done     done     done     done     done     done     done     done     done",
      "forged : 404      404      404      404      404      404      404      404      404"),
]
# fmt: on

# Cells whose right outcome is not today's: each runs as a strict xfail, naming the problem.
KNOWN_PROBLEMS = {}

# Rows with "own"/"other" cells that are not another store's object in the URL (decision 8 is
# about those), with why.
NOT_STORE_OBJECTS = {
    "wagtail_serve": "public pages: every store's is public",
    "wagtail_bulk_action": "the ids are in the query string; another store's are left out as "
    "unknown ones are, and the page shows none of them",
    "cases:open": "the store is a form field: another store is refused as a form error",
}

# Paths whose pages are for signed-in staff: nothing of the other store may show there to a role
# confined to its own store.
PRIVATE_PATHS = ("/admin/", "/api/")


# --- The tests ------------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_fixture(django_db_blocker)


def _cells_of(kind: str, entries: list[Entry]):
    for entry in entries:
        for variant, outcomes in entry.cells.items():
            for role, expected in zip(ROLES, outcomes, strict=True):
                reason = KNOWN_PROBLEMS.get((kind, entry.label, variant, role))
                yield pytest.param(
                    entry,
                    variant,
                    role,
                    expected,
                    id=f"{entry.label}|{variant}|{role}",
                    marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else [],
                )


def _store_objects(kind: str, entries: list[Entry]):
    for entry in entries:
        if {"own", "other"} <= entry.cells.keys() and entry.label not in NOT_STORE_OBJECTS:
            for role in sorted(CONFINED):
                yield pytest.param(entry, role, id=f"{kind} {entry.label}|{role}")


def _route_of(url: str) -> Route:
    match = resolve(urlsplit(url).path)
    return Route(match.route, match.view_name if match.url_name else None)


def _post(world: World, entry: Entry, variant: str, role: str) -> tuple[str, set, str]:
    """POST the entry's data as ``role``: the outcome ("done"/"noop" for an "ok" answer that did
    or did not change anything), what changed, and the answer explained."""
    url = entry.build(world, variant)
    data = entry.data(world, "other" if variant == "missing" else variant)
    before = snapshot()
    answer = ask(world.client(role), "post", url, data)
    after = snapshot()
    changed = {key for key in before if before[key] != after[key]}
    outcome = answer.outcome
    if outcome == OK:
        outcome = DONE if changed else NOOP
    return outcome, changed, f"POST {url} as {role}: {outcome} ({answer.explain()})"


def test_every_url_pattern_has_exactly_one_entry():
    problems = []
    for route in all_routes():
        owners = [entry.match for entry in ENTRIES if entry.matches(route)]
        if not owners:
            problems.append(f"add an entry to tests/test_permission_matrix.py for {route}")
        elif len(owners) > 1:
            problems.append(f"{route} is matched by {len(owners)} entries: {owners}")
    assert not problems, "\n".join(problems)


def test_every_entry_matches_url_patterns():
    routes = list(all_routes())
    stale = [
        f"{entry.match}: “{spec}” matches no URL pattern"
        for entry in ENTRIES + POSTS
        for spec in entry.match.split()
        if not any(Entry(spec, entry.build, {}).matches(route) for route in routes)
    ]
    assert not stale, "\n".join(stale)


@pytest.mark.parametrize(
    ("entry", "role"), [*_store_objects("GET", ENTRIES), *_store_objects("POST", POSTS)]
)
def test_another_stores_object_answers_404(entry, role):
    """Decision 8, in the table: for a role confined to its own store, another store's object
    answers 404, unless the role is refused the URL on its own store too (a permission checked
    before the object is looked up tells nothing about it)."""
    column = ROLES.index(role)
    own, other = entry.cells["own"][column], entry.cells["other"][column]
    assert other == NOT_FOUND or (other == own and own in {LOGIN, DENIED}), (
        f"{entry.label} as {role}: own store {own}, other store {other}"
    )


@pytest.mark.parametrize(("entry", "variant", "role", "expected"), list(_cells_of("GET", ENTRIES)))
def test_get(world, entry, variant, role, expected):
    url = entry.build(world, variant)
    assert entry.matches(_route_of(url)), f"{url} is not one of the patterns {entry.match}"

    answer = ask(world.client(role), "get", url)

    assert answer.outcome == expected, (
        f"GET {url} as {role}: {answer.outcome}, expected {expected} ({answer.explain()})"
    )
    if role in CONFINED and answer.outcome == OK and url.startswith(PRIVATE_PATHS):
        leaked = [marker for marker in world.foreign_markers if marker in answer.body]
        assert not leaked, f"GET {url} as {role} shows the other store's {leaked}"


@pytest.mark.parametrize(("entry", "variant", "role", "expected"), list(_cells_of("POST", POSTS)))
def test_post(world, entry, variant, role, expected):
    assert entry.matches(_route_of(entry.build(world, variant)))

    outcome, changed, explained = _post(world, entry, variant, role)

    assert outcome == expected, f"{explained}, expected {expected}"
    if expected != DONE:
        assert not changed, f"{explained} but changed the {', '.join(sorted(changed))}"


@pytest.mark.parametrize(("entry", "role"), list(_store_objects("GET", ENTRIES)))
def test_another_stores_object_answers_as_a_missing_one_does(world, entry, role):
    """Decision 8, asked: an id no object has gets what another store's object gets."""
    answer = ask(world.client(role), "get", entry.build(world, "missing"))

    assert answer.outcome == entry.cells["other"][ROLES.index(role)], answer.explain()


@pytest.mark.parametrize(("entry", "role"), list(_store_objects("POST", POSTS)))
def test_posting_to_a_missing_object_answers_as_to_another_stores(world, entry, role):
    outcome, changed, explained = _post(world, entry, "missing", role)

    assert outcome == entry.cells["other"][ROLES.index(role)], explained
    assert not changed, explained


@pytest.mark.parametrize(
    "name", ["inspect", "edit", "delete", "history", "history_results", "usage", "copy"]
)
def test_a_store_editor_of_one_store_gets_404_for_anothers_store_pages(world, name):
    """No shipped role may change stores, but an administrator may grant it: the grant covers
    the stores the user belongs to, and every page of another store still answers 404."""
    editors = Group.objects.create(name="Store editors")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="stores",
            codename__in=["view_store", "add_store", "change_store", "delete_store"],
        ),
    )
    editor = UserFactory(username="store-editor", stores=[world.stores["own"]])
    editor.groups.add(editors)
    client = Client()
    client.force_login(editor)

    own = client.get(reverse(f"stores:{name}", args=[world.stores["own"].pk]))
    other = client.get(reverse(f"stores:{name}", args=[world.stores["other"].pk]))

    assert own.status_code == 200
    assert other.status_code == 404
