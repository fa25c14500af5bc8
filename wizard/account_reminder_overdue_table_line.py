from odoo import fields, models

from .account_reminder_overdue_table import LATE_BUCKETS, TOTAL


class AccountReminderOverdueTableLine(models.TransientModel):
    """One column of the legal table: the invoices of a lateness bucket."""

    _name = "account.reminder.overdue.table.line"
    _description = "Overdue Customer Invoices Table (D441-6): Bucket"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        comodel_name="account.reminder.overdue.table",
        required=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(readonly=True)
    bucket = fields.Selection(
        selection=[
            ("0", "0 days (indicative)"),
            ("1_30", "1 to 30 days"),
            ("31_60", "31 to 60 days"),
            ("61_90", "61 to 90 days"),
            ("91", "91 days or more"),
            (TOTAL, "Total (1 day or more)"),
        ],
        string="Days Late",
        readonly=True,
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    invoice_count = fields.Integer(string="Number of Invoices", readonly=True)
    amount = fields.Monetary(
        string="Total Amount (incl. VAT)",
        currency_field="currency_id",
        readonly=True,
        help="What these invoices still owed on that day, taxes included.",
    )
    percent = fields.Float(
        string="% of Turnover (excl. VAT)",
        digits=(16, 2),
        readonly=True,
        help="The amount as a percentage of the turnover excluding taxes of the "
        "fiscal year.",
    )

    def action_open_invoices(self):
        """The invoices counted in this column."""
        self.ensure_one()
        buckets = LATE_BUCKETS if self.bucket == TOTAL else (self.bucket,)
        label = dict(self._fields["bucket"]._description_selection(self.env))
        return self.wizard_id._open_invoices(
            [
                row["move_id"]
                for row in self.wizard_id._invoice_rows()
                if not row["disputed"] and row["bucket"] in buckets
            ],
            self.env._("Unpaid Invoices: %(bucket)s", bucket=label[self.bucket]),
        )
