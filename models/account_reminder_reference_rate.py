from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class AccountReminderReferenceRate(models.Model):
    _name = "account.reminder.reference.rate"
    _description = "Reference Rate of Late-Payment Penalties"
    _order = "date_start desc"
    _rec_name = "date_start"

    # The rate of the European Central Bank's most recent main refinancing operation,
    # as in force on 1 January and 1 July (Code de commerce L441-10): one row per
    # half-year, kept by the accountant from the notice published each half-year.
    date_start = fields.Date(
        string="Half-Year Starting",
        required=True,
        help="1 January or 1 July: the rate applies to the late days of this "
        "half-year.",
    )
    rate = fields.Float(
        string="Reference Rate (%)",
        digits=(5, 3),
        required=True,
        help="The ECB main refinancing rate in force on that day, in % a year; the "
        "points of the company's rule are added to it.",
    )

    _sql_constraints = [
        (
            "date_start_unique",
            "UNIQUE(date_start)",
            "There is already a reference rate for this half-year.",
        ),
    ]

    @api.constrains("date_start", "rate")
    def _check_date_start(self):
        for rate in self:
            if rate.date_start.day != 1 or rate.date_start.month not in (1, 7):
                raise ValidationError(
                    self.env._(
                        "A reference rate applies from 1 January or 1 July, not from "
                        "%(date)s.",
                        date=format_date(self.env, rate.date_start),
                    )
                )
            if rate.rate < 0:
                raise ValidationError(
                    self.env._("A reference rate cannot be negative.")
                )

    @api.model
    def _reminder_table(self):
        """((1 January or 1 July, rate), ...) for the pure computation."""
        rates = self.sudo().search_read([], ["date_start", "rate"], order="date_start")
        return tuple((row["date_start"], row["rate"]) for row in rates)
