from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, models
from odoo.tools import format_amount, format_date, html2plaintext, is_html_empty

from . import reminder_policy


class AccountReminderCall(models.AbstractModel):
    """Reminder phone calls: an activity per customer for a person to call it.

    Used by the sender for the groups whose step's channel is "phone". The history
    rows stay "to do" until the activity is marked as done: its feedback is the
    call's outcome, and the step is done on the invoices of the call.
    """

    _name = "account.reminder.call"
    _description = "Invoice Reminder Phone Calls"

    @api.model
    def _schedule(self, groups, result):
        """One call activity per group, on its highest reminded invoice.

        :param result: the sender's result, given the activities and invoices
        """
        Move = self.env["account.move"].sudo()
        call_type = self.env.ref("mail.mail_activity_data_call")
        model_id = self.env["ir.model"]._get_id("account.move")
        vals_list = []
        for group in groups:
            primary, company = group["primary"], group["company"]
            responsible = company._reminder_responsible(primary)
            # Written for the person who calls, in their language.
            lang = responsible.lang or company.partner_id.lang or "en_US"
            call = self.with_context(lang=lang)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": primary.id,
                    "activity_type_id": call_type.id,
                    "user_id": responsible.id,
                    "date_deadline": company._reminder_today(),
                    "summary": call.env._(
                        "Reminder call: %(customer)s (%(step)s)",
                        customer=group["partner"].name,
                        step=primary.reminder_step_id.with_context(lang=lang).name,
                    ),
                    "note": call._note(group),
                }
            )
        activities = self.env["mail.activity"].sudo().create(vals_list)
        sender = self.env["account.reminder.sender"]
        all_moves = Move.browse(m.id for group in groups for m in group["moves"])
        rows = Move._reminder_read_status(all_moves.ids)
        lines = Move._reminder_live_lines(
            row["status"].cycle_key for row in rows.values()
        )
        history_vals, notes = [], {}
        for group, activity in zip(groups, activities, strict=True):
            primary = group["primary"]
            for move in group["moves"]:
                vals = sender._history_values(move, rows[move.id]["status"], lines)
                vals.update(
                    channel="phone",
                    state="to_do",
                    activity_id=activity.id,
                    recipient_ids=[Command.set(group["recipient"].ids)],
                    sent_with_move_id=primary.id if move != primary else False,
                )
                history_vals.append(vals)
                if move != primary:
                    notes[move.id] = self.env._(
                        "Reminder (%(step)s) by phone: the call is planned on "
                        "%(invoice)s.",
                        step=move.reminder_step_id.name,
                        invoice=primary.display_name,
                    )
        self.env["account.reminder.history"].sudo().create(history_vals)
        if notes:
            Move.browse(notes)._message_log_batch(notes)
        result["calls"] |= activities
        for group in groups:
            result["reminded"] |= group["moves"]

    @api.model
    def _note(self, group):
        """Whom to call, at which numbers, about which amounts."""
        lang = self.env.lang
        primary = group["primary"]
        numbers = []
        for partner in (primary.partner_id, group["recipient"], group["partner"]):
            for number in (partner.phone, partner.mobile):
                if number and (partner, number) not in numbers:
                    numbers.append((partner, number))
        overdue, balance = defaultdict(float), defaultdict(float)
        invoices = []
        for move in group["moves"].sorted(lambda m: (m.reminder_due_date, m.name)):
            overdue[move.currency_id] += move.reminder_amount_overdue
            balance[move.currency_id] += move.amount_residual
            invoices.append(
                self.env._(
                    "%(invoice)s: %(overdue)s overdue, %(days)s days late (due on "
                    "%(due)s; balance %(residual)s)",
                    invoice=move.name,
                    overdue=format_amount(
                        self.env, move.reminder_amount_overdue, move.currency_id, lang
                    ),
                    days=move.reminder_days_overdue,
                    due=format_date(self.env, move.reminder_due_date, lang_code=lang),
                    residual=format_amount(
                        self.env, move.amount_residual, move.currency_id, lang
                    ),
                )
            )
        return self.env["ir.qweb"]._render(
            "account_invoice_reminder.reminder_call_note",
            {
                "intro": self.env._(
                    "Call %(customer)s about its overdue invoices.",
                    customer=group["partner"].name,
                ),
                "numbers": [f"{partner.name}: {number}" for partner, number in numbers],
                "invoices": invoices,
                "total": self.env._(
                    "Total overdue: %(overdue)s (balance %(residual)s)",
                    overdue=" + ".join(
                        format_amount(self.env, amount, currency, lang)
                        for currency, amount in overdue.items()
                    ),
                    residual=" + ".join(
                        format_amount(self.env, amount, currency, lang)
                        for currency, amount in balance.items()
                    ),
                ),
            },
        )

    # ------------------------------------------------------------------ done

    @api.model
    def _done(self, activities, feedback):
        """The calls of ``activities`` were made: their steps are done, with the
        feedback as their outcome."""
        History = self.env["account.reminder.history"].sudo()
        rows = History.search(
            [
                ("activity_id", "in", activities.ids),
                ("channel", "=", "phone"),
                ("state", "=", "to_do"),
            ]
        )
        if not rows:
            return rows
        outcome = feedback or ""
        if outcome and not isinstance(outcome, str):
            outcome = str(outcome)
        if "<" in outcome:
            outcome = "" if is_html_empty(outcome) else html2plaintext(outcome)
        outcome = outcome.strip()
        Move = self.env["account.move"].sudo()
        statuses = Move._reminder_read_status(rows.move_id.ids)
        changes = {}
        for row in rows:
            today = row.company_id._reminder_today()
            row.write(
                {"state": "done", "done_date": today, "outcome": outcome or False}
            )
            status = statuses[row.move_id.id]["status"]
            # Only the step this call was for: the invoice may have been paid, or
            # marked done otherwise, since.
            if (
                status.state == reminder_policy.TO_DO
                and status.step_id == row.step_id.id
                and status.cycle_key == row.cycle_key
            ):
                new = reminder_policy.mark_done(status, today=today)
                changes[row.move_id.id] = (status, new)
                statuses[row.move_id.id]["status"] = new
        Move._reminder_write_statuses(changes)
        bodies = {}
        for row in rows:
            body = self.env._(
                "Reminder step %(step)s done by phone.", step=row.step_id.name
            )
            if outcome:
                body = Markup("%s<br/>%s") % (
                    body,
                    self.env._("Outcome: %(outcome)s", outcome=outcome),
                )
            bodies[row.move_id.id] = body
        Move.browse(bodies)._message_log_batch(bodies)
        return rows

    @api.model
    def _cancelled(self, activities):
        """The calls of ``activities`` were cancelled (the activity deleted): not
        made, so their steps stay to do and can be sent again."""
        rows = (
            self.env["account.reminder.history"]
            .sudo()
            .search(
                [
                    ("activity_id", "in", activities.ids),
                    ("channel", "=", "phone"),
                    ("state", "=", "to_do"),
                ]
            )
        )
        rows.write(
            {
                "state": "cancelled",
                "failure_reason": self.env._(
                    "The phone call's activity was cancelled before the call was made."
                ),
            }
        )
        return rows
