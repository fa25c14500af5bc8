from odoo import models


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
        mails, messages = super()._action_send_mail(auto_commit=auto_commit)
        for message in messages.filtered(lambda m: m.res_id == move.id):
            sender._record_sent(move, message, message.partner_ids)
        return mails, messages
