# shellcheck shell=bash
# A progress bar for a shell script's long steps (scripts/progress.py in script mode).
# Sourced after env.sh:
#   progress_start 5 "Building the demo database"
#   long_step_1 >>"$log" 2>&1; progress_step "Installing accounting"
#   ...
#   progress_end
# Each progress_step counts one step done and names the next one.

progress_start() {
    local fifo
    fifo=$(mktemp -u "${TMPDIR:-/tmp}/reminder-progress.XXXXXX")
    mkfifo "$fifo"
    python3 "$REPO_ROOT/scripts/progress.py" "$1" "$2" <"$fifo" &
    PROGRESS_PID=$!
    exec {PROGRESS_FD}>"$fifo"
    rm -f "$fifo"
}

progress_step() {
    [ -n "${PROGRESS_FD:-}" ] && echo "${1:-}" >&"$PROGRESS_FD"
    return 0
}

progress_end() {
    [ -n "${PROGRESS_FD:-}" ] || return 0
    exec {PROGRESS_FD}>&-
    wait "$PROGRESS_PID" 2>/dev/null || true
    PROGRESS_FD=
}
