from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import format_amount


class AccountReminderSendLine(models.TransientModel):
    _name = "account.reminder.send.line"
    _description = "Invoice Reminder Mail (Preview)"
    _order = "problem desc, partner_id"

    wizard_id = fields.Many2one(
        comodel_name="account.reminder.send", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    move_ids = fields.Many2many(
        comodel_name="account.move", string="Invoices", readonly=True
    )
    levels = fields.Char(string="Levels", readonly=True)
    step_id = fields.Many2one(
        comodel_name="account.reminder.step",
        string="Template of Step",
        readonly=True,
        help="The highest step of the invoices: its template is used.",
    )
    recipient_id = fields.Many2one(
        comodel_name="res.partner", string="Recipient", readonly=True
    )
    email = fields.Char(related="recipient_id.email", string="Email")
    amount_due = fields.Char(
        string="Still Due",
        readonly=True,
        help="What the reminded invoices still owe, per currency.",
    )
    problem = fields.Char(
        string="Cannot Be Sent", readonly=True, help="Why this mail cannot be sent."
    )
    warning = fields.Char(
        readonly=True,
        help="Payments or credit notes of the customer not yet matched with its "
        "invoices: check them before reminding.",
    )

    @api.model
    def _values_from_group(self, group):
        moves = group["moves"]
        totals = defaultdict(float)
        for move in moves:
            totals[move.currency_id] += move.amount_residual
        return {
            "company_id": group["company"].id,
            "partner_id": group["partner"].id,
            "move_ids": [(6, 0, moves.ids)],
            "levels": ", ".join(
                f"{move.name} ({move.reminder_step_id.name})" for move in moves
            ),
            "step_id": group["primary"].reminder_step_id.id,
            "recipient_id": group["recipient"].id,
            "amount_due": " + ".join(
                format_amount(self.env, amount, currency)
                for currency, amount in totals.items()
            ),
            "problem": group["problem"] or False,
            "warning": self._warning(group["partner"], group["company"]),
        }

    @api.model
    def _warning(self, partner, company):
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partner.id),
                    ("company_id", "=", company.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("balance", "<", 0),
                ]
            )
        )
        if not lines:
            return False
        totals = defaultdict(float)
        for line in lines:
            totals[line.currency_id] += -line.amount_residual_currency
        return self.env._(
            "Unmatched payments or credit notes: %(amounts)s",
            amounts=" + ".join(
                format_amount(self.env, amount, currency)
                for currency, amount in totals.items()
            ),
        )
