from odoo import Command, api, fields, models


class AccountReminderSend(models.TransientModel):
    _name = "account.reminder.send"
    _description = "Send Invoice Reminders"

    move_ids = fields.Many2many(
        comodel_name="account.move",
        string="Invoices",
        default=lambda self: self._default_move_ids(),
    )
    per_customer = fields.Boolean(
        string="One Reminder per Customer",
        default=lambda self: self.env.company.reminder_group_per_customer,
        help="One mail per customer and company, listing all its overdue invoices, "
        "with the template of the highest step. Off: one mail per invoice.",
    )
    copy_salesperson = fields.Boolean(
        string="Copy the Salesperson",
        help="Send a copy of each mail to the salesperson of the invoice.",
    )
    line_ids = fields.One2many(
        comodel_name="account.reminder.send.line",
        inverse_name="wizard_id",
        string="Mails",
        compute="_compute_line_ids",
        store=True,
        readonly=True,
    )
    left_out = fields.Text(
        string="Not Sent",
        compute="_compute_line_ids",
        store=True,
        help="Selected invoices that will not be reminded, and why.",
    )
    mail_count = fields.Integer(
        string="Reminders to Send", compute="_compute_line_ids", store=True
    )

    @api.model
    def _default_move_ids(self):
        """The selected invoices, else every invoice to remind."""
        if self.env.context.get("active_model") == "account.move":
            return self.env["account.move"].browse(self.env.context.get("active_ids"))
        return self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("reminder_state", "=", "to_do"),
                # Its pending step goes at the next refresh: never proposed.
                ("reminder_litigation", "=", False),
                ("company_id", "in", self.env.companies.ids),
            ]
        )

    @api.depends("move_ids", "per_customer")
    def _compute_line_ids(self):
        sender = self.env["account.reminder.sender"]
        for wizard in self:
            groups, left_out = sender._prepare(wizard.move_ids, wizard.per_customer)
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    self.env["account.reminder.send.line"]._values_from_group(group)
                )
                for group in groups
            ]
            wizard.mail_count = len([g for g in groups if not g["problem"]])
            wizard.left_out = "\n".join(
                f"{move.display_name}: {reason}" for move, reason in left_out.items()
            )

    def action_send(self):
        """Send what the preview shows, checked again now."""
        self.ensure_one()
        self.move_ids.check_access("write")
        result = self.env["account.reminder.sender"]._send(
            self.move_ids,
            per_customer=self.per_customer,
            copy_salesperson=self.copy_salesperson,
        )
        message = self.env._(
            "%(mails)s reminder mail(s) queued for %(invoices)s invoice(s).",
            mails=result["mails"],
            invoices=len(result["reminded"]),
        )
        if result["letters"]:
            message += " " + self.env._(
                "%(count)s reminder letter(s) printed, attached to their invoices.",
                count=len(result["letters"]),
            )
        if result["calls"]:
            message += " " + self.env._(
                "%(count)s phone call(s) planned as activities.",
                count=len(result["calls"]),
            )
        if result["failed"]:
            message += " " + self.env._(
                "%(count)s invoice(s) could not be reminded (no email address): an "
                "activity was scheduled for each.",
                count=len(result["failed"]),
            )
        if result["left_out"]:
            reasons = [
                f"{move.display_name}: {reason}"
                for move, reason in list(result["left_out"].items())[:10]
            ]
            message += " " + self.env._(
                "%(count)s invoice(s) left out: %(reasons)s",
                count=len(result["left_out"]),
                reasons="; ".join(reasons),
            )
        next_action = {"type": "ir.actions.act_window_close"}
        if result["letters"]:
            # The letters to print, all in one PDF, once the dialog closes.
            next_action = self.env["account.reminder.letter"]._download_action(
                result["letters"]
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Invoice reminders"),
                "message": message,
                "type": "success" if not result["failed"] else "warning",
                "sticky": bool(result["failed"] or result["left_out"]),
                "next": next_action,
            },
        }
