# One Odoo process of the fault suite: fed to "odoo shell" by scripts/stress/stress.py,
# which passes what to do in STRESS_* variables and reads the result back from the
# JSON file STRESS_OUT. A real process, with its own registry, cursor and commits:
# what two workers, or a crash, do to a database cannot be seen in a test that runs
# in one rolled-back transaction.
# ruff: noqa: F821 - "env" is given by odoo shell
import json
import os
import sys
import time
from datetime import date

import psycopg2

from odoo import sql_db
from odoo.service.model import retrying

ACTION = os.environ["STRESS_ACTION"]
# Dates cannot be frozen across processes: "today" is given.
DAY = date.fromisoformat(os.environ["STRESS_DAY"])
OUT = os.environ["STRESS_OUT"]
env.registry["res.company"]._reminder_today = lambda self: DAY
company = env.ref("base.main_company")
result = {"action": ACTION, "pid": os.getpid()}


def mark(name):
    """A file the driver waits for: the process has reached ``name``."""
    if name == "started":
        result["started"] = time.perf_counter()
    path = os.environ.get("STRESS_MARK")
    if path:
        with open(f"{path}.{name}", "w") as done:
            done.write(str(os.getpid()))


def barrier():
    """Wait until the driver releases its advisory lock: every worker then starts
    at the same moment, its registry already loaded."""
    key = os.environ.get("STRESS_BARRIER")
    if not key:
        return
    __, info = sql_db.connection_info_for(env.cr.dbname)
    connection = psycopg2.connect(**info)
    mark("ready")
    with connection.cursor() as cr:
        cr.execute("SELECT pg_advisory_lock_shared(%s)", [int(key)])
        cr.execute("SELECT pg_advisory_unlock_shared(%s)", [int(key)])
    connection.close()


def setup():
    sys.path.insert(0, os.environ["STRESS_GENERATOR_DIR"])
    from generate import generate  # noqa: PLC0415 - a file, not a package

    figures = generate(env, company, int(os.environ["STRESS_INVOICES"]), DAY)
    # The mails go to the suite's own SMTP server, on the port given to "queue".
    env["ir.mail_server"].create(
        {
            "name": "Stress SMTP",
            "smtp_host": "127.0.0.1",
            "smtp_port": 2,
            "smtp_encryption": "none",
        }
    )
    company.email = "compta@stress.example.com"
    env.cr.commit()
    result.update(figures)


def job():
    mark("started")
    result["job"] = env["account.move"]._cron_invoice_reminder()
    env.cr.commit()


def send():
    """Bulk sending of everything to remind, one mail per customer, as from the
    list of invoices."""
    mark("started")
    attempts = 0

    def bulk_send():
        nonlocal attempts
        attempts += 1
        moves = env["account.move"].search([("reminder_state", "=", "to_do")])
        return env["account.reminder.sender"]._send(moves, per_customer=True)

    # As from the bulk screen: Odoo runs a request again after a serialization
    # failure (another user's transaction changed the same rows), so does this.
    sent = retrying(bulk_send, env)
    env.cr.commit()
    result["send"] = {
        "mails": sent["mails"],
        "reminded": sent["reminded"].ids,
        "failed": sent["failed"].ids,
        "left_out": len(sent["left_out"]),
        "attempts": attempts,
    }


def queue():
    """The mail queue's run, against the SMTP port given (a closed one: down)."""
    server = env["ir.mail_server"].search([("name", "=", "Stress SMTP")])
    server.smtp_port = int(os.environ["STRESS_SMTP_PORT"])
    env.cr.commit()
    env["mail.mail"].process_email_queue()
    env.cr.commit()


def edit():
    """What an accountant changes: a step's name and days, a template's text."""
    steps = env["account.reminder.step"].search([], order="sequence, id")
    steps[0].name = "Relance amiable"
    steps[1].delay_days = 12
    steps[0].mail_template_id.body_html = "<p>Bonjour, texte du cabinet.</p>"
    env.cr.commit()


def auto():
    """The first step sent by the daily job itself."""
    env["account.reminder.step"].search(
        [], order="sequence, id", limit=1
    ).auto_send = True
    env.cr.commit()


def uninstall():
    module = env["ir.module.module"].search([("name", "=", "account_invoice_reminder")])
    module.button_immediate_uninstall()
    result["state"] = module.state


ACTIONS = {
    "setup": setup,
    "job": job,
    "send": send,
    "queue": queue,
    "edit": edit,
    "auto": auto,
    "uninstall": uninstall,
}
barrier()
for step in ACTION.split("+"):
    ACTIONS[step]()
# How long the work took, from its mark: the window in which the driver kills.
if "started" in result:
    result["work_seconds"] = time.perf_counter() - result.pop("started")
with open(OUT, "w") as out:
    json.dump(result, out)
