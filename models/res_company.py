from datetime import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from . import reminder_policy

# Once a week the daily job looks at every open invoice, in case one changed without
# the add-on seeing it (data changed by SQL, say); other days only at those due.
REMINDER_FULL_SCAN_DAYS = 7


class ResCompany(models.Model):
    _inherit = "res.company"

    reminder_group_per_customer = fields.Boolean(
        string="One Reminder per Customer",
        default=True,
        help="Send one email per customer listing all its overdue invoices, with the "
        "template of the highest step. Off: one email per invoice.",
    )
    reminder_min_amount = fields.Monetary(
        string="Minimum Amount to Remind",
        currency_field="currency_id",
        help="Invoices whose amount still due (company currency) is under this amount "
        "are not reminded.",
    )
    reminder_full_scan_date = fields.Date(
        string="Last Full Reminder Check",
        readonly=True,
        copy=False,
        help="The daily job looks at every open invoice on this day once a week, and "
        "after the reminder steps or settings change; other days, only at those whose "
        "reminder may change.",
    )
    reminder_credit_controller_id = fields.Many2one(
        comodel_name="res.users",
        string="Credit Controller",
        domain=[("share", "=", False)],
        help="Follows up the reminders that could not be sent when the invoice has no "
        "salesperson. Empty: the administrator.",
    )

    reminder_auto_send = fields.Boolean(
        string="Send New Steps Automatically",
        help='Default of "Send Automatically" for the reminder steps created from '
        "now on; existing steps keep theirs.",
    )
    reminder_tz = fields.Selection(
        selection=_tz_get,
        string="Reminder Time Zone",
        help='The time zone that decides what "today" is for the reminders. '
        "Empty: the company's own time zone, else that of its country when it has "
        "only one (Europe/Paris for France), else UTC.",
    )

    # French late-payment law (Code de commerce L441-10 and D441-5).
    reminder_penalty_rule = fields.Selection(
        selection=[
            ("reference", "Reference rate + points"),
            ("contract", "Rate of the terms of sale"),
        ],
        string="Late-Payment Penalty Rate",
        default="reference",
        required=True,
        help="Reference rate + points: the ECB rate in force on 1 January or 1 July "
        "(table of reference rates) plus the points below, the legal default. Rate of "
        "the terms of sale: the rate your general terms of sale state (at least three "
        "times the legal interest rate).",
    )
    reminder_penalty_points = fields.Float(
        string="Points Added to the Reference Rate",
        digits=(5, 3),
        default=10.0,
    )
    reminder_public_penalty_points = fields.Float(
        string="Points for Public Buyers",
        digits=(5, 3),
        default=8.0,
        help="Public buyers owe the reference rate plus 8 points (Code de la commande "
        "publique R2192-31).",
    )
    reminder_penalty_rate = fields.Float(
        string="Penalty Rate of the Terms of Sale (%)",
        digits=(5, 3),
    )
    reminder_indemnity_amount = fields.Monetary(
        string="Fixed Recovery Indemnity",
        currency_field="currency_id",
        default=40.0,
        help="Owed once per invoice paid late by a business customer (D441-5: 40 €).",
    )

    reminder_doubtful_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Doubtful Debts Account",
        domain=[
            ("reconcile", "=", True),
            ("account_type", "in", ("asset_receivable", "asset_current")),
        ],
        help="Where Transfer to Doubtful Debts moves what an invoice still owes "
        "(416 Clients douteux ou litigieux in the French chart). Empty: the first "
        "reconcilable account whose code starts with 416.",
    )

    @api.constrains(
        "reminder_min_amount",
        "reminder_penalty_points",
        "reminder_public_penalty_points",
        "reminder_penalty_rate",
        "reminder_indemnity_amount",
    )
    def _check_reminder_amounts(self):
        # A negative figure would give negative penalties, and a fee invoice that
        # pays the customer.
        labels = {
            "reminder_min_amount": self.env._("minimum amount to remind"),
            "reminder_penalty_points": self.env._("points added to the reference rate"),
            "reminder_public_penalty_points": self.env._("points for public buyers"),
            "reminder_penalty_rate": self.env._("penalty rate of the terms of sale"),
            "reminder_indemnity_amount": self.env._("fixed recovery indemnity"),
        }
        for company in self:
            for name, label in labels.items():
                if company[name] < 0:
                    raise ValidationError(
                        self.env._(
                            "The %(setting)s of %(company)s cannot be negative.",
                            setting=label,
                            company=company.name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["account.reminder.step"]._create_company_defaults(companies)
        return companies

    def _reminder_timezone(self):
        """Time zone that decides what "today" is for the company's reminders.

        The one chosen in the settings, else the company's own time zone, else that
        of its country when the country has only one (Europe/Paris for France), else
        UTC. Never the user's or the context's: the job must give the same result
        whoever runs it.
        """
        self.ensure_one()
        tz_name = self.reminder_tz or self.partner_id.tz
        if not tz_name and self.country_id:
            country_zones = pytz.country_timezones.get(self.country_id.code, [])
            if len(country_zones) == 1:
                tz_name = country_zones[0]
        try:
            return pytz.timezone(tz_name or "UTC")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def write(self, vals):
        # A new time zone may move "today" by a day: every invoice may change. Only
        # on a real change: the settings screen writes back every value it shows.
        rules = {"reminder_min_amount", "reminder_tz"}.intersection(vals)
        changed = self.filtered(
            lambda company: any(company[name] != vals[name] for name in rules)
        )
        res = super().write(vals)
        changed._reminder_request_full_scan()
        return res

    def _reminder_request_full_scan(self):
        """The next daily run looks at every open invoice of these companies: their
        rules changed, so any invoice may have a new status."""
        self._reminder_set_full_scan_date(None)

    def _reminder_set_full_scan_date(self, day, log=True):
        """:param log: log a failing query (the daily job handles a concurrent
        update itself, which is no error for the server log)"""
        # In SQL: a company's write is tracked in its chatter and re-reads it, five
        # queries for a date no one edits.
        if not self:
            return
        self.env.cr.execute(
            "UPDATE res_company SET reminder_full_scan_date = %s WHERE id = ANY(%s)",
            [day, self.ids],
            log_exceptions=log,
        )
        self.invalidate_recordset(["reminder_full_scan_date"])

    def _reminder_full_scan_due(self, today):
        self.ensure_one()
        last = self.reminder_full_scan_date
        return not last or (today - last).days >= REMINDER_FULL_SCAN_DAYS

    def _reminder_plan(self):
        """What the reminder rules need to know of the company, as of today."""
        self.ensure_one()
        steps = self.env["account.reminder.step"].sudo().with_context(active_test=True)
        steps = steps.search([("company_id", "=", self.id)])
        courtesy = steps.filtered(
            lambda step: step.trigger_basis == reminder_policy.BASIS_BEFORE_DUE_DATE
        )
        return reminder_policy.Plan(
            today=self._reminder_today(),
            # A courtesy notice is never an overdue level: it never blocks the
            # first overdue step, nor counts as the "previous reminder".
            steps=tuple(step._reminder_policy_step() for step in steps - courtesy),
            min_amount=self.reminder_min_amount,
            courtesy_steps=tuple(step._reminder_policy_step() for step in courtesy),
        )

    def _reminder_responsible(self, invoice):
        """Who follows up a reminder that could not reach the customer."""
        self.ensure_one()
        # An active person: OdooBot is often the salesperson of imported invoices.
        salesperson = invoice.invoice_user_id.filtered(
            lambda user: user.active and not user.share
        )
        return (
            salesperson
            or self.reminder_credit_controller_id.filtered("active")
            or self.env.ref("base.user_admin")
        )

    def _reminder_today(self):
        """The current date in the company's reminder time zone."""
        self.ensure_one()
        return datetime.now(pytz.utc).astimezone(self._reminder_timezone()).date()

    def _reminder_doubtful_account(self):
        """The account of the transfers to doubtful debts: the one chosen in the
        settings, else the first reconcilable account of the company whose code
        starts with 416, receivable-type ones first; empty when there is none.

        The French chart makes 416000 a current asset, not a receivable: both are
        accepted, as long as the account is reconcilable, so that the customer's
        later payment can be matched with it.
        """
        self.ensure_one()
        if self.reminder_doubtful_account_id:
            return self.reminder_doubtful_account_id
        Account = self.env["account.account"].with_company(self)
        accounts = Account.search(
            [
                *Account._check_company_domain(self),
                ("code", "=like", "416%"),
                ("reconcile", "=", True),
                ("deprecated", "=", False),
                ("account_type", "in", ("asset_receivable", "asset_current")),
            ]
        )
        return accounts.sorted(
            lambda a: (a.account_type != "asset_receivable", a.code, a.id)
        )[:1]

    def _reminder_doubtful_account_required(self):
        """``_reminder_doubtful_account``, or a clear error when there is none."""
        account = self._reminder_doubtful_account()
        if not account:
            raise UserError(
                self.env._(
                    "No doubtful debts account for %(company)s: create a reconcilable "
                    "account whose code starts with 416 (Clients douteux ou "
                    "litigieux), or choose one in the settings (Invoice Reminders).",
                    company=self.name,
                )
            )
        return account
