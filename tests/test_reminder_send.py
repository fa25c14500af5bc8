"""Sending reminders: one by one, in bulk, automatically, and what the history says."""

import smtplib
from datetime import date
from unittest.mock import patch

import psycopg2.errors
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount, mute_logger

from ..models.reminder_policy import Status
from .common import ReminderCommon

D = date.fromisoformat
SENDER = "odoo.addons.account_invoice_reminder.models.account_reminder_sender"

BOUNCE = """\
From: Mail Delivery System <MAILER-DAEMON@example.com>
To: {company_email}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"
Message-Id: <bounce-{uid}@example.com>

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

The mail could not be delivered: mailbox unknown.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.com

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1

--BOUNDARY
Content-Type: text/rfc822-headers

Message-Id: {message_id}
Subject: Reminder

--BOUNDARY--
"""


@tagged("post_install", "-at_install")
class TestReminderSend(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "compta@company.example.com"
        cls.sender = cls.env["account.reminder.sender"]
        cls.customer = cls.make_customer("Client SA", "client@example.com", "en_US")
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Sally Sales",
                "login": "sally",
                "email": "sally@company.example.com",
            }
        )

    @classmethod
    def make_customer(cls, name, email, lang="en_US", **values):
        return cls.env["res.partner"].create(
            {"name": name, "email": email, "lang": lang, "is_company": True, **values}
        )

    def tagged_invoice(self, due="2023-01-31", customer=None, amount=1000.0, **extra):
        invoice = self.make_invoice(
            due, amount, partner=customer or self.customer, **extra
        )
        with freeze_time("2023-02-01"):
            self.run_job()
        return invoice

    def set_level(self, invoice, step):
        """Put ``invoice`` at ``step``, to do, as if the earlier steps were done."""
        line = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )[:1]
        earlier = (self.step_1 | self.step_2 | self.step_3).filtered(
            lambda s: s.sequence < step.sequence
        )
        Move = self.env["account.move"]
        old = Move._reminder_read_status(invoice.ids)[invoice.id]["status"]
        new = Status(
            step_id=step.id,
            state="to_do",
            last_date=D("2023-02-01") if earlier else None,
            cycle_key=line.id,
            done_step_ids=frozenset(earlier.ids),
        )
        Move._reminder_write_statuses({invoice.id: (old, new)})

    def process_queue_failing(self, method, error):
        """The mail queue's run while the mail server's ``method`` raises ``error``."""
        IrMailServer = type(self.env["ir.mail_server"])
        with (
            patch.object(IrMailServer, method, side_effect=error),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            self.process_queue()

    def process_queue_with_smtp_refusing(self):
        """The mail queue's run while the mail server refuses every mail."""
        self.process_queue_failing("send_email", smtplib.SMTPDataError(554, b"refused"))

    def process_queue_with_server_down(self):
        """The mail queue's run while the mail server cannot be reached."""
        self.process_queue_failing(
            "connect", ConnectionRefusedError(111, "Connection refused")
        )

    def messages_to(self, partner):
        return self.env["mail.message"].search(
            [("partner_ids", "in", partner.ids), ("message_type", "=", "comment")]
        )

    def body_to(self, partner):
        """The reminder mail to ``partner`` as its text reads (no entities)."""
        return str(self.messages_to(partner).body).replace("&nbsp;", "\xa0")

    # ---------------------------------------------------------------- one by one

    @freeze_time("2023-02-02")
    def test_send_one_reminder_from_the_invoice(self):
        invoice = self.tagged_invoice()
        self.assertEqual(invoice.reminder_state, "to_do")
        action = invoice.action_reminder_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(composer.partner_ids, self.customer)
        self.assertEqual(composer.template_id, self.step_1.mail_template_id)
        self.assertIn(invoice.name, composer.subject)
        self.assertIn("Unless we are mistaken, our invoice", composer.body)
        self.assertEqual(len(composer.attachment_ids), 1, "the invoice PDF")
        self.assertFalse(composer.force_send, "queued, never sent right away")
        composer.body = composer.body.replace(
            "Best regards", "Kind regards"
        )  # editable
        composer.action_send_mail()

        message = invoice.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1, message.mapped("body"))
        self.assertIn("Kind regards", message.body)
        mail = (
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        )
        self.assertEqual(mail.state, "outgoing")
        history = invoice.reminder_history_ids
        self.assertRecordValues(
            history,
            [
                {
                    "step_id": self.step_1.id,
                    "channel": "email",
                    "state": "queued",
                    "mail_message_id": message.id,
                    "email_to": "client@example.com",
                    "date": D("2023-02-02"),
                }
            ],
        )
        # Queued is not sent: the invoice is still to remind.
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.process_queue()
        self.assertEqual(history.state, "sent")
        self.assertEqual(history.done_date, D("2023-02-02"))
        self.assertEqual(self.level(invoice), (self.step_1, "done"))
        self.assertEqual(invoice.reminder_last_date, D("2023-02-02"))
        # The next step counts from the day the mail left.
        with freeze_time("2023-03-04"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))

    @freeze_time("2023-02-02")
    def test_send_button_refuses_what_cannot_be_sent(self):
        not_tagged = self.make_invoice("2023-03-31", partner=self.customer)
        with self.assertRefused(UserError, "no reminder to send"):
            not_tagged.action_reminder_send()
        invoice = self.tagged_invoice()
        self.sender._send(invoice)
        with self.assertRefused(UserError, "already sent"):
            invoice.action_reminder_send()
        no_mail = self.tagged_invoice(customer=self.make_customer("No Mail", False))
        with self.assertRefused(UserError, "has no email address"):
            no_mail.action_reminder_send()

    # ---------------------------------------------------------------- in bulk

    @freeze_time("2023-03-10")
    def test_one_mail_per_customer_with_the_highest_step(self):
        first = self.make_invoice("2023-01-10", 100.0, partner=self.customer)
        second = self.make_invoice("2023-01-20", 200.0, partner=self.customer)
        third = self.make_invoice("2023-02-01", 300.0, partner=self.customer)
        for invoice, step in (
            (first, self.step_3),
            (second, self.step_1),
            (third, self.step_2),
        ):
            self.set_level(invoice, step)
        result = self.sender._send(first | second | third)

        self.assertEqual(result["mails"], 1)
        self.assertEqual(result["reminded"], first | second | third)
        message = self.messages_to(self.customer)
        self.assertEqual(len(message), 1)
        self.assertEqual(
            message.res_id, first.id, "posted on the highest step's invoice"
        )
        self.assertIn("Final reminder", message.subject)  # Reminder 3's template
        self.assertEqual(message.email_from, self.company.email_formatted)
        self.assertEqual(message.reply_to, self.company.email_formatted)
        body = self.body_to(self.customer)
        self.assertIn("the invoices below have not been fully paid yet", body)
        for invoice, step in (
            (first, self.step_3),
            (second, self.step_1),
            (third, self.step_2),
        ):
            self.assertIn(invoice.name, body)
            self.assertIn(step.name, body)
        self.assertEqual(body.count('<tr style="font-weight:bold">'), 3)  # reminded
        overdue = format_amount(self.env, 600.0, self.company.currency_id, "en_US")
        self.assertIn(overdue, body)  # total overdue
        history = (first | second | third).reminder_history_ids
        self.assertEqual(len(history), 3)
        self.assertEqual(set(history.mapped("state")), {"queued"})
        self.assertEqual(history.mail_message_id, message)
        self.assertEqual((second | third).reminder_history_ids.sent_with_move_id, first)
        note = second.message_ids.filtered(
            lambda m: "in the reminder mail of" in m.body
        )
        self.assertEqual(len(note), 1)
        self.assertTrue(note.is_internal)
        # Delivered: all three steps are done.
        self.process_queue()
        self.assertEqual(set(history.mapped("state")), {"sent"})
        self.assertEqual(
            (first | second | third).mapped("reminder_state"), ["done"] * 3
        )

    @freeze_time("2023-03-10")
    def test_customer_mail_lists_other_overdue_invoices_and_credit_notes(self):
        reminded = self.make_invoice("2023-01-31", 500.0, partner=self.customer)
        self.set_level(reminded, self.step_1)
        other = self.make_invoice(
            "2023-02-15", 250.0, partner=self.customer
        )  # not tagged
        not_due = self.make_invoice("2023-04-30", 999.0, partner=self.customer)
        refund = self.make_invoice(
            "2023-02-20", 100.0, partner=self.customer, move_type="out_refund"
        )
        self.sender._send(reminded)
        body = self.body_to(self.customer)
        self.assertIn(other.name, body)
        self.assertNotIn(not_due.name, body)
        self.assertIn(refund.name, body)
        currency = self.company.currency_id
        for amount in (750.0, -100.0, 650.0):  # overdue, open credit notes, net
            self.assertIn(format_amount(self.env, amount, currency, "en_US"), body)

    @freeze_time("2023-03-10")
    def test_totals_per_currency_never_summed_across_currencies(self):
        eur = self.setup_other_currency("EUR")
        usd_invoice = self.make_invoice("2023-01-31", 300.0, partner=self.customer)
        eur_invoice = self.make_invoice(
            "2023-02-10", 200.0, partner=self.customer, currency_id=eur.id
        )
        for invoice in usd_invoice | eur_invoice:
            self.set_level(invoice, self.step_1)
        self.sender._send(usd_invoice | eur_invoice)
        body = self.body_to(self.customer)
        usd = self.company.currency_id
        self.assertIn(format_amount(self.env, 300.0, usd, "en_US"), body)
        self.assertIn(format_amount(self.env, 200.0, eur, "en_US"), body)
        self.assertEqual(body.count("Total overdue"), 2)  # one per currency
        self.assertNotIn(format_amount(self.env, 500.0, usd, "en_US"), body)

    @freeze_time("2023-03-10")
    def test_bulk_mail_attaches_the_invoices_issued_pdf(self):
        issued = self.make_invoice("2023-01-31", partner=self.customer)
        never_printed = self.make_invoice("2023-02-05", partner=self.customer)
        for invoice in issued | never_printed:
            self.set_level(invoice, self.step_1)
        pdf = self.env["ir.attachment"].create(
            {
                "name": "INV.pdf",
                "raw": b"%PDF-1.4 issued",
                "res_model": "account.move",
                "res_id": issued.id,
                "res_field": "invoice_pdf_report_file",
            }
        )
        issued.invalidate_recordset(["invoice_pdf_report_id"])
        self.assertEqual(issued.invoice_pdf_report_id, pdf)
        self.sender._send(issued | never_printed)
        self.assertEqual(self.messages_to(self.customer).attachment_ids, pdf)

    @freeze_time("2023-03-10")
    def test_one_mail_per_invoice_when_asked(self):
        invoices = self.make_invoice(
            "2023-01-31", partner=self.customer
        ) | self.make_invoice("2023-02-05", partner=self.customer)
        for invoice in invoices:
            self.set_level(invoice, self.step_1)
        self.company.reminder_group_per_customer = False
        result = self.sender._send(invoices)
        self.assertEqual(result["mails"], 2)
        messages = self.messages_to(self.customer)
        self.assertEqual(sorted(messages.mapped("res_id")), sorted(invoices.ids))
        # Each mail is about its own invoice.
        for message in messages:
            self.assertNotIn("the invoices below", message.body)
            other = invoices.filtered(lambda m, message=message: m.id != message.res_id)
            self.assertNotIn(other.name, message.body)

    @freeze_time("2023-03-10")
    def test_salesperson_copied_when_asked(self):
        invoice = self.make_invoice(
            "2023-01-31", partner=self.customer, invoice_user_id=self.salesperson.id
        )
        self.set_level(invoice, self.step_1)
        self.sender._send(invoice, copy_salesperson=True)
        message = self.messages_to(self.customer)
        self.assertEqual(
            message.partner_ids, self.customer | self.salesperson.partner_id
        )
        # The history follows the customer's copy only.
        self.assertEqual(invoice.reminder_history_ids.recipient_ids, self.customer)

    @freeze_time("2023-03-10")
    def test_preview_before_sending(self):
        ok = self.make_invoice("2023-01-31", partner=self.customer)
        no_mail_customer = self.make_customer("Sans Email SARL", False, "fr_FR")
        no_mail = self.make_invoice("2023-01-31", partner=no_mail_customer)
        paid = self.make_invoice("2023-01-31", partner=self.customer)
        for invoice in ok | no_mail | paid:
            self.set_level(invoice, self.step_1)
        self.pay(paid, 1000.0, D("2023-03-09"))
        # An unmatched payment of the customer: worth a look before reminding.
        self.init_payment(40.0, post=True, date=D("2023-03-01"), partner=self.customer)
        wizard = self.env["account.reminder.send"].create(
            {"move_ids": [Command.set((ok | no_mail | paid).ids)]}
        )
        self.assertEqual(wizard.mail_count, 1)
        lines = {line.partner_id: line for line in wizard.line_ids}
        self.assertEqual(set(lines), {self.customer, no_mail_customer})
        self.assertEqual(lines[self.customer].recipient_id, self.customer)
        self.assertEqual(lines[self.customer].email, "client@example.com")
        money = format_amount(self.env, 1000.0, self.company.currency_id)
        self.assertEqual(lines[self.customer].amount_overdue, money)
        self.assertEqual(lines[self.customer].amount_due, money)
        self.assertFalse(lines[self.customer].problem)
        self.assertIn(
            "Unmatched payments or credit notes", lines[self.customer].warning
        )
        self.assertIn("has no email address", lines[no_mail_customer].problem)
        self.assertIn(
            f"{paid.name}: the invoice no longer owes anything", wizard.left_out
        )
        # Nothing has left yet.
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "account.move"),
                    ("res_id", "in", ok.ids),
                    ("message_type", "=", "comment"),
                ]
            )
        )
        action = wizard.action_send()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(len(self.messages_to(self.customer)), 1)
        self.assertEqual(no_mail.reminder_history_ids.state, "failed")
        self.assertEqual(no_mail.reminder_state, "to_do")
        self.assertEqual(self.level(paid)[1], False, "the paid invoice lost its tag")
        self.assertFalse(paid.reminder_history_ids)

    # ---------------------------------------------------------------- automatically

    def test_automatic_step_is_sent_by_the_daily_job(self):
        self.step_1.auto_send = True
        invoice = self.make_invoice("2023-01-31", partner=self.customer)
        cron = self.env.ref("account_invoice_reminder.ir_cron_invoice_reminder")
        with freeze_time("2023-02-01"):
            cron.method_direct_trigger()
        history = invoice.reminder_history_ids
        self.assertEqual(history.state, "queued")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", history.mail_message_id.id)])
        )
        self.assertEqual(mail.state, "outgoing", "queued, never force-sent")
        self.assertEqual(history.user_id, cron.user_id)
        # Steps without the option wait for an accountant.
        with freeze_time("2023-02-01"):
            self.process_queue()
        with freeze_time("2023-03-05"):
            stats = self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))
        self.assertEqual(stats["mails"], 0)

    def test_running_everything_twice_sends_once(self):
        self.step_1.auto_send = True
        invoice = self.make_invoice("2023-01-31", partner=self.customer)
        with freeze_time("2023-02-01"):
            self.run_job()
            self.run_job()
            result = self.sender._send(invoice)
        self.assertEqual(result["mails"], 0)
        self.assertEqual(result["left_out"][invoice], "this reminder was already sent")
        self.assertEqual(len(self.messages_to(self.customer)), 1)
        self.assertEqual(len(invoice.reminder_history_ids), 1)

    def test_history_key_refuses_a_second_live_reminder(self):
        invoice = self.tagged_invoice(customer=self.customer)
        with freeze_time("2023-02-01"):
            self.sender._send(invoice)
        row = invoice.reminder_history_ids
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
        ):
            row.sudo().copy({"mail_message_id": False})
            self.env.flush_all()

    @freeze_time("2023-02-02")
    def test_invoice_held_by_another_transaction_is_left_alone(self):
        invoice = self.tagged_invoice()
        Sender = type(self.sender)
        with patch.object(Sender, "_lock", lambda self, invoices: invoices.browse()):
            result = self.sender._send(invoice)
        self.assertEqual(result["mails"], 0)
        self.assertEqual(result["left_out"][invoice], "being changed by another user")
        self.assertFalse(invoice.reminder_history_ids)
        self.assertEqual(invoice.reminder_state, "to_do")

    # ---------------------------------------------------------------- together

    def customers_with_tagged_invoices(self, count):
        customers = self.env["res.partner"]
        invoices = self.env["account.move"]
        for index in range(count):
            customer = self.make_customer(f"Client {index}", f"c{index}@example.com")
            customers |= customer
            for amount in (100.0, 200.0):
                invoices |= self.make_invoice("2023-01-31", amount, partner=customer)
        with freeze_time("2023-02-01"):
            self.run_job()
        return customers, invoices

    @freeze_time("2023-02-02")
    def test_mails_rendered_together_read_as_rendered_one_by_one(self):
        customers, invoices = self.customers_with_tagged_invoices(3)
        groups, __ = self.sender._prepare(invoices, per_customer=True)
        self.assertEqual(len(groups), 3)
        together = self.sender._render_groups(groups)
        alone = {}
        for group in groups:
            alone.update(self.sender._render_groups([group]))
        self.assertEqual(len(together), 3)
        for primary_id, (subject, body, __) in together.items():
            self.assertEqual((subject, body), alone[primary_id][:2])
            customer = self.env["account.move"].browse(primary_id).partner_id
            self.assertIn(customer.name, body)
            # Both invoices reminded, in bold (the raw body, not yet sanitized).
            self.assertEqual(body.count('<tr style="font-weight: bold;">'), 2)
        # The customer's other documents are those of its own statement.
        self.assertEqual(len({body for __, body, __ in together.values()}), 3)

    @freeze_time("2023-02-02")
    def test_mails_sent_together_cost_the_same_queries_as_fewer(self):
        __, few = self.customers_with_tagged_invoices(2)
        __, many = self.customers_with_tagged_invoices(8)
        counts = []
        for invoices in (few, many):
            self.env.invalidate_all()
            queries = self.cr.sql_log_count
            result = self.sender._send(invoices, per_customer=True)
            counts.append(self.cr.sql_log_count - queries)
            self.assertEqual(result["mails"], len(invoices) // 2)
        # Per mail: the notification of each message is Odoo's own (a few queries);
        # the rest is shared by the mails sent together.
        per_mail = (counts[1] - counts[0]) / 6
        self.assertLess(per_mail, 25, counts)
        self.assertLess(counts[1], 8 * counts[0] / 2, counts)

    @freeze_time("2023-02-02")
    def test_a_mail_that_cannot_be_rendered_fails_alone(self):
        customers, invoices = self.customers_with_tagged_invoices(3)
        broken = customers[1]
        Move = type(self.env["account.move"])
        label = Move._reminder_invoices_label

        def failing_label(move):
            if move.partner_id == broken:
                raise ValueError("no label for this customer")
            return label(move)

        with (
            patch.object(Move, "_reminder_invoices_label", failing_label),
            mute_logger("odoo.addons.mail.models.mail_render_mixin"),
        ):
            result = self.sender._send(invoices, per_customer=True)
        broken_invoices = invoices.filtered(lambda m: m.partner_id == broken)
        self.assertEqual(result["mails"], 2)
        self.assertEqual(result["failed"], broken_invoices)
        self.assertEqual(result["reminded"], invoices - broken_invoices)
        self.assertFalse(self.messages_to(broken))
        for customer in customers - broken:
            self.assertEqual(len(self.messages_to(customer)), 1)
        history = broken_invoices.reminder_history_ids
        self.assertEqual(history.mapped("state"), ["failed", "failed"])
        self.assertIn("the mail could not be prepared", history[0].failure_reason)
        self.assertIn("no label for this customer", history[0].failure_reason)
        self.assertEqual(len(broken_invoices.activity_ids), 2)
        self.assertEqual(broken_invoices.mapped("reminder_state"), ["to_do"] * 2)
        self.assertEqual(
            set((invoices - broken_invoices).reminder_history_ids.mapped("state")),
            {"queued"},
        )

    def test_daily_job_goes_on_past_a_template_that_fails(self):
        self.step_1.auto_send = True
        customers = self.env["res.partner"]
        invoices = self.env["account.move"]
        for index in range(3):
            customer = self.make_customer(f"Auto {index}", f"auto{index}@example.com")
            customers |= customer
            invoices |= self.make_invoice("2023-01-31", 100.0, partner=customer)
        broken = customers[1]
        # An expression of the body that fails for one customer only.
        self.step_1.mail_template_id.body_html = (
            '<p>Dear <t t-out="object.partner_id.name"/>,'
            " <t t-out=\"1 / (0 if object.partner_id.name == 'Auto 1' else 1)\"/></p>"
        )
        cron = self.env.ref("account_invoice_reminder.ir_cron_invoice_reminder")
        with (
            freeze_time("2023-02-01"),
            mute_logger("odoo.addons.mail.models.mail_render_mixin"),
        ):
            cron.method_direct_trigger()
        self.assertTrue(cron.active)
        failed = invoices.filtered(lambda m: m.partner_id == broken)
        self.assertEqual(failed.reminder_history_ids.state, "failed")
        self.assertIn("ZeroDivisionError", failed.reminder_history_ids.failure_reason)
        self.assertEqual(failed.reminder_state, "to_do")
        self.assertEqual(len(failed.activity_ids), 1)
        self.assertEqual(
            (invoices - failed).reminder_history_ids.mapped("state"), ["queued"] * 2
        )
        for customer in customers - broken:
            self.assertEqual(len(self.messages_to(customer)), 1)

    @freeze_time("2023-02-02")
    def test_a_reminder_sent_meanwhile_stops_only_its_own_mail(self):
        customers, invoices = self.customers_with_tagged_invoices(3)
        first = invoices.filtered(lambda m: m.partner_id == customers[0])
        self.sender._send(first, per_customer=True)
        # Another sender's mail, which this one's checks have not seen yet.
        for invoice in first:
            self.set_level(invoice, self.step_1)
        Sender = type(self.sender)
        with (
            patch.object(Sender, "_live_keys", lambda self, invoices: set()),
            mute_logger("odoo.sql_db"),
        ):
            result = self.sender._send(invoices, per_customer=True)
        self.assertEqual(result["mails"], 2)
        self.assertEqual(result["reminded"], invoices - first)
        for invoice in first:
            self.assertEqual(
                result["left_out"][invoice], "this reminder was already sent"
            )
        self.assertEqual(len(self.messages_to(customers[0])), 1)
        self.assertEqual(len(first.reminder_history_ids), 2)
        for customer in customers[1:]:
            self.assertEqual(len(self.messages_to(customer)), 1)

    # ---------------------------------------------------------------- failures

    @freeze_time("2023-02-02")
    def test_customer_without_valid_email_gets_no_mail_but_an_activity(self):
        for email in (False, "client.example.com"):
            with self.subTest(email=email):
                nobody = self.make_customer(f"Nobody {email}", email)
                invoice = self.tagged_invoice(
                    customer=nobody, invoice_user_id=self.salesperson.id
                )
                result = self.sender._send(invoice)
                self.assertEqual((result["mails"], result["failed"]), (0, invoice))
                self.assertRecordValues(
                    invoice.reminder_history_ids,
                    [{"state": "failed", "channel": "email"}],
                )
                self.assertIn(
                    "has no email address",
                    invoice.reminder_history_ids.failure_reason,
                )
                self.assertEqual(invoice.reminder_state, "to_do")
                activity = invoice.activity_ids
                self.assertEqual(len(activity), 1)
                self.assertEqual(activity.user_id, self.salesperson)
                self.assertFalse(self.messages_to(nobody))

    @freeze_time("2023-02-02")
    def test_invalid_email_fails_in_the_mail_queue(self):
        # Odoo's address parsing keeps "@example" of it: the mail queue refuses it.
        invalid = self.make_customer("Typo SARL", "client@@example")
        invoice = self.tagged_invoice(customer=invalid, invoice_user_id=False)
        self.assertEqual(self.sender._send(invoice)["mails"], 1)
        history = invoice.reminder_history_ids
        self.assertEqual(history.state, "queued")
        with mute_logger("odoo.addons.mail.models.mail_mail"):
            self.process_queue()
        self.assertEqual(history.state, "failed")
        self.assertEqual(history.failure_reason, "Invalid email address")
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertEqual(history.activity_id.user_id, self.env.ref("base.user_admin"))

    @freeze_time("2023-02-02")
    def test_mail_server_failure_marks_the_reminder_failed(self):
        controller = self.env["res.users"].create(
            {"name": "Carla Credit", "login": "carla", "email": "carla@example.com"}
        )
        self.company.reminder_credit_controller_id = controller
        # No salesperson: the company's credit controller follows it up.
        invoice = self.tagged_invoice(invoice_user_id=False)
        self.sender._send(invoice)
        self.process_queue_with_smtp_refusing()
        history = invoice.reminder_history_ids
        self.assertEqual(history.state, "failed")
        self.assertTrue(history.failure_reason)
        # A server refusing the mail may be refusing this mail: someone looks.
        self.assertFalse(history.server_failure)
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertEqual(invoice.activity_ids.user_id, controller)

    @freeze_time("2023-02-02")
    def test_mail_server_down_asks_nobody_to_follow_up_at_first(self):
        invoice = self.tagged_invoice()
        for attempt in (1, 2, 3):
            self.sender._send(invoice)
            self.process_queue_with_server_down()
            history = invoice.reminder_history_ids
            self.assertEqual(history.mapped("state"), ["failed"] * attempt)
            self.assertTrue(all(history.mapped("server_failure")))
            self.assertIn("outgoing mail server", history[0].failure_reason)
            self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
            # Nothing wrong with the customer: a follow-up only after 3 attempts.
            self.assertEqual(len(invoice.activity_ids), 1 if attempt == 3 else 0)

    def test_automatic_step_is_sent_again_while_the_mail_server_fails(self):
        self.step_1.auto_send = True
        invoice = self.make_invoice("2023-01-31", partner=self.customer)
        for day in ("2023-02-01", "2023-02-02", "2023-02-03", "2023-02-04"):
            with freeze_time(day):
                self.run_job()
                self.process_queue_with_server_down()
        history = invoice.reminder_history_ids
        # Three attempts, one a day, then a follow-up instead of a fourth.
        self.assertEqual(history.mapped("state"), ["failed"] * 3)
        self.assertEqual(
            sorted(history.mapped("date")),
            [D("2023-02-01"), D("2023-02-02"), D("2023-02-03")],
        )
        self.assertEqual(len(invoice.activity_ids), 1)
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        # The server is back: the accountant sends it, it leaves, the step is done.
        with freeze_time("2023-02-05"):
            self.sender._send(invoice)
            self.process_queue()
        self.assertEqual(self.level(invoice), (self.step_1, "done"))

    @freeze_time("2023-02-02")
    def test_cancelled_mail_marks_the_reminder_failed(self):
        # No salesperson, no credit controller: the administrator follows it up.
        invoice = self.tagged_invoice(invoice_user_id=False)
        self.sender._send(invoice)
        history = invoice.reminder_history_ids
        history.mail_id.cancel()
        self.commit()
        self.assertEqual(history.state, "failed")
        self.assertIn("cancelled", history.failure_reason)
        self.assertEqual(invoice.reminder_state, "to_do")
        self.assertEqual(invoice.activity_ids.user_id, self.env.ref("base.user_admin"))
        # Failed does not count: it can be sent again.
        self.assertEqual(self.sender._send(invoice)["mails"], 1)

    def test_bounce_arriving_later_puts_the_step_back_to_do(self):
        invoice = self.tagged_invoice()
        with freeze_time("2023-02-02"):
            self.sender._send(invoice)
            self.process_queue()
        history = invoice.reminder_history_ids
        self.assertEqual(history.state, "sent", history.failure_reason)
        self.assertEqual(invoice.reminder_last_date, D("2023-02-02"))
        bounce = BOUNCE.format(
            company_email=self.company.email,
            uid="1",
            recipient=self.customer.email,
            message_id=history.mail_message_id.message_id,
        )
        with freeze_time("2023-02-05"):
            self.env["mail.thread"].message_process(None, bounce)
            self.commit()
        self.assertEqual(history.state, "failed")
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertFalse(invoice.reminder_last_date)
        self.assertFalse(invoice.reminder_done_step_ids)
        self.assertEqual(len(invoice.activity_ids), 1)

    # ---------------------------------------------------------------- recipients

    def test_recipient_order(self):
        company = self.make_customer("Acme SA", "acme@example.com")
        billing = self.env["res.partner"].create(
            {
                "name": "Acme billing",
                "type": "invoice",
                "parent_id": company.id,
                "email": "billing@acme.example.com",
            }
        )
        contact = self.env["res.partner"].create(
            {"name": "Bob", "parent_id": company.id, "email": "bob@acme.example.com"}
        )
        invoice = self.make_invoice("2023-01-31", partner=contact)
        self.assertEqual(invoice._reminder_recipient(), contact)
        contact.email = False
        self.assertEqual(invoice._reminder_recipient(), billing)
        billing.email = "not an email"
        self.assertEqual(invoice._reminder_recipient(), company)
        company.email = False
        self.assertFalse(invoice._reminder_recipient())

    # ------------------------------------------------ never remind what is not owed

    def test_paid_between_tagging_and_sending(self):
        invoice = self.tagged_invoice()
        self.pay(invoice, 1000.0, D("2023-02-01"))
        with freeze_time("2023-02-02"):
            result = self.sender._send(invoice)
        self.assertEqual(result["mails"], 0)
        self.assertIn("no longer owes anything", result["left_out"][invoice])
        self.assertFalse(self.level(invoice)[1])
        self.assertFalse(self.messages_to(self.customer))

    def test_credit_note_reconciled_before_sending(self):
        partly = self.tagged_invoice()
        fully = self.tagged_invoice()
        for invoice, amount in ((partly, 400.0), (fully, 1000.0)):
            refund = self.make_invoice(
                "2023-02-01", amount, partner=self.customer, move_type="out_refund"
            )
            (invoice | refund).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
        with freeze_time("2023-02-02"):
            result = self.sender._send(partly | fully)
        self.assertEqual(result["reminded"], partly)
        self.assertIn(fully, result["left_out"])
        self.assertFalse(fully.reminder_state)
        body = self.body_to(self.customer)
        self.assertIn(format_amount(self.env, 600.0, partly.currency_id, "en_US"), body)

    def test_do_not_remind_on_the_customer_and_on_the_invoice(self):
        excluded_customer = self.make_customer("Excluded SA", "x@example.com")
        excluded_customer.with_company(self.company).reminder_excluded = True
        contact = self.env["res.partner"].create(
            {
                "name": "Contact",
                "parent_id": excluded_customer.id,
                "email": "c@example.com",
            }
        )
        by_customer = self.make_invoice("2023-01-31", partner=contact)
        by_invoice = self.make_invoice("2023-01-31", partner=self.customer)
        by_invoice.reminder_excluded = True
        normal = self.make_invoice("2023-01-31", partner=self.customer)
        with freeze_time("2023-02-01"):
            self.run_job()
        self.assertEqual(
            (by_customer | by_invoice | normal).mapped("reminder_state"),
            [False, False, "to_do"],
        )
        # Set after tagging: the pending tag goes at the next run; nothing is sent.
        normal.reminder_excluded = True
        with freeze_time("2023-02-02"):
            result = self.sender._send(normal)
        self.assertIn(
            '"do not remind" is set on the invoice', result["left_out"][normal]
        )
        self.assertFalse(normal.reminder_state)
        # Another company of the same customer still reminds it.
        main_company = self.env.ref("base.main_company")
        self.assertFalse(
            excluded_customer.sudo().with_company(main_company).reminder_excluded
        )

    def test_pause_and_resume_at_the_same_level(self):
        invoice = self.tagged_invoice()
        with freeze_time("2023-02-01"):
            invoice.action_reminder_mark_done()
        with freeze_time("2023-03-03"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))
        invoice.write(
            {
                "reminder_pause_reason": "payment_promise",
                "reminder_pause_until": D("2023-03-20"),
            }
        )
        with freeze_time("2023-03-04"):
            self.run_job()
            self.assertEqual(self.level(invoice), (self.step_2, False))
            result = self.sender._send(invoice)
            self.assertIn("paused (Payment promise) until", result["left_out"][invoice])
        with freeze_time("2023-03-20"):
            self.run_job()
            self.assertEqual(self.level(invoice), (self.step_2, False))
        with freeze_time("2023-03-21"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))

    def test_pause_needs_a_reason_and_an_end_unless_insolvency(self):
        invoice = self.make_invoice("2023-01-31", partner=self.customer)
        with self.assertRefused(ValidationError, "Give a reason"):
            invoice.reminder_pause_until = D("2023-05-01")
        with self.assertRefused(ValidationError, "Give the last day of the pause"):
            invoice.reminder_pause_reason = "dispute"
        invoice.reminder_pause_reason = "insolvency"  # open-ended
        with freeze_time("2024-01-01"):
            self.run_job()
        self.assertFalse(invoice.reminder_state)

    def test_minimum_amount(self):
        self.company.reminder_min_amount = 50.0
        small = self.make_invoice("2023-01-31", 49.99, partner=self.customer)
        exact = self.make_invoice("2023-01-31", 50.0, partner=self.customer)
        big = self.make_invoice("2023-01-31", 60.0, partner=self.customer)
        partly_paid = self.make_invoice("2023-01-31", 100.0, partner=self.customer)
        self.pay(partly_paid, 70.0, D("2023-01-31"))
        with freeze_time("2023-02-01"):
            self.run_job()
        self.assertEqual(
            (small | exact | big | partly_paid).mapped("reminder_state"),
            [False, "to_do", "to_do", False],
        )

    # ------------------------------------------------ languages, currencies

    def test_each_recipient_in_its_own_language_from_an_empty_context(self):
        self.step_1.auto_send = True
        eur = self.setup_other_currency("EUR")
        customers = {
            lang: self.make_customer(
                f"Customer {lang}", f"{lang.lower()}@example.com", lang
            )
            for lang in ("fr_FR", "en_US", "de_DE")
        }
        invoices = {
            lang: self.make_invoice(
                "2023-01-31", 1000.0, partner=customer, currency_id=eur.id
            )
            for lang, customer in customers.items()
        }
        with freeze_time("2023-02-01"):
            self.run_job()  # empty context, as the cron
        expected = {
            "fr_FR": ("Sauf erreur de notre part", "31/01/2023"),
            "en_US": ("Unless we are mistaken", "01/31/2023"),
            "de_DE": ("Unless we are mistaken", "31.01.2023"),
        }
        for lang, customer in customers.items():
            body = self.body_to(customer)
            sentence, due = expected[lang]
            with self.subTest(lang=lang):
                self.assertIn(sentence, body)
                self.assertIn(due, body)
                self.assertIn(format_amount(self.env, 1000.0, eur, lang), body)
                self.assertIn(invoices[lang].name, body)
        self.assertNotEqual(
            format_amount(self.env, 1000.0, eur, "fr_FR"),
            format_amount(self.env, 1000.0, eur, "de_DE"),
        )

    @freeze_time("2023-02-10")
    def test_foreign_currency_invoice_with_a_partial_payment(self):
        eur = self.setup_other_currency("EUR")
        invoice = self.make_invoice(
            "2023-01-31", 1000.0, partner=self.customer, currency_id=eur.id
        )
        self.pay(invoice, 250.0, D("2023-02-05"))
        self.run_job()
        self.sender._send(invoice)
        body = self.body_to(self.customer)
        self.assertIn(format_amount(self.env, 750.0, eur, "en_US"), body)
        self.assertRecordValues(
            invoice.reminder_history_ids,
            [
                {
                    "currency_id": eur.id,
                    "amount_residual": 750.0,
                    "amount_residual_company": 375.0,
                }
            ],
        )

    # ---------------------------------------------------------------- history

    def test_mark_as_done_is_kept_in_the_history(self):
        invoice = self.tagged_invoice()
        with freeze_time("2023-02-03"):
            invoice.action_reminder_mark_done()
        self.assertRecordValues(
            invoice.reminder_history_ids,
            [
                {
                    "channel": "manual",
                    "state": "done",
                    "step_id": self.step_1.id,
                    "done_date": D("2023-02-03"),
                    "user_id": self.env.user.id,
                }
            ],
        )

    def test_mark_as_done_while_a_mail_is_queued_is_refused(self):
        invoice = self.tagged_invoice()
        with freeze_time("2023-02-02"):
            self.sender._send(invoice)
            with self.assertRefused(UserError, "is on its way"):
                invoice.action_reminder_mark_done()

    def test_history_cannot_be_deleted_by_users(self):
        invoice = self.tagged_invoice()
        with freeze_time("2023-02-02"):
            invoice.action_reminder_mark_done()
        billing = self.env["res.users"].create(
            {
                "name": "Billing",
                "login": "billing_history",
                "groups_id": [
                    Command.set(self.env.ref("account.group_account_manager").ids)
                ],
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        row = invoice.reminder_history_ids.with_user(billing)
        self.assertEqual(row.step_id, self.step_1)  # readable
        with self.assertRaises(AccessError):
            row.unlink()
        with self.assertRaises(AccessError):
            row.write({"state": "failed"})

    # ------------------------------------------------ what happens to queued mails

    def test_queued_mail_is_cancelled_when_the_invoice_is_paid(self):
        invoice = self.tagged_invoice()
        with freeze_time("2023-02-02"):
            self.sender._send(invoice)
        history = invoice.reminder_history_ids
        mail = history.mail_id
        self.pay(invoice, 1000.0, D("2023-02-02"))
        with freeze_time("2023-02-03"):
            self.run_job()  # the tag goes, and the mail with it
            self.process_queue()
        self.assertEqual(history.state, "cancelled")
        self.assertIn("no longer needs a reminder", history.failure_reason)
        self.assertEqual(mail.state, "cancel")
        self.assertEqual(
            set(history.notification_ids.mapped("notification_status")), {"canceled"}
        )
        self.assertFalse(invoice.activity_ids, "nothing to follow up")

    @freeze_time("2023-03-10")
    def test_grouped_mail_cancelled_with_its_paid_invoice_the_other_is_sent_again(self):
        paid = self.make_invoice("2023-01-31", partner=self.customer)
        unpaid = self.make_invoice("2023-02-05", partner=self.customer)
        for invoice in paid | unpaid:
            self.set_level(invoice, self.step_1)
        self.sender._send(paid | unpaid)
        self.pay(paid, 1000.0, D("2023-03-10"))
        self.run_job()
        self.assertEqual(
            (paid | unpaid).reminder_history_ids.mapped("state"), ["cancelled"] * 2
        )
        self.assertEqual(unpaid.reminder_state, "to_do")
        result = self.sender._send(unpaid)
        self.assertEqual(result["mails"], 1)
        self.assertEqual(len(unpaid.reminder_history_ids), 2)

    @freeze_time("2023-02-02")
    def test_mail_delivered_by_a_retry_counts_as_sent(self):
        invoice = self.tagged_invoice(invoice_user_id=False)
        self.sender._send(invoice)
        history = invoice.reminder_history_ids
        self.process_queue_with_smtp_refusing()
        self.assertEqual(history.state, "failed")
        activity = history.activity_id
        self.assertTrue(activity)
        # Odoo's "Retry" on the failed mail.
        history.mail_id.mark_outgoing()
        self.process_queue()
        self.assertEqual(history.state, "sent")
        self.assertEqual(self.level(invoice), (self.step_1, "done"))
        self.assertFalse(activity.exists(), "the follow-up is marked done")

    @freeze_time("2023-02-02")
    def test_composer_must_keep_the_customer_among_the_recipients(self):
        invoice = self.tagged_invoice()
        action = invoice.action_reminder_send()
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        composer.partner_ids = self.salesperson.partner_id
        with self.assertRefused(UserError, "keep at least one of its contacts"):
            composer.action_send_mail()
        self.assertFalse(invoice.reminder_history_ids)

    @freeze_time("2023-03-10")
    def test_customer_owed_as_much_as_it_owes_is_not_reminded(self):
        invoice = self.make_invoice("2023-01-31", 500.0, partner=self.customer)
        self.set_level(invoice, self.step_1)
        self.init_payment(500.0, post=True, date=D("2023-03-01"), partner=self.customer)
        groups, __ = self.sender._prepare(invoice)
        self.assertIn("cover what is overdue", groups[0]["problem"])
        result = self.sender._send(invoice)
        self.assertEqual(result["mails"], 0)
        self.assertEqual(invoice.reminder_history_ids.state, "failed")
        self.assertFalse(self.messages_to(self.customer))

    @freeze_time("2023-02-02")
    def test_follow_up_goes_to_an_active_person_in_their_language(self):
        odoobot = self.env.ref("base.user_root")
        controller = self.env["res.users"].create(
            {"name": "Claire Contrôle", "login": "claire", "lang": "fr_FR"}
        )
        self.company.reminder_credit_controller_id = controller
        nobody = self.make_customer("Nobody", False)
        invoice = self.tagged_invoice(customer=nobody, invoice_user_id=odoobot.id)
        self.sender._send(invoice)
        activity = invoice.activity_ids
        self.assertEqual(activity.user_id, controller)
        self.assertEqual(activity.summary, "Relance non délivrée : Relance 1")

    @freeze_time("2023-03-10")
    def test_grouped_mail_names_every_invoice(self):
        invoices = self.make_invoice("2023-01-31", partner=self.customer) | (
            self.make_invoice("2023-02-05", partner=self.customer)
        )
        for invoice in invoices:
            self.set_level(invoice, self.step_1)
        self.sender._send(invoices)
        message = self.messages_to(self.customer)
        names = ", ".join(invoices.sorted("name").mapped("name"))
        self.assertEqual(
            message.subject, f"{self.company.name} - Payment reminder: invoices {names}"
        )
        self.assertIn("indicating the numbers of the invoices", message.body)
        mail = (
            self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
        )
        self.assertIn("Payment reminder", mail.body_html)  # the layout's header
        self.assertNotIn("Journal Entry", mail.body_html)

    @freeze_time("2023-03-10")
    def test_credit_notes_selected_are_left_out_with_a_reason(self):
        refund = self.make_invoice(
            "2023-01-31", partner=self.customer, move_type="out_refund"
        )
        __, left_out = self.sender._prepare(refund)
        self.assertEqual(left_out[refund], "not a customer invoice")
