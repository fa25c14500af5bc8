"""The benchmark behind "make bench": our daily job and sending against the OCA
add-ons account_credit_control and account_invoice_overdue_reminder, in the same
database, on the same invoices, in the same run.

Each measurement runs in an Odoo process of its own (scripts/bench/measure.py) and
commits; the database is analyzed between measurements, for every system alike.
Databases are kept as templates between runs of the benchmark, keyed by what they
are built from. Writes docs/bench/results.json and docs/bench/bench.png, prints the
table and puts it in the README between the bench markers.

Settings (environment): BENCH_SIZES (default "1000 10000 100000"; another set of
sizes writes its results to the cache, leaving the committed ones alone),
BENCH_PEER_TIMEOUT (seconds a peer's run may take, default 600), BENCH_MAILS
(reminder mails queued by ours, default 1000; measured at the largest N when it is
at least 10 times as many invoices), BENCH_PEER_MAILS (by the overdue-reminder
wizard, default 200).
"""

import fcntl
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg2

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from progress import Progress  # noqa: E402

ODOO = ROOT / "scripts" / "odoo"
FULL_SIZES = [1000, 10000, 100000]
# The peers' screens know only the real date: every system is measured as of today,
# and the invoices, dated from the day they were generated, are made again each day.
TODAY = date.today()
CACHE = Path(
    os.environ.get("BENCH_CACHE_DIR")
    or Path.home() / ".cache" / "account_invoice_reminder"
)
# One work database per clone, as for the tests.
CLONE = f"{zlib.crc32(str(ROOT).encode()):08x}"
WORK = f"reminder_bench_work_{CLONE}"


def _setting(name, default):
    value = os.environ.get(name, default)
    try:
        numbers = [int(n) for n in value.split()]
    except ValueError:
        numbers = []
    if not numbers or min(numbers) <= 0:
        sys.exit(f"{name}={value!r}: positive whole numbers expected, e.g. {default!r}")
    return numbers


SIZES = sorted(set(_setting("BENCH_SIZES", "1000 10000 100000")))
PEER_TIMEOUT = _setting("BENCH_PEER_TIMEOUT", "600")[0]
MAILS = _setting("BENCH_MAILS", "1000")[0]
PEER_MAILS = _setting("BENCH_PEER_MAILS", "200")[0]
# The committed figures are those of the full benchmark only.
OUT_DIR = ROOT / "docs" / "bench" if SIZES == FULL_SIZES else CACHE / "bench-results"
PEERS = "account_credit_control,account_invoice_overdue_reminder"


# The bar of the whole run: one unit per measurement planned (see main).
BAR = None


def progress(message):
    line = f"[{time.strftime('%H:%M:%S')}] {message}"
    if BAR is None:
        print(line, flush=True)
    else:
        BAR.note(line)


