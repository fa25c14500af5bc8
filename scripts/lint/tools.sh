# shellcheck shell=bash
# The lint tools, built on demand into the cache and reused (sourced after env.sh).
# Each one has a stamp of what it was built from, as for the Odoo virtualenv: a change
# of scripts/lint/requirements.txt or package*.json rebuilds it on the next run.

LINT_DIR=$REPO_ROOT/scripts/lint
LINT_VENV=$CACHE_DIR/lint-venv
LINT_NODE=$CACHE_DIR/lint-node

# ensure_lint_venv: ruff, pylint-odoo, OCA's module checks, whool, in a Python
# virtualenv of their own.
ensure_lint_venv() {
    local want
    want=$( { cat "$LINT_DIR/requirements.txt"; "$PYTHON" --version 2>&1; } | sha256sum | cut -c1-16)
    [ "$(cat "$LINT_VENV/.reminder-stamp" 2>/dev/null)" = "$want" ] && return
    command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON=/path/to/python3.11)"
    mkdir -p "$CACHE_DIR/logs"
    (
        # Two clones linting at once: the second waits for the first one's build.
        flock 9
        [ "$(cat "$LINT_VENV/.reminder-stamp" 2>/dev/null)" = "$want" ] && exit 0
        log "Creating the lint virtualenv $LINT_VENV (ruff, pylint-odoo, whool; about 30 s)"
        local piplog=$CACHE_DIR/logs/pip-lint.log
        rm -rf "$LINT_VENV"
        { "$PYTHON" -m venv "$LINT_VENV" \
            && "$LINT_VENV/bin/pip" install --quiet 'pip<26' \
            && "$LINT_VENV/bin/pip" install --quiet -r "$LINT_DIR/requirements.txt"; \
        } >"$piplog" 2>&1 || { tail -n 30 "$piplog" >&2; die "the lint virtualenv could not be built (log: $piplog)"; }
        echo "$want" > "$LINT_VENV/.reminder-stamp"
    ) 9>"$CACHE_DIR/lint-venv.lock"
}

# ensure_lint_node: prettier and its XML plugin, from the npm registry, at the
# versions of scripts/lint/package-lock.json.
ensure_lint_node() {
    local want
    want=$(cat "$LINT_DIR/package.json" "$LINT_DIR/package-lock.json" | sha256sum | cut -c1-16)
    [ "$(cat "$LINT_NODE/.reminder-stamp" 2>/dev/null)" = "$want" ] && return
    mkdir -p "$CACHE_DIR/logs"
    if ! command -v npm >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            log "Installing Node.js and npm (Debian packages), which run prettier"
            { DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm \
                || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; }; \
            } >"$CACHE_DIR/logs/apt-node.log" 2>&1 \
                || die "Node.js could not be installed (see $CACHE_DIR/logs/apt-node.log)"
        else
            die "npm not found: make lint needs Node.js >= 18 with npm, for prettier"
        fi
    fi
    (
        flock 9
        [ "$(cat "$LINT_NODE/.reminder-stamp" 2>/dev/null)" = "$want" ] && exit 0
        log "Installing prettier and @prettier/plugin-xml into $LINT_NODE"
        rm -rf "$LINT_NODE"
        mkdir -p "$LINT_NODE"
        cp "$LINT_DIR/package.json" "$LINT_DIR/package-lock.json" "$LINT_NODE/"
        (cd "$LINT_NODE" && npm ci --silent --no-audit --no-fund) >"$CACHE_DIR/logs/npm-lint.log" 2>&1 \
            || { tail -n 30 "$CACHE_DIR/logs/npm-lint.log" >&2; die "npm ci failed (log: $CACHE_DIR/logs/npm-lint.log)"; }
        echo "$want" > "$LINT_NODE/.reminder-stamp"
    ) 9>"$CACHE_DIR/lint-node.lock"
}

# lint_files REGEX: the files of the clone (tracked, and new ones not ignored) whose
# path matches REGEX, one per line.
lint_files() {
    git -C "$REPO_ROOT" ls-files --cached --others --exclude-standard \
        | grep -E "$1" | while read -r f; do [ -f "$REPO_ROOT/$f" ] && printf '%s\n' "$f"; done
}

prettier() {
    "$LINT_NODE/node_modules/.bin/prettier" --config "$LINT_DIR/prettierrc.yml" \
        --ignore-path "$REPO_ROOT/.prettierignore" \
        --plugin "$LINT_NODE/node_modules/@prettier/plugin-xml/src/plugin.js" "$@"
}
# What prettier formats: the add-on's XML, and the web assets other branches bring.
PRETTIER_FILES='\.(xml|js|mjs|cjs|css|scss|less|json|ya?ml)$'
