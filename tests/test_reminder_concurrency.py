"""Another transaction holding an invoice: real connections, committed data."""

# Like two users, these tests work in transactions of their own, which must commit for
# the other one to see their data; they remove it afterwards.
# pylint: disable=invalid-commit

from datetime import date

import psycopg2.errors
from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from odoo.addons.account_invoice_reminder.models import account_move

JOB_LOGGER = "odoo.addons.account_invoice_reminder.models.account_move"


@tagged("post_install", "-at_install")
class TestReminderConcurrency(BaseCase):
    """Not a TransactionCase: a lock only shows between transactions, so the invoice
    is committed in its own, held in a second one, and reminded from a third."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            company.partner_id.tz = "UTC"
            partner = env["res.partner"].create(
                {"name": "Locked Customer", "email": "locked@example.com"}
            )
            invoice = (
                env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": date(2023, 1, 31),
                        "invoice_date_due": date(2023, 1, 31),
                        "invoice_payment_term_id": False,
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Service", "price_unit": 100.0, "tax_ids": []}
                            )
                        ],
                    }
                )
            )
            invoice.action_post()
            cls.invoice_id, cls.partner_id = invoice.id, partner.id
            cr.commit()
            # Posting tagged it at commit (as of the real today): start untagged.
            cr.execute(
                "DELETE FROM account_reminder_level WHERE move_id = %s", [invoice.id]
            )
            cr.commit()
        cls.addClassCleanup(cls._remove_invoice)

    @classmethod
    def _remove_invoice(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            invoice = env["account.move"].browse(cls.invoice_id)
            env["account.reminder.history"].search(
                [("move_id", "=", invoice.id)]
            ).unlink()
            invoice.button_draft()
            invoice.with_context(force_delete=True).unlink()
            env["res.partner"].browse(cls.partner_id).unlink()
            cr.commit()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    @freeze_time("2023-02-10")
    def test_job_leaves_an_invoice_being_paid_for_later(self):
        with self.registry.cursor() as holder:
            holder.execute(
                "SELECT id FROM account_move WHERE id = %s FOR UPDATE",
                [self.invoice_id],
            )
            with self.registry.cursor() as cr, mute_logger(JOB_LOGGER):
                stats = self._env(cr)["account.move"]._cron_invoice_reminder()
                cr.execute(
                    "SELECT state FROM account_reminder_level WHERE move_id = %s",
                    [self.invoice_id],
                )
                state = (cr.fetchone() or [None])[0]
                cr.rollback()
            holder.rollback()
        self.assertEqual(stats["postponed"], 1)
        self.assertEqual(stats["failed"], 0)
        self.assertIsNone(state)
        self.assertEqual(account_move.REMINDER_BATCH_ATTEMPTS, 3)  # tried 3 times

    @freeze_time("2023-02-10")
    def test_sending_leaves_an_invoice_another_transaction_holds(self):
        # Tagged and committed first, as the daily job would have done.
        with self.registry.cursor() as cr:
            self._env(cr)["account.move"]._cron_invoice_reminder()
            cr.commit()
        with self.registry.cursor() as holder:
            holder.execute(
                "SELECT id FROM account_move WHERE id = %s FOR UPDATE",
                [self.invoice_id],
            )
            with self.registry.cursor() as cr:
                env = self._env(cr)
                invoice = env["account.move"].browse(self.invoice_id)
                self.assertEqual(invoice.reminder_state, "to_do")
                result = env["account.reminder.sender"]._send(invoice)
                history = env["account.reminder.history"].search_count(
                    [("move_id", "=", self.invoice_id)]
                )
                cr.rollback()
            holder.rollback()
        self.assertEqual(result["mails"], 0)
        self.assertEqual(
            list(result["left_out"].values()), ["being changed by another user"]
        )
        self.assertEqual(history, 0)

    @freeze_time("2023-02-10")
    def test_refresh_meeting_a_concurrent_update_leaves_the_callers_work(self):
        """A sending or a payment refreshes its invoices within its own transaction:
        a level another transaction committed meanwhile fails the refresh, for the
        caller (Odoo runs a request again), and never rolls back the caller's work."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partner = env["res.partner"].browse(self.partner_id)
            partner.ref = "written by the caller"
            env.flush_all()
            # Tagged and committed by another transaction, after this one began.
            with self.registry.cursor() as other:
                self._env(other)["account.move"]._cron_invoice_reminder()
                other.commit()
            invoice = env["account.move"].browse(self.invoice_id)
            with (
                self.assertRaises(psycopg2.errors.SerializationFailure),
                mute_logger(JOB_LOGGER),
            ):
                invoice._reminder_refresh()
            cr.execute("SELECT ref FROM res_partner WHERE id = %s", [self.partner_id])
            ref = cr.fetchone()[0]
            cr.rollback()
        self.assertEqual(ref, "written by the caller")
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM account_reminder_level WHERE move_id = %s",
                [self.invoice_id],
            )
            cr.commit()
