from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from . import reminder_policy

_lt = LazyTranslate(__name__)

# What decides when a step is due: changing one may change any invoice's level.
RULE_FIELDS = {"sequence", "trigger_basis", "delay_days", "active", "company_id"}

# How a step reminds the customer. Letters are printed (a PDF per customer), phone
# calls are activities for a person; only emails need a mail template.
CHANNELS = [("email", "Email"), ("letter", "Letter"), ("phone", "Phone Call")]

# Ten years: beyond that a delay is a typing error, and dates would overflow.
MAX_DELAY_DAYS = 3650

# The steps every company starts with: (name, template xml id, trigger basis, days,
# whether the mail states the late-payment fees: the formal last one does).
DEFAULT_STEPS = [
    (_lt("Reminder 1"), "mail_template_reminder_1", "due_date", 0, False),
    (_lt("Reminder 2"), "mail_template_reminder_2", "previous_reminder", 30, False),
    (_lt("Reminder 3"), "mail_template_reminder_3", "previous_reminder", 30, True),
]


class AccountReminderStep(models.Model):
    _name = "account.reminder.step"
    _description = "Invoice Reminder Step"
    _order = "sequence, id"

    # Not required at the database level: a missing name must give the translated
    # ValidationError of _check_name, not a NOT NULL violation.
    name = fields.Char(translate=True)
    # A new step goes last: with the same default for all, it came second.
    sequence = fields.Integer(default=lambda self: self._default_sequence())
    # "set null" for the database only: users get the clear error of
    # mail.template._unlink_except_reminder_step, and uninstalling the add-on can
    # remove its templates before its steps.
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        string="Email Template",
        domain=[("model", "=", "account.move")],
        ondelete="set null",
    )
    channel = fields.Selection(
        selection=CHANNELS,
        required=True,
        default="email",
        help="Email: a mail from the template.\nLetter: a PDF per customer to print "
        "and post, attached to the invoice.\nPhone Call: an activity to call the "
        "customer, for the invoice's salesperson (else the credit controller); the "
        "step is done when the activity is.",
    )
    formal_notice = fields.Boolean(
        help="The letter is a formal notice to pay (mise en demeure), with the legal "
        "wording, to send by registered mail.",
    )
    trigger_basis = fields.Selection(
        selection=[
            (reminder_policy.BASIS_DUE_DATE, "After invoice due date"),
            (reminder_policy.BASIS_PREVIOUS_REMINDER, "After previous reminder"),
            (reminder_policy.BASIS_BEFORE_DUE_DATE, "Before invoice due date"),
        ],
        string="Trigger Date",
        required=True,
        default=reminder_policy.BASIS_DUE_DATE,
        help="After invoice due date: counted from the due date of the earliest open "
        "installment.\nAfter previous reminder: counted from the date the previous "
        "step was done (from the due date for the first step).\nBefore invoice due "
        "date: a courtesy reminder, so many days before the earliest open installment "
        "falls due. It is kept apart from the reminder level: it never counts as a "
        "reminder and never delays the first one.",
    )
    delay_days = fields.Integer(
        string="Number of days after the trigger date",
        default=0,
        help="Counted after the trigger date; for a courtesy reminder (before invoice "
        "due date), before the due date.",
    )
    is_courtesy = fields.Boolean(
        string="Courtesy Reminder",
        compute="_compute_is_courtesy",
    )
    auto_send = fields.Boolean(
        string="Send Automatically",
        default=lambda self: self.env.company.reminder_auto_send,
        help="The daily job sends this step's mail itself once it tags an invoice, "
        "through the mail queue. Off: an accountant sends it.",
    )
    show_late_fees = fields.Boolean(
        string="Show Late-Payment Fees",
        help="The mail states the late-payment penalties and the recovery indemnity "
        "owed as of its date, per invoice (business customers only).",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )

    @api.depends("trigger_basis")
    def _compute_is_courtesy(self):
        for step in self:
            step.is_courtesy = (
                step.trigger_basis == reminder_policy.BASIS_BEFORE_DUE_DATE
            )

    @api.onchange("trigger_basis")
    def _onchange_trigger_basis(self):
        # The shipped courtesy template is the one to start from; another template
        # would speak of an overdue invoice, and the other way round.
        courtesy = self._courtesy_template()
        if not self.is_courtesy:
            if courtesy and self.mail_template_id == courtesy:
                self.mail_template_id = False
            return
        self.channel = "email"
        if courtesy and (
            not self.mail_template_id
            or self.mail_template_id in self._overdue_templates()
        ):
            self.mail_template_id = courtesy

    def _courtesy_template(self):
        return (
            self.env.ref(
                "account_invoice_reminder.mail_template_reminder_courtesy",
                raise_if_not_found=False,
            )
            or self.env["mail.template"]
        )

    def _overdue_templates(self):
        templates = self.env["mail.template"]
        for __, xmlid, *__ in DEFAULT_STEPS:
            templates |= (
                self.env.ref(
                    f"account_invoice_reminder.{xmlid}", raise_if_not_found=False
                )
                or self.env["mail.template"]
            )
        return templates

    @api.constrains("trigger_basis", "mail_template_id")
    def _check_courtesy_template(self):
        courtesy = self._courtesy_template()
        overdue = self._overdue_templates()
        for step in self:
            if step.is_courtesy and step.mail_template_id in overdue:
                raise ValidationError(
                    self.env._(
                        'The reminder step "%(step)s" is a courtesy reminder: it '
                        'cannot use the template "%(template)s", which tells the '
                        "customer that the invoice is overdue.",
                        step=step.name,
                        template=step.mail_template_id.name,
                    )
                )
            if courtesy and not step.is_courtesy and step.mail_template_id == courtesy:
                raise ValidationError(
                    self.env._(
                        'The reminder step "%(step)s" reminds overdue invoices: it '
                        'cannot use the template "%(template)s", which tells the '
                        "customer that the payment is not due yet.",
                        step=step.name,
                        template=courtesy.name,
                    )
                )

    @api.constrains("trigger_basis", "channel")
    def _check_courtesy_channel(self):
        for step in self:
            if step.is_courtesy and step.channel != "email":
                raise ValidationError(
                    self.env._(
                        'The reminder step "%(step)s" is a courtesy reminder (before '
                        "the invoice due date): it can only be an email. Letters and "
                        "phone calls are for overdue invoices.",
                        step=step.name,
                    )
                )

    @api.model
    def _default_sequence(self):
        last = self.with_context(active_test=False).search(
            [("company_id", "=", self.env.company.id)],
            order="sequence desc, id desc",
            limit=1,
        )
        return last.sequence + 10 if last else 10

    # company_id always has a value at creation, so listing it makes the check run
    # even when "name" is missing from the values.
    @api.constrains("name", "company_id")
    def _check_name(self):
        for step in self:
            if not (step.name or "").strip():
                raise ValidationError(self.env._("A reminder step must have a name."))

    @api.constrains("delay_days")
    def _check_delay_days(self):
        for step in self:
            if step.delay_days < 0:
                raise ValidationError(
                    self.env._(
                        'The number of days of the reminder step "%(step)s" cannot be '
                        "negative.",
                        step=step.name,
                    )
                )
            if step.delay_days > MAX_DELAY_DAYS:
                raise ValidationError(
                    self.env._(
                        'The number of days of the reminder step "%(step)s" cannot '
                        "exceed %(max)s (ten years).",
                        step=step.name,
                        max=MAX_DELAY_DAYS,
                    )
                )

    @api.constrains("mail_template_id")
    def _check_mail_template_id(self):
        for step in self:
            template = step.mail_template_id
            if template and template.model != "account.move":
                raise ValidationError(
                    self.env._(
                        'The email template "%(template)s" of the reminder step '
                        '"%(step)s" applies to "%(model)s": a reminder step needs a '
                        "template that applies to invoices.",
                        template=template.name,
                        step=step.name,
                        model=template.model_id.name or template.model,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # The default above reads the current company; a step created for another
        # one takes that company's setting.
        for vals in vals_list:
            if "auto_send" not in vals and vals.get("company_id"):
                company = self.env["res.company"].browse(vals["company_id"])
                vals["auto_send"] = company.reminder_auto_send
        steps = super().create(vals_list)
        steps.company_id._reminder_request_full_scan()
        return steps

    def write(self, vals):
        # The companies before and after the write: both see their rules change.
        if RULE_FIELDS.intersection(vals):
            self.company_id._reminder_request_full_scan()
        if "trigger_basis" in vals:
            switched = self.filtered(
                lambda step: (
                    step.is_courtesy
                    != (vals["trigger_basis"] == reminder_policy.BASIS_BEFORE_DUE_DATE)
                )
            )
            used = switched._reminder_used_by()
            if used:
                raise UserError(
                    self.env._(
                        'The reminder step "%(step)s" is used by invoices (e.g. '
                        "%(invoice)s): it cannot switch between a courtesy reminder "
                        "(before the due date) and a reminder of an overdue invoice, "
                        "which would mix their histories. Archive it and create a "
                        "new step instead.",
                        step=used[0].name,
                        invoice=used[1].display_name,
                    )
                )
        if "company_id" in vals:
            moved = self.filtered(lambda step: step.company_id.id != vals["company_id"])
            used = moved._reminder_used_by()
            if used:
                raise UserError(
                    self.env._(
                        'The reminder step "%(step)s" is used by invoices of its '
                        "company (e.g. %(invoice)s): it cannot move to another "
                        "company. Create a step in the other company instead.",
                        step=used[0].name,
                        invoice=used[1].display_name,
                    )
                )
        res = super().write(vals)
        if "company_id" in vals:
            self.company_id._reminder_request_full_scan()
        return res

    def unlink(self):
        companies = self.company_id
        res = super().unlink()
        companies._reminder_request_full_scan()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self._reminder_used_by()
        if used:
            raise UserError(
                self.env._(
                    'The reminder step "%(step)s" is used by invoices (e.g. '
                    "%(invoice)s) and cannot be deleted, so that their reminder "
                    "history stays complete. Archive it instead: archived steps are "
                    "no longer used.",
                    step=used[0].name,
                    invoice=used[1].display_name,
                )
            )

    def _reminder_used_by(self):
        """(step, invoice) for one of these steps an invoice uses, else None."""
        if not self:
            return None
        move = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    "|",
                    ("reminder_step_id", "in", self.ids),
                    ("reminder_done_step_ids", "in", self.ids),
                ],
                limit=1,
            )
        )
        if not move:
            courtesy = (
                self.env["account.reminder.courtesy"]
                .sudo()
                .search([("step_id", "in", self.ids)], limit=1)
            )
            if courtesy:
                return courtesy.step_id, courtesy.move_id
            history = (
                self.env["account.reminder.history"]
                .sudo()
                .search([("step_id", "in", self.ids)], limit=1)
            )
            return (history.step_id, history.move_id) if history else None
        used = self & (move.reminder_step_id | move.reminder_done_step_ids)
        return used[:1], move

    def _reminder_policy_step(self):
        self.ensure_one()
        return reminder_policy.Step(
            id=self.id,
            trigger_basis=self.trigger_basis,
            delay_days=self.delay_days,
        )

    @api.model
    def _create_company_defaults(self, companies):
        """Create the default steps in those of ``companies`` that have none yet."""
        Step = self.sudo().with_context(active_test=False, lang="en_US")
        with_steps = set(
            Step.search([("company_id", "in", companies.ids)]).company_id.ids
        )
        vals_list = []
        for company in companies.filtered(lambda c: c.id not in with_steps):
            for sequence, (name, template_xmlid, basis, days, fees) in enumerate(
                DEFAULT_STEPS, start=1
            ):
                template = self.env.ref(
                    f"account_invoice_reminder.{template_xmlid}",
                    raise_if_not_found=False,
                )
                vals_list.append(
                    {
                        "name": name._translate("en_US"),
                        "sequence": sequence * 10,
                        "mail_template_id": template.id if template else False,
                        "trigger_basis": basis,
                        "delay_days": days,
                        "show_late_fees": fees,
                        "company_id": company.id,
                    }
                )
        steps = Step.create(vals_list)
        steps._translate_default_names()
        return steps

    def _translate_default_names(self, langs=None):
        """Give default steps the name of their language, where still untranslated.

        Default steps are created by code in every company, so the translation files
        cannot reach them by XML id: this runs when they are created and whenever a
        language is loaded. Names the user changed are left alone.
        """
        if langs is None:
            langs = [code for code, __ in self.env["res.lang"].get_installed()]
        langs = [lang for lang in langs if lang != "en_US"]
        terms = {term._translate("en_US"): term for term, *__ in DEFAULT_STEPS}
        for step in self.with_context(lang="en_US", active_test=False):
            term = terms.get(step.name)
            if not term:
                continue
            translations = {}
            for lang in langs:
                current = step.with_context(lang=lang).name
                translated = term._translate(lang)
                if current == step.name and translated != current:
                    translations[lang] = translated
            if translations:
                step.update_field_translations("name", translations)
