import logging
import uuid
from collections import defaultdict

import psycopg2.errors

from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, frozendict, split_every

from . import reminder_policy
from .account_reminder_history import LIVE_STATES

_logger = logging.getLogger(__name__)

# Mails rendered, created and recorded together: a query or a flush per chunk, not
# per mail. A chunk that fails is sent again mail by mail.
SEND_CHUNK = 50


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
    def _prepare(self, invoices, per_customer=None, kind="overdue"):
        """Group the invoices to remind into mails, without changing anything.

        :param per_customer: one mail per customer and company (default: the
            company's setting) or one per invoice
        :param kind: "overdue" for the pending reminder step of the invoices' level,
            "courtesy" for their pending courtesy reminder
        :return: (groups, left_out) where groups is a list of dicts (company,
            partner, moves, primary, recipient, problem) and left_out maps the
            invoices that cannot be reminded now to the reason why
        """
        Move = self.env["account.move"].sudo()
        invoices = Move.browse(invoices.ids)
        rows = Move._reminder_read_status(invoices.ids)
        statuses = self._statuses(invoices.ids, kind, rows)
        steps = {
            move_id: self.env["account.reminder.step"].sudo().browse(status.step_id)
            for move_id, status in statuses.items()
        }
        plans = {company: company._reminder_plan() for company in invoices.company_id}
        live = self._live_keys(invoices)
        left_out, sendable = {}, Move
        for move in invoices.filtered(lambda m: m.move_type != "out_invoice"):
            left_out[move] = self.env._("not a customer invoice")
        for move in invoices.filtered(lambda m: m.move_type == "out_invoice"):
            row = rows[move.id]
            status, step = statuses[move.id], steps[move.id]
            reason = Move._reminder_block_reason(row, plans[move.company_id])
            if not reason and status.state != reminder_policy.TO_DO:
                reason = (
                    self.env._("no courtesy reminder to send")
                    if kind == "courtesy"
                    else self.env._("no reminder to send")
                )
            elif not reason and (move.id, status.cycle_key, status.step_id) in live:
                reason = (
                    self.env._("this courtesy reminder is already queued or sent")
                    if kind == "courtesy"
                    else self.env._("this reminder was already sent")
                )
            elif not reason and step.channel == "email" and not step.mail_template_id:
                reason = self.env._(
                    'the step "%(step)s" has no email template',
                    step=step.name,
                )
            if reason:
                left_out[move] = reason
            else:
                sendable |= move
        grouped_moves = self._group(sendable, per_customer)
        credits = self._customers_credits(
            {
                (moves.company_id, moves.commercial_partner_id)
                for moves, __ in grouped_moves
            }
        )
        # What each courtesy notice is about, read once for all the mails.
        due_next = sendable._reminder_courtesy_amounts() if kind == "courtesy" else {}
        groups = []
        for moves, grouped in grouped_moves:
            primary = max(
                moves,
                key=lambda m: (steps[m.id].sequence, steps[m.id].id, -m.id),
            )
            group = self._group_values(
                moves,
                primary,
                grouped,
                credits.get((primary.company_id, primary.commercial_partner_id)),
                step=steps[primary.id],
                kind=kind,
                due_next=due_next,
            )
            group["steps"] = {move.id: steps[move.id] for move in moves}
            groups.append(group)
        return groups, left_out

    @api.model
    def _statuses(self, ids, kind, rows=None):
        """``{move id: Status}`` of the ``kind`` reminder of invoices ``ids``.

        :param rows: ``account.move._reminder_read_status(ids)``, if read already
        """
        if kind == "courtesy":
            return self.env["account.reminder.courtesy"].sudo()._read(ids)[0]
        if rows is None:
            rows = self.env["account.move"].sudo()._reminder_read_status(ids)
        return {move_id: row["status"] for move_id, row in rows.items()}

    @api.model
    def _group_values(
        self,
        moves,
        primary,
        grouped,
        credits=None,
        step=None,
        kind="overdue",
        due_next=None,
    ):
        """A mail to send: who receives it, and what stops it or is worth a look.

        :param credits: what the customer is owed (``_customers_credits``)
        :param step: the step whose template the mail is (default: the level of
            ``primary``)
        :param due_next: for a courtesy mail, ``{invoice id: amount}`` falling due
            (``account.move._reminder_courtesy_amounts``), if read already
        """
        company, partner = primary.company_id, primary.commercial_partner_id
        step = step if step is not None else primary.reminder_step_id
        # The channel of the highest step, as its template is the mail's.
        channel = step.channel or "email"
        if channel == "email":
            recipient = primary._reminder_recipient()
        else:
            recipient = primary._reminder_postal_recipient()
        # What the mail asks for: what is overdue, or what falls due next for a
        # courtesy reminder.
        overdue = defaultdict(float)
        if kind == "courtesy" and due_next is None:
            due_next = moves._reminder_courtesy_amounts()
        for move in moves:
            overdue[move.currency_id] += (
                due_next.get(move.id, 0.0)
                if kind == "courtesy"
                else move.reminder_amount_overdue
            )
        credits = credits or {}
        problem, warnings = False, []
        if channel == "email" and not recipient:
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
            problem = (
                self.env._(
                    "unmatched payments or credit notes of the customer (%(amounts)s) "
                    "cover what falls due: match them first",
                    amounts=self._amounts_text(credits),
                )
                if kind == "courtesy"
                else self.env._(
                    "unmatched payments or credit notes of the customer (%(amounts)s) "
                    "cover what is overdue: match them first",
                    amounts=self._amounts_text(credits),
                )
            )
        elif credits:
            warnings.append(
                self.env._(
                    "Unmatched payments or credit notes: %(amounts)s",
                    amounts=self._amounts_text(credits),
                )
            )
        if channel == "letter" and not (recipient.street and recipient.city):
            warnings.append(
                self.env._(
                    "%(customer)s has no complete postal address: complete it before "
                    "posting the letter.",
                    customer=recipient.display_name,
                )
            )
        if channel == "phone" and not (recipient.phone or recipient.mobile):
            warnings.append(
                self.env._(
                    "%(customer)s has no phone number.", customer=recipient.display_name
                )
            )
        if channel == "email" and recipient and recipient.message_bounce:
            warnings.append(
                self.env._(
                    "Mails to %(email)s bounced %(count)s time(s).",
                    email=recipient.email,
                    count=recipient.message_bounce,
                )
            )
        if channel == "email" and not company.email:
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
            "step": step,
            "kind": kind,
            "due_next": {
                move.id: due_next[move.id] for move in moves if move.id in due_next
            }
            if due_next
            else {},
            "channel": channel,
            "recipient": recipient,
            "per_customer": grouped,
            "overdue": dict(overdue),
            "problem": problem,
            "warning": " ".join(warnings) or False,
        }

    @api.model
    def _customers_credits(self, customers):
        """What each customer is owed and not yet matched (payments, credit notes),
        per currency, one search per company.

        :param customers: set of (company, commercial partner)
        :return: ``{(company, partner): {currency: amount}}``
        """
        credits = defaultdict(lambda: defaultdict(float))
        companies = {company for company, __ in customers}
        for company in companies:
            partners = self.env["res.partner"].union(
                *(partner for c, partner in customers if c == company)
            )
            lines = (
                self.env["account.move.line"]
                .sudo()
                .search(
                    [
                        ("partner_id", "child_of", partners.ids),
                        ("company_id", "=", company.id),
                        ("account_type", "=", "asset_receivable"),
                        ("parent_state", "=", "posted"),
                        ("reconciled", "=", False),
                        ("balance", "<", 0),
                    ]
                )
            )
            for line in lines:
                key = (company, line.partner_id.commercial_partner_id)
                credits[key][line.currency_id] -= line.amount_residual_currency
        return {key: dict(amounts) for key, amounts in credits.items()}

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
        # One prefetch for all the groups: their invoices' fields are read, and
        # computed, once for all, not group by group.
        return [
            (grouped_moves.with_prefetch(moves._prefetch_ids), key[2])
            for key, grouped_moves in by_key.items()
        ]

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
    def _send(
        self, invoices, per_customer=None, copy_salesperson=False, kind="overdue"
    ):
        """Send the pending ``kind`` reminders of ``invoices`` (see ``_prepare``),
        queued, never right away.

        Invoices another transaction holds are left alone (no mail, no error);
        invoices that no longer owe money or may not be reminded lose their tag.
        :return: dict with the mails queued, the invoices reminded, and the ones
            left out with their reason
        """
        Move = self.env["account.move"].sudo()
        result = {
            "mails": 0,
            "reminded": Move,
            "failed": Move,
            "left_out": {},
            "letters": self.env["ir.attachment"],
            "calls": self.env["mail.activity"],
        }
        if not invoices:
            return result
        locked = self._lock(invoices)
        for move in invoices - locked:
            result["left_out"][move] = self.env._("being changed by another user")
        # What no longer may be reminded loses its tag now, with no mail.
        locked._reminder_refresh()
        groups, left_out = self._prepare(locked, per_customer, kind=kind)
        result["left_out"].update(left_out)
        for group in groups:
            if group["problem"]:
                with self.env.cr.savepoint():
                    self._record_failure(group)
                result["failed"] |= group["moves"]
        sendable = [group for group in groups if not group["problem"]]
        mails = [group for group in sendable if group["channel"] == "email"]
        for chunk in split_every(SEND_CHUNK, mails):
            self._send_chunk(chunk, copy_salesperson, result)
        letters = [group for group in sendable if group["channel"] == "letter"]
        if letters:
            self.env["account.reminder.letter"]._print(letters, result)
        calls = [group for group in sendable if group["channel"] == "phone"]
        if calls:
            self.env["account.reminder.call"]._schedule(calls, result)
        return result

    @api.model
    def _send_chunk(self, groups, copy_salesperson, result):
        """Send ``groups`` together; when that fails, one by one, so that a mail
        that cannot be sent stops only itself."""
        try:
            with self.env.cr.savepoint():
                self._send_groups(groups, copy_salesperson)
        except (psycopg2.errors.UniqueViolation, UserError) as error:
            if len(groups) > 1:
                for group in groups:
                    self._send_chunk([group], copy_salesperson, result)
                return
            group = groups[0]
            if isinstance(error, psycopg2.errors.UniqueViolation):
                # Sent by someone else in the meantime: the history's key says so.
                for move in group["moves"]:
                    result["left_out"][move] = self.env._(
                        "this reminder was already sent"
                    )
                return
            # The template cannot be rendered for this customer: the accountant
            # must see why, on the invoices, and the other customers get their mail.
            group["problem"] = self.env._(
                "the mail could not be prepared: %(error)s",
                error=self._error_text(error),
            )
            with self.env.cr.savepoint():
                self._record_failure(group)
            result["failed"] |= group["moves"]
            return
        result["mails"] += len(groups)
        for group in groups:
            result["reminded"] |= group["moves"]

    @api.model
    def _error_text(self, error):
        """What went wrong, in a line or two: Odoo's rendering error names the
        template, its first cause says why."""
        lines = [str(error.args[0] if error.args else error).splitlines()[0]]
        cause = error
        while cause.__cause__ is not None:
            cause = cause.__cause__
        if cause is not error:
            lines.append(f"{type(cause).__name__}: {cause}".splitlines()[0])
        return " - ".join(line for line in lines if line)

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
    def _send_groups(self, groups, copy_salesperson=False):
        """Queue one mail per group: rendered per template and language, created
        together, with their history rows and the notes on the other invoices.

        :return: the messages posted, in the order of ``groups``
        """
        contents = self._render_groups(groups)
        messages = self._post_groups(groups, contents, copy_salesperson)
        for kind in {group.get("kind", "overdue") for group in groups}:
            self._record_sent_batch(
                [
                    (group["moves"], message, group["recipient"], group["primary"])
                    for group, message in zip(groups, messages, strict=True)
                    if group.get("kind", "overdue") == kind
                ],
                kind=kind,
            )
        notes = {}
        for group in groups:
            steps = group.get("steps") or {}
            for move in group["moves"] - group["primary"]:
                values = {
                    "step": steps.get(move.id, move.reminder_step_id).name,
                    "email": group["recipient"].email,
                    "invoice": group["primary"].display_name,
                }
                notes[move.id] = (
                    self.env._(
                        "Courtesy reminder (%(step)s) sent to %(email)s in the mail "
                        "of %(invoice)s.",
                        **values,
                    )
                    if group.get("kind") == "courtesy"
                    else self.env._(
                        "Reminder (%(step)s) sent to %(email)s in the reminder mail "
                        "of %(invoice)s.",
                        **values,
                    )
                )
        if notes:
            self.env["account.move"].sudo().browse(notes)._message_log_batch(notes)
        return messages

    @api.model
    def _render_groups(self, groups):
        """Subject, body and template of each group's mail, keyed by its primary
        invoice: one rendering per template and language."""
        buckets = defaultdict(list)
        for group in groups:
            step = group.get("step") or group["primary"].reminder_step_id
            template = step.mail_template_id
            lang = self._lang(group["recipient"], group["company"])
            buckets[template, lang].append(group)
        # The customers' statements read together, for the time of the rendering.
        token = f"account_invoice_reminder.documents.{uuid.uuid4().hex}"
        leads = self.env["account.move"].browse(
            group["primary"].id for group in groups if group["per_customer"]
        )
        self.env.cr.cache[token] = leads._reminder_read_customer_documents()
        # Portal tokens for the invoices this sending holds only: a token written on
        # another invoice the statements list would lock it until the sending ends,
        # keeping a second sender (it skipped them, found nobody else had them) or a
        # payment off it. Such an invoice keeps its link without a token, which asks
        # the customer to log in; Odoo gives one to every invoice it sends.
        self.env["account.move"].browse(
            {move.id for group in groups for move in group["moves"]}
        )._reminder_ensure_access_tokens()
        try:
            return self._render_buckets(buckets, token)
        finally:
            self.env.cr.cache.pop(token, None)

    @api.model
    def _render_buckets(self, buckets, token):
        contents = {}
        for (template, lang), bucket in buckets.items():
            primaries = self.env["account.move"].browse(g["primary"].id for g in bucket)
            template = template.with_context(
                lang=lang,
                reminder_documents=token,
                reminder_courtesy_amounts=frozendict(
                    {
                        move_id: amount
                        for g in bucket
                        for move_id, amount in (g.get("due_next") or {}).items()
                    }
                ),
                reminder_groups=frozendict(
                    {
                        g["primary"].id: (
                            tuple(g["moves"].ids),
                            "customer" if g["per_customer"] else "invoice",
                        )
                        for g in bucket
                    }
                ),
            )
            subjects = template._render_field("subject", primaries.ids)
            bodies = template._render_field("body_html", primaries.ids)
            for primary in primaries:
                contents[primary.id] = (
                    subjects[primary.id],
                    bodies[primary.id],
                    template,
                )
        return contents

    @api.model
    def _post_groups(self, groups, contents, copy_salesperson):
        """The messages of the groups' mails, posted as ``message_post`` would,
        created together: the author, the thread and the alias computed once."""
        Move = (
            self.env["account.move"]
            .sudo()
            .with_context(
                mail_notify_force_send=False,
                mail_post_autofollow=False,
                mail_create_nosubscribe=True,
            )
        )
        primaries = Move.browse(group["primary"].id for group in groups)
        alias_domains = primaries._mail_get_alias_domains(
            default_company=self.env.company
        )
        companies = primaries._mail_get_companies(default=self.env.company)
        parents = self._thread_parents(primaries)
        subtype = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        authors = {}
        values_list, notify_list = [], []
        for group in groups:
            primary, company = group["primary"], group["company"]
            if company not in authors:
                authors[company] = primary._message_compute_author(
                    None, company.email_formatted or None, raise_on_email=True
                )
            author_id, email_from = authors[company]
            subject, body, template = contents[primary.id]
            partners = group["recipient"]
            salesperson = primary.invoice_user_id.partner_id
            if copy_salesperson and salesperson.email:
                partners |= salesperson
            values_list.append(
                {
                    "author_id": author_id,
                    "email_from": email_from,
                    "reply_to": company.email_formatted
                    or primary._notify_get_reply_to(default=email_from)[primary.id],
                    "model": primary._name,
                    "res_id": primary.id,
                    "record_name": primary.display_name,
                    "record_alias_domain_id": alias_domains[primary.id].id,
                    "record_company_id": companies[primary.id].id,
                    "body": body,
                    "subject": subject,
                    "message_type": "comment",
                    "subtype_id": subtype,
                    "parent_id": parents.get(primary.id, False),
                    "partner_ids": partners.ids,
                    # The invoices' own PDFs, where they were already issued:
                    # generating PDFs is for the one-by-one sending.
                    "attachment_ids": [
                        Command.set(group["moves"].invoice_pdf_report_id.ids)
                    ],
                    "email_add_signature": True,
                    "email_layout_xmlid": template.email_layout_xmlid
                    or "mail.mail_notification_light",
                }
            )
            notify_list.append(
                {
                    # A courtesy notice is not a payment reminder, whatever it lists.
                    "model_description": template.env._("Payment reminder")
                    if len(group["moves"]) > 1 and group.get("kind") != "courtesy"
                    else template.env._("Invoice"),
                    "mail_auto_delete": template.auto_delete,
                }
            )
        messages = primaries._message_create(values_list)
        for primary, message, values, notify in zip(
            primaries, messages, values_list, notify_list, strict=True
        ):
            primary._notify_thread(message, values, **notify)
        return messages

    @api.model
    def _thread_parents(self, moves):
        """The first message of each invoice's thread, which a new message answers
        (``_message_compute_parent_id``), in one query."""
        self.env["mail.message"].flush_model(["model", "res_id", "message_type"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT ON (res_id) res_id, id FROM mail_message"
                " WHERE model = %s AND res_id = ANY(%s)"
                " AND message_type != 'user_notification' ORDER BY res_id, id",
                moves._name,
                moves.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _record_sent(self, moves, message, recipients, primary=None):
        """History rows, queued, for a mail that reminds ``moves``."""
        return self._record_sent_batch([(moves, message, recipients, primary)])

    @api.model
    def _record_sent_batch(self, entries, kind="overdue"):
        """History rows, queued, of several mails.

        :param entries: ``(invoices, message, recipients, primary invoice)`` per mail
        """
        Move = self.env["account.move"].sudo()
        all_moves = Move.browse(
            move_id for moves, *__ in entries for move_id in moves.ids
        )
        messages = (
            self.env["mail.message"].sudo().browse(entry[1].id for entry in entries)
        )
        statuses = self._statuses(all_moves.ids, kind)
        lines = Move._reminder_live_lines(
            status.cycle_key for status in statuses.values()
        )
        mails = {}
        for mail in (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids)], order="id")
        ):
            mails.setdefault(mail.mail_message_id.id, mail.id)
        vals_list = []
        for moves, message, recipients, primary in entries:
            message = messages.browse(message.id)
            notifications = message.notification_ids.filtered(
                lambda n, recipients=recipients: (
                    n.res_partner_id in recipients and n.notification_type == "email"
                )
            )
            for move in moves:
                vals = self._history_values(move, statuses[move.id], lines, kind)
                vals.update(
                    channel="email",
                    state="queued",
                    recipient_ids=[Command.set(recipients.ids)],
                    email_to=", ".join(recipients.mapped("email")),
                    mail_message_id=message.id,
                    # The customer's mail, where a copy went in another one.
                    mail_id=notifications.mail_mail_id[:1].id
                    or mails.get(message.id, False),
                    notification_ids=[Command.set(notifications.ids)],
                    sent_with_move_id=primary.id
                    if primary and move != primary
                    else False,
                )
                vals_list.append(vals)
        return self.env["account.reminder.history"].sudo().create(vals_list)

    @api.model
    def _record_failure(self, group):
        """A group that cannot be sent: a failed row and an activity per invoice."""
        Move = self.env["account.move"].sudo()
        kind = group.get("kind", "overdue")
        statuses = self._statuses(group["moves"].ids, kind)
        lines = Move._reminder_live_lines(
            status.cycle_key for status in statuses.values()
        )
        history = (
            self.env["account.reminder.history"]
            .sudo()
            .create(
                [
                    dict(
                        self._history_values(move, statuses[move.id], lines, kind),
                        channel=group.get("channel", "email"),
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
    def _history_values(self, move, status, lines, kind="overdue"):
        """:param lines: the installment lines known to exist
        (``account.move._reminder_live_lines``)"""
        line = lines.browse(status.cycle_key) & lines
        return {
            "move_id": move.id,
            "kind": kind,
            "company_id": move.company_id.id,
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
