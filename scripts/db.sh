# shellcheck shell=bash
# Database helpers for the project's scripts (sourced after env.sh).

psql_args() {
    local args=()
    [ -n "$DB_HOST" ] && args+=(-h "$DB_HOST")
    [ -n "$DB_PORT" ] && args+=(-p "$DB_PORT")
    [ -n "$DB_USER" ] && args+=(-U "$DB_USER")
    [ ${#args[@]} -eq 0 ] || printf '%s\n' "${args[@]}"
}

pg() {
    local args
    mapfile -t args < <(psql_args)
    PGOPTIONS="--client-min-messages=warning" PGPASSWORD=$DB_PASSWORD \
        psql "${args[@]}" -d postgres -v ON_ERROR_STOP=1 -Atqc "$1"
}

db_exists() {
    [ "$(pg "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

db_drop() {
    pg "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "$CACHE_DIR/data/filestore/$1"
}

# db_copy TEMPLATE TARGET: a new database TARGET from TEMPLATE, with its filestore.
db_copy() {
    db_drop "$2"
    pg "CREATE DATABASE \"$2\" WITH TEMPLATE \"$1\"" >/dev/null
    if [ -d "$CACHE_DIR/data/filestore/$1" ]; then
        rm -rf "$CACHE_DIR/data/filestore/$2"
        mkdir -p "$CACHE_DIR/data/filestore"
        cp -r "$CACHE_DIR/data/filestore/$1" "$CACHE_DIR/data/filestore/$2"
    fi
}

db_rename() {
    db_drop "$2"
    pg "ALTER DATABASE \"$1\" RENAME TO \"$2\"" >/dev/null
    if [ -d "$CACHE_DIR/data/filestore/$1" ]; then
        rm -rf "$CACHE_DIR/data/filestore/$2"
        mv "$CACHE_DIR/data/filestore/$1" "$CACHE_DIR/data/filestore/$2"
    fi
}

# A key for template databases: which Odoo, and the recipe that built them.
odoo_key() {
    local commit
    commit=$(cat "$ODOO_SRC/.snapshot-commit" 2>/dev/null \
        || git -C "$ODOO_SRC" rev-parse HEAD 2>/dev/null \
        || sha256sum "$ODOO_SRC/odoo/release.py" | cut -c1-40)
    printf '%s %s' "$commit" "$*" | sha256sum | cut -c1-10
}

# The template of the test databases (Odoo's "account" with English, French and
# German loaded, no demo data), built once and reused; prints its name.
test_template() {
    local tmpl
    tmpl="reminder_tmpl_$(odoo_key account en_US,fr_FR,de_DE without-demo)"
    (
        # Whoever comes second waits for the template the first one is building.
        flock 9
        if ! db_exists "$tmpl"; then
            log "Building the test template database $tmpl (Odoo 'account', English, French and German; about 90 s, reused later)"
            db_drop "${tmpl}_build"
            "$REPO_ROOT/scripts/odoo" -d "${tmpl}_build" -i account \
                --load-language=en_US,fr_FR,de_DE --without-demo=all --stop-after-init \
                --log-level=warn >&2 || exit 1
            db_rename "${tmpl}_build" "$tmpl"
        fi
    ) 9>"${TMPDIR:-/tmp}/$tmpl.lock" || return 1
    printf '%s\n' "$tmpl"
}
