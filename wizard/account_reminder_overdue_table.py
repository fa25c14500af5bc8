from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..models.account_move import doubtful_partial_sql

# The columns of the legal table: (bucket, first day late, last day late). "0" is
# the optional column of the invoices not yet due; "total" sums the four buckets of
# invoices late by one day or more, as the legal model does.
BUCKETS = [
    ("0", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("91", 91, None),
]
LATE_BUCKETS = ("1_30", "31_60", "61_90", "91")
TOTAL = "total"


def bucket_of(days_late):
    """The column of an invoice ``days_late`` days late (0 or less: not yet due)."""
    for bucket, first, last in BUCKETS:
        if (first is None or days_late >= first) and (
            last is None or days_late <= last
        ):
            return bucket
    raise ValueError(days_late)


class AccountReminderOverdueTable(models.TransientModel):
    """The table of overdue customer invoices of the management report (French
    Commercial Code, article D. 441-6 I. 2°): the invoices issued and unpaid on a
    day, by how late they are, as a number, an amount and a share of the turnover
    of the fiscal year.

    Everything is as of the day chosen, from the accounting alone: an invoice
    issued by then, less the payments and credit notes reconciled with it dated
    (``max_date`` of the partial reconcile) by then. A payment received after the
    closing date does not take an invoice out of the table of that date. A transfer
    to doubtful debts (416) is no payment: the invoice stays in the table.
    """

    _name = "account.reminder.overdue.table"
    _description = "Overdue Customer Invoices Table (D441-6)"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="As of",
        required=True,
        default=lambda self: self.env.company._reminder_today(),
        help="The day the table describes, usually the closing date of the fiscal "
        "year: invoices issued by then, unpaid by then, late by then.",
    )
    date_from = fields.Date(
        string="Fiscal Year Start",
        compute="_compute_fiscal_year",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    date_to = fields.Date(
        string="Fiscal Year End",
        compute="_compute_fiscal_year",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    turnover = fields.Monetary(
        string="Turnover (excl. VAT)",
        currency_field="currency_id",
        compute="_compute_turnover",
        store=True,
        readonly=False,
        help="Turnover excluding taxes of the fiscal year: the balance of the income "
        "accounts (account type Income: class 70 in the French chart of accounts) "
        "over the fiscal year. Change it to use the figure of the annual accounts.",
    )
    line_ids = fields.One2many(
        comodel_name="account.reminder.overdue.table.line",
        inverse_name="wizard_id",
        string="Overdue Invoices",
        compute="_compute_table",
        store=True,
        readonly=True,
    )
    excluded_count = fields.Integer(
        string="Disputed Invoices Excluded",
        compute="_compute_table",
        store=True,
        help="Invoices left out of the table because they are disputed: their "
        "reminders are paused for a dispute on that day. The law asks for their "
        "number and amount.",
    )
    excluded_amount = fields.Monetary(
        string="Amount of the Disputed Invoices",
        currency_field="currency_id",
        compute="_compute_table",
        store=True,
    )
    payment_terms_note = fields.Char(
        string="Reference Payment Terms",
        default=lambda self: self.env._(
            "Contractual payment terms: the due dates of each invoice"
        ),
        help="The payment terms lateness is counted from, as the table must state: "
        "contractual terms, or the legal terms when there are none.",
    )

    @api.depends("company_id", "date")
    def _compute_fiscal_year(self):
        for table in self:
            if not table.company_id or not table.date:
                continue
            dates = table.company_id.compute_fiscalyear_dates(table.date)
            table.date_from = dates["date_from"]
            table.date_to = dates["date_to"]

    @api.depends("company_id", "date_from", "date_to")
    def _compute_turnover(self):
        for table in self:
            table.turnover = table._turnover()

    @api.depends("company_id", "date", "turnover")
    def _compute_table(self):
        for table in self:
            if not table.company_id or not table.date:
                table.line_ids = [Command.clear()]
                table.excluded_count = 0
                table.excluded_amount = 0.0
                continue
            rows = table._invoice_rows()
            totals = {bucket: [0, 0.0] for bucket, *__ in BUCKETS}
            totals[TOTAL] = [0, 0.0]
            excluded = [0, 0.0]
            for row in rows:
                target = excluded if row["disputed"] else totals[row["bucket"]]
                target[0] += 1
                target[1] += row["amount"]
                if not row["disputed"] and row["bucket"] in LATE_BUCKETS:
                    totals[TOTAL][0] += 1
                    totals[TOTAL][1] += row["amount"]
            currency = table.company_id.currency_id
            table.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "sequence": sequence,
                        "bucket": bucket,
                        "invoice_count": count,
                        "amount": currency.round(amount),
                        "percent": table._percent(amount),
                    }
                )
                for sequence, (bucket, (count, amount)) in enumerate(totals.items())
            ]
            table.excluded_count = excluded[0]
            table.excluded_amount = currency.round(excluded[1])

    def _percent(self, amount):
        """``amount`` as a percentage of the turnover, to two decimals."""
        self.ensure_one()
        if not self.turnover:
            return 0.0
        return round(100.0 * amount / self.turnover, 2)

    def _check_company_allowed(self):
        """Raw SQL reads below: refuse a company the user may not see."""
        if not self.env.su and self.company_id not in self.env.companies:
            raise AccessError(
                self.env._(
                    "You are not allowed to see the invoices of %(company)s.",
                    company=self.company_id.name,
                )
            )

    def _turnover(self):
        """The balance of the income accounts over the fiscal year, excl. taxes."""
        self.ensure_one()
        if not (self.company_id and self.date_from and self.date_to):
            return 0.0
        self._check_company_allowed()
        self.env["account.move.line"].flush_model(
            [
                "company_id",
                "parent_state",
                "account_id",
                "date",
                "balance",
                "reminder_fee_origin_id",
            ]
        )
        self.env["account.account"].flush_model(["account_type"])
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(-SUM(l.balance), 0)
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id
                 WHERE l.company_id = %(company)s AND l.parent_state = 'posted'
                   AND a.account_type = 'income'
                   -- Late-payment penalties and indemnities are damages, not sales.
                   AND l.reminder_fee_origin_id IS NULL
                   AND l.date BETWEEN %(date_from)s AND %(date_to)s
                """,
                company=self.company_id.id,
                date_from=self.date_from,
                date_to=self.date_to,
            )
        )
        return self.env.cr.fetchone()[0]

    def _invoice_rows(self):
        """The customer invoices of the company issued and unpaid on ``date``, in one
        query: ``[{"move_id", "days_late", "bucket", "amount", "disputed"}]``.

        An invoice is late by the days since the due date of its earliest
        installment still unpaid on that day (the date reminders count from); its
        amount is all it still owes on that day, taxes included, in the company
        currency. Whether an installment is unpaid is read in the invoice's
        currency, so that an exchange difference booked later does not keep a
        foreign-currency invoice paid by then in the table.
        """
        self.ensure_one()
        self._check_company_allowed()
        self.env["account.move"].flush_model(
            [
                "move_type",
                "state",
                "company_id",
                "invoice_date",
                "date",
                "reminder_pause_reason",
                "reminder_pause_until",
                "reminder_doubtful_transfer",
            ]
        )
        self.env["account.move.line"].flush_model(
            [
                "move_id",
                "display_type",
                "date_maturity",
                "amount_currency",
                "balance",
                "reconciled",
            ]
        )
        self.env["account.partial.reconcile"].flush_model(
            [
                "debit_move_id",
                "credit_move_id",
                "amount",
                "debit_amount_currency",
                "credit_amount_currency",
                "max_date",
            ]
        )
        self.env.cr.execute(
            SQL(
                """
                WITH term AS (
                    SELECT l.move_id, l.date_maturity,
                           l.amount_currency - COALESCE(dr.amount_currency, 0)
                               + COALESCE(cr.amount_currency, 0) AS residual_currency,
                           l.balance - COALESCE(dr.amount, 0)
                               + COALESCE(cr.amount, 0) AS residual,
                           (m.reminder_pause_reason = 'dispute'
                            AND (m.reminder_pause_until IS NULL
                                 OR m.reminder_pause_until >= %(date)s)) AS disputed
                      FROM account_move m
                      JOIN account_move_line l
                        ON l.move_id = m.id AND l.display_type = 'payment_term'
                 LEFT JOIN LATERAL (
                           SELECT SUM(p.amount) AS amount,
                                  SUM(p.debit_amount_currency) AS amount_currency
                             FROM account_partial_reconcile p
                            WHERE p.debit_move_id = l.id AND p.max_date <= %(date)s
                              AND NOT %(doubtful)s
                           ) dr ON TRUE
                 LEFT JOIN LATERAL (
                           SELECT SUM(p.amount) AS amount,
                                  SUM(p.credit_amount_currency) AS amount_currency
                             FROM account_partial_reconcile p
                            WHERE p.credit_move_id = l.id AND p.max_date <= %(date)s
                              AND NOT %(doubtful)s
                           ) cr ON TRUE
                     WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                       AND m.company_id = %(company)s
                       AND COALESCE(m.invoice_date, m.date) <= %(date)s
                       -- Installments settled by then are left out at once: the
                       -- years of invoices paid long ago are never summed.
                       AND (NOT l.reconciled
                            OR EXISTS (SELECT 1 FROM account_partial_reconcile p
                                        WHERE p.debit_move_id = l.id
                                          AND (p.max_date > %(date)s
                                               OR %(doubtful)s))
                            OR EXISTS (SELECT 1 FROM account_partial_reconcile p
                                        WHERE p.credit_move_id = l.id
                                          AND (p.max_date > %(date)s
                                               OR %(doubtful)s)))
                )
                SELECT move_id,
                       COALESCE(%(date)s::date - MIN(date_maturity), 0) AS days_late,
                       SUM(residual) AS amount,
                       BOOL_OR(disputed) AS disputed
                  FROM term
                 WHERE residual_currency != 0
              GROUP BY move_id
              ORDER BY move_id
                """,
                company=self.company_id.id,
                date=self.date,
                doubtful=doubtful_partial_sql("p"),
            )
        )
        return [
            {
                "move_id": move_id,
                "days_late": days_late,
                "bucket": bucket_of(days_late),
                "amount": amount,
                "disputed": disputed,
            }
            for move_id, days_late, amount, disputed in self.env.cr.fetchall()
        ]

    def _open_invoices(self, move_ids, name):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            name=name,
            domain=[("id", "in", move_ids)],
            context={"create": False},
        )
        return action

    def action_open_excluded(self):
        """The disputed invoices left out of the table."""
        self.ensure_one()
        return self._open_invoices(
            [row["move_id"] for row in self._invoice_rows() if row["disputed"]],
            self.env._("Disputed Invoices"),
        )

    def action_print(self):
        """The table as a PDF, laid out as the legal model."""
        self.ensure_one()
        return self.env.ref(
            "account_invoice_reminder.account_reminder_overdue_table_report"
        ).report_action(self)