def sql(statement, dbname="postgres"):
    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(statement)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def db_exists(name):
    return bool(sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def filestore(name):
    return CACHE / "data" / "filestore" / name


def db_drop(name):
    sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(filestore(name), ignore_errors=True)


def db_copy(template, name):
    db_drop(name)
    sql(f'CREATE DATABASE "{name}" WITH TEMPLATE "{template}"')
    if filestore(template).is_dir():
        shutil.copytree(filestore(template), filestore(name))


def db_rename(old, new):
    db_drop(new)
    sql(f'ALTER DATABASE "{old}" RENAME TO "{new}"')
    if filestore(old).is_dir():
        filestore(old).rename(filestore(new))


def db_drop_others(prefix, keep):
    """Databases of earlier keys or days, which nothing uses any more."""
    # Compared in Python: in LIKE, "_" matches any character.
    for (name,) in sql("SELECT datname FROM pg_database"):
        if name.startswith(prefix) and name != keep:
            db_drop(name)


def analyze(dbname):
    sql("VACUUM ANALYZE", dbname)


def odoo(*args, stdin=None, env=None, timeout=None):
    """Run Odoo; return its exit status, or None when it ran out of time."""
    process = subprocess.Popen(
        [str(ODOO), *args, "--log-level=warn"],
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        text=True,
        start_new_session=True,
    )
    deadline = None if timeout is None else time.monotonic() + timeout
    # The input goes with the first call only: Python refuses it on the next ones.
    pending_input = stdin
    while True:
        # In short waits, so that the bar shows the time going by; communicate()
        # may be called again after a timeout without losing any output.
        wait = (
            2.0 if deadline is None else max(min(2.0, deadline - time.monotonic()), 0)
        )
        try:
            output, _ = process.communicate(pending_input, timeout=wait)
            break
        except subprocess.TimeoutExpired:
            pending_input = None
            if deadline is not None and time.monotonic() >= deadline:
                os.killpg(process.pid, 9)
                process.communicate()
                return None, ""
            if BAR is not None:
                BAR.refresh()
    return process.returncode, output


def measure(dbname, action, day=TODAY, timeout=None, counted=True, **variables):
    """One measurement in a process of its own; its figures, or None on timeout.
    ``counted``: one of the measurements the bar counts (preparations are not)."""
    figures = _measure(dbname, action, day, timeout, **variables)
    if counted and BAR is not None:
        BAR.advance(label=f"Bench: {action.replace('_', ' ')} on {dbname}")
    return figures


def _measure(dbname, action, day, timeout, **variables):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        status, output = odoo(
            "shell",
            "-d",
            dbname,
            stdin=(HERE / "measure.py").read_text(),
            env={
                "BENCH_ACTION": action,
                "BENCH_DAY": day.isoformat(),
                "BENCH_OUT": out.name,
                "BENCH_GENERATOR": str(HERE / "generate.py"),
                **{f"BENCH_{k.upper()}": str(v) for k, v in variables.items()},
            },
            timeout=timeout,
        )
        if status is None:
            return None
        text = Path(out.name).read_text()
        if status or not text:
            noise = "Running as user 'root'"
            lines = [line for line in output.splitlines() if noise not in line]
            sys.exit(f"{action} on {dbname} failed:\n" + "\n".join(lines[-40:]))
        return json.loads(text)


def base_db():
    """Accounting and the two peers, configured, without demo data nor invoices."""
    name = f"reminder_bench_base_{os.environ['BENCH_KEY']}"
    db_drop_others("reminder_bench_base_", name)
    if not db_exists(name):
        progress(f"Building {name}: accounting and the peers (about 2 minutes)")
        build = name + "_build"
        db_drop(build)
        status, output = odoo(
            "-d", build, "-i", f"account,{PEERS}", "--without-demo=all",
            "--stop-after-init",
        )  # fmt: skip
        if status:
            sys.exit(output[-4000:])
        measure(build, "prepare_peers", counted=False)
        db_rename(build, name)
    return name


def data_db(base, n):
    """``base`` with ``n`` open invoices."""
    name = f"reminder_bench_n{n}_{os.environ['BENCH_KEY']}_{TODAY:%Y%m%d}"
    db_drop_others(f"reminder_bench_n{n}_", name)
    if not db_exists(name):
        build = name + "_build"
        db_copy(base, build)
        figures = measure(build, "generate", counted=False, n=n)
        progress(
            f"Generated {figures['invoices']:,} invoices for "
            f"{figures['customers']:,} customers in {figures['seconds']:.0f} s"
        )
        analyze(build)
        db_rename(build, name)
    return name


def runs_of_ours(results, n):
    days = [
        ("first run", TODAY),
        ("same day", TODAY),
        ("next day", TODAY + DAY),
        # The weekly look at every open invoice.
        ("a week later", TODAY + 7 * DAY),
        # The same with a courtesy step: what its pass adds to a day's run.
        (COURTESY_RUN, TODAY + 8 * DAY),
    ]
    for label, day in days:
        if label == COURTESY_RUN:
            measure(WORK, "add_courtesy_step", day=day, counted=False)
        figures = measure(WORK, "job", day=day)
        figures["label"] = label
        results.append(figures)
        progress(
            f"  ours, {label}: {figures['seconds']:.2f} s, {figures['queries']} "
            f"queries, +{figures['memory_mb']:.0f} MB, {figures['tagged']} tagged, "
            f"{figures.get('courtesy', 0)} courtesy reminders"
        )
        analyze(WORK)


def runs_of_credit_control(results, n):
    days = [("first run", TODAY), ("second run", TODAY), ("third run", TODAY + DAY)]
    for label, day in days:
        figures = measure(WORK, "credit_control", day=day, timeout=PEER_TIMEOUT)
        if figures is None:
            progress(f"  credit control, {label}: not finished in {PEER_TIMEOUT} s")
            results.append({"label": label, "timeout": PEER_TIMEOUT})
            # The runs left are not made: the bar counts them as done.
            if BAR is not None:
                BAR.advance(len(days) - len(results))
            return
        figures["label"] = label
        results.append(figures)
        progress(
            f"  credit control, {label}: {figures['seconds']:.2f} s, "
            f"{figures['queries']} queries, {figures['lines_generated']} lines"
        )
        analyze(WORK)


DAY = timedelta(days=1)
COURTESY_RUN = "8 days later, with a courtesy step"


def planned_measurements():
    """What main() measures: installs, our 5 runs, the floor 3 times, the peer's 3
    runs and, at the largest size, the two sendings."""
    sending = 2 if max(SIZES) >= 10 * MAILS else 0
    return 2 + len(SIZES) * (2 + 5 + 3 + 3) + sending


def main():
    # Two benchmarks at once would share the databases they build, and each would
    # time the other's work.
    CACHE.mkdir(parents=True, exist_ok=True)
    lock = (CACHE / "bench.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit("Another make bench is running on this machine: wait for it to end.")
    started = time.time()
    global BAR
    BAR = Progress(planned_measurements(), "Bench")
    base = base_db()
    results = {
        "date": TODAY.isoformat(),
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "peers": peer_versions(),
        "sizes": {},
        "install": {},
    }
    progress("Installing the add-on on the database without invoices")
    results["install"]["0"] = []
    for _ in range(2):
        db_copy(base, WORK)
        results["install"]["0"].append(measure(WORK, "install")["seconds"])
    for n in SIZES:
        data = data_db(base, n)
        progress(f"N = {n:,}")
        results["install"][str(n)] = []
        for _ in range(2):
            db_copy(data, WORK)
            install = measure(WORK, "install")
            results["install"][str(n)].append(install["seconds"])
        progress(f"  installing the add-on: {results['install'][str(n)]} s")
        analyze(WORK)
        figures = {"ours": [], "credit_control": [], "floor": []}
        runs_of_ours(figures["ours"], n)
        for _ in range(3):
            figures["floor"].append(measure(WORK, "floor"))
        progress(f"  floor query: {min(f['seconds'] for f in figures['floor']):.3f} s")
        runs_of_credit_control(figures["credit_control"], n)
        if n == max(SIZES) and n >= 10 * MAILS:
            figures["mails_ours"] = measure(WORK, "send_ours", mails=MAILS)
            progress(f"  ours, sending: {figures['mails_ours']}")
            analyze(WORK)
            figures["mails_peer"] = measure(
                WORK, "send_peer", mails=PEER_MAILS, timeout=PEER_TIMEOUT
            )
            progress(f"  overdue reminder, sending: {figures['mails_peer']}")
        results["sizes"][str(n)] = figures
    db_drop(WORK)
    BAR.close()
    BAR = None
    results["seconds"] = round(time.time() - started)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = render(results)
    print(table)
    if OUT_DIR == ROOT / "docs" / "bench":
        update_readme(table)
    plot(results)
    progress(f"Done in {results['seconds']} s: {OUT_DIR / 'results.json'}")


# ------------------------------------------------------------------ report


def machine():
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+)", meminfo.read_text())
        memory = f", {int(found.group(1)) / 1024**2:.0f} GiB" if found else ""
    postgres = sql("SHOW server_version")[0][0]
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, PostgreSQL {postgres}, "
        f"Python {platform.python_version()}"
    )


