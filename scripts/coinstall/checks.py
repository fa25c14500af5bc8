# Fed to "odoo shell" by scripts/coinstall/run, in a database where the add-on and the
# OCA peers are installed together. Prints one line per check, "ok    what" or
# "FAIL  what" with indented details, then "checks done".
import os
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.modules.module import get_module_path

OURS = os.environ["COINSTALL_OURS"]
PEERS = os.environ["COINSTALL_PEERS"].split(",")
ALL = [OURS, *PEERS]
# Clashes found and left to a person to decide, shown by each run, each with why. A
# new one fails the check.
# Labels shared with a peer that were looked at and kept, as (lang, label,
# "module:field" sorted): none since ours became "Dernière relance effectuée le" (the
# overdue-reminder peer's French for its "Last Overdue Reminder Date" is "Date de la
# dernière relance").
KNOWN_LABEL_CLASHES = set()
# Definitions every module extending a model writes again: not a clash.
SHARED_MODELS = ("ir.model", "ir.model.fields.selection", "ir.model.fields")


def report(passed, what, details=()):
    print(("ok    " if passed else "FAIL  ") + what)
    for line in list(details)[:15]:
        print(f"      {line}")


def query(sql, *params):
    env.cr.execute(sql, params)
    return env.cr.fetchall()


def check(what, rows, describe):
    report(not rows, what, [describe(row) for row in rows])


# Loaded from the wheels, not from a source tree that happens to be on the path.
where = {name: get_module_path(name) or "" for name in ALL}
wrong = [
    f"{name}: {path}"
    for name, path in where.items()
    if not path.startswith(
        os.environ["COINSTALL_TARGET" if name == OURS else "COINSTALL_PEERS_DIR"]
    )
]
report(not wrong, "each add-on is loaded from its installed wheel", wrong)
states = dict(
    query("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", ALL)
)
report(
    all(states.get(name) == "installed" for name in ALL),
    f"all installed: {', '.join(f'{n} {states.get(n)}' for n in ALL)}",
)

# Fields: a field two add-ons define is one column both write, with one's definition.
check(
    "no field defined by two of them on the same model",
    query(
        """
        SELECT f.model, f.name, array_agg(DISTINCT d.module ORDER BY d.module)
          FROM ir_model_fields f
          JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
         WHERE d.module = ANY(%s)
      GROUP BY f.model, f.name
        HAVING count(DISTINCT d.module) > 1
        """,
        ALL,
    ),
    lambda r: f"{r[0]}.{r[1]}: {', '.join(r[2])}",
)
# Labels: two fields with one label look like one in filters, group-bys, exports.
for lang in ("en_US", "fr_FR"):
    rows = query(
        """
        WITH ours AS (
            SELECT f.id, f.model, f.name, d.module,
                   coalesce(f.field_description->>%s,
                            f.field_description->>'en_US') AS label
              FROM ir_model_fields f
              JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
             WHERE d.module = ANY(%s)
        )
        SELECT a.model, a.label, a.module || ':' || a.name, b.module || ':' || b.name
          FROM ours a JOIN ours b
            ON a.model = b.model AND a.label = b.label AND a.id < b.id
         WHERE a.module <> b.module
        """,
        lang,
        ALL,
    )
    known = [r for r in rows if (lang, r[1], *sorted(r[2:])) in KNOWN_LABEL_CLASHES]
    what = f"no two of their fields share a label on the same model ({lang})"
    if known:
        what += f"; known and left: {', '.join(sorted({repr(r[1]) for r in known}))}"
    check(
        what,
        [r for r in rows if r not in known],
        lambda r: f"{r[0]}: {r[1]!r} is {r[2]} and {r[3]}",
    )

# Menus: the same name twice under one parent, where one of them is theirs or ours.
for lang in ("en_US", "fr_FR"):
    check(
        f"no two menus of the same name under the same parent ({lang})",
        query(
            """
            SELECT coalesce(p.name->>%s, p.name->>'en_US'),
                   coalesce(m.name->>%s, m.name->>'en_US'),
                   array_agg(DISTINCT coalesce(d.module, '?'))
              FROM ir_ui_menu m
              LEFT JOIN ir_ui_menu p ON p.id = m.parent_id
              LEFT JOIN ir_model_data d ON d.model = 'ir.ui.menu' AND d.res_id = m.id
             WHERE m.active
          GROUP BY m.parent_id, 1, 2
            HAVING count(DISTINCT m.id) > 1
               AND array_agg(d.module) && %s::varchar[]
            """,
            lang,
            lang,
            ALL,
        ),
        lambda r: f"{r[0] or '(top)'} > {r[1]}: {', '.join(r[2])}",
    )

