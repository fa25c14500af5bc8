from odoo import api, fields, models
from odoo.exceptions import ValidationError

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

    # Not restricted to the accounting groups: contacts copy them from their company
    # (commercial fields) whoever edits them.
    reminder_consumer = fields.Boolean(
        string="Consumer",
        help="A private individual, not a business: no late-payment penalties nor "
        "recovery indemnity. Set on the company, its contacts follow.",
    )
    reminder_public_buyer = fields.Boolean(
        string="Public Buyer",
        help="A public-sector buyer: its penalties are at the reference rate plus the "
        "points for public buyers.",
    )
    reminder_penalty_rate = fields.Float(
        string="Contract Penalty Rate (%)",
        digits=(5, 3),
        help="The late-payment rate agreed with this customer, when its contract "
        "states one. Empty: the company's rule.",
    )

    @api.constrains("reminder_penalty_rate")
    def _check_reminder_penalty_rate(self):
        for partner in self:
            if partner.reminder_penalty_rate < 0:
                raise ValidationError(
                    self.env._(
                        "The contract penalty rate of %(customer)s cannot be negative.",
                        customer=partner.display_name,
                    )
                )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "reminder_consumer",
            "reminder_public_buyer",
            "reminder_penalty_rate",
        ]

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
