"""What accountants do in the French web client, in a real browser, and what it left."""

import unittest
from datetime import date

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from .common import ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderTour(ReminderCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        french_user = {
            "company_id": cls.company.id,
            "company_ids": [(6, 0, cls.company.ids)],
            "lang": "fr_FR",
            "tz": "Europe/Paris",
        }
        cls.manager = new_test_user(
            cls.env,
            "rem_tour_manager",
            groups="account.group_account_manager",
            name="Martine Comptable",
            **french_user,
        )
        cls.billing = new_test_user(
            cls.env,
            "rem_tour_billing",
            groups="account.group_account_invoice",
            name="Bernard Facturation",
            email="bernard@company.example.com",
            **french_user,
        )
        cls.company.email = "compta@company.example.com"
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "email": "compta@boulangerie-martin.example.com",
                "lang": "fr_FR",
                "is_company": True,
            }
        )

    def start_tour(self, url_path, tour_name, **kwargs):
        # Odoo skips a browser test when it cannot start the browser: here that is a
        # failure, or the tours would pass without having run.
        try:
            return super().start_tour(url_path, tour_name, **kwargs)
        except unittest.SkipTest as skipped:
            self.fail(f"the browser could not run the tour {tour_name}: {skipped}")

    def test_manager_creates_and_reorders_a_step(self):
        steps_before = self.Step.search([("company_id", "=", self.company.id)])
        self.assertEqual(steps_before, self.step_1 | self.step_2 | self.step_3)
        self.assertEqual(
            steps_before.mapped("sequence"), [10, 20, 30], "the tour starts from these"
        )

        self.start_tour(
            "/odoo", "account_invoice_reminder_step_tour", login=self.manager.login
        )

        steps = self.Step.search([("company_id", "=", self.company.id)])
        new = steps - steps_before
        self.assertRecordValues(
            new,
            [
                {
                    "name": "Relance amiable",
                    "mail_template_id": self.env.ref(
                        "account_invoice_reminder.mail_template_reminder_1"
                    ).id,
                    "trigger_basis": "previous_reminder",
                    "delay_days": 10,
                    "auto_send": True,
                    "active": True,
                    "create_uid": self.manager.id,
                }
            ],
        )
        # Typed in French: the name exists in French, and English falls back to it.
        self.assertEqual(new.with_context(lang="fr_FR").name, "Relance amiable")
        self.assertEqual(steps, new | self.step_1 | self.step_2 | self.step_3)
        # The web client numbers the whole list again from its lowest sequence.
        self.assertEqual(
            [(step.name, step.sequence) for step in steps],
            [
                ("Relance amiable", 10),
                ("Reminder 1", 11),
                ("Reminder 2", 12),
                ("Reminder 3", 13),
            ],
        )

    def test_billing_user_sends_a_reminder(self):
        invoice = self.make_invoice("2023-01-31", amount=1200.0, partner=self.customer)
        with freeze_time("2023-02-01"):
            self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertEqual(invoice.reminder_tag, "to_remind")
        Mail = self.env["mail.mail"].sudo()
        last_mail = Mail.search([], order="id desc", limit=1).id or 0

        # The server's clock only: the browser's is left alone, and nothing the tour
        # checks depends on it. tick=True keeps the tour's timeouts running.
        with freeze_time("2023-02-02 09:00:00", tick=True):
            self.start_tour(
                "/odoo", "account_invoice_reminder_send_tour", login=self.billing.login
            )

        history = invoice.reminder_history_ids
        message = invoice.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1, message.mapped("body"))
        self.assertIn("Sauf erreur de notre part", message.body)
        # From the company's address, not the user's: the customer answers the
        # accounting department.
        self.assertEqual(message.author_id, self.company.partner_id)
        self.assertIn("compta@company.example.com", message.email_from)
        self.assertRecordValues(
            history,
            [
                {
                    "step_id": self.step_1.id,
                    "channel": "email",
                    "state": "queued",
                    "date": date(2023, 2, 2),
                    "user_id": self.billing.id,
                    "email_to": "compta@boulangerie-martin.example.com",
                    "mail_message_id": message.id,
                    "amount_overdue": 1200.0,
                }
            ],
        )
        mails = Mail.search([("id", ">", last_mail)])
        self.assertEqual(len(mails), 1, mails.mapped("subject"))
        self.assertEqual(mails.mail_message_id, message)
        self.assertEqual(mails.state, "outgoing", "queued, never sent right away")
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertIn("Rappel de paiement", mails.subject)
        # Queued is not sent: the invoice stays to remind until the mail leaves.
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))

        with freeze_time("2023-02-02 09:05:00"):
            mails.send()
            self.commit()
        self.assertEqual(history.state, "sent")
        self.assertEqual(self.level(invoice), (self.step_1, "done"))
        self.assertEqual(invoice.reminder_last_date, date(2023, 2, 2))
