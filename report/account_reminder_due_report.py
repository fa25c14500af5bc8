from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.account.models.account_move import PAYMENT_STATE_SELECTION

from ..models import reminder_policy

# Customer invoices that still owe money. "blocked" (a deliberate hold) is never
# reminded but is still owed, so it counts here; "in_payment" owes nothing more.
OWED_SQL = SQL(
    "m.move_type = 'out_invoice' AND m.state = 'posted'"
    " AND m.payment_state IN ('not_paid', 'partial', 'blocked')"
)
# A receivable line (installment) not settled yet.
OPEN_INSTALLMENT_SQL = SQL(
    "l.display_type = 'payment_term' AND NOT l.reconciled"
    " AND (l.amount_residual != 0 OR l.amount_residual_currency != 0)"
)


class AccountReminderDueReport(models.Model):
    """What customer invoices still owe, by reminder level: one row per invoice."""

    _name = "account.reminder.due.report"
    _description = "Amounts Due per Reminder Level"
    _auto = False
    _rec_name = "move_id"
    _order = "due_date, move_id"

    move_id = fields.Many2one(
        comodel_name="account.move", string="Invoice", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    company_currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    currency_id = fields.Many2one(
        comodel_name="res.currency", string="Invoice Currency", readonly=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    invoice_user_id = fields.Many2one(
        comodel_name="res.users", string="Salesperson", readonly=True
    )
    step_id = fields.Many2one(
        comodel_name="account.reminder.step",
        string="Reminder Level",
        readonly=True,
        help="The last reminder step the invoice reached; empty when it has not "
        "been reminded yet.",
    )
    reminder_state = fields.Selection(
        selection=[
            (reminder_policy.TO_DO, "To Do"),
            (reminder_policy.DONE, "Done"),
        ],
        readonly=True,
    )
    payment_state = fields.Selection(
        selection=PAYMENT_STATE_SELECTION, string="Payment Status", readonly=True
    )
    invoice_date = fields.Date(readonly=True)
    invoice_date_due = fields.Date(string="Last Due Date", readonly=True)
    due_date = fields.Date(
        string="Earliest Open Due Date",
        readonly=True,
        help="Due date of the earliest installment not yet paid.",
    )
    amount_total = fields.Monetary(
        string="Total",
        currency_field="company_currency_id",
        readonly=True,
        help="Amount of the invoice, taxes included, in the company currency.",
    )
    amount_residual = fields.Monetary(
        string="Amount Due",
        currency_field="company_currency_id",
        readonly=True,
        help="What the invoice still owes, taxes included, in the company currency.",
    )

    _depends = {
        "account.move": [
            "move_type",
            "state",
            "payment_state",
            "company_id",
            "commercial_partner_id",
            "invoice_user_id",
            "currency_id",
            "invoice_date",
            "invoice_date_due",
            "amount_total_signed",
            "amount_residual_signed",
        ],
        "account.move.line": [
            "move_id",
            "display_type",
            "reconciled",
            "amount_residual",
            "amount_residual_currency",
            "date_maturity",
        ],
        "account.reminder.level": ["move_id", "step_id", "state"],
        "res.company": ["currency_id"],
    }

    def init(self):
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                SELECT m.id AS id,
                       m.id AS move_id,
                       m.company_id,
                       c.currency_id AS company_currency_id,
                       m.currency_id,
                       m.commercial_partner_id AS partner_id,
                       m.invoice_user_id,
                       lv.step_id,
                       lv.state AS reminder_state,
                       m.payment_state,
                       m.invoice_date,
                       m.invoice_date_due,
                       (SELECT MIN(l.date_maturity)
                          FROM account_move_line l
                         WHERE l.move_id = m.id AND %(open)s) AS due_date,
                       m.amount_total_signed AS amount_total,
                       m.amount_residual_signed AS amount_residual
                  FROM account_move m
                  JOIN res_company c ON c.id = m.company_id
             LEFT JOIN account_reminder_level lv ON lv.move_id = m.id
                 WHERE %(owed)s
                )
                """,
                view=SQL.identifier(self._table),
                open=OPEN_INSTALLMENT_SQL,
                owed=OWED_SQL,
            )
        )

    def action_open_invoice(self):
        """Open the invoice of this row."""
        self.ensure_one()
        return self.move_id._get_records_action()
