from odoo import fields, models
from odoo.tools import SQL

from ..models.account_move import doubtful_partial_sql

# The windows after a reminder in which a payment counts, in days.
WINDOWS = (7, 15, 30)
# Invoice m is fully paid: posted, with installments, all of them reconciled (by
# payments or credit notes). Partly paid is not paid, and an invoice transferred to
# doubtful debts (416) is not paid at all: the customer paid nothing.
PAID_SQL = SQL(
    """m.state = 'posted'
    AND EXISTS (SELECT 1 FROM account_move_line l
                 WHERE l.move_id = m.id AND l.display_type = 'payment_term')
    AND NOT EXISTS (SELECT 1 FROM account_move_line l
                     WHERE l.move_id = m.id AND l.display_type = 'payment_term'
                       AND NOT l.reconciled)
    AND NOT EXISTS (SELECT 1 FROM account_move_line l
                      JOIN account_partial_reconcile t ON t.debit_move_id = l.id
                     WHERE l.move_id = m.id AND l.display_type = 'payment_term'
                       AND %(doubtful)s)""",
    doubtful=doubtful_partial_sql("t"),
)


class AccountReminderEffectivenessReport(models.Model):
    """Whether each reminder was followed by the invoice's payment: one row per
    reminder sent (or step marked as done).

    Odoo stores no "paid on" date. An invoice is paid when all its installments
    (receivable lines) are reconciled; it became paid on the latest date of the
    reconciliations that settled it: the ``max_date`` of each partial reconcile, the
    later of the dates of the two lines it matches (the day the payment or credit
    note was booked, or the invoice's own date for a payment made in advance). The
    exchange difference entries Odoo adds to a reconciliation in a foreign currency
    are not payments and are left out: they may be dated later (after a lock date).
    """

    _name = "account.reminder.effectiveness.report"
    _description = "Invoice Reminder Effectiveness"
    _auto = False
    _rec_name = "move_id"
    _order = "date desc, id desc"

    history_id = fields.Many2one(
        comodel_name="account.reminder.history", string="Reminder", readonly=True
    )
    move_id = fields.Many2one(
        comodel_name="account.move", string="Invoice", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    company_currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    step_id = fields.Many2one(comodel_name="account.reminder.step", readonly=True)
    channel = fields.Selection(
        selection=[
            ("email", "Email"),
            ("letter", "Letter"),
            ("phone", "Phone Call"),
            ("manual", "Manual"),
        ],
        readonly=True,
    )
    user_id = fields.Many2one(comodel_name="res.users", string="By", readonly=True)
    date = fields.Date(
        string="Sent On",
        readonly=True,
        help="Day the reminder mail was sent, or the step marked as done.",
    )
    amount_residual = fields.Monetary(
        string="Amount Due When Reminded",
        currency_field="company_currency_id",
        readonly=True,
    )
    paid_date = fields.Date(
        string="Paid On",
        readonly=True,
        help="Day the invoice became fully paid: the latest date of the payments and "
        "credit notes reconciled with it. Empty while it is not fully paid.",
    )
    days_to_pay = fields.Integer(
        string="Days to Payment",
        aggregator="avg",
        readonly=True,
        help="Days from the reminder to the full payment (0 when the payment is dated "
        "before the reminder). Averaged over the paid invoices only.",
    )
    paid_7 = fields.Integer(
        string="Paid within 7 Days",
        readonly=True,
        help="Reminders followed by the full payment of the invoice within 7 days.",
    )
    paid_15 = fields.Integer(string="Paid within 15 Days", readonly=True)
    paid_30 = fields.Integer(string="Paid within 30 Days", readonly=True)
    rate_7 = fields.Float(
        string="Paid within 7 Days (%)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
        help="Share of the reminders followed by the full payment of the invoice "
        "within 7 days.",
    )
    rate_15 = fields.Float(
        string="Paid within 15 Days (%)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
    )
    rate_30 = fields.Float(
        string="Paid within 30 Days (%)",
        aggregator="avg",
        digits=(16, 1),
        readonly=True,
    )

    _depends = {
        "account.reminder.history": [
            "move_id",
            "company_id",
            "partner_id",
            "step_id",
            "channel",
            "user_id",
            "state",
            "done_date",
            "amount_residual_company",
        ],
        "account.move": ["state", "reminder_doubtful_transfer"],
        "account.move.line": ["move_id", "display_type", "reconciled", "date"],
        "account.partial.reconcile": [
            "debit_move_id",
            "credit_move_id",
            "max_date",
            "exchange_move_id",
        ],
        "account.full.reconcile": ["exchange_move_id"],
        "res.company": ["currency_id"],
    }

    def init(self):
        windows = SQL(", ").join(
            SQL(
                "CASE WHEN p.paid_date <= h.done_date + %(days)s THEN 1 ELSE 0 END"
                " AS %(count)s,"
                " CASE WHEN p.paid_date <= h.done_date + %(days)s THEN 100.0"
                " ELSE 0.0 END AS %(rate)s",
                days=days,
                count=SQL.identifier(f"paid_{days}"),
                rate=SQL.identifier(f"rate_{days}"),
            )
            for days in WINDOWS
        )
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                SELECT h.id AS id,
                       h.id AS history_id,
                       h.move_id,
                       h.company_id,
                       c.currency_id AS company_currency_id,
                       h.partner_id,
                       h.step_id,
                       h.channel,
                       h.user_id,
                       h.done_date AS date,
                       h.amount_residual_company AS amount_residual,
                       p.paid_date,
                       -- GREATEST ignores NULL: without the CASE an unpaid invoice
                       -- would count as paid the same day in the average.
                       CASE WHEN p.paid_date IS NOT NULL
                            THEN GREATEST(p.paid_date - h.done_date, 0)
                       END AS days_to_pay,
                       %(windows)s
                  FROM account_reminder_history h
                  JOIN res_company c ON c.id = h.company_id
                  JOIN account_move m ON m.id = h.move_id
             LEFT JOIN LATERAL (
                       SELECT MAX(part.max_date) AS paid_date
                         FROM account_move_line l
                        CROSS JOIN LATERAL (
                              SELECT x.max_date, x.credit_move_id AS other_id
                                FROM account_partial_reconcile x
                               WHERE x.debit_move_id = l.id
                           UNION ALL
                              SELECT x.max_date, x.debit_move_id AS other_id
                                FROM account_partial_reconcile x
                               WHERE x.credit_move_id = l.id) part
                         JOIN account_move_line o ON o.id = part.other_id
                        WHERE l.move_id = m.id AND l.display_type = 'payment_term'
                          -- Exchange difference entries are not payments.
                          AND NOT EXISTS (
                              SELECT 1 FROM account_partial_reconcile e
                               WHERE e.exchange_move_id = o.move_id)
                          AND NOT EXISTS (
                              SELECT 1 FROM account_full_reconcile e
                               WHERE e.exchange_move_id = o.move_id)
                       ) p ON %(paid)s
                 -- Reminders of overdue invoices: a courtesy notice before the
                 -- due date is not one, and would count every payment on time.
                 WHERE h.state IN ('sent', 'done') AND h.done_date IS NOT NULL
                   AND h.kind = 'overdue'
                )
                """,
                view=SQL.identifier(self._table),
                windows=windows,
                paid=PAID_SQL,
            )
        )
