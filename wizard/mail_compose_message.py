from odoo import models
from odoo.exceptions import UserError
from odoo.tools import email_normalize


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        move_id = self.env.context.get("reminder_send_move_id")
        if not move_id:
            return super()._action_send_mail(auto_commit=auto_commit)
        sender = self.env["account.reminder.sender"]
        move = self.env["account.move"].browse(move_id)
        # Checked again when sending: paid, sent by someone else, changed meanwhile.
        sender._check_sendable(move)
        # The reminder's fate is the customer's copy: colleagues added to the
        # recipients (often notified in Odoo, not by email) do not count.
        customers = self.partner_ids.filtered(
            lambda partner: (
                not partner.user_ids.filtered(lambda user: not user.share)
                and email_normalize(partner.email or "")
            )
        )
        if not customers:
            raise UserError(
                self.env._(
                    "A reminder is for the customer: keep at least one of its "
                    "contacts with an email address among the recipients."
                )
            )
        mails, messages = super()._action_send_mail(auto_commit=auto_commit)
        for message in messages.filtered(lambda m: m.res_id == move.id):
            sender._record_sent(move, message, customers)
        return mails, messages
