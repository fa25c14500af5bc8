"""What changes what an invoice owes moves its tag at once, without the daily job."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ReminderCommon

D = date.fromisoformat


@tagged("post_install", "-at_install")
class TestReminderRefresh(ReminderCommon):
    refresh_at_commit = True

    @freeze_time("2023-02-10")
    def test_payment_withdraws_the_tag_at_once(self):
        invoice = self.make_invoice("2023-01-31")
        self.commit()
        # Posted overdue: tagged when the transaction ends, as the job would.
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.pay(invoice, 1000.0, D("2023-02-10"))
        self.commit()
        self.assertEqual(self.level(invoice), (self.step_1, False))
        self.assertFalse(invoice.reminder_tag)
        self.assertEqual(self.run_job()["withdrawn"], 0)  # nothing left for the job

    @freeze_time("2023-02-10")
    def test_the_form_reads_back_what_a_pause_changed(self):
        invoice = self.make_invoice("2023-01-31")
        self.commit()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        # The web client saves and reads in one request, before any commit.
        invoice.web_save(
            {"reminder_pause_reason": "dispute", "reminder_pause_until": "2023-03-01"},
            {"reminder_state": {}, "reminder_tag": {}},
        )
        self.assertEqual(
            invoice.read(["reminder_state", "reminder_tag"])[0],
            {"id": invoice.id, "reminder_state": False, "reminder_tag": False},
        )
        invoice.web_save(
            {"reminder_pause_reason": False, "reminder_pause_until": False}, {}
        )
        self.assertEqual(
            invoice.read(["reminder_state", "reminder_tag"])[0],
            {"id": invoice.id, "reminder_state": "to_do", "reminder_tag": "to_remind"},
        )

    @freeze_time("2023-02-10")
    def test_unreconciled_payment_tags_again_at_once(self):
        invoice = self.make_invoice("2023-01-31")
        payment = self.pay(invoice, 1000.0, D("2023-02-10"))
        self.commit()
        self.assertFalse(invoice.reminder_state)
        payment.move_id.line_ids.remove_move_reconcile()
        self.commit()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))

    @freeze_time("2023-02-10")
    def test_reset_to_draft_and_block_withdraw_at_once(self):
        draft, blocked, reversed_invoice = (
            self.make_invoice("2023-01-31") for __ in range(3)
        )
        self.commit()
        self.assertEqual(
            (draft | blocked | reversed_invoice).mapped("reminder_state"), ["to_do"] * 3
        )
        draft.button_draft()
        blocked.action_toggle_block_payment()
        reversed_invoice._reverse_moves(cancel=True)
        self.commit()
        self.assertEqual(
            (draft | blocked | reversed_invoice).mapped("reminder_state"),
            [False, False, False],
        )

    @freeze_time("2023-02-10")
    def test_a_failing_refresh_never_fails_the_payment(self):
        invoice = self.make_invoice("2023-01-31")
        self.commit()
        Move = type(self.env["account.move"])

        def broken(records):
            raise ValueError("refresh broken")

        with (
            patch.object(Move, "_reminder_refresh", broken),
            mute_logger("odoo.addons.account_invoice_reminder.models.account_move"),
        ):
            self.pay(invoice, 1000.0, D("2023-02-10"))
            self.commit()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.reminder_state, "to_do")  # the daily job will fix it
        self.run_job()
        self.assertFalse(self.level(invoice)[1])
