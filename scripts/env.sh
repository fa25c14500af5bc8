# shellcheck shell=bash
# Paths and connection settings shared by the project's scripts. Sourced, never executed.
#
# Everything heavy (Odoo source, virtualenv, addons link) lives in a cache outside the
# repository, so that a fresh clone reuses it and nothing of Odoo is ever committed.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDON_NAME=account_invoice_reminder
CACHE_DIR=${REMINDER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/account_invoice_reminder}
ODOO_SRC=${ODOO_SRC:-$HOME/.cache/odoo-src/18.0}
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
PYTHON=${PYTHON:-python3.11}
VENV=${REMINDER_VENV:-$CACHE_DIR/venv-py3.11}

# Odoo loads an add-on by its folder name: each clone gets its own addons folder holding a
# link named after the add-on, so two clones never shadow each other.
ADDONS_LINK_DIR=$CACHE_DIR/addons/$(printf '%s' "$REPO_ROOT" | cksum | cut -d' ' -f1)

# PostgreSQL: the PG* variables when set, else the local server's socket.
DB_HOST=${PGHOST:-}
DB_PORT=${PGPORT:-}
DB_USER=${PGUSER:-}
DB_PASSWORD=${PGPASSWORD:-}

odoo_db_args() {
    local args=()
    [ -n "$DB_HOST" ] && args+=(--db_host "$DB_HOST")
    [ -n "$DB_PORT" ] && args+=(--db_port "$DB_PORT")
    [ -n "$DB_USER" ] && args+=(--db_user "$DB_USER")
    [ -n "$DB_PASSWORD" ] && args+=(--db_password "$DB_PASSWORD")
    [ ${#args[@]} -eq 0 ] || printf '%s\n' "${args[@]}"
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
