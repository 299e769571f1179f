#!/usr/bin/env bash
# Upgrade without loss: migrate a database built by an older commit with the current code and
# check that no after-sales row, case, permission grant or quotation trigger was lost.
#
#   bash scripts/upgrade_check.sh [BEFORE_COMMIT] [--no-expect-refactor] [--no-extras]
#
# BEFORE_COMMIT defaults to a1c33f0, the last commit before the after-sales refactor. Runs on a
# fresh SQLite file in a temporary directory; with UPGRADE_CHECK_DATABASE_URL=postgres://…, on a
# scratch PostgreSQL database created next to the one it names and dropped afterwards.
# UPGRADE_CHECK_KEEP=1 keeps the temporary directory (database, snapshot, logs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${UPGRADE_CHECK_PYTHON:-$ROOT/.venv/bin/python}"
CHECK="$ROOT/scripts/upgrade_check.py"

BEFORE_REF="a1c33f0"
COMPARE_ARGS=()
EXTRAS=1
for arg in "$@"; do
  case "$arg" in
    --expect-refactor | --no-expect-refactor) COMPARE_ARGS+=("$arg") ;;
    --no-extras) EXTRAS=0 ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "upgrade check: unknown option $arg (see --help)" >&2; exit 2 ;;
    *) BEFORE_REF="$arg" ;;
  esac
done

die() { echo "upgrade check: $*" >&2; exit 2; }

[ -x "$PY" ] || die "no $PY: run 'make install' first (or set UPGRADE_CHECK_PYTHON)"
BEFORE="$(git rev-parse --verify --quiet "${BEFORE_REF}^{commit}")" ||
  die "commit '$BEFORE_REF' is not in this clone. A shallow clone lacks it: fetch the history" \
    "(git fetch --unshallow, or fetch-depth: 0 in CI), or pass another commit."
AFTER_DESC="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo '+changes')"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/upgrade-check.XXXXXX")"
SCRATCH_URL=""
cleanup() {
  if [ -n "$SCRATCH_URL" ]; then
    "$PY" "$CHECK" drop-database --server-url "$UPGRADE_CHECK_DATABASE_URL" --url "$SCRATCH_URL" ||
      echo "upgrade check: could not drop the scratch database $SCRATCH_URL" >&2
  fi
  if [ "${UPGRADE_CHECK_KEEP:-0}" = 1 ]; then
    echo "kept $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT

# Everything the settings write goes to the temporary directory; values set here win over a
# developer's .env (django-environ never overrides the environment).
export DJANGO_SETTINGS_MODULE=project.settings.dev # what `make run` uses
export ATELIER_VAR_DIR="$TMP/var"
export HUEY_SQLITE_PATH="$TMP/var/huey.sqlite3"
export STATIC_ROOT="$TMP/var/static"
export MEDIA_ROOT="$TMP/var/media"
export PRIVATE_MEDIA_ROOT="$TMP/var/private"
export REDIS_URL="" HUEY_IMMEDIATE=false CACHE_URL="locmemcache://" EMAIL_URL="consolemail://"
export ATELIER_BASE_URL="http://127.0.0.1:8000" LOG_LEVEL=WARNING
unset PYTHONPATH
mkdir -p "$TMP/var" "$TMP/logs"

STARTED=$SECONDS
step() { printf '==> %s\n' "$*"; }
# run LOG CMD…: the command's output goes to $TMP/logs/LOG.log, shown when it fails.
run() {
  local log="$TMP/logs/$1.log" t0=$SECONDS
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "FAILED: $* (last lines of its output):" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  echo "    ok ($((SECONDS - t0))s)"
}

if [ -n "${UPGRADE_CHECK_DATABASE_URL:-}" ]; then
  SCRATCH_URL="$("$PY" "$CHECK" create-database --server-url "$UPGRADE_CHECK_DATABASE_URL")"
  export DATABASE_URL="$SCRATCH_URL"
  step "database: scratch PostgreSQL database ${SCRATCH_URL##*/}"
else
  export DATABASE_URL="sqlite:///$TMP/db.sqlite3" # $TMP is absolute: sqlite:////tmp/…
  step "database: $TMP/db.sqlite3"
fi

step "before: $(git log -1 --format='%h %s' "$BEFORE")"
mkdir "$TMP/before"
git archive "$BEFORE" | tar -x -C "$TMP/before"

# The old tree's packages, not the editable install of this checkout: its directory comes first
# on sys.path (the script's directory for manage.py, the working directory for -c).
(
  cd "$TMP/before"
  "$PY" - "$TMP/before" <<'EOF'
import os, sys
import project, workflows
root = os.path.realpath(sys.argv[1])
for module in (project, workflows):
    if not os.path.realpath(module.__file__).startswith(root + os.sep):
        sys.exit(f"{module.__name__} imported from {module.__file__}, not from {root}")
print(f"    workflows from {workflows.__file__}")
EOF
)
step "before: migrate"
(cd "$TMP/before" && run before-migrate "$PY" manage.py migrate --noinput)
step "before: seed_demo"
(cd "$TMP/before" && run before-seed "$PY" manage.py seed_demo)
if [ "$EXTRAS" = 1 ]; then
  step "before: rows the demo lacks"
  "$PY" "$CHECK" seed-extras
fi

step "snapshot"
"$PY" "$CHECK" snapshot --out "$TMP/before.json"

step "after: migrate with the current code ($AFTER_DESC)"
run after-migrate "$PY" manage.py migrate --noinput

step "compare"
status=0
"$PY" "$CHECK" compare --before "$TMP/before.json" "${COMPARE_ARGS[@]}" || status=$?
echo "($((SECONDS - STARTED))s)"
exit "$status"
