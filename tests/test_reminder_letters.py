"""Letter and phone-call reminder steps."""

import html
import re
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import format_amount

from .common import ReminderCommon

D = date.fromisoformat


def text(content):
    """An HTML page as its text reads: no tags, entities decoded, every space a
    space."""
    if isinstance(content, bytes):
        content = content.decode()
    content = html.unescape(re.sub(r"<[^>]*>", "", str(content)))
    for space in ("\xa0", "\u202f"):
        content = content.replace(space, " ")
    return " ".join(content.split())


@tagged("post_install", "-at_install")
class TestReminderLetters(ReminderCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 4.15 % + 10 points = 14.15 %: 1,000 € 45 days late owes 17.45 €.
        cls.env.ref("account_invoice_reminder.reference_rate_2023_1").rate = 4.15
        cls.env.ref("account_invoice_reminder.reference_rate_2023_2").rate = 4.15
        cls.env["res.lang"]._activate_lang("fr_FR")
        # A French company: the law's indemnity is 40 €.
        cls.env.ref("base.EUR").active = True
        cls.company.write(
            {
                "currency_id": cls.env.ref("base.EUR").id,
                "country_id": cls.env.ref("base.fr").id,
                "email": "compta@company.example.com",
                "city": "Lyon",
                "street": "1 rue A",
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "is_company": True,
                "lang": "fr_FR",
                "email": "martin@example.com",
                "street": "12 rue des Lilas",
                "zip": "75011",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
                "phone": "+33 1 23 45 67 89",
                "mobile": "+33 6 12 34 56 78",
            }
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="sally",
            name="Sally Sales",
            groups="account.group_account_invoice",
            lang="en_US",
        )
        cls.controller = new_test_user(
            cls.env,
            login="carl",
            name="Carl Credit",
            groups="account.group_account_invoice",
            lang="fr_FR",
        )
        cls.company.reminder_credit_controller_id = cls.controller

    def tagged_invoice(self, customer=None, **extra):
        """1,000 € due 31/01/2023, tagged by the job on 17/03/2023 (45 days late)."""
        invoice = self.make_invoice(
            "2023-01-31", partner=customer or self.customer, **extra
        )
        self.run_job()
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        return invoice

    def eur(self, amount, lang="fr_FR"):
        return format_amount(self.env, amount, self.company.currency_id, lang)

    # ---------------------------------------------------------------- steps

    def test_default_steps_stay_emails(self):
        steps = self.step_1 | self.step_2 | self.step_3
        self.assertEqual(steps.mapped("channel"), ["email", "email", "email"])
        self.assertEqual(steps.mapped("formal_notice"), [False, False, False])
        step = self.Step.create({"name": "Courrier", "delay_days": 15})
        self.assertEqual(step.channel, "email")

    # ---------------------------------------------------------------- letters

    @freeze_time("2023-03-17")
    def test_formal_notice_letter_printed_from_the_invoice(self):
        self.step_1.write(
            {"channel": "letter", "formal_notice": True, "show_late_fees": True}
        )
        invoice = self.tagged_invoice()
        action = invoice.action_reminder_send()
        history = invoice.reminder_history_ids
        letter = history.letter_attachment_id
        self.assertEqual(
            action,
            {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{letter.id}?download=true",
                "target": "download",
            },
        )
        self.assertRecordValues(
            history,
            [
                {
                    "step_id": self.step_1.id,
                    "channel": "letter",
                    "state": "done",
                    "date": D("2023-03-17"),
                    "done_date": D("2023-03-17"),
                    "recipient_ids": self.customer.ids,
                    "mail_message_id": False,
                }
            ],
        )
        self.assertRecordValues(
            letter,
            [
                {
                    "res_model": "account.move",
                    "res_id": invoice.id,
                    "mimetype": "application/pdf",
                    "name": f"Formal notice - Boulangerie Martin - "
                    f"{invoice.name.replace('/', '-')}.pdf",
                }
            ],
        )
        # Printed is done: the next step counts from today.
        self.assertEqual(self.level(invoice), (self.step_1, "done"))
        self.assertEqual(invoice.reminder_last_date, D("2023-03-17"))
        note = invoice.message_ids.filtered(lambda m: letter in m.attachment_ids)
        self.assertEqual(len(note), 1)
        # No mail for a letter.
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)])
        )
        # The letter, in the customer's language (tests render it as HTML).
        page = text(letter.raw)
        for expected in (
            "Lettre recommandée avec accusé de réception",
            "Mise en demeure de payer",
            "Boulangerie Martin",
            "12 rue des Lilas",
            "75011 Paris",
            "Lyon, le 17/03/2023",
            f"Objet : Mise en demeure de payer - {invoice.name}",
            "Madame, Monsieur,",
            f"nous vous mettons en demeure de nous régler la somme de "
            f"{text(self.eur(1000.0))} sous huit jours à compter de la réception "
            "de ce courrier ; à défaut, nous engagerons sans autre avis une "
            "procédure de recouvrement, et vous serez en outre redevable de : "
            "pénalités de retard (article L441-10 du Code de commerce) et "
            "indemnité forfaitaire de 40 € pour frais de recouvrement "
            "(article D441-5).",
            # The invoice's line: number, date, due date, days late, overdue,
            # balance.
            f"{invoice.name} 31/01/2023 31/01/2023 45 {text(self.eur(1000.0))} "
            f"{text(self.eur(1000.0))}",
            # The penalties and indemnity of the late-fees table.
            f"{invoice.name} 45 14,15 % {text(self.eur(17.45))} {text(self.eur(40.0))}",
            "Veuillez agréer, Madame, Monsieur",
        ):
            self.assertIn(expected, page)
        self.assertNotIn("Dear Sir", page)
        # Printed once: the same step is not printed again.
        with self.assertRefused(UserError, "aucune relance"):
            invoice.with_context(lang="fr_FR").action_reminder_send()

    @freeze_time("2023-03-17")
    def test_plain_letter_without_late_fees(self):
        self.step_1.channel = "letter"
        invoice = self.tagged_invoice()
        invoice.action_reminder_send()
        page = text(invoice.reminder_history_ids.letter_attachment_id.raw)
        self.assertIn("Relance de paiement", page)
        self.assertIn(
            "Sauf erreur de notre part, les factures ci-dessous ne sont pas "
            "encore entièrement réglées.",
            page,
        )
        self.assertIn(text(self.eur(1000.0)), page)
        self.assertNotIn("Mise en demeure", page)
        self.assertNotIn("L441-10", page)

    @freeze_time("2023-03-17")
    def test_registered_mail_number_and_receipt(self):
        self.step_1.write({"channel": "letter", "formal_notice": True})
        invoice = self.tagged_invoice()
        invoice.action_reminder_send()
        history = invoice.reminder_history_ids
        billing = new_test_user(
            self.env, login="billy", groups="account.group_account_invoice"
        )
        receipt = self.env["ir.attachment"].create(
            {"name": "AR.pdf", "raw": b"%PDF-1.4 scan", "mimetype": "application/pdf"}
        )
        history.with_user(billing).write(
            {
                "registered_mail_number": "1A 234 567 8901 2",
                "receipt_attachment_ids": [Command.link(receipt.id)],
            }
        )
        self.assertEqual(history.registered_mail_number, "1A 234 567 8901 2")
        self.assertEqual(history.receipt_attachment_ids, receipt)
        # Nothing else of the history can be changed.
        with self.assertRefused(AccessError, "cannot be changed"):
            history.with_user(billing).write(
                {"state": "failed", "registered_mail_number": "2B"}
            )
        # The receipt uploaded from the form: Odoo checks it as a write on the row.
        scan = (
            self.env["ir.attachment"]
            .with_user(billing)
            .create(
                {
                    "name": "AR scan.pdf",
                    "raw": b"%PDF-1.4 scan",
                    "res_model": history._name,
                    "res_id": history.id,
                }
            )
        )
        history.with_user(billing).receipt_attachment_ids = [Command.link(scan.id)]
        self.assertEqual(history.receipt_attachment_ids, receipt | scan)

    def test_bulk_letters_one_per_customer_in_its_language(self):
        self.step_1.write({"channel": "letter", "show_late_fees": True})
        other = self.customer.copy({"name": "Cabinet Lefèvre", "lang": "en_US"})
        with freeze_time("2023-03-17"):
            first = self.make_invoice("2023-01-31", partner=self.customer)
            second = self.make_invoice("2023-01-31", partner=other)
            self.run_job()
            wizard = (
                self.env["account.reminder.send"]
                .with_context(
                    active_model="account.move", active_ids=(first | second).ids
                )
                .create({})
            )
            self.assertEqual(wizard.line_ids.mapped("channel"), ["letter", "letter"])
            self.assertFalse(any(wizard.line_ids.mapped("problem")))
            action = wizard.action_send()
        self.assertIn("2 reminder letter(s) printed", action["params"]["message"])
        french = first.reminder_history_ids.letter_attachment_id
        english = second.reminder_history_ids.letter_attachment_id
        self.assertEqual((french.res_id, english.res_id), (first.id, second.id))
        self.assertIn("Madame, Monsieur,", text(french.raw))
        self.assertNotIn("Cabinet Lefèvre", text(french.raw))
        self.assertIn("Dear Sir or Madam,", text(english.raw))
        self.assertIn("Penalties", text(english.raw))
        self.assertIn(text(self.eur(17.45, "en_US")), text(english.raw))
        self.assertEqual(self.level(first), (self.step_1, "done"))
        self.assertEqual(self.level(second), (self.step_1, "done"))
        # The screen downloads both letters at once, merged when asked.
        download = action["params"]["next"]
        self.assertEqual(
            download,
            {
                "type": "ir.actions.act_url",
                "url": "/account_invoice_reminder/letters?ids="
                f"{french.id},{english.id}",
                "target": "download",
            },
        )
        new_test_user(self.env, login="billy", groups="account.group_account_invoice")
        self.authenticate("billy", "billyxxx")
        response = self.url_open(download["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertEqual(response.content, french.raw + english.raw)
        # Not for who may not read the invoices.
        new_test_user(self.env, login="intern", groups="base.group_user")
        self.authenticate("intern", "internxx")
        self.assertEqual(self.url_open(download["url"]).status_code, 403)

    @freeze_time("2023-03-17")
    def test_a_billing_user_prints_a_letter(self):
        self.step_1.channel = "letter"
        invoice = self.tagged_invoice()
        billing = new_test_user(
            self.env, login="billy", groups="account.group_account_invoice"
        )
        action = invoice.with_user(billing).action_reminder_send()
        letter = invoice.reminder_history_ids.letter_attachment_id
        self.assertEqual(action["url"], f"/web/content/{letter.id}?download=true")
        # The user can download what the action points at.
        self.assertTrue(letter.with_user(billing).raw)
        self.assertEqual(invoice.reminder_history_ids.user_id, billing)
        self.assertEqual(self.level(invoice), (self.step_1, "done"))

    @freeze_time("2023-03-17")
    def test_a_letter_that_cannot_be_printed_fails_alone(self):
        self.step_1.channel = "letter"
        invoice = self.tagged_invoice()
        Report = type(self.env["ir.actions.report"])
        with patch.object(
            Report,
            "_pre_render_qweb_pdf",
            side_effect=UserError("Unable to find Wkhtmltopdf on this system."),
        ):
            result = self.env["account.reminder.sender"]._send(invoice)
        history = invoice.reminder_history_ids
        self.assertEqual(result["failed"], invoice)
        self.assertRecordValues(
            history,
            [
                {
                    "channel": "letter",
                    "state": "failed",
                    "failure_reason": "the letter could not be printed: Unable to "
                    "find Wkhtmltopdf on this system.",
                    "letter_attachment_id": False,
                }
            ],
        )
        self.assertEqual(history.activity_id.res_id, invoice.id)
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))

    @freeze_time("2023-03-17")
    def test_each_letter_prints_alone_and_fails_alone(self):
        self.step_1.channel = "letter"
        other = self.customer.copy({"name": "Quincaillerie Roux"})
        first = self.tagged_invoice()
        second = self.tagged_invoice(customer=other)
        Letter = type(self.env["account.reminder.letter"])
        render = Letter._render
        calls = []

        def render_one(letter, groups):
            calls.append([group["primary"] for group in groups])
            if groups[0]["primary"] == second:
                raise ValueError("Cannot read an empty file")
            return render(letter, groups)

        with patch.object(Letter, "_render", render_one):
            result = self.env["account.reminder.sender"]._send(first | second)
        self.assertEqual(calls, [[first], [second]])  # one wkhtmltopdf run each
        self.assertEqual(result["failed"], second)
        self.assertEqual(result["reminded"], first)
        self.assertEqual(self.level(first), (self.step_1, "done"))
        self.assertEqual(self.level(second), (self.step_1, "to_do"))
        self.assertRecordValues(
            second.reminder_history_ids,
            [
                {
                    "state": "failed",
                    "failure_reason": "the letter could not be printed: Cannot read "
                    "an empty file",
                }
            ],
        )
        self.assertTrue(first.reminder_history_ids.letter_attachment_id)

    # ---------------------------------------------------------------- phone

    @freeze_time("2023-03-17")
    def test_phone_call_for_the_salesperson_done_with_its_outcome(self):
        self.step_1.channel = "phone"
        invoice = self.tagged_invoice(invoice_user_id=self.salesperson.id)
        action = invoice.action_reminder_send()
        self.assertEqual(action["tag"], "display_notification")
        history = invoice.reminder_history_ids
        activity = history.activity_id
        self.assertRecordValues(
            activity,
            [
                {
                    "res_model": "account.move",
                    "res_id": invoice.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                    "user_id": self.salesperson.id,
                    "date_deadline": D("2023-03-17"),
                    "summary": "Reminder call: Boulangerie Martin (Reminder 1)",
                }
            ],
        )
        note = text(activity.note)
        self.assertIn("Call Boulangerie Martin about its overdue invoices.", note)
        self.assertIn("Boulangerie Martin: +33 1 23 45 67 89", note)
        self.assertIn("Boulangerie Martin: +33 6 12 34 56 78", note)
        amount = text(self.eur(1000.0, "en_US"))
        self.assertIn(
            f"{invoice.name}: {amount} overdue, 45 days late (due on 01/31/2023; "
            f"balance {amount})",
            note,
        )
        self.assertIn(f"Total overdue: {amount} (balance {amount})", note)
        self.assertRecordValues(
            history, [{"channel": "phone", "state": "to_do", "outcome": False}]
        )
        # Not done until the call is made.
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        with self.assertRefused(UserError, "mark its activity as done"):
            invoice.action_reminder_mark_done()
        with self.assertRefused(UserError, "this reminder was already sent"):
            invoice.action_reminder_send()
        activity.with_user(self.salesperson).action_feedback(
            feedback="Will pay on Friday by transfer."
        )
        self.assertFalse(activity.exists())
        self.assertRecordValues(
            history,
            [
                {
                    "state": "done",
                    "done_date": D("2023-03-17"),
                    "outcome": "Will pay on Friday by transfer.",
                }
            ],
        )
        self.assertEqual(self.level(invoice), (self.step_1, "done"))
        self.assertTrue(
            invoice.message_ids.filtered(
                lambda m: (
                    "Reminder step Reminder 1 done by phone." in m.body
                    and "Outcome: Will pay on Friday by transfer." in m.body
                )
            )
        )

    def test_daily_job_makes_the_call_activity_for_the_credit_controller(self):
        self.step_1.write({"channel": "phone", "auto_send": True})
        invoice = self.make_invoice(
            "2023-01-31", partner=self.customer, invoice_user_id=False
        )
        with freeze_time("2023-03-17"):
            stats = self.run_job()
        self.assertEqual(stats["mails"], 0)
        history = invoice.reminder_history_ids
        self.assertRecordValues(history, [{"channel": "phone", "state": "to_do"}])
        # In the credit controller's language.
        self.assertRecordValues(
            history.activity_id,
            [
                {
                    "user_id": self.controller.id,
                    "summary": "Appel de relance : Boulangerie Martin (Relance 1)",
                }
            ],
        )
        amount = text(self.eur(1000.0))
        self.assertIn(
            f"Total en retard : {amount} (solde {amount})",
            text(history.activity_id.note),
        )
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)]),
            "no mail for a phone step",
        )
        # The job does not plan the call twice.
        with freeze_time("2023-03-18"):
            self.run_job()
        self.assertEqual(len(invoice.reminder_history_ids), 1)

    @freeze_time("2023-03-17")
    def test_a_cancelled_call_can_be_planned_again(self):
        self.step_1.channel = "phone"
        invoice = self.tagged_invoice(invoice_user_id=self.salesperson.id)
        invoice.action_reminder_send()
        first = invoice.reminder_history_ids
        first.activity_id.unlink()
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        invoice.action_reminder_send()
        second = invoice.reminder_history_ids - first
        self.assertRecordValues(second, [{"state": "to_do"}])
        self.assertEqual(second.activity_id.user_id, self.salesperson)

    @freeze_time("2023-03-17")
    def test_a_paid_invoice_cancels_its_call(self):
        self.step_1.channel = "phone"
        invoice = self.tagged_invoice(invoice_user_id=self.salesperson.id)
        invoice.action_reminder_send()
        history = invoice.reminder_history_ids
        activity = history.activity_id
        self.env["account.reminder.history"]._reminder_cancel_queued(invoice)
        self.assertEqual(history.state, "cancelled")
        self.assertIn("no longer needs a reminder", history.failure_reason)
        self.assertFalse(activity.exists())

    # ---------------------------------------------------------------- email

    @freeze_time("2023-03-17")
    def test_an_email_step_still_sends_a_mail(self):
        invoice = self.tagged_invoice()
        result = self.env["account.reminder.sender"]._send(invoice)
        self.assertEqual(result["mails"], 1)
        self.assertFalse(result["letters"])
        self.assertFalse(result["calls"])
        self.assertRecordValues(
            invoice.reminder_history_ids,
            [{"channel": "email", "state": "queued", "letter_attachment_id": False}],
        )
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
