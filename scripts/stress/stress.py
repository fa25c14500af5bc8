"""The fault suite behind "make stress", and its short version in "make test".

Real Odoo processes (scripts/stress/worker.py fed to "odoo shell") against scratch
databases, because what it checks cannot happen inside one test transaction:

- two workers: two processes run the daily job and the bulk sending at the same
  moment on the same invoices;
- crash: a process killed with SIGKILL at a random moment of the job, then of the
  sending, and the work run again;
- mail server down: the daily job sends the first step itself and the mail queue
  meets a closed SMTP port; then a running one (a small SMTP server of this
  script) and the next run;
- upgrade, uninstall and install again, each in a process of its own.

Every round starts from a copy of one base database (the add-on installed, 1,000
open invoices of 100 customers made by the benchmark's generator, committed) and
ends with checks by SQL against what one worker alone does on another copy. Each
round counts as one test; the last line is "N passed, N failed".

Usage: stress.py [--rounds N] [--crash-rounds N]; defaults are the full counts of
"make stress" (50 and 20).
"""

import argparse
import contextlib
import hashlib
import json
import os
import random
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import psycopg2

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ODOO = ROOT / "scripts" / "odoo"
GENERATOR_DIR = ROOT / "scripts" / "bench"
# Dates cannot be frozen across processes: every process is told this "today".
DAY = date(2026, 6, 30)
INVOICES = 1000
BARRIER_KEY = 5_417_001
WORKER_TIMEOUT = 300


