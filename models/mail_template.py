from lxml import html
from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import safe_eval


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        # Odoo compiles the body again for each record (a third of the time of a
        # reminder mail): the reminders sent together compile it once. Any error is
        # left to Odoo's own loop, which reports it as usual.
        if (
            len(res_ids) < 2
            or not self.env.context.get("reminder_groups")
            or not template_src
            or not self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        try:
            return self._reminder_render_qweb_once(
                template_src, model, res_ids, add_context, options
            )
        except Exception:  # noqa: BLE001 - rendered again below, errors and all
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )

    @api.model
    def _reminder_render_qweb_once(
        self, template_src, model, res_ids, add_context, options
    ):
        variables = self._render_eval_context()
        variables.update(add_context or {})
        options = dict(options or {})
        if (
            not self._unrestricted_rendering
            and not self.env.is_admin()
            and not self.env.user.has_group("mail.group_mail_template_editor")
        ):
            options["raise_on_forbidden_code_for_model"] = model
        qweb = self.env["ir.qweb"].with_context(**options)
        functions = name = None
        results = {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            record_qweb = qweb._prepare_environment(values)
            safe_eval.check_values(values)
            if functions is None:
                functions, name = record_qweb._compile(
                    html.fragment_fromstring(template_src, create_parent="div")
                )
            rendered = Markup("".join(functions[name](record_qweb, values)))
            # Without the <div> wrapped around the nodes, as Odoo does.
            results[record.id] = rendered[5:-6]
        return results

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
