# shellcheck shell=bash
# The OCA add-ons an accountant would pick instead of this one, from PyPI: the
# benchmark measures against them and the co-install test installs them next to it.
# Sourced after env.sh; needs the virtualenv (scripts/setup-env).
#
# They go into a folder of the cache that neither the virtualenv nor the tests see,
# with --no-deps: an OCA wheel requires the distribution "odoo", which the virtualenv
# has (pip install -e of the Odoo source), and maybe other OCA add-ons, which are
# fetched the same way (a Python library one of them required would not be: Odoo
# names it when installing the add-on; none does today). Their wheels are kept, so that a rebuild of the folder or the
# co-install test's resolution works without the network.

PEER_SPECS=("odoo-addon-account-credit-control==18.0.*" "odoo-addon-account-invoice-overdue-reminder==18.0.*")
PEERS_DIR=$CACHE_DIR/peers
PEER_WHEELS=$CACHE_DIR/peer-wheels

# ensure_peers: PEERS_DIR/odoo/addons holds the peers and the OCA add-ons they
# require; PEERS_KEY names that set (the benchmark keys its databases on it).
ensure_peers() {
    PEERS_KEY=$(printf '%s\n' "${PEER_SPECS[@]}" | sha256sum | cut -c1-16)
    [ "$(cat "$PEERS_DIR/.stamp" 2>/dev/null)" = "$PEERS_KEY" ] && return
    mkdir -p "$CACHE_DIR/logs"
    (
        # Two clones at once (a benchmark and a test): the second waits.
        flock 9
        [ "$(cat "$PEERS_DIR/.stamp" 2>/dev/null)" = "$PEERS_KEY" ] && exit 0
        log "Installing the OCA peers from PyPI into $PEERS_DIR"
        local piplog=$CACHE_DIR/logs/pip-peers.log
        rm -rf "$PEERS_DIR" "$PEER_WHEELS"
        mkdir -p "$PEER_WHEELS"
        local specs=("${PEER_SPECS[@]}")
        while [ ${#specs[@]} -gt 0 ]; do
            "$VENV/bin/pip" download --quiet --no-deps -d "$PEER_WHEELS" "${specs[@]}" >>"$piplog" 2>&1 \
                || { tail -n 20 "$piplog" >&2; die "the peers could not be downloaded (log: $piplog)"; }
            # The OCA add-ons they require that no wheel here provides yet.
            mapfile -t specs < <("$VENV/bin/python" - "$PEER_WHEELS" <<'PY'
import re
import sys
import zipfile
from pathlib import Path


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


have, wanted = set(), set()
for wheel in Path(sys.argv[1]).glob("*.whl"):
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        for line in z.read(meta).decode().splitlines():
            if line.startswith("Name: "):
                have.add(norm(line[6:]))
            elif line.startswith("Requires-Dist: odoo-addon-"):
                wanted.add(line[len("Requires-Dist: ") :].split(";")[0].strip())
for spec in sorted(wanted):
    if norm(re.split(r"[<>=!~ ]", spec)[0]) not in have:
        print(spec)
PY
            )
        done
        "$VENV/bin/pip" install --quiet --no-deps --no-index --target "$PEERS_DIR" "$PEER_WHEELS"/*.whl >>"$piplog" 2>&1 \
            || { tail -n 20 "$piplog" >&2; die "the peers could not be installed (log: $piplog)"; }
        echo "$PEERS_KEY" > "$PEERS_DIR/.stamp"
    ) 9>"$CACHE_DIR/peers.lock" || exit 1
}

# peer_addons: the technical names of the add-ons in PEERS_DIR, comma-separated.
peer_addons() {
    (cd "$PEERS_DIR/odoo/addons" && ls -d -- */ | tr -d / | paste -sd,)
}
