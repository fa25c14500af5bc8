import logging
import uuid
from collections import defaultdict

from odoo import Command, api, models
from odoo.tools import format_amount, format_date, formatLang, frozendict, pdf

from . import reminder_policy

_logger = logging.getLogger(__name__)

LETTER_REPORT = "account_invoice_reminder.action_report_reminder_letter"


class AccountReminderLetter(models.AbstractModel):
    """Reminder letters: a PDF per customer, to print and post.

    Used by the sender for the groups whose step's channel is "letter": rendered
    together, attached to the invoice and its history rows, the step done at once
    (a letter is done once printed; its registered-mail number comes later).
    """

    _name = "account.reminder.letter"
    _description = "Invoice Reminder Letters"

    @api.model
    def _print(self, groups, result):
        """Print the letters of ``groups``, record them and mark their steps done.

        :param result: the sender's result, given the letters and invoices reminded
        """
        # One letter per wkhtmltopdf run: several at once gave an empty PDF with
        # Debian's wkhtmltopdf 0.12.6 (unpatched Qt) although each alone printed,
        # and a letter that cannot be printed must not stop the others.
        sender = self.env["account.reminder.sender"]
        contents, printed = {}, []
        for group in groups:
            try:
                contents.update(self._render([group]))
            except Exception as error:  # noqa: BLE001 - this letter fails alone
                _logger.warning(
                    "Invoice reminders: letter of %s not printed: %s",
                    group["primary"].display_name,
                    error,
                )
                group["problem"] = self.env._(
                    "the letter could not be printed: %(error)s",
                    error=sender._error_text(error),
                )
                with self.env.cr.savepoint():
                    sender._record_failure(group)
                result["failed"] |= group["moves"]
            else:
                printed.append(group)
        groups = printed
        if not groups:
            return
        Attachment = self.env["ir.attachment"].sudo()
        attachments = Attachment.create(
            [
                {
                    "name": self._filename(group),
                    "raw": contents[group["primary"].id],
                    "mimetype": "application/pdf",
                    "res_model": "account.move",
                    "res_id": group["primary"].id,
                }
                for group in groups
            ]
        )
        self._record(groups, attachments)
        for group, attachment in zip(groups, attachments, strict=True):
            group["primary"].sudo()._message_log(
                body=self.env._(
                    "Reminder letter (%(step)s) printed.",
                    step=group["primary"].reminder_step_id.name,
                ),
                attachment_ids=attachment.ids,
            )
        notes = {
            move.id: self.env._(
                "Reminder (%(step)s) in the letter of %(invoice)s.",
                step=move.reminder_step_id.name,
                invoice=group["primary"].display_name,
            )
            for group in groups
            for move in group["moves"] - group["primary"]
        }
        if notes:
            self.env["account.move"].sudo().browse(notes)._message_log_batch(notes)
        result["letters"] |= attachments
        for group in groups:
            result["reminded"] |= group["moves"]

    @api.model
    def _render(self, groups):
        """``{primary invoice id: PDF}``: one rendering for all the letters, split
        per customer by Odoo (one page, or one heading, per letter)."""
        primaries = self.env["account.move"].browse(g["primary"].id for g in groups)
        token = f"account_invoice_reminder.documents.{uuid.uuid4().hex}"
        leads = self.env["account.move"].browse(
            g["primary"].id for g in groups if g["per_customer"]
        )
        self.env.cr.cache[token] = leads._reminder_read_customer_documents()
        Report = self.env["ir.actions.report"].with_context(
            reminder_documents=token,
            reminder_groups=frozendict(
                {
                    g["primary"].id: (
                        tuple(g["moves"].ids),
                        "customer" if g["per_customer"] else "invoice",
                    )
                    for g in groups
                }
            ),
        )
        try:
            streams, kind = Report._pre_render_qweb_pdf(
                LETTER_REPORT, res_ids=primaries.ids
            )
            if kind == "pdf" and all(
                (streams.get(move_id) or {}).get("stream") for move_id in primaries.ids
            ):
                return {
                    move_id: streams[move_id]["stream"].getvalue()
                    for move_id in primaries.ids
                }
            # Not split by Odoo (it found no heading per letter), or tests, which
            # render HTML instead of PDF: one rendering per letter.
            return {
                move_id: Report._render_qweb_pdf(LETTER_REPORT, [move_id])[0]
                for move_id in primaries.ids
            }
        finally:
            self.env.cr.cache.pop(token, None)

    @api.model
    def _filename(self, group):
        primary = group["primary"]
        label = (
            self.env._("Formal notice")
            if primary.reminder_step_id.formal_notice
            else self.env._("Reminder letter")
        )
        name = " - ".join((label, group["partner"].name or "", primary.name or ""))
        return f"{name.replace('/', '-')}.pdf"

    @api.model
    def _record(self, groups, attachments):
        """History rows, done, and the steps marked done, for the letters printed."""
        Move = self.env["account.move"].sudo()
        sender = self.env["account.reminder.sender"]
        all_moves = Move.browse(m.id for group in groups for m in group["moves"])
        rows = Move._reminder_read_status(all_moves.ids)
        lines = Move._reminder_live_lines(
            row["status"].cycle_key for row in rows.values()
        )
        vals_list, changes = [], {}
        for group, attachment in zip(groups, attachments, strict=True):
            for move in group["moves"]:
                status = rows[move.id]["status"]
                today = move.company_id._reminder_today()
                vals = sender._history_values(move, status, lines)
                vals.update(
                    channel="letter",
                    state="done",
                    done_date=today,
                    recipient_ids=[Command.set(group["recipient"].ids)],
                    letter_attachment_id=attachment.id,
                    sent_with_move_id=group["primary"].id
                    if move != group["primary"]
                    else False,
                )
                vals_list.append(vals)
                if status.state == reminder_policy.TO_DO:
                    changes[move.id] = (
                        status,
                        reminder_policy.mark_done(status, today=today),
                    )
        history = self.env["account.reminder.history"].sudo().create(vals_list)
        Move._reminder_write_statuses(changes)
        return history

    @api.model
    def _download_action(self, attachments):
        """Download the letters: the PDF itself for one, all of them in one PDF,
        merged by the controller, for several."""
        if len(attachments) > 1:
            ids = ",".join(str(attachment_id) for attachment_id in attachments.ids)
            url = f"/account_invoice_reminder/letters?ids={ids}"
        else:
            url = f"/web/content/{attachments.id}?download=true"
        return {"type": "ir.actions.act_url", "url": url, "target": "download"}

    @api.model
    def _merge(self, attachments):
        """The PDFs of ``attachments`` as one."""
        contents = [attachment.raw for attachment in attachments]
        if len(contents) > 1 and all(c.startswith(b"%PDF") for c in contents):
            return pdf.merge_pdf(contents)
        # Tests render reports as HTML instead of PDF: nothing to merge.
        return b"".join(contents)

    # ------------------------------------------------------------------ content

    @api.model
    def _values(self, move):
        """What the letter led by ``move`` says, in the context's language."""
        lang = self.env.lang
        company = move.company_id
        statement = move._reminder_statement()
        recipient = move._reminder_postal_recipient()
        today = company._reminder_today()
        totals = defaultdict(lambda: [0.0, 0.0])
        for line in statement["lines"]:
            invoice = line["move"]
            totals[invoice.currency_id][0] += invoice.reminder_amount_overdue
            totals[invoice.currency_id][1] += invoice.amount_residual
        overdue_text = " + ".join(
            format_amount(self.env, overdue, currency, lang_code=lang)
            for currency, (overdue, __) in totals.items()
        )
        date_text = format_date(self.env, today, lang_code=lang)
        step = move.reminder_step_id
        formal = step.channel == "letter" and step.formal_notice
        names = ", ".join(
            line["move"].name for line in statement["lines"] if line["reminded"]
        )
        if formal:
            subject = self.env._("Formal notice to pay")
            if move.commercial_partner_id.reminder_consumer:
                notice = self.env._(
                    "We hereby give you formal notice to pay the sum of %(amount)s "
                    "within eight days of receipt of this letter; failing that, we "
                    "will start proceedings to recover it without further notice.",
                    amount=overdue_text,
                )
            else:
                notice = self.env._(
                    "We hereby give you formal notice to pay the sum of %(amount)s "
                    "within eight days of receipt of this letter; failing that, we "
                    "will start proceedings to recover it without further notice, "
                    "and the following will also be due: late-payment penalties "
                    "(article L441-10 of the French Commercial Code) and fixed "
                    "indemnity of %(indemnity)s for recovery costs (article D441-5).",
                    amount=overdue_text,
                    indemnity=self._whole_amount(
                        company.reminder_indemnity_amount, company.currency_id
                    ),
                )
        else:
            subject = self.env._("Payment reminder")
            notice = self.env._(
                "Unless we are mistaken, the invoices below have not been fully paid "
                "yet. We would be grateful if you could pay the amount overdue, "
                "%(amount)s, as soon as possible.",
                amount=overdue_text,
            )
        return {
            "recipient": recipient,
            "date": self.env._("%(city)s, %(date)s", city=company.city, date=date_text)
            if company.city
            else date_text,
            "subject": subject,
            "object": self.env._(
                "Object: %(subject)s - %(invoices)s", subject=subject, invoices=names
            ),
            "formal_notice": formal,
            "notice": notice,
            "statement": statement,
            "totals": [
                {
                    "overdue": format_amount(
                        self.env, overdue, currency, lang_code=lang
                    ),
                    "residual": format_amount(
                        self.env, residual, currency, lang_code=lang
                    ),
                }
                for currency, (overdue, residual) in totals.items()
            ],
        }

    @api.model
    def _whole_amount(self, amount, currency):
        """ "40 €", as the law writes it, for an amount without cents."""
        if currency.is_zero(amount - round(amount)):
            return formatLang(
                self.env, amount, rounding_unit="units", currency_obj=currency
            )
        return format_amount(self.env, amount, currency, lang_code=self.env.lang)
