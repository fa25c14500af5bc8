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
