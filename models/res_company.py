from datetime import datetime

import pytz

from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["account.reminder.step"]._create_company_defaults(companies)
        return companies

    def _reminder_timezone(self):
        """Time zone that decides what "today" is for the company's reminders.

        The company's own time zone when set, else that of its country when the
        country has only one (Europe/Paris for France), else UTC. Never the user's
        or the context's: the job must give the same result whoever runs it.
        """
        self.ensure_one()
        tz_name = self.partner_id.tz
        if not tz_name and self.country_id:
            country_zones = pytz.country_timezones.get(self.country_id.code, [])
            if len(country_zones) == 1:
                tz_name = country_zones[0]
        try:
            return pytz.timezone(tz_name or "UTC")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _reminder_today(self):
        """The current date in the company's reminder time zone."""
        self.ensure_one()
        return datetime.now(pytz.utc).astimezone(self._reminder_timezone()).date()