def peer_versions():
    versions = {}
    for dist in Path(os.environ["BENCH_PEERS_DIR"]).glob("odoo_addon_*.dist-info"):
        name, version = dist.name[len("odoo_addon_") : -len(".dist-info")].rsplit(
            "-", 1
        )
        versions[name] = version
    return versions


def _run(runs, label):
    return next((r for r in runs if r.get("label") == label), None)


def _seconds(run):
    if run is None:
        return ""
    if "timeout" in run:
        return f"> {run['timeout']} s (stopped)"
    return f"{run['seconds']:.2f} s ({run['queries']:,} q)"


def _times(ratio):
    return f"{ratio:.1f}×" if ratio < 10 else f"{ratio:.0f}×"


def _ratio(peer, ours):
    if not peer or not ours:
        return ""
    if "timeout" in peer:
        return f"> {_times(peer['timeout'] / ours['seconds'])}"
    return _times(peer["seconds"] / ours["seconds"])


def render(results):
    lines = [
        f"Measured on {results['measured_at'][:10]} by `make bench` on "
        f"{results['machine']}; "
        "Odoo 18.0, one customer per 10 invoices, three-level policies, every run "
        "committed, the database analyzed between runs. Peers: "
        + ", ".join(f"{k} {v}" for k, v in sorted(results["peers"].items()))
        + ".",
        "",
        "| N | run | ours | queries / 1,000 invoices | credit control | "
        "credit control / ours | ours / floor query (fastest of 3) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    pairs = [
        ("first run", "first run"),
        ("same day", "second run"),
        ("next day", "third run"),
        ("a week later", None),
        (COURTESY_RUN, "third run"),
    ]
    for n, figures in results["sizes"].items():
        floor = min(f["seconds"] for f in figures["floor"])
        for ours_label, peer_label in pairs:
            ours = _run(figures["ours"], ours_label)
            if ours is None:
                # Results measured before that run existed.
                continue
            peer = _run(figures["credit_control"], peer_label)
            per_1000 = ours["queries"] / max(int(n) / 1000, 1)
            run_label = f"{ours_label} / {peer_label}" if peer_label else ours_label
            lines.append(
                f"| {int(n):,} | {run_label} | "
                f"{ours['seconds']:.2f} s ({ours['queries']:,} q, "
                f"+{ours['memory_mb']:.0f} MB) | {per_1000:.1f} | {_seconds(peer)} | "
                f"{_ratio(peer, ours)} | {_times(ours['seconds'] / floor)} "
                f"({floor * 1000:.0f} ms) |"
            )
    lines.append("")
    for n, figures in results["sizes"].items():
        if "mails_ours" not in figures:
            continue
        ours, peer = figures["mails_ours"], figures["mails_peer"]
        ours_ms = ours["seconds"] / ours["mails"] * 1000
        line = (
            f"Sending, N = {int(n):,}: ours queued {ours['mails']:,} mails for "
            f"{ours['invoices']:,} invoices in {ours['seconds']:.1f} s "
            f"({ours_ms:.1f} ms per mail, preview included, {ours['queries']:,} "
            "queries)"
        )
        if peer and peer.get("mails"):
            # Like for like: ours includes its preview, the peer its start wizard
            # (which proposes the mails); its validation alone is given too.
            validate = peer["seconds"] - peer["start_seconds"]
            peer_ms = peer["seconds"] / peer["mails"] * 1000
            line += (
                f"; the overdue-reminder wizard, {peer['mails']} mails for "
                f"{peer['invoices']} invoices in {peer['seconds']:.1f} s "
                f"({peer_ms:.0f} ms per mail: {peer['start_seconds']:.1f} s to start, "
                "then "
                f"{validate / peer['mails'] * 1000:.0f} ms per mail to validate): "
                + (
                    f"the peer takes {_times(peer_ms / ours_ms)} our time per mail."
                    if peer_ms >= ours_ms
                    else f"ours takes {_times(ours_ms / peer_ms)} the peer's time "
                    "per mail."
                )
            )
        else:
            line += "; the overdue-reminder wizard did not finish."
        lines.append(line)
    empty = min(results["install"]["0"])
    for n, seconds in results["install"].items():
        if n != "0":
            lines.append(
                f"Installing the add-on on {int(n):,} invoices: {min(seconds):.1f} s, "
                f"{_times(min(seconds) / empty)} its {empty:.1f} s on a database "
                "without invoices."
            )
    return "\n".join(lines) + "\n"


