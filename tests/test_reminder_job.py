"""The daily job on real invoices: every rule of the foundation, with exact dates."""

from datetime import date
from unittest.mock import patch

import psycopg2.errors
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import account_move as account_move_module
from .common import ReminderCommon

D = date.fromisoformat
JOB_LOGGER = "odoo.addons.account_invoice_reminder.models.account_move"


@tagged("post_install", "-at_install")
class TestReminderJob(ReminderCommon):
    # ------------------------------------------------------------ rule 1: eligibility

    @freeze_time("2023-03-01 10:00:00")
    def test_only_open_posted_customer_invoices_are_tagged(self):
        due = "2023-01-31"
        open_invoice = self.make_invoice(due)
        draft = self.make_invoice(due, post=False)
        cancelled = self.make_invoice(due, post=False)
        cancelled.button_cancel()
        paid = self.make_invoice(due)
        self.pay(paid, 1000.0, D("2023-02-10"))
        in_payment = self.make_invoice(due)
        # What account_accountant does: a payment not yet matched with the bank.
        with patch.object(
            type(self.env["account.move"]),
            "_get_invoice_in_payment_state",
            lambda move: "in_payment",
        ):
            self.pay(in_payment, 1000.0, D("2023-02-10"))
            self.assertEqual(in_payment.payment_state, "in_payment")  # computed here
        reversed_invoice = self.make_invoice(due)
        reversed_invoice._reverse_moves(cancel=True)
        blocked = self.make_invoice(due)
        blocked.action_toggle_block_payment()
        credit_note = self.make_invoice(due, move_type="out_refund")
        bill = self.make_invoice(due, move_type="in_invoice")
        expected_states = {
            draft: "draft",
            cancelled: "cancel",
            paid: "paid",
            in_payment: "in_payment",
            reversed_invoice: "reversed",
            blocked: "blocked",
        }
        for move, state in expected_states.items():
            self.assertEqual(
                move.state if state in ("draft", "cancel") else move.payment_state,
                state,
            )

        stats = self.run_job()

        self.assertEqual(self.level(open_invoice), (self.step_1, "to_do"))
        self.assertEqual(stats["tagged"], 1)
        for move in [*expected_states, credit_note, bill]:
            with self.subTest(
                move=move.move_type, state=move.state, payment=move.payment_state
            ):
                self.assertFalse(move.reminder_step_id)
                self.assertFalse(move.reminder_state)

    @freeze_time("2023-03-01 10:00:00")
    def test_miscellaneous_entry_on_receivable_is_never_tagged(self):
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": D("2023-01-15"),
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "receivable",
                            "account_id": self.company_data[
                                "default_account_receivable"
                            ].id,
                            "partner_id": self.partner_a.id,
                            "debit": 500.0,
                            "date_maturity": D("2023-01-31"),
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "revenue",
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 500.0,
                        },
                    ),
                ],
            }
        )
        entry.action_post()
        self.run_job()
        self.assertEqual(self.level(entry), (self.env["account.reminder.step"], False))

    def test_invoice_paid_after_tagging_loses_pending_tag_only(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
            invoice.action_reminder_mark_done()
        with freeze_time("2023-03-03"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))
        self.pay(invoice, 1000.0, D("2023-03-04"))
        with freeze_time("2023-03-04"):
            stats = self.run_job()
        self.assertEqual(stats["withdrawn"], 1)
        # The level reached stays shown, the pending state goes, history stays.
        self.assertEqual(self.level(invoice), (self.step_2, False))
        self.assertEqual(invoice.reminder_last_date, D("2023-02-01"))
        self.assertEqual(invoice.reminder_done_step_ids, self.step_1)
        self.assertFalse(invoice.reminder_tag)

    def test_blocked_invoice_becomes_remindable_after_partial_payment(self):
        invoice = self.make_invoice("2023-01-31")
        invoice.action_toggle_block_payment()
        with freeze_time("2023-02-10"):
            self.run_job()
        self.assertFalse(invoice.reminder_state)
        # Odoo undoes "Block payment" on a partial payment.
        self.pay(invoice, 400.0, D("2023-02-10"))
        self.assertEqual(invoice.payment_state, "partial")
        with freeze_time("2023-02-11"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))

    # ---------------------------------------------- rule 2: earliest open installment

    def test_first_installment_overdue_although_invoice_due_date_is_later(self):
        invoice = self.make_installment_invoice()
        installments = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        self.assertEqual(
            sorted(installments.mapped("date_maturity")),
            [D("2023-01-31"), D("2023-04-01")],
        )
        self.assertEqual(invoice.invoice_date_due, D("2023-04-01"))
        with freeze_time("2023-01-31"):
            self.run_job()
            self.assertFalse(self.level(invoice)[1])
        with freeze_time("2023-02-01"):
            self.run_job()
            self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        with freeze_time("2023-02-15"):
            invoice.invalidate_recordset(["reminder_due_date", "reminder_days_overdue"])
            self.assertEqual(invoice.reminder_due_date, D("2023-01-31"))
            self.assertEqual(invoice.reminder_days_overdue, 15)

    def test_partly_paid_invoice_stays_remindable(self):
        invoice = self.make_invoice("2023-01-31")
        self.pay(invoice, 400.0, D("2023-02-05"))
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 600.0)
        with freeze_time("2023-02-06"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))

    def test_paid_first_installment_moves_the_reference_to_the_second(self):
        invoice = self.make_installment_invoice()
        self.pay(invoice, 300.0, D("2023-01-31"))
        with freeze_time("2023-03-01"):
            self.run_job()
            self.assertFalse(self.level(invoice)[1])
            invoice.invalidate_recordset(["reminder_due_date"])
            self.assertEqual(invoice.reminder_due_date, D("2023-04-01"))
        with freeze_time("2023-04-02"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))

    # -------------------------------------------- rules 3 to 5: steps and triggers

    def test_issue_example_due_31_01_plus_8_days(self):
        self.step_1.delay_days = 8
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-07 23:00:00"):
            self.run_job()
        self.assertEqual(
            self.level(invoice), (self.env["account.reminder.step"], False)
        )
        with freeze_time("2023-02-08 06:00:00"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))

    def test_escalation_counts_from_the_day_a_step_was_done(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
        # Still to do a month later: it blocks Reminder 2.
        with freeze_time("2023-03-15"):
            self.run_job()
            self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
            invoice.action_reminder_mark_done()
        self.assertEqual(self.level(invoice), (self.step_1, "done"))
        self.assertEqual(invoice.reminder_last_date, D("2023-03-15"))
        with freeze_time("2023-04-13"):
            self.run_job()
            self.assertEqual(self.level(invoice), (self.step_1, "done"))
        with freeze_time("2023-04-14"):
            self.run_job()
            self.assertEqual(self.level(invoice), (self.step_2, "to_do"))

    def test_steps_of_the_invoice_company_only(self):
        other = self.setup_other_company()["company"]
        other.partner_id.tz = "UTC"
        other_steps = self.Step.search([("company_id", "=", other.id)])
        self.assertEqual(len(other_steps), 3)
        other_steps[0].delay_days = 10
        mine = self.make_invoice("2023-01-31")
        theirs = self.make_invoice("2023-01-31", company=other)
        with freeze_time("2023-02-05"):
            self.run_job()
        self.assertEqual(self.level(mine), (self.step_1, "to_do"))
        self.assertEqual(self.level(theirs), (self.env["account.reminder.step"], False))
        with freeze_time("2023-02-10"):
            self.run_job()
        self.assertEqual(self.level(theirs), (other_steps[0], "to_do"))

    def test_company_with_all_steps_archived_withdraws_pending_tags(self):
        paid = self.make_invoice("2023-01-31")
        unpaid = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
        (self.step_1 | self.step_2 | self.step_3).action_archive()
        self.pay(paid, 1000.0, D("2023-02-05"))
        with freeze_time("2023-02-06"):
            self.run_job()
        # Archived steps are never used again: neither pending tag stays.
        self.assertEqual(self.level(paid), (self.step_1, False))
        self.assertEqual(self.level(unpaid), (self.step_1, False))

    def test_company_without_steps_is_skipped(self):
        other = self.setup_other_company()["company"]
        self.Step.search([("company_id", "=", other.id)]).action_archive()
        theirs = self.make_invoice("2023-01-31", company=other)
        mine = self.make_invoice("2023-01-31")
        with freeze_time("2023-03-01"):
            self.run_job()
        self.assertFalse(theirs.reminder_state)
        self.assertEqual(self.level(mine), (self.step_1, "to_do"))

    def test_equal_sequences_follow_creation_order(self):
        (self.step_1 | self.step_2 | self.step_3).sequence = 5
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
        self.assertEqual(invoice.reminder_step_id, self.step_1)

    def test_reordered_steps_never_resend_a_done_step(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
            invoice.action_reminder_mark_done()
        self.step_3.sequence = 1  # now first in the list
        with freeze_time("2023-03-03"):
            self.run_job()
            self.assertEqual(self.level(invoice), (self.step_3, "to_do"))
            invoice.action_reminder_mark_done()
        with freeze_time("2023-04-02"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))
        self.assertEqual(invoice.reminder_done_step_ids, self.step_1 | self.step_3)

    def test_archived_step_is_never_used_again(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
            invoice.action_reminder_mark_done()
        self.step_2.action_archive()
        with freeze_time("2023-03-03"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_3, "to_do"))

    def test_archived_pending_step_is_withdrawn_and_keeps_its_level(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
        self.step_1.action_archive()
        with freeze_time("2023-02-02"):
            self.run_job()
        # Reminder 2 counts from the due date as no step was done: not yet due.
        self.assertEqual(self.level(invoice), (self.step_1, False))

    # ------------------------------------------------------ rule 6: cycles

    def test_next_installment_restarts_and_reopened_one_resumes(self):
        invoice = self.make_installment_invoice()
        with freeze_time("2023-02-01"):
            self.run_job()
            invoice.action_reminder_mark_done()
        with freeze_time("2023-03-03"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))

        payment = self.pay(invoice, 300.0, D("2023-03-05"))
        with freeze_time("2023-03-06"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, False))

        # The payment is unreconciled: the first installment is open again and its
        # sequence resumes at Reminder 2.
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertEqual(invoice.payment_state, "not_paid")
        with freeze_time("2023-03-07"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))
        self.assertEqual(invoice.reminder_done_step_ids, self.step_1)

        # Paid again; once the second installment is overdue, it starts at Reminder 1.
        self.pay(invoice, 300.0, D("2023-03-08"))
        with freeze_time("2023-04-02"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertFalse(invoice.reminder_done_step_ids)
        second = invoice.line_ids.filtered(
            lambda line: (
                line.display_type == "payment_term"
                and line.date_maturity == D("2023-04-01")
            )
        )
        self.assertEqual(invoice.reminder_cycle_line_id, second)

    # -------------------------------------------------------- rule 7: today

    def test_today_in_the_company_time_zone(self):
        self.step_1.delay_days = 8
        invoice = self.make_invoice("2023-01-31")
        self.company.partner_id.tz = "Pacific/Auckland"  # UTC+13 in February
        with freeze_time("2023-02-07 10:30:00"):  # 07/02 23:30 in Auckland
            self.run_job()
        self.assertFalse(invoice.reminder_state)
        with freeze_time("2023-02-07 11:30:00"):  # 08/02 00:30 in Auckland
            self.run_job()
        self.assertEqual(invoice.reminder_state, "to_do")

    def test_today_from_the_country_with_a_single_time_zone(self):
        self.step_1.delay_days = 8
        self.company.partner_id.tz = False
        self.company.country_id = self.env.ref("base.fr")
        self.assertEqual(self.company._reminder_timezone().zone, "Europe/Paris")
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-07 22:30:00"):  # 23:30 in Paris
            self.run_job()
        self.assertFalse(invoice.reminder_state)
        with freeze_time("2023-02-07 23:30:00"):  # 08/02 00:30 in Paris
            self.run_job()
        self.assertEqual(invoice.reminder_state, "to_do")

    def test_today_in_utc_for_a_country_with_several_time_zones(self):
        self.company.partner_id.tz = False
        self.company.country_id = self.env.ref("base.us")
        self.assertEqual(self.company._reminder_timezone().zone, "UTC")
        self.company.country_id = False
        self.assertEqual(self.company._reminder_timezone().zone, "UTC")

    def test_user_context_does_not_change_the_result(self):
        self.step_1.delay_days = 8
        invoice = self.make_invoice("2023-01-31")
        # The user is in Auckland (already 08/02), reads French and sees archived
        # records: the company (UTC) is still on 07/02, and archived steps stay out.
        self.step_2.copy(
            {"sequence": 1, "active": False, "delay_days": 0, "name": "Old"}
        )
        with freeze_time("2023-02-07 12:00:00"):
            self.run_job(tz="Pacific/Auckland", lang="fr_FR", active_test=False)
        self.assertFalse(invoice.reminder_state)
        with freeze_time("2023-02-08 12:00:00"):
            self.run_job(tz="Pacific/Auckland", lang="fr_FR", active_test=False)
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))

    @freeze_time("2023-02-15")
    def test_scheduled_action_runs_the_job_and_reports_progress(self):
        cron = self.env.ref("account_invoice_reminder.ir_cron_invoice_reminder")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertEqual(cron.code.strip(), "model._cron_invoice_reminder()")
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
        invoices = self.make_invoice("2023-01-31") | self.make_invoice("2023-02-10")
        cron.method_direct_trigger()
        self.assertEqual(invoices.mapped("reminder_state"), ["to_do", "to_do"])
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)])
        self.assertEqual(len(progress), 1)
        self.assertEqual(progress.remaining, 0)
        self.assertGreaterEqual(progress.done, 2)

    # --------------------------------------------- rule 8: idempotence, catch-up

    def test_second_run_the_same_day_changes_nothing(self):
        invoices = self.make_invoice("2023-01-31") | self.make_invoice("2023-02-20")
        done = self.make_invoice("2023-01-10")
        with freeze_time("2023-02-01"):
            self.run_job()
            done.action_reminder_mark_done()
        with freeze_time("2023-03-01"):
            first = self.run_job()

            def snapshot():
                (invoices | done).invalidate_recordset()
                return [
                    (
                        m.reminder_step_id.id,
                        m.reminder_state,
                        m.reminder_last_date,
                        m.reminder_cycle_line_id.id,
                        m.reminder_done_step_ids.ids,
                    )
                    for m in invoices | done
                ]

            before = snapshot()
            second = self.run_job()
        self.assertEqual(first["tagged"], 1)  # the one due on 20/02
        self.assertEqual((second["tagged"], second["withdrawn"]), (0, 0))
        self.assertEqual(snapshot(), before)

    def test_catch_up_after_days_without_a_run(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-05-01"):  # no run for three months
            self.run_job()
            self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
            invoice.action_reminder_mark_done()
        with freeze_time("2023-09-01"):
            self.run_job()
        # One step per run, counted from the day Reminder 1 was done.
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))

    # ------------------------------------------------ rule 9: batches, failures

    def test_batches_cover_every_invoice(self):
        invoices = self.make_invoices(7, "2023-01-31")
        with (
            patch.object(account_move_module, "REMINDER_BATCH_SIZE", 3),
            freeze_time("2023-02-01"),
        ):
            stats = self.run_job()
        self.assertEqual(stats["tagged"], 7)
        self.assertEqual(set(invoices.mapped("reminder_state")), {"to_do"})

    def test_failure_on_one_invoice_does_not_stop_the_job(self):
        invoices = self.make_invoices(3, "2023-01-31")
        broken = invoices[1]
        Move = type(self.env["account.move"])
        original = Move._reminder_read_status

        def corrupted(records, ids, lock=False):
            rows = original(records, ids, lock=lock)
            if broken.id in rows:
                reference = rows[broken.id]["reference"]
                rows[broken.id]["reference"] = reference.__class__(
                    key=reference.key, due_date=None
                )
            return rows

        with (
            patch.object(Move, "_reminder_read_status", corrupted),
            mute_logger(JOB_LOGGER),
            freeze_time("2023-02-01"),
        ):
            stats = self.run_job()
        self.assertEqual(stats["failed"], 1)
        self.assertEqual(invoices.mapped("reminder_state"), ["to_do", False, "to_do"])

    def test_failed_batch_write_is_retried_invoice_by_invoice(self):
        invoices = self.make_invoices(3, "2023-01-31")
        broken = invoices[0]
        Move = type(self.env["account.move"])
        original = Move._reminder_write_statuses

        def failing(records, changes, next_checks=None):
            if broken.id in changes:
                raise ValueError("cannot write this invoice")
            return original(records, changes, next_checks)

        with (
            patch.object(Move, "_reminder_write_statuses", failing),
            mute_logger(JOB_LOGGER),
            freeze_time("2023-02-01"),
        ):
            stats = self.run_job()
        self.assertEqual((stats["tagged"], stats["failed"]), (2, 1))
        self.assertEqual(invoices.mapped("reminder_state"), [False, "to_do", "to_do"])

    def test_batch_meeting_a_concurrent_update_is_redone_later(self):
        invoices = self.make_invoices(3, "2023-01-31")
        Move = type(self.env["account.move"])
        original = Move._reminder_read_status
        calls = []

        def concurrent_once(records, ids, lock=False):
            if lock:  # the batch's locking read, not the scan
                calls.append(list(ids))
                if len(calls) == 1:
                    raise psycopg2.errors.SerializationFailure("concurrent update")
            return original(records, ids, lock=lock)

        with (
            patch.object(Move, "_reminder_read_status", concurrent_once),
            freeze_time("2023-02-01"),
        ):
            stats = self.run_job()
        self.assertEqual(len(calls), 2)  # the batch, then the same batch again
        self.assertEqual(calls[0], calls[1])
        self.assertEqual((stats["tagged"], stats["postponed"]), (3, 0))
        self.assertEqual(set(invoices.mapped("reminder_state")), {"to_do"})

    def test_invoices_locked_on_every_attempt_are_postponed(self):
        invoices = self.make_invoices(2, "2023-01-31")
        Move = type(self.env["account.move"])

        original = Move._reminder_read_status

        def always_concurrent(records, ids, lock=False):
            if lock:
                raise psycopg2.errors.SerializationFailure("concurrent update")
            return original(records, ids, lock=lock)

        with (
            patch.object(Move, "_reminder_read_status", always_concurrent),
            freeze_time("2023-02-01"),
            mute_logger(JOB_LOGGER),
        ):
            stats = self.run_job()
        self.assertEqual((stats["tagged"], stats["postponed"]), (0, 2))
        self.assertEqual(invoices.mapped("reminder_state"), [False, False])
        with freeze_time("2023-02-01"):
            stats = self.run_job()  # the next run handles them
        self.assertEqual(stats["tagged"], 2)

    # ----------------------------------------------------------- mark as done

    def test_mark_done_records_today_and_posts_a_note(self):
        invoice = self.make_invoice("2023-01-31")
        self.company.partner_id.tz = "Europe/Paris"
        with freeze_time("2023-02-01 12:00:00"):
            self.run_job()
        messages_before = len(invoice.message_ids)
        with freeze_time("2023-02-02 23:30:00"):  # already 03/02 in Paris
            invoice.with_context(lang="en_US").action_reminder_mark_done()
        self.assertEqual(self.level(invoice), (self.step_1, "done"))
        self.assertEqual(invoice.reminder_last_date, D("2023-02-03"))
        self.assertEqual(invoice.reminder_done_step_ids, self.step_1)
        self.assertEqual(len(invoice.message_ids), messages_before + 1)
        step_name = self.step_1.with_context(lang="en_US").name
        self.assertIn(
            f"Reminder step {step_name} marked as done.",
            invoice.message_ids[0].with_context(lang="en_US").body,
        )

    def test_mark_done_on_an_invoice_paid_since_it_was_tagged_is_refused(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
        self.pay(invoice, 1000.0, D("2023-02-02"))
        with freeze_time("2023-02-02"):
            with self.assertRefused(UserError, "no longer needs a reminder"):
                invoice.action_reminder_mark_done()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertFalse(invoice.reminder_last_date)

    def test_mark_done_without_pending_step_is_refused(self):
        invoice = self.make_invoice("2023-01-31")
        with self.assertRefused(UserError, "no reminder to mark as done"):
            invoice.action_reminder_mark_done()
        with freeze_time("2023-02-01"):
            self.run_job()
            invoice.action_reminder_mark_done()
            with self.assertRaises(UserError):
                invoice.action_reminder_mark_done()
        self.assertEqual(self.level(invoice), (self.step_1, "done"))

    # ---------------------------------------------------------- other data

    def test_credit_note_partly_settling_the_invoice(self):
        invoice = self.make_invoice("2023-01-31")
        refund = self.make_invoice("2023-02-05", amount=400.0, move_type="out_refund")
        lines = (invoice | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        lines.reconcile()
        self.assertEqual(invoice.payment_state, "partial")
        with freeze_time("2023-02-06"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertFalse(refund.reminder_state)

    def test_foreign_currency_invoice(self):
        currency = self.setup_other_currency("EUR")
        invoice = self.make_invoice("2023-01-31", currency_id=currency.id)
        self.pay(invoice, 250.0, D("2023-02-01"))
        with freeze_time("2023-02-02"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertEqual(invoice.amount_residual, 750.0)
        self.assertEqual(invoice.currency_id, currency)
