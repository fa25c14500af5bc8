from collections import defaultdict

from odoo import api, fields, models


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
    levels = fields.Char(readonly=True)
    step_id = fields.Many2one(
        comodel_name="account.reminder.step",
        readonly=True,
        help="The highest step of the invoices: its template is used.",
    )
    channel = fields.Selection(
        related="step_id.channel",
        help="How the customer is reminded: the channel of the highest step.",
    )
    recipient_id = fields.Many2one(comodel_name="res.partner", readonly=True)
    email = fields.Char(related="recipient_id.email", string="Email")
    amount_overdue = fields.Char(
        string="Overdue",
        readonly=True,
        help="What the reminded invoices owe on their installments already due, per "
        "currency.",
    )
    amount_due = fields.Char(
        string="Balance",
        readonly=True,
        help="All that the reminded invoices still owe, per currency, including "
        "installments not due yet.",
    )
    problem = fields.Char(
        string="Cannot Be Sent", readonly=True, help="Why this mail cannot be sent."
    )
    warning = fields.Char(
        readonly=True,
        help="Worth a look before sending: payments or credit notes of the customer "
        "not yet matched, an address that bounced, a company without email.",
    )

    @api.model
    def _values_from_group(self, group):
        sender = self.env["account.reminder.sender"]
        moves = group["moves"]
        balance = defaultdict(float)
        for move in moves:
            balance[move.currency_id] += move.amount_residual
        return {
            "company_id": group["company"].id,
            "partner_id": group["partner"].id,
            "move_ids": [(6, 0, moves.ids)],
            "levels": ", ".join(
                f"{move.name} ({move.reminder_step_id.name})" for move in moves
            ),
            "step_id": group["primary"].reminder_step_id.id,
            "recipient_id": group["recipient"].id,
            "amount_overdue": sender._amounts_text(group["overdue"]),
            "amount_due": sender._amounts_text(balance),
            "problem": group["problem"] or False,
            "warning": group["warning"],
        }
