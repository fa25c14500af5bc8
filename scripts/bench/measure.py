# One measurement of the benchmark, in its own Odoo process: fed to "odoo shell" by
# scripts/bench/bench.py, which passes what to do in BENCH_* variables and reads the
# figures back from the JSON file BENCH_OUT. A process per measurement: no cache,
# memory or statistics carried from one to the next.
# ruff: noqa: F821 - "env" is given by odoo shell
import json
import os
import resource
import sys
import time
from datetime import date

from odoo import sql_db

ACTION = os.environ["BENCH_ACTION"]
DAY = date.fromisoformat(os.environ["BENCH_DAY"])
OUT = os.environ["BENCH_OUT"]
company = env.ref("base.main_company")
env = env(context={"allowed_company_ids": [company.id], "tz": "UTC"})


def rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure(action):
    """Run ``action`` in a transaction of its own and commit; time, queries, memory."""
    env.cr.commit()
    rss, queries = rss_kb(), sql_db.sql_counter
    started = time.perf_counter()
    result = action() or {}
    env.cr.commit()
    result.update(
        seconds=round(time.perf_counter() - started, 3),
        queries=sql_db.sql_counter - queries,
        # The high-water mark of the process against what it held before.
        memory_mb=round(
            max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss, 0) / 1024, 1
        ),
    )
    return result


def freeze_today():
    """The company's "today" is the day measured (the next day, say)."""
    env.registry["res.company"]._reminder_today = lambda self: DAY


def generate():
    sys.path.insert(0, os.path.dirname(os.environ["BENCH_GENERATOR"]))
    from generate import generate as make  # noqa: PLC0415 - a file, not a package

    return make(env, company, int(os.environ["BENCH_N"]), DAY)


def prepare_peers():
    """What an accountant sets up first in each peer: a three-level policy on the
    receivable account, and reminders by mail without printing PDFs (ours attach
    the invoices' PDFs only when they already exist, and these have none)."""
    policy = env.ref("account_credit_control.credit_control_3_time")
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)]
    )
    policy.account_ids = [(6, 0, receivable.ids)]
    company.credit_policy_id = policy
    company.overdue_reminder_attach_invoice = False
    env.cr.commit()
    return {"receivable_accounts": len(receivable)}


def job():
    freeze_today()
    stats = env["account.move"]._cron_invoice_reminder()
    env.cr.execute(
        "SELECT count(*) FILTER (WHERE state = 'to_do'), count(*)"
        " FROM account_reminder_level"
    )
    to_do, levels = env.cr.fetchone()
    return {
        "tagged": stats["tagged"],
        "courtesy": stats.get("courtesy", 0),
        "withdrawn": stats["withdrawn"],
        "failed": stats["failed"],
        "to_do": to_do,
        "levels": levels,
    }


def add_courtesy_step():
    """A courtesy reminder 5 days before the due date, as an accountant adds one."""
    env["account.reminder.step"].create(
        {
            "name": "Courtesy reminder",
            "trigger_basis": "before_due_date",
            "delay_days": 5,
            "mail_template_id": env.ref(
                "account_invoice_reminder.mail_template_reminder_courtesy"
            ).id,
            "company_id": company.id,
        }
    )
    # Only the courtesy pass is to be seen: the full check a new step asks for is
    # the "a week later" run's.
    company._reminder_set_full_scan_date(DAY)
    return {}


def credit_control():
    policy = env.ref("account_credit_control.credit_control_3_time")
    run = env["credit.control.run"].create(
        {"date": DAY, "policy_ids": [(6, 0, policy.ids)], "company_id": company.id}
    )
    run.generate_credit_lines()
    env.cr.execute("SELECT count(*) FROM credit_control_line")
    return {"lines_generated": len(run.line_ids), "lines": env.cr.fetchone()[0]}


def floor():
    """The least any system must do: read every open overdue invoice, one query."""
    env.cr.execute(
        """
        SELECT l.move_id, min(l.date_maturity), sum(l.amount_residual)
          FROM account_move_line l
          JOIN account_move m ON m.id = l.move_id
         WHERE m.company_id = %s AND m.move_type = 'out_invoice'
           AND m.state = 'posted' AND l.display_type = 'payment_term'
           AND NOT l.reconciled AND l.date_maturity < %s
      GROUP BY l.move_id
        """,
        [company.id, DAY],
    )
    return {"rows": len(env.cr.fetchall())}


def _customers(count):
    """The ``count`` customers with the most invoices to remind."""
    env.cr.execute(
        """
        SELECT m.commercial_partner_id
          FROM account_reminder_level lv JOIN account_move m ON m.id = lv.move_id
         WHERE lv.state = 'to_do' AND m.company_id = %s
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT %s
        """,
        [company.id, count],
    )
    return [row[0] for row in env.cr.fetchall()]


def send_ours():
    """Bulk sending, one mail per customer, of what is to remind for N customers,
    as from the list of invoices: the preview screen, then Send."""
    freeze_today()
    partners = _customers(int(os.environ["BENCH_MAILS"]))
    moves = env["account.move"].search(
        [
            ("commercial_partner_id", "in", partners),
            ("reminder_state", "=", "to_do"),
        ]
    )
    mails = env["mail.mail"].search_count([])
    wizard = env["account.reminder.send"].create(
        {"move_ids": [(6, 0, moves.ids)], "per_customer": True}
    )
    wizard.action_send()
    return {
        "customers": len(partners),
        "invoices": len(moves),
        "mails": env["mail.mail"].search_count([]) - mails,
    }


def send_peer():
    """The overdue-reminder wizard for N customers, in its mass interface: start
    (it proposes one reminder per customer), then validate them all."""
    partners = _customers(int(os.environ["BENCH_MAILS"]))
    mails = env["mail.mail"].search_count([])
    started = time.perf_counter()
    wizard = env["overdue.reminder.start"].create(
        {"partner_ids": [(6, 0, partners)], "interface": "mass"}
    )
    wizard.run()
    steps = env["overdue.reminder.step"].search([("user_id", "=", env.uid)])
    proposed = time.perf_counter() - started
    steps.validate()
    return {
        "customers": len(partners),
        "invoices": len(steps.invoice_ids),
        "mails": env["mail.mail"].search_count([]) - mails,
        "start_seconds": round(proposed, 3),
    }


def install():
    module = env["ir.module.module"].search([("name", "=", "account_invoice_reminder")])
    module.button_immediate_install()
    return {"state": module.state}


ACTIONS = {
    "generate": generate,
    "prepare_peers": prepare_peers,
    "job": job,
    "add_courtesy_step": add_courtesy_step,
    "credit_control": credit_control,
    "floor": floor,
    "send_ours": send_ours,
    "send_peer": send_peer,
    "install": install,
}
figures = measure(ACTIONS[ACTION])
with open(OUT, "w") as out:
    json.dump(figures, out)
