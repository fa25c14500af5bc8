from odoo import api, models
from odoo.exceptions import UserError, ValidationError


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _reminder_steps(self, active_only=False):
        Step = self.env["account.reminder.step"].sudo()
        if not active_only:
            Step = Step.with_context(active_test=False)
        return Step.search([("mail_template_id", "in", self.ids)])

    @api.constrains("model_id")
    def _check_reminder_step_model(self):
        steps = self._reminder_steps().filtered(
            lambda step: step.mail_template_id.model != "account.move"
        )
        if steps:
            raise ValidationError(
                self.env._(
                    'The email template "%(template)s" is used by the reminder step '
                    '"%(step)s": it must keep applying to invoices.',
                    template=steps[0].mail_template_id.name,
                    step=steps[0].name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reminder_step(self):
        # An archived step is never used again: it may lose its template.
        steps = self._reminder_steps(active_only=True)
        if steps:
            raise UserError(
                self.env._(
                    'The email template "%(template)s" is used by the reminder step '
                    '"%(step)s": choose another template on the step, or archive the '
                    "step, before deleting it.",
                    template=steps[0].mail_template_id.name,
                    step=steps[0].name,
                )
            )