# Records: one record that two of them claim (a view, an action, a constraint, a
# relation table) is overwritten by whichever loads last, and removed by either's
# uninstall.
check(
    "no record claimed by two of them (views, actions, crons, constraints, tables)",
    query(
        """
        SELECT model, res_id, array_agg(module || '.' || name ORDER BY module)
          FROM ir_model_data
         WHERE module = ANY(%s) AND model <> ALL(%s)
      GROUP BY model, res_id
        HAVING count(DISTINCT module) > 1
        """,
        ALL,
        list(SHARED_MODELS),
    ),
    lambda r: f"{r[0]} {r[1]}: {', '.join(r[2])}",
)
for kind, table, column in (
    ("SQL constraint", "ir_model_constraint", "name"),
    ("many2many table", "ir_model_relation", "name"),
):
    check(
        f"no {kind} name used by two of them",
        query(
            f"""
            SELECT x.{column}, array_agg(DISTINCT m.name)
              FROM {table} x JOIN ir_module_module m ON m.id = x.module
             WHERE m.name = ANY(%s)
          GROUP BY x.{column}
            HAVING count(DISTINCT m.name) > 1
            """,  # table and column: from the literal list above
            ALL,
        ),
        lambda r: f"{r[0]}: {', '.join(r[1])}",
    )

# Models: a model only these add-ons define, defined by two of them, is one model with
# two meanings; a table two models use mixes their rows.
check(
    "no model created by two of them",
    query(
        """
        SELECT m.model, array_agg(DISTINCT d.module)
          FROM ir_model m
          JOIN ir_model_data d ON d.model = 'ir.model' AND d.res_id = m.id
      GROUP BY m.model
        HAVING count(DISTINCT d.module) > 1
           AND bool_and(d.module = ANY(%s))
        """,
        ALL,
    ),
    lambda r: f"{r[0]}: {', '.join(r[1])}",
)
tables = {}
for name, model in env.registry.models.items():
    if not model._abstract and model._auto:
        tables.setdefault(model._table, set()).add(name)
mine = set(
    m
    for (m,) in query(
        "SELECT DISTINCT m.model FROM ir_model m JOIN ir_model_data d"
        " ON d.model = 'ir.model' AND d.res_id = m.id WHERE d.module = ANY(%s)",
        ALL,
    )
)
check(
    "no table shared by two models",
    sorted(
        (table, sorted(models))
        for table, models in tables.items()
        if len(models) > 1 and models & mine
    ),
    lambda r: f"{r[0]}: {', '.join(r[1])}",
)

# Crons: ours and theirs all there, none with another's name or job.
crons = env["ir.cron"].with_context(active_test=False).search([])
ours = env.ref(f"{OURS}.ir_cron_invoice_reminder", raise_if_not_found=False)
report(
    bool(ours and ours.active and ours.interval_type == "days"),
    f"our cron exists and is active: {ours.name if ours else 'missing'}",
)
declared = query(
    "SELECT module || '.' || name FROM ir_model_data"
    " WHERE model = 'ir.cron' AND module = ANY(%s) ORDER BY 1",
    PEERS,
)
peer_cron_files = []
for peer in PEERS:
    root = get_module_path(peer)
    for folder, _dirs, names in os.walk(root):
        for fname in names:
            if fname.endswith(".xml"):
                text = open(os.path.join(folder, fname), encoding="utf-8").read()
                if 'model="ir.cron"' in text:
                    peer_cron_files.append(os.path.relpath(os.path.join(folder, fname)))
