"""Litigation (contentieux) and the transfer to doubtful debts (416), on real
invoices with frozen dates."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..models import account_move
from .common import ReminderCommon

D = date.fromisoformat
# The refresh at commit time, kept before ReminderCommon turns it off for the class.
SCHEDULE_REFRESH = account_move.AccountMove._reminder_schedule_refresh


@tagged("post_install", "-at_install")
class TestReminderLitigation(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 4.15 % + 10 points = 14.15 % in 2023, as in TestReminderLateFees.
        cls.env.ref("account_invoice_reminder.reference_rate_2023_1").rate = 4.15
        cls.env.ref("account_invoice_reminder.reference_rate_2023_2").rate = 4.15
        cls.partner_a.lang = "en_US"
        # As in the French chart: 416000 is a reconcilable current asset.
        cls.doubtful = cls.env["account.account"].create(
            {
                "code": "416000",
                "name": "Clients douteux ou litigieux",
                "account_type": "asset_current",
                "reconcile": True,
                "company_ids": [(6, 0, cls.company.ids)],
            }
        )
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.misc = cls.company_data["default_journal_misc"]
        cls.billing = new_test_user(
            cls.env,
            "litigation_billing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    # ------------------------------------------------------------------ helpers

    def transfer(self, invoice, on, user=None, **values):
        """Transfer ``invoice`` to doubtful debts on ``on`` through the wizard, as
        the button opens it; the transfer entry."""
        invoice = invoice.with_user(user or self.billing)
        with freeze_time(on):
            action = invoice.action_reminder_doubtful_transfer()
            wizard = (
                self.env[action["res_model"]]
                .with_user(user or self.billing)
                .with_context(**action["context"])
                .create(values)
            )
            self.assertEqual(wizard.date, D(on))
            result = wizard.action_transfer()
        return self.env["account.move"].browse(result["res_id"])

    def fees(self, invoice, on):
        fee = invoice._reminder_late_fees(D(on))[invoice.id]
        return fee.penalty, fee.indemnity

    # ------------------------------------------------------------------ litigation

    @freeze_time("2023-03-01")
    def test_an_invoice_in_litigation_is_never_tagged(self):
        in_litigation = self.make_invoice("2023-01-31")
        other = self.make_invoice("2023-01-31")
        in_litigation.reminder_litigation = True
        stats = self.run_job()
        self.assertEqual(stats["tagged"], 1)
        self.assertEqual(self.level(other), (self.step_1, "to_do"))
        self.assertEqual(self.level(in_litigation), (self.Step, False))
        self.assertEqual(in_litigation.reminder_tag, "litigation")
        self.assertEqual(other.reminder_tag, "to_remind")
        Move = self.env["account.move"]
        self.assertEqual(
            Move.search([("reminder_tag", "=", "litigation")]), in_litigation
        )
        self.assertEqual(Move.search([("reminder_tag", "=", "to_remind")]), other)

    def test_litigation_withdraws_the_pending_step_and_lifting_resumes(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
            invoice.action_reminder_mark_done()
        with freeze_time("2023-03-03"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))
        invoice.reminder_litigation = True
        with freeze_time("2023-03-04"):
            stats = self.run_job()
        self.assertEqual(stats["withdrawn"], 1)
        # The level reached stays shown; only its pending reminder goes.
        self.assertEqual(self.level(invoice), (self.step_2, False))
        with freeze_time("2023-04-10"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, False))
        invoice.reminder_litigation = False
        with freeze_time("2023-04-11"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))
        self.assertEqual(invoice.reminder_done_step_ids, self.step_1)

    @freeze_time("2023-03-01")
    def test_setting_litigation_withdraws_the_step_when_the_transaction_ends(self):
        invoice = self.make_invoice("2023-01-31")
        self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        with patch.object(
            account_move.AccountMove, "_reminder_schedule_refresh", SCHEDULE_REFRESH
        ):
            invoice.reminder_litigation = True
            self.commit()
        self.assertEqual(self.level(invoice), (self.step_1, False))

    @freeze_time("2023-03-01")
    def test_the_send_button_refuses_an_invoice_in_litigation(self):
        self.partner_a.email = "customer@example.com"
        invoice = self.make_invoice("2023-01-31")
        self.run_job()
        invoice.reminder_litigation = True
        # The pending step is still there (no refresh yet): the sender says no.
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        with self.assertRefused(
            UserError,
            f"The reminder of {invoice.display_name} cannot be sent: the invoice "
            "is in litigation.",
        ):
            invoice.action_reminder_send()
        with self.assertRefused(
            UserError,
            f"La relance de {invoice.display_name} ne peut pas être envoyée : la "
            "facture est au contentieux.",
        ):
            invoice.with_context(lang="fr_FR").action_reminder_send()

    @freeze_time("2023-03-01")
    def test_the_bulk_screen_does_not_propose_an_invoice_in_litigation(self):
        self.partner_a.email = "customer@example.com"
        invoice = self.make_invoice("2023-01-31")
        other = self.make_invoice("2023-01-31")
        self.run_job()
        invoice.reminder_litigation = True
        wizard = self.env["account.reminder.send"].create({})
        self.assertEqual(wizard.move_ids, other)
        chosen = self.env["account.reminder.send"].create(
            {"move_ids": [(6, 0, (invoice | other).ids)], "per_customer": False}
        )
        self.assertEqual(chosen.mail_count, 1)
        self.assertEqual(
            chosen.left_out, f"{invoice.display_name}: the invoice is in litigation"
        )
        result = chosen.action_send()
        self.assertIn("1 reminder mail(s) queued", result["params"]["message"])
        self.assertEqual(invoice.reminder_history_ids.state, False)

    # ------------------------------------------------------------------ transfer

    def test_transfer_creates_posts_and_reconciles_the_entry(self):
        customer = self.env["res.partner"].create(
            {"name": "Client Douteux SA", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Comptable", "parent_id": customer.id}
        )
        invoice = self.make_invoice("2023-01-31", 1200.0, partner=contact)
        payment = self.pay(invoice, 200.0, D("2023-02-10"))
        with freeze_time("2023-03-01"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        entry = self.transfer(invoice, "2023-03-01")

        self.assertRecordValues(
            entry,
            [
                {
                    "move_type": "entry",
                    "state": "posted",
                    "journal_id": self.misc.id,
                    "date": D("2023-03-01"),
                    "partner_id": customer.id,
                    "reminder_doubtful_transfer": True,
                    "reminder_doubtful_invoice_id": invoice.id,
                }
            ],
        )
        self.assertRecordValues(
            entry.line_ids.sorted("balance", reverse=True),
            [
                {
                    "account_id": self.doubtful.id,
                    "partner_id": customer.id,
                    "debit": 1000.0,
                    "credit": 0.0,
                    "amount_currency": 1000.0,
                    "reconciled": False,
                },
                {
                    "account_id": self.receivable.id,
                    "partner_id": customer.id,
                    "debit": 0.0,
                    "credit": 1000.0,
                    "amount_currency": -1000.0,
                    "reconciled": True,
                },
            ],
        )
        receivable = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        self.assertTrue(receivable.reconciled)
        self.assertEqual(
            receivable.matched_credit_ids.credit_move_id,
            entry.line_ids.filtered("credit")
            | payment.move_id.line_ids.filtered(
                lambda line: line.account_id == self.receivable
            ),
        )
        self.assertEqual(invoice.amount_residual, 0.0)
        # Odoo sees it paid: expected accounting. For the reminders it is not.
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(invoice.reminder_litigation)
        self.assertEqual(invoice.reminder_tag, "litigation")
        notes = invoice.message_ids.filtered(
            lambda message: "doubtful" in (message.body or "")
        )
        self.assertEqual(
            notes.body,
            "<p>Transferred to doubtful debts: $&nbsp;1,000.00 moved to 416000 Clients "
            f"douteux ou litigieux by {entry.name}. The customer has not paid it: the "
            "invoice is in litigation, its reminders stop and its late-payment "
            "penalties keep running.</p>",
        )
        # What the commit does: the pending step goes, the level reached stays.
        with freeze_time("2023-03-01"):
            invoice._reminder_refresh()
        self.assertEqual(self.level(invoice), (self.step_1, False))
        # Done: the button is not offered again, and refused if called.
        with self.assertRefused(UserError, "cannot be transferred to doubtful debts"):
            self.transfer(invoice, "2023-03-02")

    def test_transfer_of_a_foreign_currency_invoice(self):
        currency = self.setup_other_currency("EUR")  # 2 EUR = 1 USD since 2017
        invoice = self.make_invoice(
            "2023-01-31", 1000.0, currency_id=currency.id, invoice_date="2023-01-01"
        )
        self.assertEqual(invoice.amount_residual_signed, 500.0)
        entry = self.transfer(invoice, "2023-03-01")
        self.assertRecordValues(
            entry.line_ids.sorted("balance", reverse=True),
            [
                {
                    "account_id": self.doubtful.id,
                    "currency_id": currency.id,
                    "amount_currency": 1000.0,
                    "balance": 500.0,
                },
                {
                    "account_id": self.receivable.id,
                    "currency_id": currency.id,
                    "amount_currency": -1000.0,
                    "balance": -500.0,
                },
            ],
        )
        self.assertEqual(invoice.amount_residual, 0.0)
        # Exact amounts in both currencies: no exchange difference entry.
        self.assertFalse(
            invoice.line_ids.matched_credit_ids.exchange_move_id
            | invoice.line_ids.full_reconcile_id.exchange_move_id
        )

    def test_the_settings_account_is_the_default(self):
        other = self.env["account.account"].create(
            {
                "code": "416100",
                "name": "Clients litigieux",
                "account_type": "asset_receivable",
                "reconcile": True,
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        # A receivable-type 416 account comes before a current asset.
        self.assertEqual(self.company._reminder_doubtful_account(), other)
        self.company.reminder_doubtful_account_id = self.doubtful
        self.assertEqual(self.company._reminder_doubtful_account(), self.doubtful)
        invoice = self.make_invoice("2023-01-31")
        entry = self.transfer(invoice, "2023-03-01")
        self.assertIn(self.doubtful, entry.line_ids.account_id)

    def test_no_doubtful_debts_account_is_a_clear_error(self):
        self.doubtful.deprecated = True
        invoice = self.make_invoice("2023-01-31")
        message = (
            f"No doubtful debts account for {self.company.name}: create a "
            "reconcilable account whose code starts with 416"
        )
        with self.assertRefused(UserError, message):
            invoice.with_user(self.billing).action_reminder_doubtful_transfer()
        with self.assertRefused(UserError, "Aucun compte de créances douteuses"):
            invoice.with_user(self.billing).with_context(
                lang="fr_FR"
            ).action_reminder_doubtful_transfer()
        self.assertFalse(
            self.env["account.move"].search([("reminder_doubtful_transfer", "=", True)])
        )
        self.assertFalse(invoice.reminder_litigation)

    # ------------------------------------------------- not a payment, anywhere

    def test_penalties_keep_running_after_the_transfer(self):
        invoice = self.make_invoice("2023-01-31")
        paid = self.make_invoice("2023-01-31")
        self.transfer(invoice, "2023-02-15")
        self.pay(paid, 1000.0, D("2023-02-15"))
        # 1000 x 14.15 % x 45/365 = 17.445: as if nothing had been paid.
        self.assertEqual(self.fees(invoice, "2023-03-17"), (17.45, 40.0))
        # Paid on the same day, the penalties stop: 1000 x 14.15 % x 15/365.
        self.assertEqual(self.fees(paid, "2023-03-17"), (5.82, 40.0))
        with freeze_time("2023-03-17"):
            invoice.invalidate_recordset()
            self.assertEqual(invoice.reminder_penalty_amount, 17.45)

    def test_the_dashboard_does_not_count_the_transfer_as_paid(self):
        invoice = self.make_invoice("2023-01-31")
        paid = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
            (invoice | paid).action_reminder_mark_done()
        self.transfer(invoice, "2023-02-05")
        self.pay(paid, 1000.0, D("2023-02-05"))
        Report = self.env["account.reminder.effectiveness.report"]
        rows = {row.move_id: row for row in Report.search([])}
        self.assertRecordValues(
            rows[invoice],
            [{"paid_date": False, "paid_7": 0, "paid_30": 0, "rate_30": 0.0}],
        )
        self.assertRecordValues(
            rows[paid],
            [{"paid_date": D("2023-02-05"), "paid_7": 1, "paid_30": 1}],
        )

    def test_the_d441_6_table_still_counts_the_invoice(self):
        invoice = self.make_invoice("2023-01-31", 1200.0)
        self.pay(invoice, 200.0, D("2023-02-10"))
        paid = self.make_invoice("2023-01-31")
        self.transfer(invoice, "2023-02-15")
        self.pay(paid, 1000.0, D("2023-02-15"))
        table = self.env["account.reminder.overdue.table"].create(
            {"date": D("2023-03-31"), "turnover": 10000.0}
        )
        lines = {line.bucket: line for line in table.line_ids}
        # 59 days late, 1,000 still owed: the transfer paid nothing.
        self.assertEqual(lines["31_60"].invoice_count, 1)
        self.assertEqual(lines["31_60"].amount, 1000.0)
        self.assertEqual(lines["total"].invoice_count, 1)
        self.assertEqual([row["move_id"] for row in table._invoice_rows()], invoice.ids)
