"""French late-payment penalties and indemnity on real invoices."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import ReminderCommon

D = date.fromisoformat


@tagged("post_install", "-at_install")
class TestReminderLateFees(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 4.15 % + 10 points = 14.15 % in the first half of 2023.
        cls.env.ref("account_invoice_reminder.reference_rate_2023_1").rate = 4.15
        cls.env.ref("account_invoice_reminder.reference_rate_2023_2").rate = 4.15
        cls.partner_a.lang = "en_US"

    def fees(self, invoice, on=None):
        fee = invoice._reminder_late_fees(on)[invoice.id]
        return fee.penalty, fee.indemnity

    @freeze_time("2023-03-17")
    def test_45_days_late_on_1000_at_14_15(self):
        invoice = self.make_invoice("2023-01-31")
        self.assertEqual(invoice.reminder_days_overdue, 45)
        self.assertRecordValues(
            invoice,
            [
                {
                    "reminder_penalty_amount": 17.45,
                    "reminder_indemnity_amount": 40.0,
                    "reminder_penalty_rate": 14.15,
                    "reminder_late_fees_note": False,
                }
            ],
        )

    @freeze_time("2023-03-17")
    def test_consumers_owe_neither(self):
        business = self.make_invoice("2023-01-31")
        consumer = self.make_invoice("2023-01-31", partner=self.partner_b)
        self.partner_b.reminder_consumer = True
        self.assertEqual(self.fees(business), (17.45, 40.0))
        self.assertEqual(self.fees(consumer), (0.0, 0.0))
        self.assertEqual(
            consumer.reminder_late_fees_note, "Consumer: no late-payment fees."
        )
        # A contact of the consumer is a consumer too (commercial field).
        contact = self.env["res.partner"].create(
            {"name": "Contact", "parent_id": self.partner_b.id}
        )
        self.assertTrue(contact.reminder_consumer)

    @freeze_time("2023-03-17")
    def test_customers_in_insolvency_proceedings_owe_neither(self):
        invoice = self.make_invoice("2023-01-31")
        other = self.make_invoice("2023-02-28")
        other.reminder_pause_reason = "insolvency"
        self.assertEqual(self.fees(invoice), (0.0, 0.0))
        self.assertEqual(
            invoice.reminder_late_fees_note,
            "Insolvency proceedings: no late-payment fees.",
        )
        other.reminder_pause_reason = False
        invoice.invalidate_recordset()
        self.assertEqual(self.fees(invoice), (17.45, 40.0))

    @freeze_time("2023-03-17")
    def test_partial_payment_shortens_the_base(self):
        invoice = self.make_invoice("2023-01-31")
        self.pay(invoice, 400.0, D("2023-02-10"))
        # 1000 x 14.15 % x 10/365 + 600 x 14.15 % x 35/365 = 12.0178
        self.assertEqual(self.fees(invoice), (12.02, 40.0))

    @freeze_time("2023-03-17")
    def test_credit_note_counts_as_paid_on_its_date(self):
        invoice = self.make_invoice("2023-01-31")
        refund = self.env["account.move"].create(
            self._invoice_vals(D("2023-02-10"), 400.0, move_type="out_refund")
        )
        refund.action_post()
        (invoice | refund).line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).reconcile()
        self.assertEqual(invoice.amount_residual, 600.0)
        self.assertEqual(self.fees(invoice), (12.02, 40.0))

    @freeze_time("2023-03-17")
    def test_paid_late_still_owes_the_days_it_was_late(self):
        invoice = self.make_invoice("2023-01-31")
        self.pay(invoice, 1000.0, D("2023-02-15"))
        self.assertEqual(invoice.payment_state, "paid")
        # 15 days: 1000 x 14.15 % x 15/365 = 5.815
        self.assertEqual(self.fees(invoice), (5.82, 40.0))
        on_time = self.make_invoice("2023-01-31")
        self.pay(on_time, 1000.0, D("2023-01-31"))
        self.assertEqual(self.fees(on_time), (0.0, 0.0))

    @freeze_time("2023-04-15")
    def test_each_installment_from_its_own_due_date(self):
        # 300 due 31/01 (74 days late), 700 due 01/04 (14 days late).
        invoice = self.make_installment_invoice()
        dues = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).sorted("date_maturity")
        self.assertEqual(
            dues.mapped("date_maturity"), [D("2023-01-31"), D("2023-04-01")]
        )
        # 300 x .1415 x 74/365 + 700 x .1415 x 14/365 = 8.6063 + 3.7992 = 12.4055
        self.assertEqual(self.fees(invoice), (12.41, 40.0))

    @freeze_time("2023-03-17")
    def test_public_buyers_and_contract_rates(self):
        invoice = self.make_invoice("2023-01-31")
        self.partner_a.reminder_public_buyer = True
        # 4.15 + 8 = 12.15 %: 1000 x .1215 x 45/365 = 14.979
        self.assertEqual(self.fees(invoice), (14.98, 40.0))
        self.partner_a.reminder_public_buyer = False
        self.company.write(
            {"reminder_penalty_rule": "contract", "reminder_penalty_rate": 12.0}
        )
        # 1000 x .12 x 45/365 = 14.7945
        self.assertEqual(self.fees(invoice), (14.79, 40.0))
        # The customer's own contract wins over the terms of sale.
        self.partner_a.reminder_penalty_rate = 15.0
        self.assertEqual(self.fees(invoice), (18.49, 40.0))  # 18.4932
        self.company.reminder_indemnity_amount = 0.0
        self.assertEqual(self.fees(invoice), (18.49, 0.0))

    @freeze_time("2026-09-01")
    def test_a_missing_reference_rate_is_said(self):
        invoice = self.make_invoice("2026-07-31")
        self.assertEqual(self.fees(invoice), (0.0, 40.0))
        self.assertEqual(
            invoice.reminder_late_fees_note,
            "No reference rate for the half-year starting 07/01/2026: add it to the "
            "reference rates to compute the penalties.",
        )
        self.env["account.reminder.reference.rate"].create(
            {"date_start": "2026-07-01", "rate": 2.15}
        )
        # 1000 x 12.15 % x 32/365 = 10.6521
        self.assertEqual(self.fees(invoice), (10.65, 40.0))

    def test_a_rate_starts_on_a_half_year(self):
        with self.assertRefused(ValidationError, "1 January or 1 July"):
            self.env["account.reminder.reference.rate"].create(
                {"date_start": "2026-03-01", "rate": 2.15}
            )

    def test_fee_invoice_charges_each_period_once(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-03-17"):
            action = invoice.action_reminder_invoice_late_fees()
        fee_invoice = self.env["account.move"].browse(action["res_id"])
        self.assertRecordValues(
            fee_invoice,
            [
                {
                    "move_type": "out_invoice",
                    "state": "draft",
                    "partner_id": self.partner_a.id,
                    "invoice_origin": invoice.name,
                    "amount_untaxed": 57.45,
                    "amount_tax": 0.0,
                    "amount_total": 57.45,
                }
            ],
        )
        self.assertRecordValues(
            fee_invoice.invoice_line_ids,
            [
                {
                    "name": f"Late-payment penalties on {invoice.name} from "
                    "02/01/2023 to 03/17/2023",
                    "price_unit": 17.45,
                    "tax_ids": [],
                    "reminder_fee_origin_id": invoice.id,
                    "reminder_fee_kind": "penalty",
                    "reminder_fee_until": D("2023-03-17"),
                },
                {
                    "name": f"Fixed recovery indemnity on {invoice.name}",
                    "price_unit": 40.0,
                    "tax_ids": [],
                    "reminder_fee_origin_id": invoice.id,
                    "reminder_fee_kind": "indemnity",
                    "reminder_fee_until": False,
                },
            ],
        )
        with freeze_time("2023-03-17"):
            invoice.invalidate_recordset()
            self.assertEqual(self.fees(invoice), (0.0, 0.0))
            with self.assertRefused(UserError, "no late-payment fees left to charge"):
                invoice.action_reminder_invoice_late_fees()
        # Ten days later, only those ten days: 1000 x .1415 x 10/365 = 3.8767.
        with freeze_time("2023-03-27"):
            action = invoice.action_reminder_invoice_late_fees()
        second = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(
            second.invoice_line_ids.mapped("name"),
            [f"Late-payment penalties on {invoice.name} from 03/18/2023 to 03/27/2023"],
        )
        self.assertEqual(second.amount_total, 3.88)
        # A cancelled fee invoice charged nothing: its periods are due again.
        fee_invoice.button_cancel()
        with freeze_time("2023-03-27"):
            self.assertEqual(self.fees(invoice, D("2023-03-27")), (0.0, 40.0))
            second.button_cancel()
            # 55 days: 1000 x .1415 x 55/365 = 21.3219
            self.assertEqual(self.fees(invoice, D("2023-03-27")), (21.32, 40.0))

    @freeze_time("2023-03-17")
    def test_fee_invoice_of_several_invoices_of_a_customer(self):
        first = self.make_invoice("2023-01-31")
        second = self.make_invoice("2023-02-28")
        consumer = self.make_invoice("2023-01-31", partner=self.partner_b)
        self.partner_b.reminder_consumer = True
        action = (first | second | consumer).action_reminder_invoice_late_fees()
        fee_invoice = self.env["account.move"].browse(action["res_id"])
        # 17 days on the second: 1000 x .1415 x 17/365 = 6.5904.
        self.assertEqual(
            fee_invoice.invoice_line_ids.mapped("price_unit"), [17.45, 40.0, 6.59, 40.0]
        )
        self.assertEqual(fee_invoice.invoice_origin, f"{first.name}, {second.name}")
        with self.assertRefused(UserError, "Consumer: no late-payment fees."):
            consumer.action_reminder_invoice_late_fees()

    @freeze_time("2023-03-17")
    def test_the_mail_of_a_step_that_shows_them(self):
        self.partner_a.lang = "fr_FR"
        invoice = self.make_invoice("2023-01-31")
        self.run_job()
        self.assertEqual(invoice.reminder_step_id, self.step_1)
        body = self.render(self.step_1.mail_template_id, invoice)
        self.assertNotIn("L441-10", body)
        self.step_1.show_late_fees = True
        body = self.render(self.step_1.mail_template_id, invoice)
        self.assertIn("article L441-10 du Code de commerce", body)
        self.assertIn(
            format_amount(self.env, 17.45, invoice.currency_id, "fr_FR"), body
        )
        self.assertIn("14,15 %", body)
        self.assertIn(format_amount(self.env, 40.0, invoice.currency_id, "fr_FR"), body)
        self.assertIn("Au 17/03/2023", body)
        # A consumer's mail says nothing of them.
        self.partner_a.reminder_consumer = True
        body = self.render(self.step_1.mail_template_id, invoice)
        self.assertNotIn("L441-10", body)

    def test_default_steps_show_them_at_the_last_step(self):
        other = self.setup_other_company()["company"]
        steps = self.Step.search([("company_id", "=", other.id)])
        self.assertEqual(steps.mapped("show_late_fees"), [False, False, True])
