from odoo import fields, models

from .account_move import REMINDER_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"

    reminder_excluded = fields.Boolean(
        string="Do Not Remind",
        company_dependent=True,
        groups=REMINDER_GROUPS,
        help="Never send payment reminders to this customer in this company. Read from "
        "the company the contact belongs to (its commercial entity).",
    )

    def write(self, vals):
        res = super().write(vals)
        if "reminder_excluded" in vals:
            self._reminder_refresh_invoices()
        return res

    def _reminder_refresh_invoices(self):
        """The customer's open invoices follow its "do not remind" at once."""
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ]
            )
        )
        invoices._reminder_schedule_refresh()
