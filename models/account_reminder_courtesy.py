import logging
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

from . import reminder_policy

# "Open" and "eligible" mean here what they mean for the levels.
from .account_move import (
    _ELIGIBLE_SQL,
    _OPEN_INSTALLMENT_SQL,
    REMINDER_BATCH_ATTEMPTS,
    REMINDER_RETRY_DELAY,
)
from .account_reminder_history import LIVE_STATES

_logger = logging.getLogger(__name__)

# Invoices decided and written per transaction, as the daily job's batches.
COURTESY_BATCH_SIZE = 500


class AccountReminderCourtesy(models.Model):
    """The courtesy reminder of an invoice: the friendly notice before its earliest
    open installment falls due.

    Kept apart from the reminder level on purpose: a courtesy notice is not a
    reminder of an overdue invoice, so it must neither count as a level nor as the
    "previous reminder" the next steps count from, nor delay the first one. A narrow
    table, as the level's, for the daily job's set-based writes.
    """

    _name = "account.reminder.courtesy"
    _description = "Invoice Courtesy Reminder"
    _rec_name = "move_id"
    # Who did what is in the reminder history (see account.reminder.level).
    _log_access = False

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    step_id = fields.Many2one(
        comodel_name="account.reminder.step",
        string="Courtesy Reminder",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    state = fields.Selection(
        selection=[(reminder_policy.TO_DO, "To Do"), (reminder_policy.DONE, "Done")],
        string="Courtesy Reminder State",
        readonly=True,
        index="btree_not_null",
    )
    last_date = fields.Date(string="Courtesy Reminder Sent On", readonly=True)
    # The installment's receivable line id, without a foreign key (see the level).
    cycle_key = fields.Integer(string="Installment", readonly=True)

    _sql_constraints = [
        ("move_uniq", "UNIQUE(move_id)", "An invoice has one courtesy reminder."),
    ]

    # ------------------------------------------------------------------ daily job

    @api.model
    def _run(self, company, plan, stats):
        """Tag and withdraw the courtesy reminders of ``company`` for ``plan.today``:
        each batch its own transaction, a batch that fails retried invoice by
        invoice, an invoice that fails skipped."""
        ids = self._candidate_ids(company, plan)
        queue = [
            (ids[i : i + COURTESY_BATCH_SIZE], 1)
            for i in range(0, len(ids), COURTESY_BATCH_SIZE)
        ]
        Move = self.env["account.move"]
        while queue:
            batch, attempt = queue.pop(0)
            if attempt > 1:
                Move._reminder_pause((attempt - 1) * REMINDER_RETRY_DELAY)
            retry = []
            try:
                with self.env.cr.savepoint():
                    retry = self._apply(batch, plan, stats, lock=True)
            except (
                psycopg2.errors.SerializationFailure,
                psycopg2.errors.LockNotAvailable,
            ):
                # Changed by another transaction meanwhile: tried again, as the
                # levels' batches are (a notice due today may be the only one).
                _logger.info("Invoice reminders: courtesy batch postponed")
                self.env.invalidate_all()
                retry = batch
            except Exception:
                _logger.exception(
                    "Invoice reminders: courtesy batch failed, retrying one by one"
                )
                self.env.invalidate_all()
                for move_id in batch:
                    try:
                        with self.env.cr.savepoint():
                            self._apply([move_id], plan, stats, lock=True)
                    except Exception:  # noqa: BLE001 - the others still go
                        stats["failed"] += 1
                        self.env.invalidate_all()
                        _logger.exception(
                            "Invoice reminders: invoice %s skipped (courtesy)", move_id
                        )
            if retry and attempt < REMINDER_BATCH_ATTEMPTS:
                queue.append((retry, attempt + 1))
            elif retry:
                stats["postponed"] = stats.get("postponed", 0) + len(retry)
            Move._reminder_commit()

    @api.model
    def _candidate_ids(self, company, plan):
        """Invoices of ``company`` whose courtesy reminder may change on
        ``plan.today``: those with an open installment due within the largest number
        of days of its courtesy steps, and those with a notice still to send (to
        withdraw it once overdue or settled). Found through the indexed due dates."""
        pending = SQL(
            """
            SELECT c.move_id FROM account_reminder_courtesy c
              JOIN account_move m ON m.id = c.move_id
             WHERE m.company_id = %s AND c.state = 'to_do'
            """,
            company.id,
        )
        if not plan.courtesy_steps:
            query = SQL("%s ORDER BY 1", pending)
        else:
            until = plan.today + timedelta(
                days=max(step.delay_days for step in plan.courtesy_steps)
            )
            query = SQL(
                """
                SELECT l.move_id FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                 WHERE l.company_id = %(company)s
                   AND l.date_maturity BETWEEN %(today)s AND %(until)s
                   AND %(open)s AND %(eligible)s
                UNION %(pending)s
                ORDER BY 1
                """,
                company=company.id,
                today=plan.today,
                until=until,
                open=_OPEN_INSTALLMENT_SQL,
                eligible=_ELIGIBLE_SQL,
                pending=pending,
            )
        self.env.flush_all()
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _apply(self, ids, plan, stats, lock=False):
        """Decide and write the courtesy reminder of invoices ``ids`` (of the
        company of ``plan``); ``lock``: skip those another transaction holds.

        :return: the ids skipped, held by another transaction
        """
        changes, settled, locked = self._changes(ids, plan, stats, lock=lock)
        self._write(changes)
        withdrawn = [
            move_id
            for move_id, (old, new) in changes.items()
            if old.state == reminder_policy.TO_DO
            and not reminder_policy.same_notice(old, new)
        ]
        History = self.env["account.reminder.history"]
        History._reminder_cancel_queued(
            self.env["account.move"].browse(withdrawn), kind="courtesy"
        )
        # A notice that failed (no email address) is nobody's to chase once the
        # installment is paid or due: not when it is only paused.
        if settled:
            History.sudo().search(
                [
                    ("move_id", "in", list(settled)),
                    ("kind", "=", "courtesy"),
                    ("state", "=", "failed"),
                    ("activity_id", "!=", False),
                ]
            )._reminder_close_follow_ups("withdrawn", same_key=False)
        stats["courtesy"] = stats.get("courtesy", 0) + sum(
            1
            for old, new in changes.values()
            if reminder_policy.newly_pending(old, new)
        )
        return [move_id for move_id in ids if move_id not in locked]

    @api.model
    def _changes(self, ids, plan, stats, lock=False):
        """``{move id: (old Status, new Status)}`` of the invoices whose courtesy
        reminder changes on ``plan.today``; two queries whatever their number."""
        Move = self.env["account.move"]
        rows = Move._reminder_read_status(ids, lock=lock)
        statuses, issued, sent = self._read(list(rows), with_sent=True)
        changes, settled = {}, set()
        for move_id, row in rows.items():
            try:
                remindable = Move._reminder_remindable(row, plan)
                reference = row["reference"] if remindable else None
                new = reminder_policy.courtesy_status(
                    statuses[move_id],
                    today=plan.today,
                    steps=plan.courtesy_steps,
                    reference=reference,
                    issued=issued[move_id],
                    sent=frozenset(
                        step_id
                        for key, step_id in sent[move_id]
                        if reference and key == reference.key
                    ),
                )
            except Exception:  # noqa: BLE001 - one bad invoice must not stop the run
                stats["failed"] += 1
                _logger.exception(
                    "Invoice reminders: invoice %s skipped (courtesy)", move_id
                )
                continue
            if new != statuses[move_id]:
                changes[move_id] = (statuses[move_id], new)
            if not row["eligible"] or (
                row["reference"] and plan.today > row["reference"].due_date
            ):
                settled.add(move_id)
        return changes, settled, set(rows)

    @api.model
    def _read(self, ids, with_sent=False):
        """(``{move id: Status}``, ``{move id: invoice date}``) in one query; with
        ``with_sent``, also ``{move id: [(installment key, step id)]}`` of the
        courtesy notices the history holds as queued or sent."""
        if not ids:
            return ({}, {}, {}) if with_sent else ({}, {})
        self.flush_model()
        self.env["account.reminder.history"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id, m.invoice_date, c.step_id, c.state, c.last_date,
                       c.cycle_key,
                       ARRAY(SELECT ARRAY[COALESCE(h.cycle_key, 0), h.step_id]
                               FROM account_reminder_history h
                              WHERE h.move_id = m.id AND h.kind = 'courtesy'
                                AND h.state IN %(live)s)
                  FROM account_move m
             LEFT JOIN account_reminder_courtesy c ON c.move_id = m.id
                 WHERE m.id = ANY(%(ids)s)
                """,
                ids=list(ids),
                live=LIVE_STATES,
            )
        )
        statuses, issued, sent = {}, {}, {}
        for row in self.env.cr.fetchall():
            move_id, invoice_date, step_id, state, last_date, key, live = row
            issued[move_id] = invoice_date
            sent[move_id] = [tuple(pair) for pair in live]
            statuses[move_id] = reminder_policy.Status(
                step_id=step_id, state=state, last_date=last_date, cycle_key=key
            )
        return (statuses, issued, sent) if with_sent else (statuses, issued)

    @api.model
    def _write(self, changes):
        """Write ``{move id: (old Status, new Status)}`` in one query."""
        if not changes:
            return
        ids, steps, states, dates, keys = [], [], [], [], []
        for move_id, (__, new) in changes.items():
            ids.append(move_id)
            # The ORM's False for "no value" must reach SQL as NULL.
            steps.append(new.step_id or None)
            states.append(new.state or None)
            dates.append(new.last_date or None)
            keys.append(new.cycle_key or None)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO account_reminder_courtesy AS c
                       (move_id, step_id, state, last_date, cycle_key)
                SELECT * FROM unnest(%s::int[], %s::int[], %s::varchar[],
                                     %s::date[], %s::int[])
                ON CONFLICT (move_id) DO UPDATE
                   SET step_id = EXCLUDED.step_id,
                       state = EXCLUDED.state,
                       last_date = EXCLUDED.last_date,
                       cycle_key = EXCLUDED.cycle_key
                """,
                ids,
                steps,
                states,
                dates,
                keys,
            ),
            log_exceptions=False,
        )
        self.invalidate_model()
        self.env["account.move"].browse(ids).invalidate_recordset(
            [
                "reminder_courtesy_ids",
                "reminder_courtesy_step_id",
                "reminder_courtesy_state",
                "reminder_courtesy_date",
                "reminder_tag",
            ]
        )

    @api.model
    def _mark_done(self, rows):
        """The courtesy notices of history ``rows`` reached the customer: each one
        is done on the day its mail left, if it is still the one pending."""
        statuses, __ = self._read(rows.move_id.ids)
        changes = {}
        for row in rows:
            status = statuses[row.move_id.id]
            if (
                status.state == reminder_policy.TO_DO
                and status.step_id == row.step_id.id
                and status.cycle_key == row.cycle_key
            ):
                new = reminder_policy.courtesy_done(status, today=row.done_date)
                changes[row.move_id.id] = (status, new)
                statuses[row.move_id.id] = new
        self._write(changes)
