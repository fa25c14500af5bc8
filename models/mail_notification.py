from odoo import api, models


class MailNotification(models.Model):
    _inherit = "mail.notification"

    @api.model_create_multi
    def create(self, vals_list):
        notifications = super().create(vals_list)
        # Created already failed: a recipient without a valid address, for one.
        failed = notifications.filtered(
            lambda n: n.notification_status in ("bounce", "exception", "canceled")
        )
        if failed:
            self.env["account.reminder.history"]._reminder_sync_messages(
                failed.mail_message_id
            )
        return notifications

    def write(self, vals):
        res = super().write(vals)
        # Delivered, failed, bounced, cancelled: the reminders of the message follow.
        if "notification_status" in vals:
            self.env["account.reminder.history"]._reminder_sync_messages(
                self.mail_message_id
            )
        return res
