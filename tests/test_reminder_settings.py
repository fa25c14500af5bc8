"""The company's reminder settings in Settings > Invoicing."""

from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderSettings(ReminderCommon):
    def save_settings(self, **values):
        settings = self.env["res.config.settings"].create(values)
        settings.execute()
        return settings

    def test_settings_block_shows_every_setting(self):
        arch = etree.fromstring(
            self.env["res.config.settings"].get_view(view_type="form")["arch"]
        )
        block = arch.find(".//block[@id='reminder_settings']")
        self.assertIsNotNone(block)
        self.assertEqual(
            [field.get("name") for field in block.iter("field")],
            [
                "reminder_group_per_customer",
                "reminder_min_amount",
                "reminder_credit_controller_id",
                "reminder_auto_send",
                "reminder_tz",
                "reminder_today",
                "reminder_penalty_rule",
                "reminder_penalty_points",
                "reminder_public_penalty_points",
                "reminder_penalty_rate",
                "reminder_indemnity_amount",
                "reminder_doubtful_account_id",
            ],
        )
        self.assertEqual(
            [button.get("name") for button in block.iter("button")],
            [
                str(self.env.ref(f"account_invoice_reminder.{action}").id)
                for action in (
                    "account_reminder_reference_rate_action",
                    "account_reminder_step_action",
                )
            ],
        )

    def test_settings_are_saved_on_the_company(self):
        controller = self.env.ref("base.user_admin")
        self.save_settings(
            reminder_group_per_customer=False,
            reminder_min_amount=25.0,
            reminder_credit_controller_id=controller.id,
            reminder_auto_send=True,
            reminder_tz="Europe/Paris",
        )
        self.assertRecordValues(
            self.company,
            [
                {
                    "reminder_group_per_customer": False,
                    "reminder_min_amount": 25.0,
                    "reminder_credit_controller_id": controller.id,
                    "reminder_auto_send": True,
                    "reminder_tz": "Europe/Paris",
                }
            ],
        )
        # Read back by a new settings screen.
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.reminder_tz, "Europe/Paris")
        self.assertTrue(settings.reminder_auto_send)

    def test_new_steps_take_the_default_of_send_automatically(self):
        self.save_settings(reminder_auto_send=True)
        new = self.Step.create({"name": "Relance 4", "delay_days": 15})
        self.assertTrue(new.auto_send)
        explicit = self.Step.create(
            {"name": "Relance 5", "delay_days": 15, "auto_send": False}
        )
        self.assertFalse(explicit.auto_send)
        # Existing steps keep theirs.
        self.assertEqual(
            (self.step_1 | self.step_2 | self.step_3).mapped("auto_send"),
            [False, False, False],
        )
        # A step created for another company follows that company's setting.
        other = self.setup_other_company()["company"]
        self.assertFalse(other.reminder_auto_send)
        elsewhere = self.Step.create(
            {"name": "Relance", "delay_days": 0, "company_id": other.id}
        )
        self.assertFalse(elsewhere.auto_send)

    def test_time_zone_of_the_settings_decides_today(self):
        self.step_1.delay_days = 8
        invoice = self.make_invoice("2023-01-31")
        # The company's own time zone is UTC (common setup); the setting wins.
        self.save_settings(reminder_tz="Pacific/Auckland")  # UTC+13 in February
        with freeze_time("2023-02-07 10:30:00"):  # 07/02 23:30 in Auckland
            self.assertEqual(self.company._reminder_today(), date(2023, 2, 7))
            self.run_job()
        self.assertFalse(invoice.reminder_state)
        with freeze_time("2023-02-07 11:30:00"):  # 08/02 00:30 in Auckland
            self.assertEqual(self.company._reminder_today(), date(2023, 2, 8))
            self.run_job()
        self.assertEqual(invoice.reminder_state, "to_do")

    def test_empty_time_zone_keeps_the_default_rule(self):
        self.company.partner_id.tz = False
        self.company.country_id = self.env.ref("base.fr")
        self.save_settings(reminder_tz=False)
        self.assertEqual(self.company._reminder_timezone().zone, "Europe/Paris")
        self.company.partner_id.tz = "America/Guadeloupe"
        self.assertEqual(self.company._reminder_timezone().zone, "America/Guadeloupe")

    @freeze_time("2023-02-07 23:30:00")
    def test_settings_show_today_in_the_chosen_time_zone(self):
        form = Form(self.env["res.config.settings"])
        self.assertEqual(form.reminder_today, date(2023, 2, 7))  # UTC
        # Unsaved choice: the screen shows the date it would give.
        form.reminder_tz = "Europe/Paris"
        self.assertEqual(form.reminder_today, date(2023, 2, 8))
        self.assertFalse(self.company.reminder_tz)
        form.reminder_tz = "America/Los_Angeles"
        self.assertEqual(form.reminder_today, date(2023, 2, 7))

    @freeze_time("2023-02-07")
    def test_changing_the_time_zone_asks_for_a_full_check(self):
        self.run_job()
        self.assertEqual(self.company.reminder_full_scan_date, date(2023, 2, 7))
        self.save_settings(reminder_group_per_customer=False)
        self.assertEqual(self.company.reminder_full_scan_date, date(2023, 2, 7))
        self.save_settings(reminder_tz="Europe/Paris")
        self.assertFalse(self.company.reminder_full_scan_date)

    def test_negative_figures_are_refused(self):
        for name in (
            "reminder_min_amount",
            "reminder_penalty_points",
            "reminder_public_penalty_points",
            "reminder_penalty_rate",
            "reminder_indemnity_amount",
        ):
            with self.assertRefused(ValidationError, "cannot be negative"):
                self.save_settings(**{name: -100.0})
        self.assertRecordValues(
            self.company,
            [
                {
                    "reminder_min_amount": 0.0,
                    "reminder_penalty_points": 10.0,
                    "reminder_indemnity_amount": 40.0,
                }
            ],
        )
        fr = self.company.with_context(lang="fr_FR")
        with self.assertRefused(
            ValidationError,
            "Le nombre de points ajoutés au taux de référence de "
            f"{self.company.name} ne peut pas être négatif.",
        ):
            fr.reminder_penalty_points = -1
        with self.assertRefused(ValidationError, "ne peut pas être négatif"):
            self.partner_a.with_context(lang="fr_FR").reminder_penalty_rate = -5
