from odoo import api, fields, models


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
    reminder_auto_send = fields.Boolean(
        related="company_id.reminder_auto_send", readonly=False
    )
    reminder_penalty_rule = fields.Selection(
        related="company_id.reminder_penalty_rule", readonly=False
    )
    reminder_penalty_points = fields.Float(
        related="company_id.reminder_penalty_points", readonly=False
    )
    reminder_public_penalty_points = fields.Float(
        related="company_id.reminder_public_penalty_points", readonly=False
    )
    reminder_penalty_rate = fields.Float(
        related="company_id.reminder_penalty_rate", readonly=False
    )
    reminder_indemnity_amount = fields.Monetary(
        related="company_id.reminder_indemnity_amount",
        readonly=False,
        currency_field="currency_id",
    )
    reminder_tz = fields.Selection(related="company_id.reminder_tz", readonly=False)
    reminder_doubtful_account_id = fields.Many2one(
        related="company_id.reminder_doubtful_account_id",
        readonly=False,
        domain="[('company_ids', 'parent_of', company_id), ('reconcile', '=', True), "
        "('account_type', 'in', ('asset_receivable', 'asset_current'))]",
    )
    reminder_today = fields.Date(
        string="Today for the Reminders",
        compute="_compute_reminder_today",
        help="The date the daily job takes as today, in the time zone above.",
    )

    @api.depends("reminder_tz", "company_id")
    def _compute_reminder_today(self):
        for settings in self:
            # The company as it would be saved: the time zone shown may be unsaved.
            company = settings.company_id.with_context(tz=False)
            settings.reminder_today = company.new(
                {"reminder_tz": settings.reminder_tz}, origin=company
            )._reminder_today()
