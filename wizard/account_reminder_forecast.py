from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class AccountReminderForecast(models.TransientModel):
    _name = "account.reminder.forecast"
    _description = "Invoice Reminder Forecast"

    date = fields.Date(
        string="Forecast Date",
        required=True,
        default=lambda self: self.env.company._reminder_today() + timedelta(days=7),
        help="The day the daily job is imagined to run, on the invoices, payments and "
        "steps as they are now.",
    )
    line_ids = fields.One2many(
        comodel_name="account.reminder.forecast.line",
        inverse_name="forecast_id",
        string="Forecast",
        readonly=True,
    )
    tag_count = fields.Integer(
        string="Newly to Remind",
        compute="_compute_counts",
        help="Invoices that would get a new pending step that day; those already to "
        "remind today stay so and are not counted.",
    )
    withdraw_count = fields.Integer(
        string="Reminders Withdrawn", compute="_compute_counts"
    )
    courtesy_count = fields.Integer(
        string="New Courtesy Reminders", compute="_compute_counts"
    )

    @api.depends("line_ids.change")
    def _compute_counts(self):
        for forecast in self:
            changes = forecast.line_ids.mapped("change")
            forecast.tag_count = changes.count("tag")
            forecast.withdraw_count = changes.count("withdraw")
            forecast.courtesy_count = changes.count("courtesy")

    def action_compute(self):
        """Fill the forecast for the date chosen; nothing else is changed."""
        self.ensure_one()
        today = self.env.company._reminder_today()
        if self.date < today:
            raise UserError(
                self.env._(
                    "A forecast is for today or a later day, not %(date)s: the "
                    "reminder history tells what happened before.",
                    date=format_date(self.env, self.date),
                )
            )
        rows = self.env["account.move"]._reminder_forecast(
            self.date, self.env.companies
        )
        self.line_ids = [Command.clear()] + [
            Command.create(
                {
                    "move_id": row["move_id"],
                    "step_id": row["step_id"],
                    "change": row["change"],
                    "amount": row["amount"],
                    "amount_due_next": row.get("due_next", 0.0),
                }
            )
            for row in rows
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Reminder Forecast"),
        }