missing = [
    xmlid for (xmlid,) in declared if not env.ref(xmlid, raise_if_not_found=False)
]
report(
    not missing and (bool(declared) or not peer_cron_files),
    f"their crons exist: {', '.join(x for (x,) in declared) or 'they declare none'}",
    missing
    + (
        [f"cron data in {f} not loaded" for f in peer_cron_files]
        if not declared
        else []
    ),
)
for lang in ("en_US", "fr_FR"):
    names = {}
    for cron in crons.with_context(lang=lang):
        names.setdefault(cron.name, []).append(cron)
    check(
        f"no two crons of the same name ({lang})",
        [(n, c) for n, c in names.items() if len(c) > 1],
        lambda r: f"{r[0]}: {len(r[1])} crons",
    )
codes = {}
for cron in crons:
    codes.setdefault((cron.model_id.model, (cron.code or "").strip()), []).append(cron)
check(
    "no two crons run the same code",
    [(k, v) for k, v in codes.items() if len(v) > 1 and k[1]],
    lambda r: f"{r[0][0]}: {r[0][1]} ({len(r[1])} crons)",
)

# Views: every form, list and search view of what they all extend still combines, and
# the invoice form shows a field of each (read from the combined view, as groups hide
# parts of it from the shell's user).
broken = []
for model in ("account.move", "res.partner", "res.config.settings", "res.company"):
    for view_type in ("form", "list", "search"):
        try:
            env[model].get_views([(False, view_type)])
        except Exception as error:  # each failure is reported
            broken.append(f"{model} {view_type}: {error}")
combined = env.ref("account.view_move_form")._get_combined_arch()
shown = {node.get("name") for node in combined.iter("field")}
# A field each add-on's view of the invoice form shows.
ON_INVOICE_FORM = {
    OURS: "reminder_step_id",
    "account_credit_control": "credit_policy_id",
    "account_invoice_overdue_reminder": "overdue_reminder_counter",
}
for module, field in ON_INVOICE_FORM.items():
    if module in ALL and field not in shown:
        broken.append(f"account.move form: {module}'s {field} not in the combined view")
report(
    not broken, "the views they extend combine, a field of each on the invoice", broken
)

# Our daily job and sending, with theirs installed: an invoice 40 days overdue is
# tagged by the job, its reminder queued and sent through the mail queue, where
# credit control's mail overrides are in the chain.
company = env.company
today = company._reminder_today()
partner = env["res.partner"].create(
    {"name": "Coinstall Customer", "email": "customer@example.com"}
)
invoice = env["account.move"].create(
    {
        "move_type": "out_invoice",
        "partner_id": partner.id,
        "invoice_date": today - timedelta(days=40),
        "invoice_date_due": today - timedelta(days=40),
        "invoice_payment_term_id": False,
        "invoice_line_ids": [
            Command.create({"name": "Service", "price_unit": 500.0, "tax_ids": []})
        ],
    }
)
invoice.action_post()
env.cr.commit()
first = env["account.reminder.step"].search([("company_id", "=", company.id)], limit=1)
try:
    # As the scheduler runs it: no context (the job commits each batch itself).
    env["account.move"].with_context({})._cron_invoice_reminder()
    invoice.invalidate_recordset()
    tagged = (invoice.reminder_step_id, invoice.reminder_state) == (first, "to_do")
    report(
        tagged,
        f"our daily job runs and tags an overdue invoice ({invoice.name}: "
        f"{invoice.reminder_step_id.name} {invoice.reminder_state})",
    )
except Exception as error:
    env.cr.rollback()
    report(False, f"our daily job fails with the peers installed: {error!r}")

try:
    env["account.reminder.sender"]._send(invoice)
    env.cr.commit()
    history = env["account.reminder.history"].search([("move_id", "=", invoice.id)])
    mails = env["mail.mail"].sudo().search([("state", "=", "outgoing")])

    class Session:
        def quit(self):
            pass

    IrMailServer = type(env["ir.mail_server"])
    with (
        patch.object(IrMailServer, "connect", return_value=Session()),
        patch.object(IrMailServer, "send_email", return_value="<coinstall@example>"),
    ):
        mails.send()
    env.cr.commit()
    history.invalidate_recordset()
    invoice.invalidate_recordset()
    report(
        history.state == "sent" and invoice.reminder_state == "done",
        f"our reminder is queued, then sent by the mail queue (history "
        f"{history.state or 'none'}, step {invoice.reminder_state})",
    )
except Exception as error:
    env.cr.rollback()
    report(False, f"our sending fails with the peers installed: {error!r}")

print("checks done")
