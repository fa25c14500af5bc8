import logging
from collections import defaultdict

import psycopg2.errors

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

from . import reminder_policy
from .account_reminder_history import LIVE_STATES

_logger = logging.getLogger(__name__)


class AccountReminderSender(models.AbstractModel):
    """Who receives which reminder, and sending it.

    Shared by the invoice's button, the bulk screen and the daily job, so that they
    all check the same things at the moment of sending: the invoice still owes money
    and may be reminded, its step was not sent already, the customer has an email.
    """

    _name = "account.reminder.sender"
    _description = "Invoice Reminder Sending"

    # ------------------------------------------------------------------ planning

    @api.model
    def _prepare(self, invoices, per_customer=None):
        """Group the invoices to remind into mails, without changing anything.

        :param per_customer: one mail per customer and company (default: the
            company's setting) or one per invoice
        :return: (groups, left_out) where groups is a list of dicts (company,
            partner, moves, primary, recipient, problem) and left_out maps the
            invoices that cannot be reminded now to the reason why
        """
        Move = self.env["account.move"].sudo()
        invoices = Move.browse(invoices.ids)
        rows = Move._reminder_read_status(invoices.ids)
        plans = {company: company._reminder_plan() for company in invoices.company_id}
        live = self._live_keys(invoices)
        left_out, sendable = {}, Move
        for move in invoices.filtered(lambda m: m.move_type != "out_invoice"):
            left_out[move] = self.env._("not a customer invoice")
        for move in invoices.filtered(lambda m: m.move_type == "out_invoice"):
            row = rows[move.id]
            status = row["status"]
            reason = Move._reminder_block_reason(row, plans[move.company_id])
            if not reason and status.state != reminder_policy.TO_DO:
                reason = self.env._("no reminder to send")
            elif not reason and (move.id, status.cycle_key, status.step_id) in live:
                reason = self.env._("this reminder was already sent")
            elif not reason and not move.reminder_step_id.mail_template_id:
                reason = self.env._(
                    'the step "%(step)s" has no email template',
                    step=move.reminder_step_id.name,
                )
            if reason:
                left_out[move] = reason
            else:
                sendable |= move
        groups = []
        for moves, grouped in self._group(sendable, per_customer):
            primary = max(
                moves,
                key=lambda m: (
                    m.reminder_step_id.sequence,
                    m.reminder_step_id.id,
                    -m.id,
                ),
            )
            groups.append(self._group_values(moves, primary, grouped))
        return groups, left_out

    @api.model
    def _group_values(self, moves, primary, grouped):
        """A mail to send: who receives it, and what stops it or is worth a look."""
        company, partner = primary.company_id, primary.commercial_partner_id
        recipient = primary._reminder_recipient()
        overdue = defaultdict(float)
        for move in moves:
            overdue[move.currency_id] += move.reminder_amount_overdue
        credits = self._customer_credits(partner, company)
        problem, warnings = False, []
        if not recipient:
            problem = self.env._(
                "%(customer)s has no email address (on the invoice's contact, its "
                "invoice address or the company)",
                customer=partner.display_name,
            )
        elif all(
            currency.compare_amounts(credits.get(currency, 0.0), amount) >= 0
            for currency, amount in overdue.items()
        ):
            # Reminding a customer who is owed as much as it owes makes no sense:
            # the payments or credit notes must be matched first.
            problem = self.env._(
                "unmatched payments or credit notes of the customer (%(amounts)s) "
                "cover what is overdue: match them first",
                amounts=self._amounts_text(credits),
            )
        elif credits:
            warnings.append(
                self.env._(
                    "Unmatched payments or credit notes: %(amounts)s",
                    amounts=self._amounts_text(credits),
                )
            )
        if recipient and recipient.message_bounce:
            warnings.append(
                self.env._(
                    "Mails to %(email)s bounced %(count)s time(s).",
                    email=recipient.email,
                    count=recipient.message_bounce,
                )
            )
        if not company.email:
            warnings.append(
                self.env._(
                    "%(company)s has no email address: the mail is sent from the "
                    "address of the user who sends it.",
                    company=company.name,
                )
            )
        return {
            "company": company,
            "partner": partner,
            "moves": moves,
            "primary": primary,
            "recipient": recipient,
            "per_customer": grouped,
            "overdue": dict(overdue),
            "problem": problem,
            "warning": " ".join(warnings) or False,
        }

    @api.model
    def _customer_credits(self, partner, company):
        """What the customer is owed and not yet matched (payments, credit notes),
        per currency: ``{currency: amount}``."""
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partner.id),
                    ("company_id", "=", company.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("balance", "<", 0),
                ]
            )
        )
        credits = defaultdict(float)
        for line in lines:
            credits[line.currency_id] -= line.amount_residual_currency
        return dict(credits)

    @api.model
    def _amounts_text(self, amounts):
        return " + ".join(
            format_amount(self.env, amount, currency)
            for currency, amount in amounts.items()
        )

    @api.model
    def _group(self, moves, per_customer):
        if not moves:
            return []
        by_key = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            grouped = (
                move.company_id.reminder_group_per_customer
                if per_customer is None
                else per_customer
            )
            customer = (move.company_id.id, move.commercial_partner_id.id)
            by_key[(customer, 0 if grouped else move.id, grouped)] |= move
        return [(moves, key[2]) for key, moves in by_key.items()]

    @api.model
    def _live_keys(self, invoices):
        """(invoice, installment, step) of the reminders queued, sent or done."""
        self.env.cr.execute(
            SQL(
                "SELECT move_id, cycle_key, step_id FROM account_reminder_history"
                " WHERE move_id = ANY(%s) AND state IN %s",
                invoices.ids,
                LIVE_STATES,
            )
        )
        return set(self.env.cr.fetchall())

    # ------------------------------------------------------------------ sending

    @api.model
    def _send(self, invoices, per_customer=None, copy_salesperson=False):
        """Send the pending reminders of ``invoices``, queued, never right away.

        Invoices another transaction holds are left alone (no mail, no error);
        invoices that no longer owe money or may not be reminded lose their tag.
        :return: dict with the mails queued, the invoices reminded, and the ones
            left out with their reason
        """
        Move = self.env["account.move"].sudo()
        result = {"mails": 0, "reminded": Move, "failed": Move, "left_out": {}}
        if not invoices:
            return result
        locked = self._lock(invoices)
        for move in invoices - locked:
            result["left_out"][move] = self.env._("being changed by another user")
        # What no longer may be reminded loses its tag now, with no mail.
        locked._reminder_refresh()
        groups, left_out = self._prepare(locked, per_customer)
        result["left_out"].update(left_out)
        for group in groups:
            try:
                with self.env.cr.savepoint():
                    if group["problem"]:
                        self._record_failure(group)
                        result["failed"] |= group["moves"]
                    else:
                        self._send_group(group, copy_salesperson)
                        result["mails"] += 1
                        result["reminded"] |= group["moves"]
            except psycopg2.errors.UniqueViolation:
                # Sent by someone else in the meantime: the history's key says so.
                for move in group["moves"]:
                    result["left_out"][move] = self.env._(
                        "this reminder was already sent"
                    )
        return result

    @api.model
    def _lock(self, invoices):
        """The invoices no other transaction holds, locked until this one ends.

        Two senders at once: the second one skips what the first one holds, and
        re-reads the rest after the lock.
        """
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move WHERE id = ANY(%s) ORDER BY id"
                " FOR UPDATE SKIP LOCKED",
                invoices.ids,
            )
        )
        return (
            self.env["account.move"]
            .sudo()
            .browse([row[0] for row in self.env.cr.fetchall()])
        )

    @api.model
    def _send_group(self, group, copy_salesperson=False):
        primary, recipient = group["primary"], group["recipient"]
        company = group["company"]
        template = primary.reminder_step_id.mail_template_id
        lang = self._lang(recipient, company)
        template = template.with_context(
            lang=lang,
            reminder_move_ids=group["moves"].ids,
            reminder_statement_scope="customer" if group["per_customer"] else "invoice",
        )
        subject = template._render_field("subject", primary.ids)[primary.id]
        body = template._render_field("body_html", primary.ids)[primary.id]
        partners = recipient
        salesperson = primary.invoice_user_id.partner_id
        if copy_salesperson and salesperson.email:
            partners |= salesperson
        # The invoices' own PDFs, where they were already issued: generating PDFs is
        # for the one-by-one sending.
        attachments = group["moves"].invoice_pdf_report_id
        several = len(group["moves"]) > 1
        description = (
            template.env._("Payment reminder") if several else template.env._("Invoice")
        )
        message = (
            primary.with_context(
                mail_notify_force_send=False,
                # The PDFs are the invoices' own: not documents to import.
                no_new_invoice=True,
                mail_post_autofollow=False,
                mail_create_nosubscribe=True,
            )
            .sudo()
            .message_post(
                body=body,
                subject=subject,
                partner_ids=partners.ids,
                email_from=company.email_formatted or None,
                reply_to=company.email_formatted or None,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=attachments.ids,
                email_layout_xmlid=template.email_layout_xmlid
                or "mail.mail_notification_light",
                model_description=description,
                mail_auto_delete=template.auto_delete,
            )
        )
        self._record_sent(group["moves"], message, recipient, primary)
        others = group["moves"] - primary
        if others:
            others._message_log_batch(
                {
                    move.id: self.env._(
                        "Reminder (%(step)s) sent to %(email)s in the reminder mail of "
                        "%(invoice)s.",
                        step=move.reminder_step_id.name,
                        email=recipient.email,
                        invoice=primary.display_name,
                    )
                    for move in others
                }
            )
        return message

    @api.model
    def _record_sent(self, moves, message, recipients, primary=None):
        """History rows, queued, for a mail that reminds ``moves``."""
        Move = self.env["account.move"].sudo()
        rows = Move._reminder_read_status(moves.ids)
        notifications = message.sudo().notification_ids.filtered(
            lambda n: n.res_partner_id in recipients and n.notification_type == "email"
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", message.id)], limit=1)
        )
        lines = Move._reminder_live_lines(
            row["status"].cycle_key for row in rows.values()
        )
        vals_list = []
        for move in moves:
            vals = self._history_values(move, rows[move.id]["status"], lines)
            vals.update(
                channel="email",
                state="queued",
                recipient_ids=[(6, 0, recipients.ids)],
                email_to=", ".join(recipients.mapped("email")),
                mail_message_id=message.id,
                mail_id=mail.id,
                notification_ids=[(6, 0, notifications.ids)],
                sent_with_move_id=primary.id if primary and move != primary else False,
            )
            vals_list.append(vals)
        return self.env["account.reminder.history"].sudo().create(vals_list)

    @api.model
    def _record_failure(self, group):
        """A group that cannot be sent: a failed row and an activity per invoice."""
        Move = self.env["account.move"].sudo()
        rows = Move._reminder_read_status(group["moves"].ids)
        lines = Move._reminder_live_lines(
            row["status"].cycle_key for row in rows.values()
        )
        history = (
            self.env["account.reminder.history"]
            .sudo()
            .create(
                [
                    dict(
                        self._history_values(move, rows[move.id]["status"], lines),
                        channel="email",
                        state="failed",
                        failure_reason=group["problem"],
                    )
                    for move in group["moves"]
                ]
            )
        )
        history._reminder_schedule_follow_up()
        return history

    @api.model
    def _history_values(self, move, status, lines):
        """:param lines: the installment lines known to exist
        (``account.move._reminder_live_lines``)"""
        line = lines.browse(status.cycle_key) & lines
        return {
            "move_id": move.id,
            "partner_id": move.commercial_partner_id.id,
            "step_id": status.step_id,
            "cycle_line_id": line.id,
            "cycle_key": status.cycle_key,
            "date": move.company_id._reminder_today(),
            "last_date_before": status.last_date,
            "user_id": self.env.user.id,
            "currency_id": move.currency_id.id,
            "amount_residual": move.amount_residual,
            "amount_overdue": move.reminder_amount_overdue,
            "amount_residual_company": move.amount_residual_signed,
        }

    @api.model
    def _lang(self, recipient, company):
        """The recipient's language when it is installed, else the company's."""
        installed = {code for code, __ in self.env["res.lang"].get_installed()}
        for lang in (recipient.lang, company.partner_id.lang, "en_US"):
            if lang in installed:
                return lang
        return next(iter(installed))

    # ------------------------------------------------------------------ one by one

    @api.model
    def _check_sendable(self, move):
        """Raise a clear error unless ``move``'s pending reminder can be sent now."""
        if not self._lock(move):
            raise UserError(
                self.env._(
                    "%(invoice)s is being changed by another user: try again in a "
                    "moment.",
                    invoice=move.display_name,
                )
            )
        groups, left_out = self._prepare(move, per_customer=False)
        if move in left_out:
            raise UserError(
                self.env._(
                    "The reminder of %(invoice)s cannot be sent: %(reason)s.",
                    invoice=move.display_name,
                    reason=left_out[move],
                )
            )
        if groups[0]["problem"]:
            raise UserError(
                self.env._(
                    "The reminder of %(invoice)s cannot be sent: %(reason)s.",
                    invoice=move.display_name,
                    reason=groups[0]["problem"],
                )
            )
        return groups[0]
