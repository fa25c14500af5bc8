from odoo import fields, models
from odoo.tools import SQL

from .account_reminder_due_report import OPEN_INSTALLMENT_SQL, OWED_SQL


class AccountReminderLateCustomerReport(models.Model):
    """Customers with overdue invoices, as of today: one row per customer and
    company.

    Not a stored view: what is overdue depends on the day, and the day is each
    company's own (its time zone, as for the daily job), which a view, reading the
    database server's date, cannot know. The query is built with each company's
    date (see ``_table_query``), as Odoo's invoice analysis builds its own.
    """

    _name = "account.reminder.late.customer.report"
    _description = "Late Customers"
    _auto = False
    _rec_name = "partner_id"
    _order = "amount_overdue desc, days_late desc, partner_id"

    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    company_currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    invoice_count = fields.Integer(
        string="Overdue Invoices",
        readonly=True,
        help="Invoices with at least one installment past its due date and unpaid.",
    )
    amount_overdue = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        help="What is still unpaid on the installments past their due date, taxes "
        "included, in the company currency.",
    )
    amount_due = fields.Monetary(
        string="Total Due",
        currency_field="company_currency_id",
        readonly=True,
        help="What the customer's invoices still owe, due or not, in the company "
        "currency.",
    )
    oldest_due_date = fields.Date(
        readonly=True,
        help="Due date of the oldest unpaid installment.",
    )
    days_late = fields.Integer(
        string="Days Late (Oldest)",
        aggregator="max",
        readonly=True,
        help="Days since the due date of the oldest unpaid installment.",
    )
    step_id = fields.Many2one(
        comodel_name="account.reminder.step",
        string="Highest Level",
        readonly=True,
        help="The highest reminder step reached by the customer's overdue invoices.",
    )

    _depends = {
        "account.move": [
            "move_type",
            "state",
            "payment_state",
            "company_id",
            "commercial_partner_id",
        ],
        "account.move.line": [
            "move_id",
            "display_type",
            "reconciled",
            "amount_residual",
            "amount_residual_currency",
            "date_maturity",
        ],
        "account.reminder.level": ["move_id", "step_id"],
        "account.reminder.step": ["sequence"],
        "res.company": ["currency_id"],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            WITH today(company_id, today) AS (VALUES %(today)s),
            lines AS (
                SELECT m.id AS move_id, m.company_id,
                       m.commercial_partner_id AS partner_id,
                       l.date_maturity, l.amount_residual,
                       l.date_maturity < t.today AS overdue, t.today
                  FROM account_move m
                  JOIN today t ON t.company_id = m.company_id
                  JOIN account_move_line l ON l.move_id = m.id
                 WHERE %(owed)s AND %(open)s
            )
            SELECT MIN(l.move_id) AS id,
                   l.partner_id,
                   l.company_id,
                   c.currency_id AS company_currency_id,
                   COUNT(DISTINCT l.move_id) FILTER (WHERE l.overdue) AS invoice_count,
                   SUM(l.amount_residual) FILTER (WHERE l.overdue) AS amount_overdue,
                   SUM(l.amount_residual) AS amount_due,
                   MIN(l.date_maturity) FILTER (WHERE l.overdue) AS oldest_due_date,
                   MAX(l.today - l.date_maturity) FILTER (WHERE l.overdue)
                       AS days_late,
                   (SELECT s.id
                      FROM account_reminder_level lv
                      JOIN account_reminder_step s ON s.id = lv.step_id
                     WHERE lv.move_id = ANY(
                           ARRAY_AGG(l.move_id) FILTER (WHERE l.overdue))
                  ORDER BY s.sequence DESC, s.id DESC
                     LIMIT 1) AS step_id
              FROM lines l
              JOIN res_company c ON c.id = l.company_id
          GROUP BY l.partner_id, l.company_id, c.currency_id
            HAVING BOOL_OR(l.overdue)
            """,
            today=self._reminder_today_values(),
            owed=OWED_SQL,
            open=OPEN_INSTALLMENT_SQL,
        )

    def _reminder_today_values(self):
        """``(company id, today)`` of every company, as SQL values."""
        companies = self.env["res.company"].sudo().search([])
        return SQL(", ").join(
            SQL("(%s, %s::date)", company.id, company._reminder_today())
            for company in companies
        )

    def action_open_invoices(self):
        """The customer's overdue invoices in this company."""
        self.ensure_one()
        today = self.company_id._reminder_today()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            name=self.env._(
                "Overdue Invoices of %(customer)s", customer=self.partner_id.name
            ),
            domain=[
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial", "blocked")),
                ("company_id", "=", self.company_id.id),
                ("commercial_partner_id", "=", self.partner_id.id),
                (
                    "line_ids",
                    "any",
                    [
                        ("display_type", "=", "payment_term"),
                        ("reconciled", "=", False),
                        ("date_maturity", "<", today),
                    ],
                ),
            ],
            context={"create": False},
        )
        return action
