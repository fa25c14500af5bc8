import logging
import threading
import time
from collections import defaultdict, namedtuple
from dataclasses import replace
from datetime import date
from decimal import Decimal

import psycopg2.errors
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, format_amount, format_date, formatLang

from . import late_payment, reminder_policy
from .account_reminder_history import SERVER_ATTEMPTS

_logger = logging.getLogger(__name__)

# Invoices read, decided and written per transaction by the daily job. Small enough
# that a user registering a payment on a locked invoice waits for one short batch.
REMINDER_BATCH_SIZE = 500
# Invoices read at once to find those that change: a read takes no lock, so the
# chunk can be larger than a batch; its size bounds the memory of a run.
REMINDER_SCAN_SIZE = 5000
# The level table grows by up to every open invoice in the first run: its statistics
# are refreshed every so many rows written, or PostgreSQL, still believing it
# empty, scans it whole for every invoice of every batch.
REMINDER_ANALYZE_EVERY = 5000
# "Look again at the next run".
RECHECK = date.min
# How many times a batch that met a concurrent update is tried in the run, and the
# pause before each new attempt (seconds, times the attempt number), long enough for
# a payment being registered to be saved.
REMINDER_BATCH_ATTEMPTS = 3
REMINDER_RETRY_DELAY = 1.0

# The invoices that can be reminded: customer invoices, posted, that still owe money.
# "blocked", "in_payment", "paid", "reversed" and "invoicing_legacy" never are.
_ELIGIBLE_SQL = SQL(
    "(m.move_type = 'out_invoice' AND m.state = 'posted'"
    " AND m.payment_state IN ('not_paid', 'partial'))"
)
# Reminder data is for the accounting team: billing users, auditors and up. Portal
# users, salespeople and other internal users never see it.
REMINDER_GROUPS = "account.group_account_invoice,account.group_account_readonly"

# Fields whose change may change whether an invoice is to remind, at once.
REMINDER_TRIGGER_FIELDS = {
    "state",
    "payment_state",
    "reminder_excluded",
    "reminder_pause_reason",
    "reminder_pause_until",
    "reminder_litigation",
}

# What an invoice owes under the French late-payment law on a day, not charged yet:
# penalties (invoice currency) from ``start`` to ``day``, the indemnity (company
# currency), the rate of ``day`` (None when unknown) and why there are none, if so.
LateFees = namedtuple("LateFees", "penalty indemnity rate start day note")


def doubtful_partial_sql(alias):
    """SQL: the partial reconcile ``alias`` matches a line of a transfer to doubtful
    debts. Such a reconciliation settles the invoice for Odoo, yet the customer has
    paid nothing: the late fees, the dashboard and the D441-6 table leave it out."""
    return SQL(
        "EXISTS (SELECT 1 FROM account_move_line dl"
        " JOIN account_move dm ON dm.id = dl.move_id"
        " WHERE dl.id IN (%(debit)s, %(credit)s) AND dm.reminder_doubtful_transfer)",
        debit=SQL.identifier(alias, "debit_move_id"),
        credit=SQL.identifier(alias, "credit_move_id"),
    )


# The installments still open on an invoice: its receivable lines not reconciled.
_OPEN_INSTALLMENT_SQL = SQL(
    "l.display_type = 'payment_term' AND NOT l.reconciled"
    " AND (l.amount_residual != 0 OR l.amount_residual_currency != 0)"
)


