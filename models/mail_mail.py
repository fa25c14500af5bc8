from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def write(self, vals):
        res = super().write(vals)
        # A mail cancelled in the outgoing queue leaves its notifications as they
        # were: the reminders it carried must still learn they were not sent.
        if vals.get("state") == "cancel":
            self.env["account.reminder.history"]._reminder_sync_messages(
                self.mail_message_id
            )
        return res