def progress(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------- databases


@contextlib.contextmanager
def connect(dbname="postgres"):
    """An autocommit connection, closed at the end (psycopg2's own "with" would
    open a transaction, where CREATE DATABASE cannot run)."""
    connection = psycopg2.connect(dbname=dbname)
    connection.autocommit = True
    try:
        yield connection
    finally:
        connection.close()


def filestore(dbname):
    return Path(os.environ["STRESS_CACHE_DIR"]) / "data" / "filestore" / dbname


def db_drop(name):
    with connect() as connection, connection.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    subprocess.run(["rm", "-rf", str(filestore(name))], check=True)


def db_copy(template, name):
    db_drop(name)
    with connect() as connection, connection.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{name}" WITH TEMPLATE "{template}"')
    if filestore(template).is_dir():
        subprocess.run(
            ["cp", "-r", str(filestore(template)), str(filestore(name))], check=True
        )


def db_exists(name):
    with connect() as connection, connection.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def db_names(prefix):
    with connect() as connection, connection.cursor() as cr:
        cr.execute("SELECT datname FROM pg_database")
        return [name for (name,) in cr.fetchall() if name.startswith(prefix)]


def query(dbname, sql, params=None):
    with connect(dbname) as connection, connection.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def source_key():
    """What the base database is built from: Odoo's template, the add-on's files
    and the generator."""
    digest = hashlib.sha256(os.environ["STRESS_TEMPLATE"].encode())
    files = sorted(
        path
        for folder in ("models", "wizard", "data", "views", "security", "i18n")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    files += [
        ROOT / "__manifest__.py",
        ROOT / "hooks.py",
        GENERATOR_DIR / "generate.py",
    ]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    digest.update(str(INVOICES).encode())
    return digest.hexdigest()[:10]


def base_db():
    """The add-on installed and the invoices made, committed: every round starts
    from a copy of it."""
    name = f"reminder_stress_base_{source_key()}"
    for old in db_names("reminder_stress_base_"):
        if old != name:
            db_drop(old)
    if db_exists(name):
        return name
    build = name + "_build"
    progress(f"Building the base database {name} (add-on and {INVOICES:,} invoices)")
    db_copy(os.environ["STRESS_TEMPLATE"], build)
    install = subprocess.run(
        [
            "bash",
            str(ODOO),
            "-d",
            build,
            "-i",
            "account_invoice_reminder",
            "--stop-after-init",
            "--log-level=warn",
        ],
        capture_output=True,
        text=True,
    )
    if install.returncode:
        sys.exit(f"Installing the add-on failed:\n{install.stdout}{install.stderr}")
    status, result, output = worker(build, "setup", invoices=INVOICES)
    if status:
        sys.exit(f"Making the invoices failed:\n{output}")
    with connect() as connection, connection.cursor() as cr:
        cr.execute(f'ALTER DATABASE "{build}" RENAME TO "{name}"')
    if filestore(build).is_dir():
        filestore(build).rename(filestore(name))
    return name


# ---------------------------------------------------------------------- processes


def start_worker(dbname, action, mark=None, **variables):
    out = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
    out.close()
    env = {
        **os.environ,
        "STRESS_ACTION": action,
        "STRESS_DAY": DAY.isoformat(),
        "STRESS_OUT": out.name,
        "STRESS_GENERATOR_DIR": str(GENERATOR_DIR),
        **({"STRESS_MARK": mark} if mark else {}),
        **{f"STRESS_{k.upper()}": str(v) for k, v in variables.items()},
    }
    process = subprocess.Popen(
        ["bash", str(ODOO), "shell", "-d", dbname, "--log-level=warn"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    process.stdin.write((HERE / "worker.py").read_text())
    process.stdin.close()
    process.out_path = out.name
    return process


def finish(process):
    """(exit status, result dict or None, output) of a worker."""
    try:
        output = process.stdout.read()
        status = process.wait(timeout=WORKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return -1, None, "timeout"
    text = Path(process.out_path).read_text()
    os.unlink(process.out_path)
    return status, (json.loads(text) if text else None), output


def worker(dbname, action, **variables):
    return finish(start_worker(dbname, action, **variables))


def wait_for(path, process, timeout=WORKER_TIMEOUT):
    deadline = time.time() + timeout
    while not os.path.exists(path):
        if process.poll() is not None or time.time() > deadline:
            return False
        time.sleep(0.02)
    return True


def problems_in(output, retried=0):
    """Errors a worker let through: tracebacks, ERROR and CRITICAL logs.

    :param retried: how many times the worker's bulk sending started again after a
        serialization failure, as Odoo runs a request again: sql_db logs the failed
        query as "bad query" at ERROR level first; those lines are the retry's.
    """
    problems, conflicts = [], 0
    for line in output.splitlines():
        if "Running as user 'root'" in line:
            continue
        conflict = (
            "odoo.sql_db: bad query" in line
            or line.startswith("ERROR:  could not serialize")
            or line.startswith("ERROR: could not serialize")
        )
        if conflict and conflicts < 2 * retried:
            conflicts += 1
            continue
        if "Traceback" in line or " ERROR " in line or "CRITICAL" in line or conflict:
            problems.append(line)
    return problems


# ---------------------------------------------------------------------- SMTP


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Odoo's client: every mail is accepted and kept."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        self.reply("220 stress ESMTP")
        lines, in_data = [], False
        for line in self.rfile:
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    with self.server.lock:
                        self.server.messages.append(b"".join(lines))
                    lines, in_data = [], False
                    self.reply("250 queued")
                else:
                    lines.append(line)
                continue
            command = line[:4].upper()
            if command == b"EHLO":
                self.reply("250-stress\r\n250 8BITMIME")
            elif command == b"DATA":
                in_data = True
                self.reply("354 end with a dot")
            elif command == b"QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.messages, self.lock = [], threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.server_address[1]


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------- checks


class Round:
    """The checks of one round: it passes when all of them hold."""

    def __init__(self, name):
        self.name, self.failures, self.detail = name, [], ""

    def check(self, condition, what):
        if not condition:
            self.failures.append(what)

    def equal(self, actual, expected, what):
        if actual == expected:
            return
        if isinstance(actual, set) and isinstance(expected, set):
            missing, extra = sorted(expected - actual), sorted(actual - expected)
            self.failures.append(
                f"{what}: {len(missing)} missing {missing[:10]}, "
                f"{len(extra)} too many {extra[:10]}"
            )
        elif isinstance(actual, list) and actual and isinstance(actual[0], str):
            self.failures.append(
                f"{what}: {len(actual)}, e.g. "
                + " | ".join(a[:300] for a in actual[:3])
            )
        else:
            self.failures.append(f"{what}: {actual!r:.300}, expected {expected!r:.300}")


def levels(dbname, state="to_do"):
    return {
        move_id
        for (move_id,) in query(
            dbname,
            "SELECT move_id FROM account_reminder_level WHERE state = %s",
            [state],
        )
    }


def check_history(round_, dbname, expected, live_state="queued"):
    """Every expected invoice has exactly one live reminder, carried by a mail that
    exists; no reminder mail exists without its history."""
    twice = query(
        dbname,
        """SELECT move_id FROM account_reminder_history
            WHERE state IN ('queued', 'sent', 'done')
         GROUP BY move_id, cycle_key, step_id HAVING count(*) > 1""",
    )
    round_.equal(len(twice), 0, "invoices with a reminder sent twice")
    live = {
        move_id
        for (move_id,) in query(
            dbname,
            "SELECT move_id FROM account_reminder_history WHERE state = %s",
            [live_state],
        )
    }
    round_.equal(len(expected - live), 0, f"invoices without a {live_state} reminder")
    round_.equal(len(live - expected), 0, "reminders of invoices not to remind")
    (orphans,) = query(
        dbname,
        """SELECT count(*) FROM account_reminder_history h
            WHERE h.state = 'queued' AND NOT EXISTS (
                  SELECT 1 FROM mail_mail m WHERE m.id = h.mail_id)""",
    )[0]
    round_.equal(orphans, 0, "queued reminders whose mail does not exist")
    (unrecorded,) = query(
        dbname,
        """SELECT count(*) FROM mail_message m
            WHERE m.model = 'account.move' AND m.message_type = 'comment'
              AND NOT EXISTS (SELECT 1 FROM account_reminder_history h
                               WHERE h.mail_message_id = m.id)""",
    )[0]
    round_.equal(unrecorded, 0, "reminder mails without history")


# ---------------------------------------------------------------------- scenarios


def control(base):
    """What one worker alone does: the invoices it tags, the mails it queues."""
    db = "reminder_stress_control"
    db_copy(base, db)
    started = time.time()
    status, result, output = worker(db, "job")
    job_seconds = time.time() - started
    if status or not result:
        sys.exit(f"The control run failed:\n{output}")
    tagged = levels(db)
    started = time.time()
    status, result, output = worker(db, "send", mark=None)
    send_seconds = time.time() - started
    if status or not result:
        sys.exit(f"The control sending failed:\n{output}")
    (customers,) = query(
        db,
        """SELECT count(DISTINCT m.commercial_partner_id) FROM account_move m
            JOIN account_reminder_level lv ON lv.move_id = m.id
           WHERE lv.state = 'to_do'""",
    )[0]
    db_drop(db)
    progress(
        f"Control: {len(tagged)} invoices tagged, {result['send']['mails']} mails "
        f"for {customers} customers (job {job_seconds:.1f} s, sending "
        f"{send_seconds:.1f} s with the process start)"
    )
    return {
        "tagged": tagged,
        "mails": result["send"]["mails"],
        "customers": customers,
    }


def two_workers(base, expected, number):
    round_ = Round(f"two workers, round {number}")
    db = "reminder_stress_two"
    db_copy(base, db)
    with connect() as holder, holder.cursor() as cr:
        cr.execute("SELECT pg_advisory_lock(%s)", [BARRIER_KEY])
        marks = [tempfile.mktemp(prefix="stress-") for __ in range(2)]
        processes = [
            start_worker(db, "job+send", mark=mark, barrier=BARRIER_KEY)
            for mark in marks
        ]
        ready = all(
            wait_for(f"{mark}.ready", process)
            for mark, process in zip(marks, processes, strict=True)
        )
        # Both registries loaded: released together, they start at the same moment.
        cr.execute("SELECT pg_advisory_unlock(%s)", [BARRIER_KEY])
    round_.check(ready, "a worker did not get ready")
    results = [finish(process) for process in processes]
    for mark in marks:
        for suffix in (".ready", ".started"):
            if os.path.exists(mark + suffix):
                os.unlink(mark + suffix)
    retried = 0
    for status, result, output in results:
        attempts = (result or {}).get("send", {}).get("attempts", 1)
        retried += attempts - 1
        round_.equal(status, 0, "worker exit status")
        round_.equal(problems_in(output, attempts - 1), [], "errors reaching the user")
    done = [result for __, result, __ in results if result]
    if len(done) == 2:
        tagged = sum(result["job"]["tagged"] for result in done)
        round_.equal(tagged, len(expected["tagged"]), "invoices tagged, both workers")
        first, second = (set(result["send"]["reminded"]) for result in done)
        round_.equal(len(first & second), 0, "invoices reminded by both workers")
        round_.equal(first | second, expected["tagged"], "invoices reminded")
        round_.detail = "tagged {}+{}, reminded {}+{}, sending retried {}".format(
            *(result["job"]["tagged"] for result in done),
            len(first),
            len(second),
            retried,
        )
    round_.equal(levels(db), expected["tagged"], "invoices to remind")
    check_history(round_, db, expected["tagged"])
    db_drop(db)
    return round_


def kill_at_random(db, action, seconds):
    """Start ``action``, kill it with SIGKILL at a random moment of its work;
    return that moment (seconds after the work started)."""
    mark = tempfile.mktemp(prefix="stress-")
    process = start_worker(db, action, mark=mark)
    wait_for(f"{mark}.started", process)
    moment = random.uniform(0, seconds)
    time.sleep(moment)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    process.stdout.close()
    for suffix in (".started",):
        if os.path.exists(mark + suffix):
            os.unlink(mark + suffix)
    if os.path.exists(process.out_path):
        os.unlink(process.out_path)
    return moment


def crash(base, expected, number, job_seconds, send_seconds):
    round_ = Round(f"crash, round {number}")
    db = "reminder_stress_crash"
    db_copy(base, db)
    job_moment = kill_at_random(db, "job", job_seconds)
    committed = len(levels(db))
    status, __, output = worker(db, "job")
    round_.equal(status, 0, "job after the crash, exit status")
    round_.equal(problems_in(output), [], "errors of the job after the crash")
    round_.equal(levels(db), expected["tagged"], "invoices to remind after the crash")
    send_moment = kill_at_random(db, "send", send_seconds)
    (sent,) = query(db, "SELECT count(*) FROM mail_mail")[0]
    round_.detail = (
        f"job killed at {job_moment:.2f} s ({committed} levels committed), "
        f"sending at {send_moment:.2f} s ({sent} mails committed)"
    )
    status, __, output = worker(db, "send")
    round_.equal(status, 0, "sending after the crash, exit status")
    round_.equal(problems_in(output), [], "errors of the sending after the crash")
    check_history(round_, db, expected["tagged"])
    (mails,) = query(
        db,
        "SELECT count(DISTINCT mail_message_id) FROM account_reminder_history"
        " WHERE state = 'queued'",
    )[0]
    round_.equal(mails, expected["mails"], "reminder mails")
    db_drop(db)
    return round_


def mail_server_down(base, expected, number):
    """The daily job sends the first step itself; the mail server is down, then
    back: nothing is lost, nothing is done before it left, nobody is disturbed."""
    round_ = Round(f"mail server down, round {number}")
    db = "reminder_stress_smtp"
    db_copy(base, db)
    status, result, output = worker(db, "auto+job+queue", smtp_port=closed_port())
    round_.equal(status, 0, "run with the server down, exit status")
    round_.equal(problems_in(output), [], "errors with the server down")
    if result:
        round_.equal(result["job"]["mails"], expected["mails"], "mails queued")
    states = dict(query(db, "SELECT state, count(*) FROM mail_mail GROUP BY state"))
    round_.equal(states, {"exception": expected["mails"]}, "mails with the server down")
    (without_reason,) = query(
        db,
        "SELECT count(*) FROM mail_mail WHERE coalesce(failure_reason, '') = ''",
    )[0]
    round_.equal(without_reason, 0, "failed mails without a reason")
    failed = {
        move_id
        for (move_id,) in query(
            db,
            "SELECT move_id FROM account_reminder_history WHERE state = 'failed'"
            " AND server_failure AND coalesce(failure_reason, '') != ''",
        )
    }
    round_.equal(failed, expected["tagged"], "reminders failed with a reason")
    round_.equal(levels(db), expected["tagged"], "invoices still to remind")
    round_.equal(levels(db, "done"), set(), "steps done while nothing was sent")
    (activities,) = query(db, "SELECT count(*) FROM mail_activity")[0]
    round_.equal(activities, 0, "follow-ups asked for a server down")
    server = SMTPServer()
    try:
        status, result, output = worker(db, "job+queue", smtp_port=server.port)
    finally:
        server.shutdown()
        server.server_close()
    round_.equal(status, 0, "run with the server back, exit status")
    round_.equal(problems_in(output), [], "errors with the server back")
    round_.equal(len(server.messages), expected["mails"], "mails delivered")
    check_history(round_, db, expected["tagged"], live_state="sent")
    round_.equal(levels(db, "done"), expected["tagged"], "steps done once delivered")
    db_drop(db)
    return round_


def odoo_update(db, option):
    """``-u`` or ``-i`` of the add-on, in a process of its own."""
    run = subprocess.run(
        [
            "bash",
            str(ODOO),
            "-d",
            db,
            option,
            "account_invoice_reminder",
            "--stop-after-init",
            "--log-level=warn",
        ],
        capture_output=True,
        text=True,
    )
    return run.returncode, run.stdout + run.stderr


def accounting(db):
    """What uninstalling must leave as it was: entries, amounts, lines."""
    return query(
        db,
        """SELECT (SELECT count(*) FROM account_move WHERE state = 'posted'),
                  (SELECT sum(amount_total_signed) FROM account_move),
                  (SELECT sum(amount_residual_signed) FROM account_move),
                  (SELECT count(*) FROM account_move_line),
                  (SELECT sum(balance) FROM account_move_line),
                  (SELECT count(*) FROM account_partial_reconcile)""",
    )[0]


def lifecycle(base, expected, number):
    """Upgrade keeps what the accountant edited; uninstall leaves the accounting as
    it was and takes our data away; installing again works."""
    round_ = Round(f"upgrade, uninstall, install again, round {number}")
    db = "reminder_stress_lifecycle"
    db_copy(base, db)
    worker(db, "job+send")
    worker(db, "edit")
    status, output = odoo_update(db, "-u")
    round_.equal(status, 0, "upgrade exit status")
    round_.equal(problems_in(output), [], "errors of the upgrade")
    steps = query(
        db,
        """SELECT s.name->>'en_US', s.delay_days, t.body_html->>'en_US'
             FROM account_reminder_step s
             LEFT JOIN mail_template t ON t.id = s.mail_template_id
         ORDER BY s.sequence, s.id LIMIT 2""",
    )
    round_.equal(steps[0][0], "Relance amiable", "step name after the upgrade")
    round_.equal(steps[1][1], 12, "step days after the upgrade")
    round_.check(
        "texte du cabinet" in (steps[0][2] or ""), "template text after the upgrade"
    )
    before = accounting(db)
    (reminder_messages,) = query(
        db,
        "SELECT count(*) FROM mail_message WHERE model = 'account.move'"
        " AND message_type = 'comment'",
    )[0]
    status, __, output = worker(db, "uninstall")
    round_.equal(status, 0, "uninstall exit status")
    round_.equal(problems_in(output), [], "errors of the uninstall")
    round_.equal(accounting(db), before, "accounting after the uninstall")
    tables = query(
        db,
        "SELECT to_regclass('account_reminder_level'),"
        " to_regclass('account_reminder_history'),"
        " to_regclass('account_reminder_step')",
    )[0]
    round_.equal(tables, (None, None, None), "our tables after the uninstall")
    columns = query(
        db,
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name IN ('account_move', 'res_partner', 'res_company')"
        " AND column_name LIKE 'reminder%%'",
    )
    round_.equal(columns, [], "our columns after the uninstall")
    (records,) = query(
        db,
        "SELECT count(*) FROM ir_model_data WHERE module = 'account_invoice_reminder'",
    )[0]
    round_.equal(records, 0, "our records after the uninstall")
    (kept,) = query(
        db,
        "SELECT count(*) FROM mail_message WHERE model = 'account.move'"
        " AND message_type = 'comment'",
    )[0]
    round_.equal(kept, reminder_messages, "mails in the invoices' chatter")
    status, output = odoo_update(db, "-i")
    round_.equal(status, 0, "install again, exit status")
    round_.equal(problems_in(output), [], "errors of the new install")
    (steps_count,) = query(db, "SELECT count(*) FROM account_reminder_step")[0]
    round_.equal(steps_count, 3, "default steps after installing again")
    status, result, output = worker(db, "job")
    round_.equal(status, 0, "job after installing again, exit status")
    round_.equal(levels(db), expected["tagged"], "invoices to remind after it")
    db_drop(db)
    return round_


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50, help="two-worker rounds")
    parser.add_argument("--crash-rounds", type=int, default=20)
    parser.add_argument("--smtp-rounds", type=int, default=3)
    parser.add_argument("--lifecycle-rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    random.seed(seed)
    started = time.time()
    base = base_db()
    progress(f"Base database {base}; random seed {seed}")
    expected = control(base)
    # Kill windows: how long the job's and the sending's work take once the process
    # has started (its mark), measured on this machine.
    timing_db = "reminder_stress_timing"
    db_copy(base, timing_db)
    times = {}
    for action in ("job", "send"):
        __, result, __ = worker(timing_db, action)
        times[action] = max((result or {}).get("work_seconds", 1.0), 0.05)
    db_drop(timing_db)
    progress(f"Kill windows: job {times['job']:.2f} s, sending {times['send']:.2f} s")
    rounds = []
    plan = (
        [lambda n: two_workers(base, expected, n)] * args.rounds
        + [lambda n: crash(base, expected, n, times["job"], times["send"])]
        * args.crash_rounds
        + [lambda n: mail_server_down(base, expected, n)] * args.smtp_rounds
        + [lambda n: lifecycle(base, expected, n)] * args.lifecycle_rounds
    )
    counters = {}
    for scenario in plan:
        key = id(scenario)
        counters[key] = counters.get(key, 0) + 1
        result = scenario(counters[key])
        rounds.append(result)
        if result.failures:
            progress(
                f"FAIL {result.name}: "
                + "; ".join(result.failures)
                + (f" ({result.detail})" * bool(result.detail))
            )
        else:
            progress(
                f"ok   {result.name}" + (f" ({result.detail})" * bool(result.detail))
            )
    failed = sum(1 for result in rounds if result.failures)
    progress(f"Fault suite done in {time.time() - started:.0f} s (seed {seed})")
    print(f"{len(rounds) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
