from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # Before Odoo deletes the activities, which would unlink them from their
        # reminder calls (and count them as cancelled, below).
        self.env["account.reminder.call"]._done(self, feedback)
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def unlink(self):
        # A reminder call deleted without being done was not made: it may be sent
        # again. Those just done are no longer "to do" and are left alone.
        self.env["account.reminder.call"]._cancelled(self)
        return super().unlink()
