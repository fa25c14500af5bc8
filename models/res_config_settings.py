from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    reminder_group_per_customer = fields.Boolean(
        related="company_id.reminder_group_per_customer", readonly=False
    )
    reminder_min_amount = fields.Monetary(
        related="company_id.reminder_min_amount",
        readonly=False,
        currency_field="currency_id",
    )
    reminder_credit_controller_id = fields.Many2one(
        related="company_id.reminder_credit_controller_id", readonly=False
    )
