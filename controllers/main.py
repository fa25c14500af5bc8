from odoo import http
from odoo.http import content_disposition, request


class ReminderLetterController(http.Controller):
    @http.route(
        "/account_invoice_reminder/letters", type="http", auth="user", methods=["GET"]
    )
    def download_letters(self, ids, **kwargs):
        """Several reminder letters (attachment ids, comma-separated) in one PDF,
        merged when asked: nothing more is stored than each letter."""
        attachments = (
            request.env["ir.attachment"]
            .browse(int(attachment_id) for attachment_id in ids.split(","))
            .exists()
        )
        # Read with the user's rights: a letter they may not read is refused.
        content = request.env["account.reminder.letter"]._merge(attachments)
        filename = request.env._("Reminder letters.pdf")
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(content)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
