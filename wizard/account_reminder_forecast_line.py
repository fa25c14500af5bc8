from odoo import fields, models


class AccountReminderForecastLine(models.TransientModel):
    _name = "account.reminder.forecast.line"
    _description = "Invoice Reminder Forecast Line"
    _order = "change, partner_id, move_id"

    forecast_id = fields.Many2one(
        comodel_name="account.reminder.forecast", required=True, ondelete="cascade"
    )
    move_id = fields.Many2one(
        comodel_name="account.move", string="Invoice", required=True, readonly=True
    )
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id", string="Customer", store=True
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    step_id = fields.Many2one(comodel_name="account.reminder.step", readonly=True)
    change = fields.Selection(
        selection=[
            ("tag", "To remind"),
            ("withdraw", "Reminder withdrawn"),
            ("courtesy", "Courtesy reminder"),
        ],
        readonly=True,
    )
    amount = fields.Monetary(
        string="Overdue on that Day",
        currency_field="currency_id",
        readonly=True,
        help="What the invoice's installments due before the forecast date still owe "
        "today.",
    )
    # Apart from the overdue amount: summing what is not due yet with it would
    # overstate what is late.
    amount_due_next = fields.Monetary(
        string="Falling Due",
        currency_field="currency_id",
        readonly=True,
        help="For a courtesy reminder: what the invoice's earliest open due date "
        "calls for, not yet due.",
    )
