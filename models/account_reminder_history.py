import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from . import reminder_policy

_logger = logging.getLogger(__name__)

# A reminder that was (or is being) delivered: at most one per invoice, installment
# and step. A failed one does not count, so that it can be sent again. A phone call
# still to make counts: its activity is with someone.
LIVE_STATES = ("queued", "to_do", "sent", "done")
FAILED_NOTIFICATIONS = ("bounce", "exception", "canceled")
# Failures of the mail server, not of the customer's address: a server down or
# refusing everything would otherwise ask for a follow-up of every reminder.
SERVER_FAILURES = ("mail_smtp",)
# Attempts of a step the mail server failed, after which someone follows it up (the
# daily job sends a step set to "send automatically" again until then).
SERVER_ATTEMPTS = 3
# What users may fill in on a history row (see write()).
USER_EDITABLE_FIELDS = {"registered_mail_number", "receipt_attachment_ids"}


class AccountReminderHistory(models.Model):
    _name = "account.reminder.history"
    _description = "Invoice Reminder History"
    _order = "date desc, id desc"
    _rec_names_search = ["move_id", "partner_id"]

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    # Given at creation (see account.reminder.sender._history_values): computed, it
    # would be an UPDATE of every row after the INSERT.
    company_id = fields.Many2one(
        related="move_id.company_id", store=True, index=True, readonly=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        readonly=True,
        index=True,
        help="The customer (commercial entity) of the invoice.",
    )
    step_id = fields.Many2one(
        comodel_name="account.reminder.step",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    cycle_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Installment",
        readonly=True,
        ondelete="set null",
    )
    # The installment's line id, kept when the line itself is gone: with the invoice
    # and the step, it is the key that stops a reminder from being sent twice.
    cycle_key = fields.Integer(string="Installment Key", readonly=True)
    date = fields.Date(required=True, readonly=True, help="Day of the reminder.")
    done_date = fields.Date(
        string="Sent On",
        readonly=True,
        help="Day the mail was sent, or the step marked as done.",
    )
    last_date_before = fields.Date(
        string="Previous Reminder Date",
        readonly=True,
        help="Last reminder date of the invoice before this reminder: it is restored "
        "when the mail does not reach the customer.",
    )
    kind = fields.Selection(
        selection=[("overdue", "Reminder"), ("courtesy", "Courtesy Reminder")],
        required=True,
        readonly=True,
        default="overdue",
        help="Reminder: of an overdue invoice, at its reminder level. Courtesy "
        "Reminder: a notice before the due date, apart from the reminder level.",
    )
    channel = fields.Selection(
        selection=[
            ("email", "Email"),
            ("letter", "Letter"),
            ("phone", "Phone Call"),
            ("manual", "Manual"),
        ],
        required=True,
        readonly=True,
        default="email",
    )
    state = fields.Selection(
        selection=[
            ("queued", "Queued"),
            ("to_do", "To Do"),
            ("sent", "Sent"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        required=True,
        readonly=True,
        default="queued",
        index=True,
    )
    failure_reason = fields.Text(readonly=True)
    server_failure = fields.Boolean(
        string="Mail Server Failure",
        readonly=True,
        help="The mail server refused the mail or could not be reached: nothing is "
        "wrong with the customer's address. Nobody is asked to follow it up; the "
        "next sending sends it again (the daily job's, for a step sent "
        "automatically).",
    )
    activity_id = fields.Many2one(
        comodel_name="mail.activity",
        string="Follow-up",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The activity scheduled because the reminder did not reach the customer, "
        "or the phone call to make.",
    )
    outcome = fields.Text(
        string="Call Outcome",
        readonly=True,
        help="What the customer said: the feedback given when the call's activity "
        "was marked as done.",
    )
    letter_attachment_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="Letter",
        readonly=True,
        ondelete="set null",
        help="The PDF of the reminder letter, also attached to the invoice.",
    )
    # The only fields a billing user may fill in after the fact (see write()).
    registered_mail_number = fields.Char(
        help="The number of the registered letter (lettre recommandée avec accusé de "
        "réception) that carried this reminder.",
    )
    receipt_attachment_ids = fields.Many2many(
        comodel_name="ir.attachment",
        relation="account_reminder_history_receipt_rel",
        column1="history_id",
        column2="attachment_id",
        string="Receipt",
        help="The scanned proof of posting or acknowledgement of receipt.",
    )
    recipient_ids = fields.Many2many(
        comodel_name="res.partner",
        relation="account_reminder_history_recipient_rel",
        column1="history_id",
        column2="partner_id",
        string="Recipients",
        readonly=True,
    )
    email_to = fields.Char(string="Sent To", readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="By",
        readonly=True,
        default=lambda self: self.env.user,
    )
    mail_message_id = fields.Many2one(
        comodel_name="mail.message",
        string="Message",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    # Chatter mails are deleted once sent: the notifications are what stays.
    mail_id = fields.Many2one(
        comodel_name="mail.mail",
        string="Outgoing Mail",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    notification_ids = fields.Many2many(
        comodel_name="mail.notification",
        relation="account_reminder_history_notification_rel",
        column1="history_id",
        column2="notification_id",
        string="Notifications",
        readonly=True,
    )
    sent_with_move_id = fields.Many2one(
        comodel_name="account.move",
        string="Sent With",
        readonly=True,
        help="The invoice whose reminder mail listed this one.",
    )
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    amount_residual = fields.Monetary(
        string="Amount Due", currency_field="currency_id", readonly=True
    )
    amount_overdue = fields.Monetary(currency_field="currency_id", readonly=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount_residual_company = fields.Monetary(
        string="Amount Due (Company Currency)",
        currency_field="company_currency_id",
        readonly=True,
    )

    def init(self):
        # Named after its states: a database made before the phone calls' "to_do"
        # gets the index with it instead of keeping the old one.
        self.env.cr.execute("DROP INDEX IF EXISTS account_reminder_history_once")
        self.env.cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX IF NOT EXISTS account_reminder_history_live_once
                    ON account_reminder_history (move_id, cycle_key, step_id)
                 WHERE state IN %s
                """,
                LIVE_STATES,
            )
        )

    def write(self, vals):
        # The history is what happened: users may only add what comes after a letter
        # was posted, its registered-mail number and the scanned receipt (the write
        # access of billing users is for that, and for uploading the receipt, which
        # Odoo checks as a write on the row). The add-on's own changes are sudo.
        if not self.env.su and set(vals) - USER_EDITABLE_FIELDS:
            raise AccessError(
                self.env._(
                    "The reminder history cannot be changed: only the registered-mail "
                    "number and the receipt of a letter can be filled in."
                )
            )
        return super().write(vals)

    @api.depends("move_id", "step_id")
    def _compute_display_name(self):
        for row in self:
            row.display_name = f"{row.move_id.display_name} - {row.step_id.name}"

    # ------------------------------------------------------------------ delivery

    def _reminder_sync(self):
        """Follow the mails of these rows: a delivered mail marks its step done, a
        failed one leaves (or puts back) the invoice to remind and tells someone, a
        failed mail delivered after all (Odoo's retry) counts as sent."""
        rows = self.filtered(lambda row: row.channel == "email")
        delivered, failed = self.browse(), {}
        for row in rows:
            state, reason = row._reminder_delivery_state()
            if state == "sent" and row.state in ("queued", "failed"):
                delivered |= row
            elif state == "failed" and row.state in ("queued", "sent"):
                failed[row] = reason
        if delivered:
            delivered._reminder_delivered()
        if failed:
            self.browse([row.id for row in failed])._reminder_failed(failed)

    def _reminder_delivery_state(self):
        """("queued" | "sent" | "failed", failure reason) from the mail's traces."""
        self.ensure_one()
        if self.mail_id and self.mail_id.state == "cancel":
            return "failed", self.env._("The mail was cancelled before it was sent.")
        notifications = self.notification_ids
        for notification in notifications:
            if notification.notification_status in FAILED_NOTIFICATIONS:
                reason = (
                    notification.failure_reason or notification.format_failure_reason()
                )
                if notification.notification_status == "canceled":
                    reason = self.env._(
                        "The mail was cancelled: %(reason)s", reason=reason
                    )
                return "failed", reason
        if notifications and all(
            n.notification_status == "sent" for n in notifications
        ):
            return "sent", False
        return "queued", False

    def _reminder_delivered(self):
        live = self.env["account.reminder.sender"]._live_keys(self.move_id)
        delivered = self.browse()
        for row in self:
            if row.state == "failed":
                if (row.move_id.id, row.cycle_key, row.step_id.id) in live:
                    # Sent again meanwhile: that reminder is the one that counts.
                    continue
                if row.activity_id:
                    row.activity_id.sudo().action_feedback(
                        feedback=self.env._("Delivered after a retry.")
                    )
            row.sudo().write(
                {
                    "state": "sent",
                    "done_date": row.company_id._reminder_today(),
                    "failure_reason": False,
                    "server_failure": False,
                }
            )
            delivered |= row
        delivered._reminder_close_follow_ups("sent")
        courtesy = delivered.filtered(lambda row: row.kind == "courtesy")
        self.env["account.reminder.courtesy"].sudo()._mark_done(courtesy)
        (delivered - courtesy)._reminder_level_done()

    def _reminder_level_done(self):
        """The steps of these delivered rows are done, if still the ones pending."""
        Move = self.env["account.move"].sudo()
        rows = Move._reminder_read_status(self.move_id.ids)
        changes = {}
        for row in self:
            status = rows[row.move_id.id]["status"]
            if (
                status.state == reminder_policy.TO_DO
                and status.step_id == row.step_id.id
                and status.cycle_key == row.cycle_key
            ):
                new = reminder_policy.mark_done(status, today=row.done_date)
                changes[row.move_id.id] = (status, new)
                rows[row.move_id.id]["status"] = new
        Move._reminder_write_statuses(changes)

    def _reminder_failed(self, reasons):
        Move = self.env["account.move"].sudo()
        rows = Move._reminder_read_status(self.move_id.ids)
        changes = {}
        server = self.browse()
        for row in self:
            was_sent = row.state == "sent"
            on_server = any(
                n.notification_status in FAILED_NOTIFICATIONS
                and n.failure_type in SERVER_FAILURES
                for n in row.notification_ids
            )
            if on_server:
                server |= row
            row.sudo().write(
                {
                    "state": "failed",
                    "failure_reason": reasons[row],
                    "server_failure": on_server,
                }
            )
            if was_sent and row.kind == "overdue":
                # A bounce after the mail left: the step is to do again. A courtesy
                # notice is not sent again: its follow-up activity tells someone.
                status = rows[row.move_id.id]["status"]
                new = reminder_policy.revert_done(
                    status,
                    step_id=row.step_id.id,
                    cycle_key=row.cycle_key,
                    done_on=row.done_date,
                    last_date_before=row.last_date_before,
                )
                if new != status:
                    changes[row.move_id.id] = (status, new)
        Move._reminder_write_statuses(changes)
        (
            self - server | server._reminder_out_of_attempts()
        )._reminder_schedule_follow_up()

    def _reminder_out_of_attempts(self):
        """The rows whose step the mail server failed ``SERVER_ATTEMPTS`` times."""
        if not self:
            return self
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT h.id FROM account_reminder_history h
                 WHERE h.id = ANY(%s) AND (
                       SELECT count(*) FROM account_reminder_history o
                        WHERE o.move_id = h.move_id AND o.step_id = h.step_id
                          AND o.cycle_key IS NOT DISTINCT FROM h.cycle_key
                          AND o.state = 'failed' AND o.server_failure) >= %s
                """,
                self.ids,
                SERVER_ATTEMPTS,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _reminder_cancel_queued(self, moves, kind="overdue"):
        """Cancel the queued ``kind`` reminder mails of ``moves``, which no longer
        need one.

        A mail that also reminded other invoices is cancelled too: it was written
        with the withdrawn invoice in it. Those invoices stay to remind and can be
        sent again; nobody is asked to follow anything up.
        """
        if not moves:
            return
        History = self.sudo()
        if kind == "overdue":
            History._reminder_cancel_calls(moves)
        queued = History.search(
            [
                ("move_id", "in", moves.ids),
                ("state", "=", "queued"),
                ("kind", "=", kind),
            ]
        )
        if not queued:
            return
        rows = History.search(
            [
                ("mail_message_id", "in", queued.mail_message_id.ids),
                ("state", "=", "queued"),
            ]
        )
        withdrawn = ", ".join((queued.move_id & moves).mapped("display_name"))
        for row in rows:
            # In the company's language: the daily job and the refresh at commit
            # time run without a user's context.
            env = row.with_context(
                lang=self.env.context.get("lang") or row.company_id.partner_id.lang
            ).env
            if row.move_id in moves and kind == "courtesy":
                reason = env._(
                    "Cancelled before sending: the courtesy reminder no longer "
                    "applies (paid, overdue, no longer to remind, or replaced by a "
                    "nearer one)."
                )
            elif row.move_id in moves:
                reason = env._(
                    "Cancelled before sending: the invoice no longer needs a reminder."
                )
            else:
                reason = env._(
                    "Cancelled before sending: the mail also reminded %(invoices)s, "
                    "which no longer needs a reminder.",
                    invoices=withdrawn,
                )
            row.write({"state": "cancelled", "failure_reason": reason})
        rows.mail_id.filtered(lambda mail: mail.state == "outgoing").write(
            {"state": "cancel"}
        )
        rows.notification_ids.filtered(
            lambda n: n.notification_status not in ("sent", *FAILED_NOTIFICATIONS)
        ).write({"notification_status": "canceled"})

    def _reminder_close_follow_ups(self, reason, same_key=True):
        """Mark done the open follow-up activities of the failed reminders these
        rows settle: those of the same invoice, step and installment (``same_key``)
        or these rows' own; nobody has to chase a reminder sent since ("sent"), or
        no longer needed ("withdrawn")."""
        if not self:
            return
        failed = self
        if same_key:
            failed = (
                self.sudo()
                .search(
                    [
                        ("move_id", "in", self.move_id.ids),
                        ("step_id", "in", self.step_id.ids),
                        ("state", "=", "failed"),
                        ("activity_id", "!=", False),
                    ]
                )
                .filtered(
                    lambda old: any(
                        (old.move_id, old.step_id, old.cycle_key)
                        == (row.move_id, row.step_id, row.cycle_key)
                        for row in self
                    )
                )
            )
        for row in failed.filtered(
            lambda row: row.state == "failed" and row.activity_id
        ):
            # In the company's language: the daily job runs without a user's.
            env = row.with_context(
                lang=self.env.context.get("lang") or row.company_id.partner_id.lang
            ).env
            feedback = (
                env._("Sent since, in another mail.")
                if reason == "sent"
                else env._(
                    "No longer needed: the invoice no longer needs this reminder."
                )
            )
            row.activity_id.sudo().action_feedback(feedback=feedback)

    @api.model
    def _reminder_cancel_calls(self, moves):
        """Cancel the reminder calls still to make about ``moves``, which no longer
        need one, with their activities (a call about several invoices too: it
        would be about an invoice that is settled)."""
        History = self.sudo()
        planned = History.search(
            [
                ("move_id", "in", moves.ids),
                ("channel", "=", "phone"),
                ("state", "=", "to_do"),
            ]
        )
        if not planned:
            return
        rows = History.search(
            [
                ("activity_id", "in", planned.activity_id.ids),
                ("state", "=", "to_do"),
            ]
        )
        for row in rows:
            row.write(
                {
                    "state": "cancelled",
                    "failure_reason": self.env._(
                        "Cancelled before the call: the invoice no longer needs a "
                        "reminder."
                    )
                    if row.move_id in moves
                    else self.env._(
                        "Cancelled before the call: the call was also about "
                        "%(invoices)s, which no longer needs a reminder.",
                        invoices=", ".join((planned.move_id & moves).mapped("name")),
                    ),
                }
            )
        rows.activity_id.sudo().unlink()

    def _reminder_schedule_follow_up(self):
        """An activity on each invoice whose reminder did not reach the customer."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for row in self.sudo():
            invoice = row.move_id
            responsible = invoice.company_id._reminder_responsible(invoice)
            # Written for the person who follows it up, in their language.
            lang = responsible.lang or invoice.company_id.partner_id.lang
            translated = row.with_context(lang=lang)
            summary = (
                translated.env._(
                    "Courtesy reminder not delivered: %(step)s",
                    step=translated.step_id.name,
                )
                if row.kind == "courtesy"
                else translated.env._(
                    "Reminder not delivered: %(step)s", step=translated.step_id.name
                )
            )
            row.activity_id = invoice.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=responsible.id,
                summary=summary,
                note=row.failure_reason,
            )

    @api.model
    def _reminder_sync_messages(self, messages):
        """Called when the traces of ``messages`` change: followed at commit time.

        The mail queue puts a mail's notifications in a passing "exception" state
        while it sends it, then writes the outcome; only what the transaction
        commits tells whether the mail left.
        """
        if not messages:
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.setdefault("account_invoice_reminder.sync", set())
        if not pending:
            precommit.add(self._reminder_sync_scheduled)
        pending.update(messages.ids)

    def _reminder_sync_scheduled(self):
        ids = self.env.cr.precommit.data.pop("account_invoice_reminder.sync", set())
        try:
            with self.env.cr.savepoint():
                rows = self.sudo().search(
                    [
                        ("mail_message_id", "in", list(ids)),
                        ("state", "in", ("queued", "sent", "failed")),
                    ]
                )
                rows._reminder_sync()
        except Exception:  # noqa: BLE001 - never fail the mail queue for a reminder
            _logger.exception(
                "Invoice reminders: could not follow the mails of messages %s", ids
            )