class AccountMove(models.Model):
    _inherit = "account.move"

    # The level lives in account.reminder.level (see there why); these fields show
    # it on the invoice, and search and group by it.
    reminder_level_ids = fields.One2many(
        comodel_name="account.reminder.level",
        inverse_name="move_id",
        string="Reminder Level Record",
        groups=REMINDER_GROUPS,
        readonly=True,
        copy=False,
    )
    reminder_step_id = fields.Many2one(
        comodel_name="account.reminder.step",
        string="Reminder Level",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_level",
        search="_search_reminder_step_id",
        help="The last reminder step reached by this invoice.",
    )
    reminder_state = fields.Selection(
        selection=[
            (reminder_policy.TO_DO, "To Do"),
            (reminder_policy.DONE, "Done"),
        ],
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_level",
        search="_search_reminder_state",
        help="To Do: the reminder of this level must be sent.\n"
        "Done: it was sent or handled.\n"
        "Empty: no level yet, or the pending reminder was withdrawn because the "
        "invoice no longer needs it.",
    )
    reminder_last_date = fields.Date(
        string="Last Reminder Date",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_level",
        search="_search_reminder_last_date",
        help="Date the last reminder step was done.",
    )
    reminder_cycle_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Reminded Installment",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_level",
        help="The installment the current reminder sequence is about. When it is "
        "settled and a later one falls due, reminders start again from the first step.",
    )
    reminder_done_step_ids = fields.Many2many(
        comodel_name="account.reminder.step",
        relation="account_move_reminder_step_done_rel",
        column1="move_id",
        column2="step_id",
        string="Reminder Steps Done",
        groups=REMINDER_GROUPS,
        readonly=True,
        copy=False,
        help="Steps done for the installment currently reminded.",
    )
    # The courtesy reminder before the due date lives in account.reminder.courtesy,
    # apart from the level: these fields show it.
    reminder_courtesy_ids = fields.One2many(
        comodel_name="account.reminder.courtesy",
        inverse_name="move_id",
        string="Courtesy Reminder Record",
        groups=REMINDER_GROUPS,
        readonly=True,
        copy=False,
    )
    reminder_courtesy_step_id = fields.Many2one(
        comodel_name="account.reminder.step",
        string="Courtesy Reminder",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_courtesy",
        search="_search_reminder_courtesy_step_id",
        help="The courtesy reminder (before the due date) of the earliest open "
        "installment. It is not a reminder level.",
    )
    reminder_courtesy_state = fields.Selection(
        selection=[
            (reminder_policy.TO_DO, "To Do"),
            (reminder_policy.DONE, "Done"),
        ],
        string="Courtesy Reminder State",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_courtesy",
        search="_search_reminder_courtesy_state",
        help="To Do: the courtesy reminder must be sent.\nDone: it was sent.\n"
        "Empty: none yet, or withdrawn because the installment was paid or fell due.",
    )
    reminder_courtesy_date = fields.Date(
        string="Courtesy Reminder Sent On",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_courtesy",
    )
    reminder_tag = fields.Selection(
        selection=[
            ("to_remind", "To Remind"),
            ("litigation", "Litigation"),
            ("courtesy", "Courtesy Reminder"),
        ],
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_tag",
        search="_search_reminder_tag",
    )
    reminder_due_date = fields.Date(
        string="Earliest Open Due Date",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_due_date",
        help="Due date of the earliest installment not yet paid: the date reminders "
        "count from.",
    )
    reminder_days_overdue = fields.Integer(
        string="Days Overdue",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_due_date",
    )
    reminder_amount_overdue = fields.Monetary(
        string="Amount Overdue",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_due_date",
        currency_field="currency_id",
        help="What is still due on the installments whose due date has passed, in the "
        "invoice currency. The rest of the amount due falls due later.",
    )
    reminder_excluded = fields.Boolean(
        string="Do Not Remind",
        groups=REMINDER_GROUPS,
        copy=False,
        tracking=True,
        help="Never remind this invoice. To stop the reminders of all the invoices "
        "of a customer, set it on the customer.",
    )
    # Indexed for the few paused invoices: "is this customer in insolvency
    # proceedings" is asked of every invoice whose late fees are computed.
    reminder_pause_reason = fields.Selection(
        selection=[
            ("dispute", "Dispute"),
            ("payment_promise", "Payment promise"),
            ("payment_plan", "Payment plan"),
            ("insolvency", "Insolvency proceedings"),
        ],
        string="Reminders Paused",
        groups=REMINDER_GROUPS,
        index="btree_not_null",
        copy=False,
        tracking=True,
        help="While paused, the invoice is not reminded; afterwards it resumes at the "
        "level it had reached.",
    )
    reminder_pause_until = fields.Date(
        string="Paused Until",
        groups=REMINDER_GROUPS,
        copy=False,
        tracking=True,
        help="Last day of the pause. Insolvency proceedings may have none: the pause "
        "then lasts until it is lifted.",
    )
    reminder_litigation = fields.Boolean(
        string="Litigation",
        groups=REMINDER_GROUPS,
        copy=False,
        tracking=True,
        help="The invoice is in litigation (contentieux): its recovery is in other "
        "hands (a lawyer, a collection agency, the court). It is never reminded; "
        "lifting it resumes the reminders at the level reached. The late-payment "
        "penalties keep running.",
    )
    # Set on the entries made by "Transfer to Doubtful Debts": their reconciliation
    # with the invoice is not a payment (see doubtful_partial_sql).
    reminder_doubtful_transfer = fields.Boolean(
        string="Transfer to Doubtful Debts",
        groups=REMINDER_GROUPS,
        readonly=True,
        copy=False,
    )
    reminder_doubtful_invoice_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice Transferred",
        groups=REMINDER_GROUPS,
        readonly=True,
        copy=False,
        help="The customer invoice this entry transferred to doubtful debts.",
    )
    reminder_history_ids = fields.One2many(
        comodel_name="account.reminder.history",
        inverse_name="move_id",
        groups=REMINDER_GROUPS,
        readonly=True,
    )

    reminder_penalty_amount = fields.Monetary(
        string="Late-Payment Penalties",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_late_fees",
        currency_field="currency_id",
        help="Penalties owed as of today for the days late not charged yet (Code de "
        "commerce L441-10), per installment and period of unpaid amount.",
    )
    reminder_indemnity_amount = fields.Monetary(
        string="Recovery Indemnity",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_late_fees",
        currency_field="company_currency_id",
        help="The fixed indemnity for recovery costs (D441-5), owed once per invoice "
        "paid late, when not charged yet.",
    )
    reminder_penalty_rate = fields.Float(
        string="Penalty Rate (%)",
        digits=(5, 3),
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_late_fees",
        help="The annual rate of today's late days.",
    )
    reminder_late_fees_note = fields.Char(
        string="Late-Payment Fees",
        groups=REMINDER_GROUPS,
        compute="_compute_reminder_late_fees",
    )

    # ------------------------------------------------------------------ computes

    # Level fields as (field of account.move, column of account_reminder_level).
    _REMINDER_LEVEL_COLUMNS = {
        "reminder_step_id": "step_id",
        "reminder_state": "state",
        "reminder_last_date": "last_date",
        "reminder_cycle_line_id": "cycle_key",
    }

    @api.depends(
        "reminder_level_ids.step_id",
        "reminder_level_ids.state",
        "reminder_level_ids.last_date",
        "reminder_level_ids.cycle_key",
    )
    def _compute_reminder_level(self):
        stored = self.filtered(lambda move: isinstance(move._origin.id, int))
        levels = {
            level.move_id.id: level
            for level in stored._origin.sudo().reminder_level_ids
        }
        lines = self._reminder_live_lines(level.cycle_key for level in levels.values())
        for move in self:
            level = levels.get(move._origin.id)
            move.reminder_step_id = level.step_id if level else False
            move.reminder_state = level.state if level else False
            move.reminder_last_date = level.last_date if level else False
            move.reminder_cycle_line_id = (
                lines.browse(level.cycle_key) & lines
                if level and level.cycle_key
                else False
            )

    @api.depends(
        "reminder_courtesy_ids.step_id",
        "reminder_courtesy_ids.state",
        "reminder_courtesy_ids.last_date",
    )
    def _compute_reminder_courtesy(self):
        stored = self.filtered(lambda move: isinstance(move._origin.id, int))
        rows = {
            row.move_id.id: row for row in stored._origin.sudo().reminder_courtesy_ids
        }
        for move in self:
            row = rows.get(move._origin.id)
            move.reminder_courtesy_step_id = row.step_id if row else False
            move.reminder_courtesy_state = row.state if row else False
            move.reminder_courtesy_date = row.last_date if row else False

    def _search_reminder_courtesy_step_id(self, operator, value):
        return self._reminder_level_domain(
            "step_id", operator, value, "reminder_courtesy_ids"
        )

    def _search_reminder_courtesy_state(self, operator, value):
        return self._reminder_level_domain(
            "state", operator, value, "reminder_courtesy_ids"
        )

    @api.model
    def _reminder_live_lines(self, keys):
        """The installment lines of these cycle keys that still exist, in one query:
        a key has no foreign key (see the level), its line may be gone."""
        keys = {key for key in keys if key}
        return self.env["account.move.line"].browse(keys).exists()

    def _search_reminder_step_id(self, operator, value):
        return self._reminder_level_domain("step_id", operator, value)

    def _search_reminder_state(self, operator, value):
        return self._reminder_level_domain("state", operator, value)

    def _search_reminder_last_date(self, operator, value):
        return self._reminder_level_domain("last_date", operator, value)

    @api.model
    def _reminder_level_domain(
        self, column, operator, value, relation="reminder_level_ids"
    ):
        """The domain on the level table (or the courtesy one, ``relation``);
        invoices without a row have empty values."""
        domain = [(f"{relation}.{column}", operator, value)]
        values = value if isinstance(value, (list, tuple, set)) else [value]
        matches_empty = (
            (operator in ("=", "in") and any(v is False or v is None for v in values))
            or (operator in ("!=", "not in") and not any(v is False for v in values))
            or operator in ("not like", "not ilike", "not =like", "not =ilike")
        )
        if matches_empty:
            domain = ["|", (relation, "=", False), *domain]
        return domain

    def _read_group_groupby(self, groupby_spec, query):
        fname = groupby_spec.split(":")[0]
        column = self._REMINDER_LEVEL_COLUMNS.get(fname)
        if not column or fname == "reminder_cycle_line_id":
            return super()._read_group_groupby(groupby_spec, query)
        # Grouped through the level table, as a stored field would be.
        return self._reminder_level_sql(self._table, column, query)

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # Ordered through the level table, as a stored field would be: the web
        # client's grouped lists and kanban order their groups by the field.
        column = self._REMINDER_LEVEL_COLUMNS.get(fname)
        if column and fname != "reminder_cycle_line_id" and query is not None:
            self.check_field_access_rights("read", [fname])
            return self._reminder_level_sql(alias, column, query)
        return super()._field_to_sql(alias, fname, query, flush)

    @api.model
    def _reminder_level_sql(self, alias, column, query):
        """``column`` of the level of the invoices of ``alias``, joined once."""
        level = query.make_alias(alias, "reminder_level")
        query.add_join(
            "LEFT JOIN",
            level,
            "account_reminder_level",
            SQL(
                "%s = %s", SQL.identifier(level, "move_id"), SQL.identifier(alias, "id")
            ),
        )
        return SQL.identifier(level, column)

    @api.depends("reminder_state", "reminder_litigation", "reminder_courtesy_state")
    def _compute_reminder_tag(self):
        for move in self:
            # Litigation first: its pending step goes at the next refresh, and until
            # then the invoice must not look like one to remind.
            if move.reminder_litigation:
                move.reminder_tag = "litigation"
            elif move.reminder_state == reminder_policy.TO_DO:
                move.reminder_tag = "to_remind"
            elif move.reminder_courtesy_state == reminder_policy.TO_DO:
                move.reminder_tag = "courtesy"
            else:
                move.reminder_tag = False

    def _search_reminder_tag(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Operation not supported."))
        values = {value} if operator in ("=", "!=") else set(value or ())
        tags = {
            "to_remind": [
                ("reminder_state", "=", reminder_policy.TO_DO),
                ("reminder_litigation", "=", False),
            ],
            "litigation": [("reminder_litigation", "=", True)],
            "courtesy": [
                ("reminder_courtesy_state", "=", reminder_policy.TO_DO),
                ("reminder_state", "!=", reminder_policy.TO_DO),
                ("reminder_litigation", "=", False),
            ],
        }
        domain = expression.OR([tags[tag] for tag in values if tag in tags])
        if operator in ("=", "in"):
            return domain
        return ["!", *domain]

    @api.depends(
        "state",
        "payment_state",
        "line_ids.date_maturity",
        "line_ids.amount_residual",
        "line_ids.reconciled",
    )
    def _compute_reminder_due_date(self):
        remindable = self.filtered(
            lambda move: (
                isinstance(move._origin.id, int)
                and move.move_type == "out_invoice"
                and move.state == "posted"
                and move.payment_state in ("not_paid", "partial")
            )
        )
        installments = self._reminder_read_installments(remindable._origin.ids)
        for move in self:
            lines = installments.get(move._origin.id) if move in remindable else None
            if not lines:
                move.reminder_due_date = False
                move.reminder_days_overdue = 0
                move.reminder_amount_overdue = 0.0
                continue
            today = move.company_id._reminder_today()
            move.reminder_due_date = lines[0][1]
            move.reminder_days_overdue = max((today - lines[0][1]).days, 0)
            move.reminder_amount_overdue = sum(
                residual for __, due, residual in lines if due < today
            )

    @api.constrains("reminder_pause_reason", "reminder_pause_until")
    def _check_reminder_pause(self):
        for move in self:
            if move.reminder_pause_until and not move.reminder_pause_reason:
                raise ValidationError(
                    self.env._(
                        "Give a reason to pause the reminders of %(invoice)s.",
                        invoice=move.display_name,
                    )
                )
            if (
                move.reminder_pause_reason
                and move.reminder_pause_reason != "insolvency"
                and not move.reminder_pause_until
            ):
                raise ValidationError(
                    self.env._(
                        "Give the last day of the pause of the reminders of "
                        "%(invoice)s: only insolvency proceedings may pause them "
                        "without an end.",
                        invoice=move.display_name,
                    )
                )

    # ------------------------------------------------------------------ actions

    def action_reminder_mark_done(self):
        """Record that the pending reminder step was handled today (e.g. by phone)."""
        self.check_access("write")
        rows = self._reminder_read_status(self.ids)
        not_pending = self.filtered(
            lambda move: rows[move.id]["status"].state != reminder_policy.TO_DO
        )
        settled = (
            self.filtered(lambda move: not rows[move.id]["eligible"]) - not_pending
        )
        if settled:
            # Paid, reset to draft or reversed since it was tagged: the tag is withdrawn
            # when this transaction ends, there is nothing left to do.
            raise UserError(
                self.env._(
                    "%(invoices)s no longer needs a reminder (it is paid, reversed, "
                    "cancelled or back to draft): there is nothing to mark as done.",
                    invoices=", ".join(settled.mapped("display_name")),
                )
            )
        calls = (
            self.env["account.reminder.history"]
            .sudo()
            .search(
                [
                    ("move_id", "in", self.ids),
                    ("channel", "=", "phone"),
                    ("state", "=", "to_do"),
                ]
            )
        )
        if calls:
            raise UserError(
                self.env._(
                    "A reminder call is planned for %(invoices)s: mark its activity "
                    "as done, with the outcome of the call, to mark the step as done.",
                    invoices=", ".join(calls.move_id.mapped("display_name")),
                )
            )
        live = self.env["account.reminder.sender"]._live_keys(self)
        on_its_way = self.filtered(
            lambda move: (
                (
                    move.id,
                    rows[move.id]["status"].cycle_key,
                    rows[move.id]["status"].step_id,
                )
                in live
            )
        )
        if on_its_way:
            raise UserError(
                self.env._(
                    "The reminder mail of %(invoices)s is on its way: its step is "
                    "marked as done when the mail is sent.",
                    invoices=", ".join(on_its_way.mapped("display_name")),
                )
            )
        if not_pending:
            raise UserError(
                self.env._(
                    "There is no reminder to mark as done on %(invoices)s: only an "
                    "invoice whose reminder level is To Do can be marked as done.",
                    invoices=", ".join(not_pending.mapped("display_name")),
                )
            )
        changes = {}
        for move in self:
            status = rows[move.id]["status"]
            today = move.company_id._reminder_today()
            changes[move.id] = (status, reminder_policy.mark_done(status, today=today))
        lines = self._reminder_live_lines(old.cycle_key for old, __ in changes.values())
        history_vals = []
        for move in self:
            old, new = changes[move.id]
            vals = self.env["account.reminder.sender"]._history_values(move, old, lines)
            vals.update(channel="manual", state="done", done_date=new.last_date)
            history_vals.append(vals)
        self.env["account.reminder.history"].sudo().create(history_vals)
        self._reminder_write_statuses(changes)
        # A log note, not a message: it notifies nobody and needs no sender email.
        self._message_log_batch(
            {
                move.id: self.env._(
                    "Reminder step %(step)s marked as done.",
                    step=move.reminder_step_id.name,
                )
                for move in self
            }
        )
        return True

    def action_reminder_send(self):
        """Open the mail composer with the pending reminder of this invoice."""
        self.ensure_one()
        self.check_access("write")
        group = self.env["account.reminder.sender"]._check_sendable(self)
        if group["channel"] != "email":
            return self._reminder_send_other(group)
        template = self.reminder_step_id.mail_template_id
        attachments = self._reminder_pdf()
        recipient_lang = self.env["account.reminder.sender"]._lang(
            group["recipient"], self.company_id
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Send Reminder"),
            "context": {
                "default_model": "account.move",
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": template.id,
                "default_partner_ids": group["recipient"].ids,
                "default_attachment_ids": [(6, 0, attachments.ids)],
                "default_email_layout_xmlid": template.email_layout_xmlid
                or "mail.mail_notification_light",
                # Queued like every reminder: the mail queue sends and throttles.
                "default_force_send": False,
                "mail_notify_force_send": False,
                # The PDF is the invoice's own: not a document to import into it.
                "no_new_invoice": True,
                "model_description": self.with_context(lang=recipient_lang).env._(
                    "Invoice"
                ),
                "reminder_send_move_id": self.id,
            },
        }

    def action_reminder_send_courtesy(self):
        """Send the pending courtesy reminders of these invoices, queued."""
        self.check_access("write")
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        result = (
            self.env["account.reminder.sender"]
            .sudo()
            .with_context(lang=self.env.lang)
            ._send(invoices, kind="courtesy")
        )
        if len(self) == 1 and not result["mails"]:
            if self in result["failed"]:
                # Recorded as failed, with a follow-up activity: raising would roll
                # that back. The user is told why, and the history keeps it.
                return self._reminder_notify(
                    self.env._(
                        "The courtesy reminder of %(invoice)s could not be sent: "
                        "%(reason)s. An activity was scheduled to follow it up.",
                        invoice=self.display_name,
                        reason=self._reminder_failure_reason(),
                    ),
                    "danger",
                )
            raise UserError(
                self.env._(
                    "The courtesy reminder of %(invoice)s cannot be sent: %(reason)s.",
                    invoice=self.display_name,
                    reason=result["left_out"].get(self)
                    or self.env._("no courtesy reminder to send"),
                )
            )
        message = self.env._(
            "%(mails)s courtesy reminder mail(s) queued.", mails=result["mails"]
        )
        skipped = len(result["left_out"]) + len(result["failed"])
        if skipped:
            message += " " + self.env._(
                "%(count)s invoice(s) left out: see their reminder history or the "
                "courtesy reminder field.",
                count=skipped,
            )
        return self._reminder_notify(message, "warning" if skipped else "success")

    def _reminder_notify(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Courtesy reminders"),
                "message": message,
                "type": kind,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _reminder_failure_reason(self):
        """Why the last reminder of this invoice failed, from its history."""
        self.ensure_one()
        failed = self.sudo().reminder_history_ids.filtered(
            lambda row: row.state == "failed"
        )
        return failed[:1].failure_reason or self.env._("the mail could not be sent")

    def _reminder_courtesy_amounts(self):
        """``{invoice id: amount}``: what falls due on each invoice's earliest open
        due date (invoice currency), the amount a courtesy reminder is about; one
        query for all."""
        amounts = {}
        for move_id, lines in self._reminder_read_installments(self.ids).items():
            first_due = lines[0][1]
            amounts[move_id] = sum(
                residual for __, due, residual in lines if due == first_due
            )
        return amounts

    def _reminder_courtesy_lines(self):
        """The invoices a courtesy mail led by this invoice is about (those of
        ``_reminder_mail_group``), earliest due first, as text for the template."""
        self.ensure_one()
        reminded = self._reminder_mail_group()[0]
        # Read once for all the mails rendered together, when they are.
        amounts = self.env.context.get("reminder_courtesy_amounts") or {}
        if not set(reminded.ids) <= set(amounts):
            amounts = reminded._reminder_courtesy_amounts()
        lang = self.env.lang
        lines = []
        for move in reminded.sorted(lambda m: (m.reminder_due_date or date.max, m.id)):
            lines.append(
                {
                    "name": move.name,
                    "date": format_date(self.env, move.invoice_date, lang_code=lang),
                    "due": format_date(
                        self.env, move.reminder_due_date, lang_code=lang
                    ),
                    "amount": format_amount(
                        self.env,
                        amounts.get(move.id, 0.0),
                        move.currency_id,
                        lang_code=lang,
                    ),
                    "residual": format_amount(
                        self.env, move.amount_residual, move.currency_id, lang_code=lang
                    ),
                    "installment": move.currency_id.compare_amounts(
                        move.amount_residual, amounts.get(move.id, 0.0)
                    )
                    > 0,
                    "url": move._reminder_portal_url(),
                }
            )
        return lines

    def _reminder_send_other(self, group):
        """Print the letter, or plan the call, of this invoice's pending step."""
        result = self.env["account.reminder.sender"]._send(self, per_customer=False)
        if result["letters"]:
            return self.env["account.reminder.letter"]._download_action(
                result["letters"]
            )
        if result["calls"]:
            activity = result["calls"][:1]
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Invoice reminders"),
                    "message": self.env._(
                        "Phone call planned for %(user)s: %(summary)s",
                        user=activity.user_id.name,
                        summary=activity.summary,
                    ),
                    "type": "success",
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        reason = result["left_out"].get(self) or self.env._("no reminder to send")
        raise UserError(
            self.env._(
                "The reminder of %(invoice)s cannot be sent: %(reason)s.",
                invoice=self.display_name,
                reason=reason,
            )
        )

    def _reminder_postal_recipient(self):
        """Whom a letter or a call is for: the invoice's contact when it is an
        invoice address, else the customer's invoice address, else the customer."""
        self.ensure_one()
        if self.partner_id.type == "invoice":
            return self.partner_id
        commercial = self.commercial_partner_id
        return self.env["res.partner"].browse(
            commercial.address_get(["invoice"])["invoice"]
        )

    def _reminder_letter_lang(self):
        """The language of the letter this invoice leads: its recipient's."""
        self.ensure_one()
        return self.env["account.reminder.sender"]._lang(
            self._reminder_postal_recipient(), self.company_id
        )

    def _reminder_letter_values(self):
        """What the reminder letter this invoice leads says (see the report)."""
        self.ensure_one()
        return self.env["account.reminder.letter"]._values(self)

    def action_reminder_send_bulk(self):
        """Preview, then send, the reminders of these invoices."""
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.reminder.send",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Send Reminders"),
            # The preview has nine columns: at the default size every one is cut.
            "context": {
                "default_move_ids": [(6, 0, self.ids)],
                "dialog_size": "extra-large",
            },
        }

    def action_reminder_doubtful_transfer(self):
        """Open the transfer of this invoice to doubtful debts (416)."""
        self.ensure_one()
        self.check_access("write")
        self.company_id._reminder_doubtful_account_required()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.reminder.doubtful.transfer",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Transfer to Doubtful Debts"),
            "context": {"default_move_id": self.id},
        }

    def _reminder_pdf(self):
        """The invoice's PDF: the one already issued, else printed now."""
        self.ensure_one()
        if self.invoice_pdf_report_id:
            return self.invoice_pdf_report_id
        filename = self._get_invoice_report_filename()
        # Printed once, kept on the invoice: opening the composer again reuses it.
        printed = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "=", self.id),
                ("name", "=", filename),
                ("mimetype", "=", "application/pdf"),
            ],
            limit=1,
        )
        if printed:
            return printed
        try:
            content, __ = self.env["ir.actions.report"]._render_qweb_pdf(
                "account.account_invoices", self.ids
            )
        except (UserError, OSError) as error:
            # No wkhtmltopdf: the reminder still goes, without its PDF.
            _logger.warning("Invoice reminders: no PDF for %s: %s", self.name, error)
            return self.env["ir.attachment"]
        return self.env["ir.attachment"].create(
            {
                "name": filename,
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": self.id,
            }
        )

    def _reminder_recipient(self):
        """Who receives the reminder: the invoice's contact when it has an email,
        else the customer's invoice address, else the customer itself."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        invoice_address = self.env["res.partner"].browse(
            commercial.address_get(["invoice"])["invoice"]
        )
        for partner in (self.partner_id, invoice_address, commercial):
            if email_normalize(partner.email or ""):
                return partner
        return self.env["res.partner"]

    def _reminder_mail_group(self):
        """(invoices reminded, statement scope) of the mail this invoice leads.

        Given by the context key ``reminder_groups``, ``{invoice id: (invoice ids,
        scope)}`` for every mail rendered together; by default the mail reminds this
        invoice alone, scope "invoice".
        """
        self.ensure_one()
        group = (self.env.context.get("reminder_groups") or {}).get(self.id)
        if not group:
            return self, "invoice"
        return self.browse(group[0]), group[1]

    def _reminder_invoices_label(self):
        """ "invoice INV/1" or "invoices INV/1, INV/2" for the subject of the mail
        that reminds the invoices of ``_reminder_mail_group``."""
        self.ensure_one()
        reminded = self._reminder_mail_group()[0]
        if len(reminded) == 1:
            return self.env._("invoice %(name)s", name=reminded.name)
        return self.env._(
            "invoices %(names)s",
            names=", ".join(reminded.sorted("name").mapped("name")),
        )

    def _reminder_statement(self):
        """What a reminder mail lists for this invoice's customer and company.

        The invoices reminded are those of ``_reminder_mail_group``. With the scope
        "customer" (the mails grouped per customer) the other overdue invoices of
        the customer are listed too, and its open credit notes, with totals per
        currency; by default the mail is about the reminded invoices only.
        """
        self.ensure_one()
        reminded, scope = self._reminder_mail_group()
        if scope != "customer":
            return self._reminder_statement_of(reminded, self.browse())
        today = self.company_id._reminder_today()
        documents, credits = self._reminder_customer_documents()
        invoices = documents.filtered(
            lambda m: (
                m in reminded
                or (
                    m.reminder_due_date
                    and m.reminder_due_date < today
                    and not reminder_policy.is_paused(
                        m.reminder_pause_reason, m.reminder_pause_until or None, today
                    )
                )
            )
        )
        # Kept in the prefetch of all the documents read together.
        invoices = invoices.with_prefetch(documents._prefetch_ids)
        return self._reminder_statement_of(invoices, credits, reminded)

    def _reminder_customer_documents(self):
        """(open invoices, open credit notes) of this invoice's customer and company.

        Taken from those read at once for the mails rendered together, when the
        context key ``reminder_documents`` names them (see
        ``_reminder_read_customer_documents``), else searched now.
        """
        self.ensure_one()
        key = (self.company_id.id, self.commercial_partner_id.id)
        token = self.env.context.get("reminder_documents")
        documents = self.env.cr.cache.get(token) if token else None
        if documents is None or key not in documents:
            documents = self._reminder_read_customer_documents()
        return documents[key]

    def _reminder_read_customer_documents(self):
        """``{(company id, customer id): (invoices, credit notes)}``: the open
        invoices and credit notes of these invoices' customers, two searches per
        company, read together (one prefetch) for all the customers."""
        Move = self.sudo().browse()
        documents = {}
        for company in self.company_id:
            customers = self.filtered(
                lambda m, company=company: m.company_id == company
            ).commercial_partner_id
            common = [
                ("company_id", "=", company.id),
                # account_move has no index on commercial_partner_id: through the
                # contacts (partner_id is indexed), not a scan of every invoice.
                ("partner_id", "child_of", customers.ids),
                ("commercial_partner_id", "in", customers.ids),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
            invoices = Move.search(
                [
                    *common,
                    ("move_type", "=", "out_invoice"),
                    ("reminder_excluded", "=", False),
                    # In other hands: not listed in the customer's reminders.
                    ("reminder_litigation", "=", False),
                ],
                order="invoice_date_due, name",
            )
            credits = Move.search(
                [*common, ("move_type", "=", "out_refund")], order="name"
            )
            by_customer = {customer.id: ([], []) for customer in customers}
            for index, moves in enumerate((invoices, credits)):
                for move in moves:
                    by_customer[move.commercial_partner_id.id][index].append(move.id)
            for customer_id, (invoice_ids, credit_ids) in by_customer.items():
                documents[company.id, customer_id] = (
                    invoices.browse(invoice_ids).with_prefetch(invoices._prefetch_ids),
                    credits.browse(credit_ids).with_prefetch(credits._prefetch_ids),
                )
        return documents

    def _reminder_statement_of(self, invoices, credits, reminded=None):
        reminded = invoices if reminded is None else reminded
        lang = self.env.lang

        def money(amount, currency):
            return format_amount(self.env, amount, currency, lang_code=lang)

        # Made beforehand for the invoices a bulk sending holds (see
        # account.reminder.sender._render_groups); one by one, here.
        if not self.env.context.get("reminder_documents"):
            invoices.filtered(
                lambda m: not m.access_token
            )._reminder_ensure_access_tokens()
        # Never summed across currencies: one total per currency.
        totals = defaultdict(lambda: {"overdue": 0.0, "credits": 0.0})
        lines = []
        for move in invoices:
            totals[move.currency_id]["overdue"] += move.reminder_amount_overdue
            lines.append(
                {
                    "move": move,
                    "date": format_date(self.env, move.invoice_date, lang_code=lang),
                    "due": format_date(
                        self.env, move.reminder_due_date, lang_code=lang
                    ),
                    "days": move.reminder_days_overdue,
                    "overdue": money(move.reminder_amount_overdue, move.currency_id),
                    "residual": money(move.amount_residual, move.currency_id),
                    "reminded": move in reminded,
                    "level": move.reminder_step_id.name if move in reminded else "",
                    "url": move._reminder_portal_url(),
                }
            )
        credit_lines = []
        for move in credits:
            totals[move.currency_id]["credits"] += move.amount_residual
            credit_lines.append(
                {
                    "move": move,
                    "date": format_date(self.env, move.invoice_date, lang_code=lang),
                    "residual": money(-move.amount_residual, move.currency_id),
                }
            )
        return {
            "lines": lines,
            "credits": credit_lines,
            "totals": [
                {
                    "overdue": money(values["overdue"], currency),
                    "credits": money(-values["credits"], currency),
                    "net": money(values["overdue"] - values["credits"], currency),
                    "has_credits": bool(values["credits"]),
                }
                for currency, values in totals.items()
            ],
            "several": len(lines) > 1 or bool(credit_lines),
        }

    def _reminder_ensure_access_tokens(self):
        """The portal links of a statement, in one query: get_portal_url() makes a
        missing token with an ORM write per invoice, which recomputes its lines
        (60 ms each, most of the time of a grouped mail).

        A statement also lists invoices the sender does not hold: one another
        transaction is changing keeps no token rather than being waited for, or
        failing the mail (its link then asks the customer to log in).
        """
        if not self:
            return
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        """
                        UPDATE account_move SET access_token = gen_random_uuid()::text
                         WHERE id IN (SELECT id FROM account_move
                                       WHERE id = ANY(%s) AND access_token IS NULL
                                         FOR NO KEY UPDATE SKIP LOCKED)
                     RETURNING id
                        """,
                        self.ids,
                    ),
                    log_exceptions=False,
                )
                changed = self.browse(row[0] for row in self.env.cr.fetchall())
        except (
            psycopg2.errors.SerializationFailure,
            psycopg2.errors.LockNotAvailable,
        ):
            return
        if changed:
            changed.invalidate_recordset(["access_token"])
            # Read back at once, not statement by statement.
            changed.fetch(["access_token"])

    def _reminder_portal_url(self):
        """The invoice's portal link, with its token when it has one: never the
        write get_portal_url() makes for a missing token."""
        self.ensure_one()
        if not self.access_token:
            return self.get_base_url() + self.access_url
        return self.get_base_url() + self.get_portal_url()

    def _reminder_statement_html(self, statement=None):
        """The statement table of a reminder mail, empty for a lone invoice."""
        statement = statement or self._reminder_statement()
        if not statement["several"]:
            return Markup()
        return self.env["ir.qweb"]._render(
            "account_invoice_reminder.reminder_statement", {"statement": statement}
        )

    # ------------------------------------------------------------------ late fees

    @api.depends(
        "state",
        "payment_state",
        "line_ids.amount_residual",
        "commercial_partner_id",
        "reminder_pause_reason",
    )
    def _compute_reminder_late_fees(self):
        fees = self._origin._reminder_late_fees()
        for move in self:
            fee = fees.get(move._origin.id)
            move.reminder_penalty_amount = fee.penalty if fee else 0.0
            move.reminder_indemnity_amount = fee.indemnity if fee else 0.0
            move.reminder_penalty_rate = (fee.rate or 0.0) if fee else 0.0
            move.reminder_late_fees_note = fee.note if fee else False

    def _reminder_late_fees(self, on=None):
        """``{invoice id: LateFees}`` as of ``on`` (default: each company's today)
        for these customer invoices, in five queries whatever their number."""
        invoices = self.filtered(
            lambda m: (
                isinstance(m.id, int)
                and m.move_type == "out_invoice"
                and m.state == "posted"
            )
        )
        if not invoices:
            return {}
        installments = invoices._reminder_read_installment_payments()
        charged = invoices._reminder_read_charged_fees()
        insolvent = invoices._reminder_insolvent_customers(on)
        table = self.env["account.reminder.reference.rate"]._reminder_table()
        result = {}
        for move in invoices:
            day = on or move.company_id._reminder_today()
            customer = move.commercial_partner_id
            note = False
            if customer.reminder_consumer:
                note = self.env._("Consumer: no late-payment fees.")
            elif (move.company_id.id, customer.id) in insolvent:
                note = self.env._("Insolvency proceedings: no late-payment fees.")
            if note:
                result[move.id] = LateFees(0.0, 0.0, None, None, day, note)
                continue
            rule = move._reminder_penalty_rule(table)
            parts = installments.get(move.id, [])
            until, indemnity_charged = charged.get(move.id, (None, False))
            precision = Decimal(str(move.currency_id.rounding))
            try:
                # Read once: the total and the first day charged both need them.
                periods = [
                    p
                    for part in parts
                    for p in late_payment.periods(part, day, rule, until)
                ]
                penalty = late_payment.total(periods, precision)
            except late_payment.MissingRate as missing:
                penalty, periods = Decimal(0), []
                note = self.env._(
                    "No reference rate for the half-year starting %(date)s: add it to "
                    "the reference rates to compute the penalties.",
                    date=format_date(self.env, missing.half_year),
                )
            try:
                rate = float(late_payment.rate_of(rule, day))
            except late_payment.MissingRate:
                rate = None
            indemnity = Decimal(0)
            if not indemnity_charged:
                indemnity = late_payment.indemnity(
                    parts, day, Decimal(str(move.company_id.reminder_indemnity_amount))
                )
            start = min((p.start for p in periods), default=None)
            result[move.id] = LateFees(
                float(penalty), float(indemnity), rate, start, day, note
            )
        return result

    def _reminder_penalty_rule(self, table):
        """How the penalty rate of this invoice's days is found."""
        self.ensure_one()
        customer, company = self.commercial_partner_id, self.company_id
        contract = None
        if customer.reminder_penalty_rate:
            contract = customer.reminder_penalty_rate
        elif company.reminder_penalty_rule == "contract":
            contract = company.reminder_penalty_rate
        points = (
            company.reminder_public_penalty_points
            if customer.reminder_public_buyer
            else company.reminder_penalty_points
        )
        return late_payment.Rule(
            reference_rates=tuple((start, Decimal(str(rate))) for start, rate in table),
            points=Decimal(str(points)),
            contract_rate=None if contract is None else Decimal(str(contract)),
        )

    def _reminder_read_installment_payments(self):
        """``{invoice id: [late_payment.Installment]}``: each receivable line with
        what reconciled it and when (payments and credit notes alike), in the
        invoice currency."""
        self.env["account.move.line"].flush_model(
            ["move_id", "display_type", "date_maturity", "amount_currency"]
        )
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "credit_move_id", "max_date", "debit_amount_currency"]
        )
        self.env["account.move"].flush_model(["reminder_doubtful_transfer"])
        # A transfer to doubtful debts is no payment: the penalties keep running on
        # what it moved to 416.
        self.env.cr.execute(
            SQL(
                """
                SELECT l.move_id, l.id, l.date_maturity, l.amount_currency,
                       p.max_date, p.debit_amount_currency
                  FROM account_move_line l
             LEFT JOIN account_partial_reconcile p
                       ON p.debit_move_id = l.id AND NOT %(doubtful)s
                 WHERE l.move_id = ANY(%(ids)s) AND l.display_type = 'payment_term'
                       AND l.amount_currency > 0
              ORDER BY l.move_id, l.date_maturity, l.id, p.max_date
                """,
                ids=self.ids,
                doubtful=doubtful_partial_sql("p"),
            )
        )
        lines = {}
        for move_id, line_id, due, amount, paid_on, paid in self.env.cr.fetchall():
            line = lines.setdefault(line_id, (move_id, due, amount, []))
            if paid_on and paid:
                line[3].append((paid_on, _decimal(paid)))
        result = defaultdict(list)
        for move_id, due, amount, payments in lines.values():
            result[move_id].append(
                late_payment.Installment(due, _decimal(amount), tuple(payments))
            )
        return result

    def _reminder_read_charged_fees(self):
        """``{invoice id: (penalties charged until, indemnity charged)}`` from the
        lines of fee invoices not cancelled."""
        self.env["account.move.line"].flush_model(
            ["reminder_fee_origin_id", "reminder_fee_kind", "reminder_fee_until"]
        )
        self.env["account.move"].flush_model(["state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.reminder_fee_origin_id,
                       MAX(l.reminder_fee_until) FILTER (
                           WHERE l.reminder_fee_kind = 'penalty'),
                       BOOL_OR(l.reminder_fee_kind = 'indemnity')
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                 WHERE l.reminder_fee_origin_id = ANY(%s) AND m.state != 'cancel'
              GROUP BY l.reminder_fee_origin_id
                """,
                self.ids,
            )
        )
        return {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}

    def _reminder_insolvent_customers(self, on=None):
        """(company id, customer id) of these invoices' customers in insolvency
        proceedings: one of their invoices is paused for it."""
        self.env["account.move"].flush_model(
            ["reminder_pause_reason", "reminder_pause_until", "commercial_partner_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT m.company_id, m.commercial_partner_id,
                       m.reminder_pause_until
                  FROM account_move m
                 WHERE m.reminder_pause_reason = 'insolvency'
                       AND m.commercial_partner_id = ANY(%s)
                """,
                self.commercial_partner_id.ids,
            )
        )
        result = set()
        companies = {company.id: company for company in self.company_id}
        for company_id, customer_id, until in self.env.cr.fetchall():
            company = companies.get(company_id)
            if not company:
                continue
            day = on or company._reminder_today()
            if until is None or until >= day:
                result.add((company_id, customer_id))
        return result

    def action_reminder_invoice_late_fees(self):
        """Create in draft the invoice of the late-payment penalties and recovery
        indemnity not charged yet on these invoices."""
        fees = self._reminder_late_fees()
        groups = defaultdict(list)
        for move in self:
            fee = fees.get(move.id)
            if fee and (
                not move.currency_id.is_zero(fee.penalty)
                or not move.company_currency_id.is_zero(fee.indemnity)
            ):
                key = (move.company_id, move.commercial_partner_id, move.currency_id)
                groups[key].append((move, fee))
        if not groups:
            notes = sorted({fee.note for fee in fees.values() if fee.note})
            raise UserError(
                self.env._(
                    "There are no late-payment fees left to charge on %(invoices)s: "
                    "not paid late, or already charged up to today. %(why)s",
                    invoices=", ".join(self.mapped("display_name")),
                    why=" ".join(notes),
                ).strip()
            )
        penalty_product = self.env.ref(
            "account_invoice_reminder.product_late_payment_penalty"
        )
        indemnity_product = self.env.ref(
            "account_invoice_reminder.product_recovery_indemnity"
        )
        vals_list = []
        for (company, customer, currency), items in groups.items():
            # The lines read in the customer's language, as the invoice does.
            env = self.with_context(lang=customer.lang or self.env.lang).env
            lines = []
            for move, fee in items:
                if not currency.is_zero(fee.penalty):
                    lines.append(
                        Command.create(
                            {
                                "product_id": penalty_product.id,
                                "name": env._(
                                    "Late-payment penalties on %(invoice)s from "
                                    "%(start)s to %(end)s",
                                    invoice=move.name,
                                    start=format_date(env, fee.start),
                                    end=format_date(env, fee.day),
                                ),
                                "quantity": 1,
                                "price_unit": fee.penalty,
                                "tax_ids": [Command.clear()],
                                "reminder_fee_origin_id": move.id,
                                "reminder_fee_kind": "penalty",
                                "reminder_fee_until": fee.day,
                            }
                        )
                    )
                if not company.currency_id.is_zero(fee.indemnity):
                    lines.append(
                        Command.create(
                            {
                                "product_id": indemnity_product.id,
                                "name": env._(
                                    "Fixed recovery indemnity on %(invoice)s",
                                    invoice=move.name,
                                ),
                                "quantity": 1,
                                "price_unit": company.currency_id._convert(
                                    fee.indemnity, currency, company, fee.day
                                ),
                                "tax_ids": [Command.clear()],
                                "reminder_fee_origin_id": move.id,
                                "reminder_fee_kind": "indemnity",
                            }
                        )
                    )
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": items[0][0].partner_id.id,
                    "currency_id": currency.id,
                    "invoice_origin": ", ".join(move.name for move, __ in items),
                    "invoice_line_ids": lines,
                }
            )
        invoices = self.env["account.move"].create(vals_list)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        if len(invoices) == 1:
            action.update(views=[(False, "form")], res_id=invoices.id)
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        return action

    def _reminder_late_fees_html(self, statement=None):
        """The late-payment fees of a reminder mail, when its step shows them: the
        legal notice and, per invoice listed, the penalties and indemnity owed."""
        statement = statement or self._reminder_statement()
        moves = self.browse([line["move"].id for line in statement["lines"]])
        reminded = self.browse(
            [line["move"].id for line in statement["lines"] if line["reminded"]]
        )
        if not any(reminded.reminder_step_id.mapped("show_late_fees")):
            return Markup()
        lang = self.env.lang
        fees = moves.sudo()._reminder_late_fees()
        rows = []
        for move in moves:
            fee = fees.get(move.id)
            if not fee or (
                move.currency_id.is_zero(fee.penalty)
                and move.company_currency_id.is_zero(fee.indemnity)
            ):
                continue
            rows.append(
                {
                    "name": move.name,
                    "days": move.reminder_days_overdue,
                    "rate": formatLang(self.env, fee.rate, digits=2)
                    if fee.rate
                    else "",
                    "penalty": format_amount(
                        self.env, fee.penalty, move.currency_id, lang_code=lang
                    ),
                    "indemnity": format_amount(
                        self.env,
                        fee.indemnity,
                        move.company_currency_id,
                        lang_code=lang,
                    ),
                }
            )
        if not rows:
            return Markup()
        # One sentence for the translator, not three pieces around the values.
        intro = self.env._(
            "In accordance with article L441-10 of the French Commercial Code, any "
            "late payment makes late-payment penalties due, together with a fixed "
            "indemnity of %(indemnity)s for recovery costs (article D441-5). As of "
            "%(date)s, they amount to:",
            indemnity=format_amount(
                self.env,
                self.company_id.reminder_indemnity_amount,
                self.company_id.currency_id,
                lang_code=lang,
            ),
            date=format_date(self.env, next(iter(fees.values())).day, lang_code=lang),
        )
        return self.env["ir.qweb"]._render(
            "account_invoice_reminder.reminder_late_fees",
            {"rows": rows, "intro": intro},
        )

    # ------------------------------------------------------------------ right away

    def _compute_payment_state(self):
        res = super()._compute_payment_state()
        self._reminder_schedule_refresh()
        return res

    def write(self, vals):
        res = super().write(vals)
        if REMINDER_TRIGGER_FIELDS.intersection(vals):
            # What a user sets on the form (a pause, an exclusion, litigation) is
            # applied at once: the form reads the level back in the same request,
            # before the commit. Payments and state changes wait for the commit, when
            # every amount is final.
            self._reminder_schedule_refresh(
                now=not {"state", "payment_state"}.intersection(vals)
            )
        return res

    def _reminder_schedule_refresh(self, now=False):
        """Apply the reminder rules to these invoices when the transaction ends
        (``now``: at once, and again when it ends).

        A payment, a reversal, a reset to draft or a block changes what an invoice
        owes: its tag must follow at once, not at the next daily run. Done at commit
        time, once per transaction, when every amount is final.
        """
        ids = [
            move.id
            for move in self
            if isinstance(move.id, int) and move.move_type == "out_invoice"
        ]
        if not ids:
            return
        if now:
            self._reminder_refresh_safely(self.browse(ids))
        precommit = self.env.cr.precommit
        pending = precommit.data.setdefault("account_invoice_reminder.refresh", set())
        if not pending:
            precommit.add(self._reminder_refresh_scheduled)
        pending.update(ids)

    def _reminder_refresh_scheduled(self):
        ids = self.env.cr.precommit.data.pop("account_invoice_reminder.refresh", set())
        moves = self.env["account.move"].browse(sorted(ids)).exists()
        self._reminder_refresh_safely(moves)

    def _reminder_refresh_safely(self, moves):
        """Refresh ``moves``; a failure is logged, the daily job catches up."""
        try:
            with self.env.cr.savepoint():
                moves._reminder_refresh()
        except psycopg2.errors.SerializationFailure:
            # The daily job wrote these levels meanwhile; it sees the payment next.
            _logger.info(
                "Invoice reminders: invoices %s changed meanwhile; the daily job will "
                "refresh them",
                moves.ids,
            )
        except Exception:  # noqa: BLE001 - never fail the user's payment for a tag
            _logger.exception(
                "Invoice reminders: could not refresh invoices %s; the daily job will",
                moves.ids,
            )

    def _reminder_refresh(self):
        """Decide and write the reminder status of these invoices now."""
        env = self.env(context={}, su=True)
        stats = dict.fromkeys(("tagged", "withdrawn", "failed", "postponed"), 0)
        for company, moves in self.with_env(env).grouped("company_id").items():
            plan = company._reminder_plan()
            for start in range(0, len(moves), REMINDER_BATCH_SIZE):
                batch = moves[start : start + REMINDER_BATCH_SIZE]
                env["account.move"]._reminder_run_batch(
                    batch.ids, plan, stats, own_transaction=False
                )
                env["account.reminder.courtesy"]._apply(batch.ids, plan, stats)
        return stats

    # ------------------------------------------------------------------ daily job

    @api.model
    def _cron_invoice_reminder(self):
        """Tag the invoices to remind today, for every company with active steps."""
        # Whoever calls it, the job sees what the cron sees: every company, no user
        # context (no language, no time zone, no archived steps).
        env = self.env(context={}, su=True)
        Move = env["account.move"]
        plans = []
        stats = {
            "tagged": 0,
            "withdrawn": 0,
            "failed": 0,
            "postponed": 0,
            "courtesy": 0,
        }
        checked = 0
        for company in env["res.company"].search([]):
            plan = company._reminder_plan()
            env.flush_all()
            # Without active steps nothing is tagged, but pending steps (now all
            # archived) are still withdrawn: archived steps are never used again.
            full = company._reminder_full_scan_due(plan.today)
            candidates, unseen = Move._reminder_candidate_ids(
                company, plan.today, pending_only=not plan.steps, full=full
            )
            checked += len(candidates) + len(unseen)
            # Most days most invoices do not change: find those that do without
            # locking anything; the batches lock, read again and write only them.
            # An overdue invoice never seen almost always gets its first step: it
            # goes to the batches without being read twice.
            ids = sorted(unseen + Move._reminder_scan(candidates, plan, stats))
            plans.append((company, plan, ids, full))

        total = sum(len(ids) for __, __, ids, __ in plans)
        done = analyzed = 0
        for company, plan, ids, full in plans:
            queue = [
                (ids[i : i + REMINDER_BATCH_SIZE], 1)
                for i in range(0, len(ids), REMINDER_BATCH_SIZE)
            ]
            while queue:
                batch, attempt = queue.pop(0)
                if attempt > 1:
                    Move._reminder_pause((attempt - 1) * REMINDER_RETRY_DELAY)
                retry = Move._reminder_run_batch(batch, plan, stats)
                if retry and attempt < REMINDER_BATCH_ATTEMPTS:
                    queue.append((retry, attempt + 1))
                elif retry:
                    stats["postponed"] += len(retry)
                    _logger.warning(
                        "Invoice reminders: %d invoices of %s stayed locked by other "
                        "transactions; the next run handles them.",
                        len(retry),
                        company.name,
                    )
                done += len(batch) - len(retry)
                if done - analyzed >= REMINDER_ANALYZE_EVERY:
                    Move._reminder_analyze()
                    analyzed = done
                # The progress record is known from the caller's context only.
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=max(total - done, 0)
                )
                Move._reminder_commit()
            if full:
                try:
                    company._reminder_set_full_scan_date(plan.today, log=False)
                except psycopg2.errors.SerializationFailure:
                    # Another run of the job (or a change of the steps, which asks
                    # for a full check again) wrote it meanwhile: theirs stands. The
                    # transaction, just begun, holds nothing else; rolled back first,
                    # as the failed update aborted it (reading even the company's name
                    # would fail).
                    Move._reminder_rollback()
                    _logger.info(
                        "Invoice reminders: full check date of company %s set "
                        "meanwhile",
                        company.id,
                    )
                Move._reminder_commit()
            env["account.reminder.courtesy"]._run(company, plan, stats)
        stats["mails"] = Move._reminder_send_automatic()
        # Invoices still locked after every attempt are reported as remaining: the
        # scheduler then runs the job again soon, instead of waiting for tomorrow.
        self.env["ir.cron"]._notify_progress(done=done, remaining=stats["postponed"])
        _logger.info(
            "Invoice reminders: %d invoices checked, %d tagged, %d courtesy reminders "
            "tagged, %d withdrawn, %d failed, %d postponed, %d mails queued",
            checked,
            stats["tagged"],
            stats["courtesy"],
            stats["withdrawn"],
            stats["failed"],
            stats["postponed"],
            stats["mails"],
        )
        return stats

    @api.model
    def _reminder_send_automatic(self):
        """Send the pending reminders, and courtesy reminders, of the steps set to
        "send automatically"."""
        mails = 0
        for kind, table in (
            ("overdue", "account_reminder_level"),
            ("courtesy", "account_reminder_courtesy"),
        ):
            mails += self._reminder_send_automatic_of(kind, table)
        return mails

    @api.model
    def _reminder_send_automatic_of(self, kind, table):
        """Send the pending ``kind`` reminders of ``table`` (the level or the
        courtesy one, both keyed by invoice, step and installment)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id, m.company_id, m.commercial_partner_id
                  FROM %(table)s lv
                  JOIN account_move m ON m.id = lv.move_id
                  JOIN account_reminder_step s ON s.id = lv.step_id
                 WHERE lv.state = 'to_do' AND s.auto_send AND s.active
                   AND NOT EXISTS (
                       SELECT 1 FROM account_reminder_history h
                        WHERE h.move_id = m.id AND h.step_id = lv.step_id
                          AND h.cycle_key = lv.cycle_key
                          AND h.state != 'cancelled'
                          AND NOT (h.state = 'failed' AND h.server_failure))
                   AND (SELECT count(*) FROM account_reminder_history h
                         WHERE h.move_id = m.id AND h.step_id = lv.step_id
                           AND h.cycle_key = lv.cycle_key AND h.server_failure
                       ) < %(attempts)s
              ORDER BY m.company_id, m.commercial_partner_id, m.id
                """,
                table=SQL.identifier(table),
                attempts=SERVER_ATTEMPTS,
            )
        )
        # A step that already failed (no email address, say) is not tried again
        # every night: its follow-up activity is with someone, who sends it by hand.
        # One whose mail was cancelled before it left (it also named an invoice paid
        # since) is sent again: nobody was told to.
        # One the mail server failed (down, refusing) is, a few times: nothing else
        # would send it again.
        batches, batch, last = [], [], (None, None)
        for move_id, company_id, partner_id in self.env.cr.fetchall():
            # Batches end between customers, so that a customer gets one mail, and
            # between companies, whose language the notes are written in.
            full = len(batch) >= REMINDER_BATCH_SIZE and partner_id != last[1]
            if batch and (full or company_id != last[0]):
                batches.append((last[0], batch))
                batch = []
            batch.append(move_id)
            last = (company_id, partner_id)
        if batch:
            batches.append((last[0], batch))
        mails = 0
        for company_id, ids in batches:
            company = self.env["res.company"].browse(company_id)
            sender = self.env["account.reminder.sender"].with_context(
                lang=company.partner_id.lang or "en_US"
            )
            try:
                with self.env.cr.savepoint():
                    mails += sender._send(self.browse(ids), kind=kind)["mails"]
            except psycopg2.errors.SerializationFailure:
                # Invoices changed meanwhile by another transaction: the next run
                # sends them, with what they are then.
                _logger.info("Invoice reminders: automatic sending postponed")
            except Exception:  # noqa: BLE001 - the next batches are still sent
                _logger.exception("Invoice reminders: automatic sending failed")
            self._reminder_commit()
        return mails

    @api.model
    def _reminder_analyze(self):
        self.env.cr.execute(
            "ANALYZE account_reminder_level, account_move_reminder_step_done_rel"
        )

    @api.model
    def _reminder_pause(self, seconds):
        if not getattr(threading.current_thread(), "testing", False):
            time.sleep(seconds)

    @api.model
    def _reminder_commit(self):
        # Each batch is its own transaction, so that a long run holds no lock for long
        # and a crash loses at most one batch. Tests run in one transaction that is
        # rolled back at the end: they must never commit.
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _reminder_candidate_ids(self, company, today, pending_only=False, full=False):
        """Invoices of ``company`` whose reminder may change on ``today``, as two
        lists of ids: those that have a level, and the overdue ones that have none.

        Every day: the invoices whose day to look again has come, and the overdue
        invoices never looked at. With ``full``: also every overdue invoice and every
        pending step, whatever their day. With ``pending_only`` (the company has no
        active step): the pending steps only, to withdraw them.
        """
        in_company = SQL(
            "SELECT m.id, seen.move_id IS NULL FROM account_move m"
            " LEFT JOIN account_reminder_level seen ON seen.move_id = m.id"
            " WHERE m.company_id = %s",
            company.id,
        )
        levels = SQL(
            """
            SELECT lv.move_id, FALSE
              FROM account_reminder_level lv
              JOIN account_move m ON m.id = lv.move_id
             WHERE m.company_id = %s
            """,
            company.id,
        )
        if pending_only:
            query = SQL("%s AND lv.state = 'to_do' ORDER BY 1", levels)
        else:
            overdue = SQL(
                """
                %(in_company)s AND %(eligible)s %(unseen)s
                   AND EXISTS (SELECT 1 FROM account_move_line l
                                WHERE l.move_id = m.id AND %(open)s
                                  AND l.date_maturity < %(today)s)
                """,
                in_company=in_company,
                eligible=_ELIGIBLE_SQL,
                open=_OPEN_INSTALLMENT_SQL,
                today=today,
                unseen=SQL() if full else SQL("AND seen.move_id IS NULL"),
            )
            # Besides their day, what an event may have changed without the rules
            # being applied at once (a payment saved by some other way than the ORM,
            # say), found in SQL: a pending step whose invoice no longer owes money,
            # is excluded, paused or in litigation, or whose installment is settled;
            # and a withdrawn step whose installment is open and overdue again.
            due = SQL(
                """
                %(levels)s AND (
                    lv.next_check <= %(today)s %(full)s
                    OR (lv.state = 'to_do' AND (
                        NOT %(eligible)s
                        OR COALESCE(m.reminder_excluded, FALSE)
                        OR COALESCE(m.reminder_litigation, FALSE)
                        OR m.reminder_pause_reason IS NOT NULL
                        OR NOT EXISTS (SELECT 1 FROM account_move_line l
                                        WHERE l.id = lv.cycle_key AND %(open)s)))
                    OR (lv.state IS NULL AND EXISTS (
                        SELECT 1 FROM account_move_line l
                         WHERE l.id = lv.cycle_key AND %(open)s
                           AND l.date_maturity < %(today)s)))
                """,
                levels=levels,
                today=today,
                full=SQL("OR lv.state = 'to_do'") if full else SQL(),
                eligible=_ELIGIBLE_SQL,
                open=_OPEN_INSTALLMENT_SQL,
            )
            query = SQL("%s UNION %s ORDER BY 1", overdue, due)
        self.env.cr.execute(query)
        seen, unseen = [], []
        for move_id, new in self.env.cr.fetchall():
            (unseen if new else seen).append(move_id)
        return seen, unseen

    @api.model
    def _reminder_forecast(self, day, companies=None):
        """What the daily job would do on ``day`` from today's data, changing nothing:
        ``[{"move_id", "company_id", "step_id", "change", "amount"}]`` where change is
        "tag" (the step becomes pending), "withdraw" (the pending step goes away) or
        "courtesy" (a courtesy reminder becomes pending), and amount is what the
        invoice's installments due before ``day`` still owe (invoice currency); a
        courtesy row has a "due_next" instead: what falls due next.

        As if the job did not run between today and ``day``: the same rules on every
        open invoice (a full check), on the data as it is now.
        """
        env = self.env(context={}, su=True)
        Move = env["account.move"]
        companies = companies or env["res.company"].search([])
        result = []
        for company in companies.sudo():
            plan = replace(company._reminder_plan(), today=day)
            seen, unseen = Move._reminder_candidate_ids(
                company, day, pending_only=not plan.steps, full=True
            )
            ids = sorted(seen + unseen)
            found = []
            for move_id, (old, new, __) in Move._reminder_scan_changes(
                ids, plan, {"failed": 0}
            ):
                kind = _reminder_change_kind(old, new)
                if kind:
                    found.append((move_id, kind, new if kind == "tag" else old))
            installments = Move._reminder_read_installments(
                [move_id for move_id, __, __ in found]
            )
            for move_id, kind, status in found:
                result.append(
                    {
                        "move_id": move_id,
                        "company_id": company.id,
                        "step_id": status.step_id,
                        "change": kind,
                        "amount": sum(
                            residual
                            for __, due, residual in installments.get(move_id, ())
                            if due < day
                        ),
                    }
                )
            result += Move._reminder_forecast_courtesy(company, plan)
        return result

    @api.model
    def _reminder_forecast_courtesy(self, company, plan):
        """The courtesy reminders the daily job would tag on ``plan.today``, as rows
        of ``_reminder_forecast``."""
        Courtesy = self.env["account.reminder.courtesy"]
        ids = Courtesy._candidate_ids(company, plan)
        found = {}
        for start in range(0, len(ids), REMINDER_SCAN_SIZE):
            chunk = ids[start : start + REMINDER_SCAN_SIZE]
            changes = Courtesy._changes(chunk, plan, {"failed": 0})[0]
            for move_id, (old, new) in changes.items():
                if reminder_policy.newly_pending(old, new):
                    found[move_id] = new.step_id
        amounts = self.browse(found)._reminder_courtesy_amounts()
        return [
            {
                "move_id": move_id,
                "company_id": company.id,
                "step_id": step_id,
                "change": "courtesy",
                "amount": 0.0,
                "due_next": amounts.get(move_id, 0.0),
            }
            for move_id, step_id in found.items()
        ]

    @api.model
    def _reminder_scan(self, ids, plan, stats):
        """Which of invoices ``ids`` change today: read and decided in chunks,
        nothing locked nor written."""
        return [
            move_id for move_id, __ in self._reminder_scan_changes(ids, plan, stats)
        ]

    @api.model
    def _reminder_scan_changes(self, ids, plan, stats):
        """``(move id, change)`` of the invoices ``ids`` whose status changes on
        ``plan.today`` (see ``_reminder_change``), read in chunks, nothing locked
        nor written; shared by the daily job's scan and the forecast."""
        for start in range(0, len(ids), REMINDER_SCAN_SIZE):
            chunk = ids[start : start + REMINDER_SCAN_SIZE]
            rows = self._reminder_read_status(chunk)
            for move_id in chunk:
                try:
                    change = self._reminder_change(rows[move_id], plan)
                except Exception:  # noqa: BLE001 - one bad invoice must not stop the run
                    stats["failed"] += 1
                    _logger.exception("Invoice reminders: invoice %s skipped", move_id)
                    continue
                if change:
                    yield move_id, change

    @api.model
    def _reminder_run_batch(self, ids, plan, stats, own_transaction=True):
        """Decide and write the status of invoices ``ids``; return those to retry.

        The number of queries does not depend on the number of invoices: one read
        that locks, at most three writes and one look for queued mails.

        :param own_transaction: the caller (the daily job) owns the transaction and
            commits after each batch: a concurrent update rolls it back and the
            batch is tried again. Otherwise (a sending, a payment at commit time) the
            error goes to the caller, whose work a rollback here would lose; Odoo
            runs a user's request again after it.
        """
        cr = self.env.cr
        try:
            with cr.savepoint():
                # Invoices locked by another transaction (a payment being registered)
                # are left for a later attempt rather than waited for.
                rows = self._reminder_read_status(ids, lock=True)
                locked = [move_id for move_id in ids if move_id in rows]
                changes, next_checks = {}, {}
                for move_id in locked:
                    try:
                        change = self._reminder_change(rows[move_id], plan)
                    except Exception:  # noqa: BLE001 - one bad invoice must not stop the run
                        stats["failed"] += 1
                        _logger.exception(
                            "Invoice reminders: invoice %s skipped", move_id
                        )
                        continue
                    if change:
                        changes[move_id] = change[:2]
                        next_checks[move_id] = change[2]
                self._reminder_write_statuses(changes, next_checks)
                # A queued mail of a step no longer pending must not leave.
                withdrawn = [
                    move_id
                    for move_id, (old, new) in changes.items()
                    if old.state == reminder_policy.TO_DO
                    and (
                        new.state != reminder_policy.TO_DO
                        or (new.step_id, new.cycle_key) != (old.step_id, old.cycle_key)
                    )
                ]
                self.env["account.reminder.history"]._reminder_cancel_queued(
                    self.browse(withdrawn)
                )
        except (
            psycopg2.errors.SerializationFailure,
            psycopg2.errors.LockNotAvailable,
        ):
            # An invoice changed by a transaction committed since this one started:
            # the batch is redone later in a new transaction, with fresh data.
            if not own_transaction:
                raise
            _logger.info("Invoice reminders: batch postponed after a concurrent update")
            self._reminder_rollback()
            return list(ids)
        except Exception:
            _logger.exception(
                "Invoice reminders: batch failed, retrying its invoices one by one"
            )
            self.env.invalidate_all()
            for move_id in ids:
                self._reminder_run_single(move_id, plan, stats)
            return []
        self._reminder_count_changes(changes, stats)
        locked = set(locked)
        return [move_id for move_id in ids if move_id not in locked]

    @api.model
    def _reminder_change(self, row, plan):
        """(old status, new status, next check date) when the invoice of ``row`` must
        be written today, else None.

        Written when its status changes, and also when the day to look at it again
        moves: the daily job then reads only the invoices whose day has come.
        """
        # An invoice that cannot be reminded has no reference: the policy then only
        # withdraws its pending step, and the level resumes once it can again.
        reference = row["reference"] if self._reminder_remindable(row, plan) else None
        new = reminder_policy.next_status(
            row["status"], today=plan.today, steps=plan.steps, reference=reference
        )
        paused = reminder_policy.is_paused(
            row["pause_reason"], row["pause_until"], plan.today
        )
        next_check = reminder_policy.next_change(
            new,
            today=plan.today,
            steps=plan.steps,
            reference=reference,
            paused_until=row["pause_until"] if paused else None,
        )
        if (
            new == row["status"]
            and row["has_level"]
            and next_check == row["next_check"]
        ):
            return None
        return row["status"], new, next_check

    @api.model
    def _reminder_remindable(self, row, plan):
        return reminder_policy.remindable(
            eligible=row["eligible"],
            excluded=row["excluded"] or row["customer_excluded"],
            pause_reason=row["pause_reason"],
            pause_until=row["pause_until"],
            residual=row["residual"],
            min_amount=plan.min_amount,
            today=plan.today,
            litigation=row["litigation"],
        )

    @api.model
    def _reminder_block_reason(self, row, plan):
        """Why the invoice of ``row`` may not be reminded now, or False."""
        if self._reminder_remindable(row, plan):
            return False
        if row["litigation"]:
            return self.env._("the invoice is in litigation")
        if not row["eligible"]:
            return self.env._(
                "the invoice no longer owes anything (paid, reversed, cancelled or "
                "draft)"
            )
        if row["excluded"]:
            return self.env._('"do not remind" is set on the invoice')
        if row["customer_excluded"]:
            return self.env._('"do not remind" is set on the customer')
        if reminder_policy.is_paused(
            row["pause_reason"], row["pause_until"], plan.today
        ):
            reasons = dict(
                self._fields["reminder_pause_reason"]._description_selection(self.env)
            )
            if row["pause_until"]:
                return self.env._(
                    "reminders are paused (%(reason)s) until %(date)s",
                    reason=reasons[row["pause_reason"]],
                    date=format_date(self.env, row["pause_until"]),
                )
            return self.env._(
                "reminders are paused (%(reason)s)", reason=reasons[row["pause_reason"]]
            )
        company = self.env["res.company"].browse(row["company_id"])
        return self.env._(
            "the amount due is under the minimum of %(amount)s",
            amount=format_amount(self.env, plan.min_amount, company.currency_id),
        )

    @api.model
    def _reminder_run_single(self, move_id, plan, stats):
        # Only reached when a whole batch failed: isolate the invoice at fault.
        try:
            with self.env.cr.savepoint():
                row = self._reminder_read_status([move_id])[move_id]
                change = self._reminder_change(row, plan)
                changes = {move_id: change[:2]} if change else {}
                next_checks = {move_id: change[2]} if change else {}
                self._reminder_write_statuses(changes, next_checks)
            self._reminder_count_changes(changes, stats)
        except Exception:
            stats["failed"] += 1
            self.env.invalidate_all()
            _logger.exception("Invoice reminders: invoice %s skipped", move_id)

    @api.model
    def _reminder_rollback(self):
        if getattr(threading.current_thread(), "testing", False):
            self.env.invalidate_all()
            return
        self.env.cr.rollback()
        self.env.invalidate_all()

    # ------------------------------------------------------------------ storage

    @api.model
    def _reminder_read_installments(self, ids):
        """Open installments of each invoice, earliest first: ``{move id: [(line id,
        due date, residual in the invoice currency)]}``."""
        if not ids:
            return {}
        self.env["account.move.line"].flush_model(
            [
                "move_id",
                "display_type",
                "reconciled",
                "amount_residual",
                "amount_residual_currency",
                "date_maturity",
            ]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT l.move_id, l.id, l.date_maturity, l.amount_residual_currency
                  FROM account_move_line l
                 WHERE l.move_id = ANY(%(ids)s) AND %(open)s
                   AND l.date_maturity IS NOT NULL
              ORDER BY l.move_id, l.date_maturity, l.id
                """,
                ids=list(ids),
                open=_OPEN_INSTALLMENT_SQL,
            )
        )
        installments = {}
        for move_id, line_id, due_date, residual in self.env.cr.fetchall():
            installments.setdefault(move_id, []).append((line_id, due_date, residual))
        return installments

    @api.model
    def _reminder_read_status(self, ids, lock=False):
        """Reminder status, eligibility and earliest open installment of invoices
        ``ids``, in one query whatever their number: ``{move id: {"status",
        "eligible", "reference", ...}}``.

        With ``lock``, the invoices are locked for the transaction, and those another
        transaction holds are skipped: left out of the result.
        """
        if not ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id, %(eligible)s, lv.step_id, lv.state, lv.last_date,
                       lv.cycle_key, lv.id IS NOT NULL, lv.next_check,
                       ARRAY(SELECT r.step_id
                               FROM account_move_reminder_step_done_rel r
                              WHERE r.move_id = m.id),
                       COALESCE(m.reminder_excluded, FALSE),
                       COALESCE(
                           (SELECT (p.reminder_excluded ->> m.company_id::text)
                                   ::boolean
                              FROM res_partner p
                             WHERE p.id = m.commercial_partner_id),
                           FALSE),
                       m.reminder_pause_reason, m.reminder_pause_until,
                       COALESCE(m.amount_residual_signed, 0), m.company_id,
                       ref.id, ref.date_maturity,
                       COALESCE(m.reminder_litigation, FALSE)
                  FROM account_move m
                  -- A lookup per invoice: as joins, PostgreSQL hashed the whole
                  -- partner table (and the level table) at every batch, 15 of
                  -- the 23 ms of a batch of 500 at 100,000 invoices.
             LEFT JOIN LATERAL (
                       SELECT * FROM account_reminder_level l
                        WHERE l.move_id = m.id LIMIT 1) lv ON TRUE
             LEFT JOIN LATERAL (
                       SELECT l.id, l.date_maturity
                         FROM account_move_line l
                        WHERE l.move_id = m.id AND %(open)s
                          AND l.date_maturity IS NOT NULL
                     ORDER BY l.date_maturity, l.id
                        LIMIT 1) ref ON TRUE
                 WHERE m.id = ANY(%(ids)s)
                %(lock)s
                """,
                ids=list(ids),
                eligible=_ELIGIBLE_SQL,
                open=_OPEN_INSTALLMENT_SQL,
                lock=SQL("FOR NO KEY UPDATE OF m SKIP LOCKED") if lock else SQL(),
            )
        )
        result = {}
        for row in self.env.cr.fetchall():
            move_id, eligible, step_id, state, last_date, line_id = row[:6]
            has_level, next_check, done_ids = row[6:9]
            excluded, customer_excluded, pause_reason, pause_until, residual = row[9:14]
            company_id, ref_id, ref_date, litigation = row[14:]
            result[move_id] = {
                "litigation": litigation,
                "has_level": has_level,
                "next_check": next_check,
                "company_id": company_id,
                "eligible": eligible,
                "excluded": excluded,
                "customer_excluded": customer_excluded,
                "pause_reason": pause_reason,
                "pause_until": pause_until,
                "residual": residual,
                "reference": reminder_policy.Reference(key=ref_id, due_date=ref_date)
                if ref_id
                else None,
                "status": reminder_policy.Status(
                    step_id=step_id,
                    state=state,
                    last_date=last_date,
                    cycle_key=line_id,
                    done_step_ids=frozenset(done_ids),
                ),
            }
        return result

    @api.model
    def _reminder_count_changes(self, changes, stats):
        for old, new in changes.values():
            kind = _reminder_change_kind(old, new)
            if kind == "tag":
                stats["tagged"] += 1
            elif kind == "withdraw":
                stats["withdrawn"] += 1

    @api.model
    def _reminder_write_statuses(self, changes, next_checks=None):
        """Write ``{move id: (old Status, new Status)}`` in at most three queries.

        Plain SQL on purpose: the ORM would write one row at a time, with its checks
        and recomputations, none of which concerns these reminder values.
        """
        if not changes:
            return
        ids, step_ids, states, dates, line_ids = [], [], [], [], []
        checks, removed, added = [], [], []
        next_checks = next_checks or {}
        for move_id, (old, new) in changes.items():
            ids.append(move_id)
            # Without a day given (a step marked done, a mail delivered), the daily
            # job looks again at the next run.
            checks.append(next_checks.get(move_id, RECHECK))
            # The ORM's False for "no value" must reach SQL as NULL.
            step_ids.append(new.step_id or None)
            states.append(new.state or None)
            dates.append(new.last_date or None)
            line_ids.append(new.cycle_key or None)
            removed += [
                (move_id, step) for step in old.done_step_ids - new.done_step_ids
            ]
            added += [(move_id, step) for step in new.done_step_ids - old.done_step_ids]
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                INSERT INTO account_reminder_level AS lv
                       (move_id, step_id, state, last_date, cycle_key, next_check)
                SELECT v.id, v.step_id, v.state, v.last_date, v.line_id, v.next_check
                  FROM unnest(%(ids)s::int[], %(steps)s::int[], %(states)s::varchar[],
                              %(dates)s::date[], %(lines)s::int[], %(checks)s::date[])
                       AS v(id, step_id, state, last_date, line_id, next_check)
                ON CONFLICT (move_id) DO UPDATE
                   SET step_id = EXCLUDED.step_id,
                       state = EXCLUDED.state,
                       last_date = EXCLUDED.last_date,
                       cycle_key = EXCLUDED.cycle_key,
                       next_check = EXCLUDED.next_check
                """,
                ids=ids,
                steps=step_ids,
                states=states,
                dates=dates,
                lines=line_ids,
                checks=checks,
            ),
            # A level another transaction has just written fails here, on purpose:
            # the job redoes the batch, Odoo retries a user's request. Neither is an
            # error for the server log.
            log_exceptions=False,
        )
        if removed:
            cr.execute(
                SQL(
                    """
                    DELETE FROM account_move_reminder_step_done_rel r
                     USING unnest(%s::int[], %s::int[]) AS v(move_id, step_id)
                     WHERE r.move_id = v.move_id AND r.step_id = v.step_id
                    """,
                    [move for move, __ in removed],
                    [step for __, step in removed],
                )
            )
        if added:
            cr.execute(
                SQL(
                    """
                    INSERT INTO account_move_reminder_step_done_rel (move_id, step_id)
                    SELECT * FROM unnest(%s::int[], %s::int[])
                    ON CONFLICT DO NOTHING
                    """,
                    [move for move, __ in added],
                    [step for __, step in added],
                )
            )
        self.env["account.reminder.level"].invalidate_model()
        self.browse(ids).invalidate_recordset(
            [
                "reminder_level_ids",
                "reminder_step_id",
                "reminder_state",
                "reminder_last_date",
                "reminder_cycle_line_id",
                "reminder_done_step_ids",
                "reminder_tag",
            ]
        )


def _reminder_change_kind(old, new):
    """ "tag" when a step becomes pending, "withdraw" when a pending one goes away
    without being done, else None (a date to look again moved, say)."""
    if new.state == reminder_policy.TO_DO and (
        old.state != reminder_policy.TO_DO or old.step_id != new.step_id
    ):
        return "tag"
    if old.state == reminder_policy.TO_DO and new.state is None:
        return "withdraw"
    return None


def _decimal(amount):
    """A float amount of the database as the Decimal it stands for (cents exact)."""
    return Decimal(repr(round(amount, 6)))