def update_readme(table):
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        __, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}{end}{tail}")


def plot(results):
    tools = os.environ.get("BENCH_TOOLS_DIR")
    if tools:
        sys.path.insert(0, tools)
    import matplotlib  # noqa: PLC0415 - from the benchmark's own folder

    matplotlib.use("Agg")
    from matplotlib import pyplot  # noqa: PLC0415

    sizes = [int(n) for n in results["sizes"]]
    figure, axes = pyplot.subplots(figsize=(8, 5))
    series = [
        ("ours", "first run", "ours, first run", "o-"),
        ("ours", "same day", "ours, same day", "o--"),
        ("ours", "next day", "ours, next day", "o:"),
        ("ours", "a week later", "ours, a week later (full check)", "o-."),
        ("credit_control", "first run", "credit control, first run", "s-"),
        ("credit_control", "second run", "credit control, second run", "s--"),
        ("credit_control", "third run", "credit control, third run", "s:"),
        ("floor", None, "floor query", "^-"),
    ]
    for system, label, legend, style in series:
        xs, ys = [], []
        for n in sizes:
            runs = results["sizes"][str(n)][system]
            run = min(runs, key=lambda r: r["seconds"]) if label is None else None
            run = run or _run(runs, label)
            if run and "seconds" in run:
                xs.append(n)
                ys.append(run["seconds"])
            elif run and "timeout" in run:
                # Stopped: drawn at the time it was given, as a lower bound.
                axes.annotate(
                    f"stopped after {run['timeout']} s",
                    (n, run["timeout"]),
                    textcoords="offset points",
                    xytext=(-60, 8),
                )
                axes.plot([n], [run["timeout"]], "x", color="black")
        if xs:
            axes.plot(xs, ys, style, label=legend)
    axes.set_xscale("log")
    axes.set_yscale("log")
    # Room above the highest point for the label of a stopped run.
    axes.set_ylim(top=axes.get_ylim()[1] * 4)
    axes.set_xlabel("open invoices (N)")
    axes.set_ylabel("seconds (log)")
    axes.set_title(f"Daily run against N, {results['date']}")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(OUT_DIR / "bench.png", dpi=110)


def render_again():
    """The table, README and plot again from the last results (no measuring)."""
    results = json.loads((OUT_DIR / "results.json").read_text())
    table = render(results)
    print(table)
    update_readme(table)
    plot(results)


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:
        render_again()
    else:
        main()
