"""Upgrade without loss: what the after-sales refactor must keep, checked on a real database.

``scripts/upgrade_check.sh`` builds a database with the code of the last commit before the
refactor (``migrate`` + ``seed_demo``), runs ``snapshot``, migrates the same database with the
current code and runs ``compare``. Both read through Django's connection with raw SQL only: the
snapshot is taken on the old schema, which the current models no longer describe.

What the refactor is expected to do (``--expect-refactor``, the default):

* the ten after-sales models (``MOVED_MODELS``) move from ``workflows`` to ``aftersales`` in the
  migration state only: their tables keep their names, columns and rows, and their
  ``django_content_type`` rows are relabelled in place (same ids), so ``auth_permission`` rows and
  the groups' and users' grants follow untouched;
* ``workflows_process.quotation_{send,accept,refuse}_transition`` are dropped; each value that is
  not blank becomes a ``workflows_processtrigger`` row (``process_id``, ``event``,
  ``transition``) with the event of ``TRIGGER_EVENTS`` and the value stripped.

``--no-expect-refactor`` checks the layout before the refactor instead: nothing moved, the
columns still there, no trigger table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

REPO = Path(__file__).resolve().parents[1]

# Grants later migrations give the shipped roles on purpose (a model that did not exist before):
# stores.0003 lets the roles that judge amounts look at the exchange rates (decision 17).
NEW_GROUP_GRANTS = {("stores", "exchangerate", "view_exchangerate")}

OLD_APP = "workflows"
NEW_APP = "aftersales"
MOVED_MODELS = (
    "sparepart",
    "spareparttext",
    "sparepartprice",
    "serviceitem",
    "serviceitemtext",
    "serviceitemprice",
    "quotation",
    "quotationline",
    "invoice",
    "invoiceline",
)
# State-only move: the tables keep the names they had in ``workflows``.
MOVED_TABLES = tuple(f"{OLD_APP}_{model}" for model in MOVED_MODELS)
CATALOGUE_TABLES = MOVED_TABLES[:6]
CASE_TABLE = "workflows_case"
COUNTED_TABLES = ("workflows_caseevent", "workflows_attachment")
PROCESS_TABLE = "workflows_process"
TRIGGER_TABLE = "workflows_processtrigger"
TRIGGER_COLUMNS = ("id", "process_id", "event", "transition")
TRIGGER_EVENTS = {
    "quotation_send_transition": "quotation.sent",
    "quotation_accept_transition": "quotation.accepted",
    "quotation_refuse_transition": "quotation.refused",
}
SNAPSHOT_FORMAT = 1
PROBLEMS_SHOWN = 80


class CheckError(Exception):
    """The check cannot run (wrong database, wrong commit): exit 2 with the message."""


# --- Values ---------------------------------------------------------------------------------------


def encode(value):
    """A column value as JSON, the same whatever type the driver returned it as (an amount is
    an int, a float or a Decimal depending on the database and the value)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if number.is_finite() and number == number.to_integral_value():
            return int(number)
        return {"number": format(number.normalize(), "f")}
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"duration": value.total_seconds()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, UUID):
        return {"uuid": value.hex}
    if isinstance(value, dict | list):
        return {"json": json.dumps(value, sort_keys=True)}
    return {"repr": repr(value)}


def show(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dict):
        (kind, inner), *_ = value.items()
        return inner if kind == "number" else repr(inner)
    return repr(value)


def describe(columns, row, limit=6) -> str:
    pairs = [f"{c}={show(v)}" for c, v in zip(columns, row, strict=True) if c != "id"]
    text = ", ".join(pairs[:limit])
    return text + (", …" if len(pairs) > limit else "")


# --- Database -------------------------------------------------------------------------------------


def setup_django():
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.dev")
    import django

    django.setup()
    from django.db import connection

    return connection


