"""French first: the labels accountants see, the default steps and the templates."""

import os

import polib
from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged
from odoo.tools import format_amount
from odoo.tools.translate import TranslationModuleReader

from .common import ReminderCommon

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tagged("post_install", "-at_install")
class TestReminderFrench(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fr = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def test_french_is_installed_for_these_tests(self):
        self.assertIn(
            "fr_FR", [code for code, __ in self.env["res.lang"].get_installed()]
        )

    def test_step_labels(self):
        fields = self.fr["account.reminder.step"].fields_get(
            [
                "name",
                "sequence",
                "mail_template_id",
                "trigger_basis",
                "delay_days",
                "active",
            ]
        )
        self.assertEqual(
            {name: f["string"] for name, f in fields.items()},
            {
                "name": "Nom",
                "sequence": "Séquence",
                "mail_template_id": "Modèle d'email",
                "trigger_basis": "Date de déclenchement",
                "delay_days": "Nombre de jours après la date de déclenchement",
                "active": "Actif",
            },
        )
        self.assertEqual(
            fields["trigger_basis"]["selection"],
            [
                ("due_date", "Après l'échéance de la facture"),
                ("previous_reminder", "Après la relance précédente"),
                ("before_due_date", "Avant l'échéance de la facture"),
            ],
        )

    def test_invoice_labels(self):
        fields = self.fr["account.move"].fields_get(
            ["reminder_step_id", "reminder_state", "reminder_tag", "reminder_last_date"]
        )
        self.assertEqual(fields["reminder_step_id"]["string"], "Niveau de relance")
        self.assertEqual(
            fields["reminder_state"]["selection"],
            [("to_do", "À faire"), ("done", "Fait")],
        )
        self.assertEqual(
            fields["reminder_tag"]["selection"],
            [
                ("to_remind", "À relancer"),
                ("litigation", "Contentieux"),
                ("courtesy", "Rappel de courtoisie"),
            ],
        )
        self.assertEqual(
            fields["reminder_last_date"]["string"], "Dernière relance effectuée le"
        )

    def test_menu_action_and_screens(self):
        action = self.fr.ref("account_invoice_reminder.account_reminder_step_action")
        menu = self.fr.ref("account_invoice_reminder.account_reminder_step_menu")
        self.assertEqual(action.name, "Étapes de relance facture")
        self.assertEqual(menu.name, "Étapes de relance facture")
        self.assertEqual(
            self.fr["ir.model"]._get("account.reminder.step").name,
            "Étape de relance facture",
        )
        Move = self.fr["account.move"]
        form = Move.get_view(self.env.ref("account.view_move_form").id)["arch"]
        button = etree.fromstring(form).find(
            ".//button[@name='action_reminder_mark_done']"
        )
        self.assertEqual(button.get("string"), "Marquer comme fait")
        search = etree.fromstring(
            Move.get_view(self.env.ref("account.view_account_invoice_filter").id)[
                "arch"
            ]
        )
        self.assertEqual(
            search.find(".//filter[@name='reminder_to_remind']").get("string"),
            "À relancer",
        )
        self.assertEqual(
            search.find(".//filter[@name='group_by_reminder_step']").get("string"),
            "Niveau de relance",
        )
        step_list = etree.fromstring(
            self.fr["account.reminder.step"].get_view(view_type="list")["arch"]
        )
        self.assertEqual(step_list.get("string"), "Étapes de relance facture")

    def test_default_steps_and_templates_in_french(self):
        steps = self.fr["account.reminder.step"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(steps.mapped("name"), ["Relance 1", "Relance 2", "Relance 3"])
        self.assertEqual(
            steps.mapped("mail_template_id.name"),
            [
                "Facture - Première relance",
                "Facture - Seconde relance",
                "Facture - Troisième relance",
            ],
        )
        # English stays the source.
        self.assertEqual(
            steps.with_context(lang="en_US").mapped("name"),
            ["Reminder 1", "Reminder 2", "Reminder 3"],
        )

    def test_language_loaded_later_reaches_default_steps(self):
        renamed = self.step_3
        renamed.with_context(lang="fr_FR").name = "Mise en demeure"
        # As if French had not been there when the steps were created.
        for step in self.step_1 | self.step_2:
            step.update_field_translations("name", {"fr_FR": False})
        self.assertEqual(self.step_1.with_context(lang="fr_FR").name, "Reminder 1")
        self.env["ir.module.module"]._load_module_terms(
            ["account_invoice_reminder"], ["fr_FR"]
        )
        self.assertEqual(
            (self.step_1 | self.step_2 | self.step_3)
            .with_context(lang="fr_FR")
            .mapped("name"),
            ["Relance 1", "Relance 2", "Mise en demeure"],
        )

    @freeze_time("2023-02-20")
    def test_french_reminder_mail(self):
        invoice = self.partly_paid_invoice("fr_FR")
        template = self.step_1.mail_template_id
        body = self.render(template, invoice)
        subject = self.render(template, invoice, "subject")
        self.assertEqual(
            subject,
            f"{self.company.name} - Rappel de paiement : facture {invoice.name}",
        )
        self.assertIn("Bonjour partner_a,", body)
        self.assertIn(
            f"Sauf erreur de notre part, notre facture <strong>{invoice.name}</strong>"
            " du 31/01/2023",
            body,
        )
        self.assertIn(
            "Son règlement était attendu le 31/01/2023, il y a 20 jours", body
        )
        self.assertIn(
            format_amount(self.env, 1000.0, invoice.currency_id, "fr_FR"), body
        )
        self.assertIn("Cordialement,", body)
        third = self.render(self.step_3.mail_template_id, invoice)
        self.assertIn("pénalités de retard", third)
        self.assertNotIn("Dear", body + third)

    def test_mark_done_message_in_french(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
            invoice.with_context(lang="fr_FR").action_reminder_mark_done()
        self.assertIn(
            "Étape de relance Relance 1 marquée comme faite.",
            invoice.message_ids[0].body,
        )

    def test_pot_holds_every_term_of_the_code(self):
        # A term added, or a template reworded (or only re-indented by the XML
        # formatter), without "make i18n" is missing from fr.po although the test
        # below passes: French users would read English.
        reader = TranslationModuleReader(
            self.env.cr, modules=["account_invoice_reminder"], lang="fr_FR"
        )
        exported = {row[4] for row in reader}
        pot = {
            e.msgid
            for e in polib.pofile(os.path.join(I18N, "account_invoice_reminder.pot"))
        }
        self.assertGreaterEqual(len(exported), 60)
        self.assertEqual(
            sorted(term[:80] for term in exported - pot),
            [],
            "terms of the code missing from the .pot: run make i18n",
        )

    def test_french_translation_is_complete(self):
        pot = polib.pofile(os.path.join(I18N, "account_invoice_reminder.pot"))
        po = polib.pofile(os.path.join(I18N, "fr.po"))
        translated = {e.msgid: e for e in po if e.msgstr and "fuzzy" not in e.flags}
        missing = [e.msgid[:80] for e in pot if e.msgid not in translated]
        self.assertEqual(
            missing, [], "terms of the .pot missing, empty or fuzzy in fr.po"
        )
        self.assertGreaterEqual(len(pot), 60)
        self.assertFalse(os.path.exists(os.path.join(I18N, "en.po")))