class Db:
    """Raw reads through Django's connection; table and column names are quoted by it."""

    def __init__(self, connection):
        self.connection = connection
        self.cursor = connection.cursor()
        self.tables = set(connection.introspection.table_names(self.cursor))

    def q(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def columns(self, table: str) -> list[str]:
        description = self.connection.introspection.get_table_description(self.cursor, table)
        return [column.name for column in description]

    def fetch(self, sql: str, params=()) -> list[tuple]:
        self.cursor.execute(sql, params)
        return self.cursor.fetchall()

    def read(self, table: str) -> tuple[list[str], list[tuple]]:
        columns = self.columns(table)
        select = ", ".join(self.q(c) for c in columns)
        sql = f"SELECT {select} FROM {self.q(table)} ORDER BY {self.q('id')}"  # noqa: S608 (quoted names)
        return columns, self.fetch(sql)

    def table(self, table: str) -> dict:
        columns, rows = self.read(table)
        return {"columns": columns, "rows": [[encode(v) for v in row] for row in rows]}

    def count(self, table: str) -> int:
        return self.fetch(f"SELECT COUNT(*) FROM {self.q(table)}")[0][0]  # noqa: S608 (quoted name)

    def content_types(self) -> list[list]:
        rows = self.fetch("SELECT id, app_label, model FROM django_content_type ORDER BY id")
        return [[encode(i), label, model] for i, label, model in rows]

    def permissions(self) -> list[list]:
        rows = self.fetch(
            "SELECT p.id, p.content_type_id, ct.app_label, ct.model, p.codename "
            "FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id "
            "ORDER BY p.id"
        )
        return [[encode(i), encode(ct), label, model, code] for i, ct, label, model, code in rows]

    def group_grants(self) -> list[list]:
        rows = self.fetch(
            "SELECT g.name, ct.app_label, ct.model, p.codename FROM auth_group_permissions gp "
            "JOIN auth_group g ON g.id = gp.group_id "
            "JOIN auth_permission p ON p.id = gp.permission_id "
            "JOIN django_content_type ct ON ct.id = p.content_type_id"
        )
        return sorted([list(row) for row in rows])

    def user_grants(self) -> list[list]:
        # The custom user model (accounts.User): its table and its permissions' link table, read
        # from the model's metadata; no query goes through the model.
        from django.contrib.auth import get_user_model

        user = get_user_model()
        link = user._meta.get_field("user_permissions")
        q = self.q
        username = q(user._meta.get_field(user.USERNAME_FIELD).column)
        users, links = q(user._meta.db_table), q(link.m2m_db_table())
        user_id, permission_id = q(link.m2m_column_name()), q(link.m2m_reverse_name())
        select = f"SELECT u.{username}, ct.app_label, ct.model, p.codename FROM {links} up "  # noqa: S608 (quoted names)
        sql = (
            f"{select}JOIN {users} u ON u.id = up.{user_id} "
            f"JOIN auth_permission p ON p.id = up.{permission_id} "
            "JOIN django_content_type ct ON ct.id = p.content_type_id"
        )
        return sorted([list(row) for row in self.fetch(sql)])


# --- Snapshot -------------------------------------------------------------------------------------


def snapshot(db: Db) -> dict:
    wanted = (*MOVED_TABLES, CASE_TABLE, *COUNTED_TABLES, PROCESS_TABLE)
    missing = [t for t in wanted if t not in db.tables]
    if missing:
        raise CheckError(
            f"the 'before' database has no table {', '.join(missing)}: is it the schema before "
            "the refactor, migrated?"
        )
    processes = db.table(PROCESS_TABLE)
    lacking = [c for c in TRIGGER_EVENTS if c not in processes["columns"]]
    if lacking:
        raise CheckError(f"the 'before' {PROCESS_TABLE} has no column {', '.join(lacking)}")
    content_types = db.content_types()
    labelled = {model for _id, label, model in content_types if label == OLD_APP}
    unlabelled = [m for m in MOVED_MODELS if m not in labelled]
    if unlabelled:
        raise CheckError(
            f"the 'before' database has no content type {OLD_APP}.{', '.join(unlabelled)}"
        )
    return {
        "format": SNAPSHOT_FORMAT,
        "vendor": db.connection.vendor,
        "tables": {t: db.table(t) for t in (*MOVED_TABLES, CASE_TABLE)},
        "counts": {t: db.count(t) for t in COUNTED_TABLES},
        "processes": processes,
        "content_types": content_types,
        "permissions": db.permissions(),
        "group_grants": db.group_grants(),
        "user_grants": db.user_grants(),
    }


# --- Compare --------------------------------------------------------------------------------------


def after_label(label: str, model: str, expect_refactor: bool) -> str:
    if expect_refactor and label == OLD_APP and model in MOVED_MODELS:
        return NEW_APP
    return label


def new_column_rule(table: str, column: str):
    """For a column the upgrade added to a checked table: (normalise, expected value) from the
    current code's field, or (None, reason) when no default tells what the rows should hold."""
    from django.apps import apps
    from django.db import connection
    from django.db.models import NOT_PROVIDED, Value

    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table != table:
            continue
        for field in model._meta.concrete_fields:
            if field.column != column:
                continue
            if field.has_default():
                default = field.get_default()
            elif isinstance(field.db_default, Value):
                default = field.db_default.value
            elif field.db_default is NOT_PROVIDED and field.null:
                default = None
            else:
                return None, "it has no default the existing rows could hold"

            def normalise(raw, field=field):
                if raw is not None and hasattr(field, "from_db_value"):
                    raw = field.from_db_value(raw, None, connection)
                return encode(field.to_python(raw))

            return normalise, normalise(default)
    return None, "no field of the current models has this column"


def compare_table(db: Db, problems: list[str], table: str, before: dict, ignore=()) -> int:
    """Every row of ``before`` still there with the same values; returns the rows compared."""
    if table not in db.tables:
        problems.append(
            f"{table}: table gone after the upgrade ({len(before['rows'])} rows before)"
        )
        return 0
    columns, raw_rows = db.read(table)
    before_columns = before["columns"]
    kept = [c for c in before_columns if c not in ignore and c in columns]
    for column in before_columns:
        if column not in ignore and column not in columns:
            problems.append(f"{table}.{column}: column gone after the upgrade")
    added = {}
    for column in columns:
        if column in before_columns:
            continue
        normalise, expected = new_column_rule(table, column)
        if normalise is None:
            problems.append(f"{table}.{column}: new column, {expected}")
        else:
            added[column] = (normalise, expected)

    before_at = {c: i for i, c in enumerate(before_columns)}
    after_at = {c: i for i, c in enumerate(columns)}
    before_rows = {row[before_at["id"]]: row for row in before["rows"]}
    after_rows = {encode(row[after_at["id"]]): row for row in raw_rows}
    for row_id, old in before_rows.items():
        new = after_rows.get(row_id)
        if new is None:
            problems.append(
                f"{table} id={row_id}: row gone after the upgrade ({describe(before_columns, old)})"
            )
            continue
        for column in kept:
            was, now = old[before_at[column]], encode(new[after_at[column]])
            if was != now:
                problems.append(
                    f"{table} id={row_id} column {column}: {show(was)} before, {show(now)} after"
                )
        for column, (normalise, expected) in added.items():
            now = normalise(new[after_at[column]])
            if now != expected:
                problems.append(
                    f"{table} id={row_id} new column {column}: {show(now)}, expected its "
                    f"default {show(expected)}"
                )
    for row_id in sorted(after_rows.keys() - before_rows.keys(), key=str):
        new = [encode(v) for v in after_rows[row_id]]
        problems.append(f"{table} id={row_id}: row added by the upgrade ({describe(columns, new)})")
    return len(before_rows)


def expected_triggers(processes: dict) -> dict[tuple, tuple]:
    """(process_id, event, transition) -> (source column, raw value) for every value not blank."""
    at = {c: i for i, c in enumerate(processes["columns"])}
    expected = {}
    for row in processes["rows"]:
        for column, event in TRIGGER_EVENTS.items():
            value = row[at[column]] or ""
            if value.strip():
                expected[(row[at["id"]], event, value.strip())] = (column, value)
    return expected


def compare_triggers(db: Db, problems: list[str], processes: dict) -> int:
    expected = expected_triggers(processes)
    if TRIGGER_TABLE not in db.tables:
        problems.append(
            f"{TRIGGER_TABLE}: table missing; expected {len(expected)} rows replacing "
            f"{PROCESS_TABLE}.{'/'.join(TRIGGER_EVENTS)}"
        )
        return 0
    columns = db.columns(TRIGGER_TABLE)
    lacking = [c for c in TRIGGER_COLUMNS if c not in columns]
    if lacking:
        problems.append(
            f"{TRIGGER_TABLE}: no column {', '.join(lacking)} (it has {', '.join(columns)})"
        )
        return 0
    select = ", ".join(db.q(c) for c in TRIGGER_COLUMNS)
    rows = db.fetch(f"SELECT {select} FROM {db.q(TRIGGER_TABLE)} ORDER BY {db.q('id')}")  # noqa: S608 (quoted names)
    found = Counter((encode(pid), event, transition) for _id, pid, event, transition in rows)
    at = {c: i for i, c in enumerate(processes["columns"])}
    names = {row[at["id"]]: row[at["name"]] for row in processes["rows"]} if "name" in at else {}
    for key in sorted(Counter(expected.keys()) - found, key=str):
        (pid, event, transition), (column, value) = key, expected[key]
        problems.append(
            f"{TRIGGER_TABLE}: no row process_id={pid} event={event!r} transition={transition!r}"
            f" (from {PROCESS_TABLE} id={pid} {names.get(pid, '')!r} {column}={value!r})"
        )
    for key, extra in sorted((found - Counter(expected.keys())).items(), key=str):
        pid, event, transition = key
        ids = [encode(r[0]) for r in rows if (encode(r[1]), r[2], r[3]) == key]
        problems.append(
            f"{TRIGGER_TABLE} id={','.join(map(str, ids))}: unexpected row process_id={pid} "
            f"event={event!r} transition={transition!r}"
            + (f" ({extra} more than expected)" if key in expected else "")
        )
    return len(expected)


def compare(db: Db, before: dict, expect_refactor: bool) -> tuple[list[str], str]:
    problems: list[str] = []
    if before.get("format") != SNAPSHOT_FORMAT:
        raise CheckError("the snapshot was written by another version of this script")
    if before["vendor"] != db.connection.vendor:
        raise CheckError(
            f"snapshot taken on {before['vendor']}, database is {db.connection.vendor}"
        )

    rows = {t: compare_table(db, problems, t, before["tables"][t]) for t in before["tables"]}
    for table, was in before["counts"].items():
        now = db.count(table) if table in db.tables else None
        if now != was:
            problems.append(f"{table}: {was} rows before, {now} after the upgrade")

    # Processes: every other column unchanged; the quotation_* columns become trigger rows.
    processes = before["processes"]
    moved_columns = tuple(TRIGGER_EVENTS) if expect_refactor else ()
    compare_table(db, problems, PROCESS_TABLE, processes, ignore=moved_columns)
    triggers = 0
    if expect_refactor:
        if PROCESS_TABLE in db.tables:
            left = [c for c in db.columns(PROCESS_TABLE) if c in TRIGGER_EVENTS]
            for column in left:
                problems.append(
                    f"{PROCESS_TABLE}.{column}: column still there; the refactor replaces it with "
                    f"{TRIGGER_TABLE} rows"
                )
        triggers = compare_triggers(db, problems, processes)
    elif TRIGGER_TABLE in db.tables:
        problems.append(
            f"{TRIGGER_TABLE} exists: the refactor has landed, run without --no-expect-refactor"
        )

    # Content types: relabelled in place (same ids), nothing lost, nothing left behind.
    after_types = {i: (label, model) for i, label, model in db.content_types()}
    for type_id, label, model in before["content_types"]:
        want = (after_label(label, model, expect_refactor), model)
        got = after_types.get(type_id)
        if got is None:
            problems.append(
                f"django_content_type id={type_id} ({label}.{model}): row gone after the upgrade"
                + (" (relabel it, do not recreate it)" if model in MOVED_MODELS else "")
            )
        elif got != want:
            problems.append(
                f"django_content_type id={type_id}: {got[0]}.{got[1]} after the upgrade, "
                f"expected {want[0]}.{want[1]}"
            )
    moved_ids = {
        model: type_id
        for type_id, label, model in before["content_types"]
        if label == OLD_APP and model in MOVED_MODELS
    }
    for type_id, (label, model) in sorted(after_types.items()):
        if model not in moved_ids or type_id == moved_ids[model]:
            continue  # that row was checked above
        if label in (OLD_APP, NEW_APP):
            problems.append(
                f"django_content_type id={type_id}: {'leftover' if label == OLD_APP else 'new'} "
                f"{label}.{model}; the model keeps its row id={moved_ids[model]}, relabelled"
            )

    # Permissions keep their ids, codenames and content types (whose labels are checked above).
    after_permissions = {i: (ct, code) for i, ct, _label, _model, code in db.permissions()}
    for perm_id, type_id, label, _model, codename in before["permissions"]:
        got = after_permissions.get(perm_id)
        if got is None:
            problems.append(
                f"auth_permission id={perm_id} ({label}.{codename}): gone after the upgrade"
            )
        elif got != (type_id, codename):
            problems.append(
                f"auth_permission id={perm_id} ({label}.{codename}): codename {got[1]!r} on "
                f"content type id={got[0]} after the upgrade, was id={type_id}"
            )

    # Grants, as (group or username, app_label, model, codename), the label as expected after.
    grants = {}
    for kind, key, now in (
        ("group", "group_grants", db.group_grants()),
        ("user", "user_grants", db.user_grants()),
    ):
        was = {
            (who, after_label(label, model, expect_refactor), model, codename)
            for who, label, model, codename in before[key]
        }
        now = {tuple(row) for row in now}
        lost, gained = was - now, now - was
        # The same grant under another app label: one line, not a loss and a gain.
        relabelled = {(g[0], g[2], g[3]): g for g in gained}
        for who, label, model, codename in sorted(lost):
            other = relabelled.pop((who, model, codename), None)
            if other is not None:
                gained.discard(other)
                problems.append(
                    f"{kind} {who!r}: {codename} granted on {other[1]}.{model} after the "
                    f"upgrade, expected {label}.{model}"
                )
            else:
                problems.append(f"{kind} {who!r} lost permission {label}.{codename} ({model})")
        for who, label, model, codename in sorted(gained):
            if kind == "group" and (label, model, codename) in NEW_GROUP_GRANTS:
                continue
            problems.append(f"{kind} {who!r} gained permission {label}.{codename} ({model})")
        grants[kind] = len(was)

    summary = (
        f"quotations {rows['workflows_quotation']}, lines {rows['workflows_quotationline']}, "
        f"invoices {rows['workflows_invoice']}, invoice lines {rows['workflows_invoiceline']}, "
        f"catalogue rows {sum(rows[t] for t in CATALOGUE_TABLES)}, "
        f"grants {grants['group'] + grants['user']} (groups {grants['group']}, "
        f"users {grants['user']}), permissions {len(before['permissions'])}, "
        f"content types {len(before['content_types'])} "
        f"({len(moved_ids)} {'now ' + NEW_APP if expect_refactor else 'still ' + OLD_APP}), "
        f"cases {rows[CASE_TABLE]}, case events {before['counts']['workflows_caseevent']}, "
        f"attachments {before['counts']['workflows_attachment']}, "
        f"processes {len(processes['rows'])}"
        + (f", quotation triggers {triggers}" if expect_refactor else "")
    )
    if expect_refactor and not any(t[1] == NEW_APP for t in after_types.values()):
        if TRIGGER_TABLE not in db.tables:
            problems.insert(
                0,
                f"the refactor has not landed in this tree (no {NEW_APP} content type, no "
                f"{TRIGGER_TABLE}); --no-expect-refactor checks a tree without it",
            )
    return problems, summary


# --- Extra rows the demo lacks --------------------------------------------------------------------


def seed_extras(db: Db) -> list[str]:
    """Rows the demo does not create, written in the old schema so the checks are not vacuous: a
    user's own grants (a moved model's and a staying one's), a process with only an accept
    transition padded with spaces, an invoice with its lines."""
    from django.db import transaction

    done = []
    with transaction.atomic():
        users = db.fetch(
            "SELECT id, username FROM accounts_user WHERE is_superuser = %s ORDER BY username",
            [False],
        )
        if users:
            user_id, username = users[0]
            for codename, model in (
                ("view_quotation", "quotation"),
                ("change_sparepart", "sparepart"),
                ("view_case", "case"),
            ):
                db.cursor.execute(
                    "INSERT INTO accounts_user_user_permissions (user_id, permission_id) "
                    "SELECT %s, p.id FROM auth_permission p "
                    "JOIN django_content_type ct ON ct.id = p.content_type_id "
                    "WHERE ct.app_label = %s AND ct.model = %s AND p.codename = %s "
                    "AND NOT EXISTS (SELECT 1 FROM accounts_user_user_permissions up "
                    "WHERE up.user_id = %s AND up.permission_id = p.id)",
                    [user_id, OLD_APP, model, codename, user_id],
                )
            done.append(f"user {username!r}: 3 permissions of their own")

        blank = db.fetch(
            "SELECT id, name FROM workflows_process WHERE quotation_send_transition = '' "
            "AND quotation_accept_transition = '' AND quotation_refuse_transition = '' "
            "ORDER BY id"
        )
        if blank:
            process_id, name = blank[0]
            db.cursor.execute(
                "UPDATE workflows_process SET quotation_accept_transition = %s WHERE id = %s",
                ["  customer_accepts ", process_id],
            )
            done.append(f"process {name!r}: only an accept transition, with spaces around it")

        accepted = db.fetch(
            "SELECT q.id, q.case_id, c.store_id, q.currency, q.subtotal, q.tax, q.total, "
            "q.created_by_id FROM workflows_quotation q "
            "JOIN workflows_case c ON c.id = q.case_id WHERE q.status = 'accepted' "
            "AND NOT EXISTS (SELECT 1 FROM workflows_invoice i WHERE i.quotation_id = q.id) "
            "ORDER BY q.id"
        )
        if accepted:
            quotation_id, case_id, store_id, currency, subtotal, tax, total, user_id = accepted[0]
            year = 2026
            number = db.fetch(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM workflows_invoice "
                "WHERE store_id = %s AND year = %s",
                [store_id, year],
            )[0][0]
            reference = f"INV-UPGRADE-CHECK-{quotation_id}"
            issued_at = db.connection.ops.adapt_datetimefield_value(
                datetime(2026, 12, 5, 10, 30, tzinfo=UTC)
            )
            db.cursor.execute(
                "INSERT INTO workflows_invoice (year, number, reference, currency, subtotal, tax, "
                "total, issued_at, case_id, issued_by_id, quotation_id, store_id) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [year, number, reference, currency, subtotal, tax, total, issued_at, case_id]
                + [user_id, quotation_id, store_id],
            )
            invoice_id = db.fetch(
                "SELECT id FROM workflows_invoice WHERE reference = %s", [reference]
            )[0][0]
            db.cursor.execute(
                "INSERT INTO workflows_invoiceline (position, code, description, quantity, "
                "unit_price, discount_percent, tax_rate, net, invoice_id) "
                "SELECT position, code, description, quantity, unit_price, discount_percent, "
                "tax_rate, net, %s FROM workflows_quotationline WHERE quotation_id = %s",
                [invoice_id, quotation_id],
            )
            done.append(f"invoice {reference} for quotation id={quotation_id}")
    return done


# --- PostgreSQL scratch database ------------------------------------------------------------------


def _libpq_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def create_database(server_url: str) -> str:
    """Creates an empty scratch database next to the one ``server_url`` names; its URL."""
    import secrets

    import psycopg
    from psycopg import sql

    name = f"upgrade_check_{secrets.token_hex(4)}"
    with psycopg.connect(_libpq_url(server_url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def drop_database(server_url: str, scratch_url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(scratch_url).path.lstrip("/")
    if not name.startswith("upgrade_check_"):
        raise CheckError(f"refusing to drop {name!r}: not a scratch database of this check")
    with psycopg.connect(_libpq_url(server_url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# --- Command line ---------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("snapshot", help="read the database before the upgrade")
    take.add_argument("--out", type=Path, required=True)
    check = commands.add_parser("compare", help="read it again after the upgrade and compare")
    check.add_argument("--before", type=Path, required=True)
    check.add_argument(
        "--expect-refactor",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="expect the after-sales move and the process triggers (default); "
        "--no-expect-refactor expects the layout before the refactor",
    )
    commands.add_parser("seed-extras", help="add rows the demo lacks (old schema)")
    create = commands.add_parser("create-database", help="PostgreSQL: a scratch database")
    create.add_argument("--server-url", required=True)
    drop = commands.add_parser("drop-database", help="PostgreSQL: drop the scratch database")
    drop.add_argument("--server-url", required=True)
    drop.add_argument("--url", required=True)
    args = parser.parse_args(argv)

    try:
        if args.command == "create-database":
            print(create_database(args.server_url))
            return 0
        if args.command == "drop-database":
            drop_database(args.server_url, args.url)
            return 0

        db = Db(setup_django())
        if args.command == "seed-extras":
            for line in seed_extras(db):
                print(f"    + {line}")
            return 0
        if args.command == "snapshot":
            data = snapshot(db)
            args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False))
            moved = sum(len(data["tables"][t]["rows"]) for t in MOVED_TABLES)
            print(f"    {moved} after-sales rows, {len(data['tables'][CASE_TABLE]['rows'])} cases")
            return 0

        before = json.loads(args.before.read_text())
        problems, summary = compare(db, before, args.expect_refactor)
    except CheckError as error:
        print(f"upgrade check: {error}", file=sys.stderr)
        return 2

    mode = "refactor expected" if args.expect_refactor else "refactor NOT expected"
    if problems:
        print(f"UPGRADE CHECK FAILED ({mode}): {len(problems)} difference(s)", file=sys.stderr)
        for problem in problems[:PROBLEMS_SHOWN]:
            print(f"  - {problem}", file=sys.stderr)
        if len(problems) > PROBLEMS_SHOWN:
            print(f"  … and {len(problems) - PROBLEMS_SHOWN} more", file=sys.stderr)
        return 1
    print(f"Upgrade without loss ({mode}): {summary}: unchanged.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
