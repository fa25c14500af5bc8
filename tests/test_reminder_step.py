"""Reminder steps: defaults, validation, deletion, templates, screens."""

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderStep(ReminderCommon):
    def _steps_values(self, company):
        steps = (
            self.Step.sudo()
            .with_context(lang="en_US")
            .search([("company_id", "=", company.id)])
        )
        return [
            (
                s.name,
                s.sequence,
                s.mail_template_id,
                s.trigger_basis,
                s.delay_days,
                s.active,
            )
            for s in steps
        ]

    def test_default_steps_in_every_company(self):
        ref = self.env.ref
        expected = [
            (
                "Reminder 1",
                10,
                ref("account_invoice_reminder.mail_template_reminder_1"),
                "due_date",
                0,
                True,
            ),
            (
                "Reminder 2",
                20,
                ref("account_invoice_reminder.mail_template_reminder_2"),
                "previous_reminder",
                30,
                True,
            ),
            (
                "Reminder 3",
                30,
                ref("account_invoice_reminder.mail_template_reminder_3"),
                "previous_reminder",
                30,
                True,
            ),
        ]
        # The company of the database, present when the add-on was installed...
        self.assertEqual(
            self._steps_values(self.env.ref("base.main_company")), expected
        )
        # ... and companies created later.
        self.assertEqual(self._steps_values(self.company), expected)
        new_company = self.env["res.company"].create({"name": "Created later"})
        self.assertEqual(self._steps_values(new_company), expected)

    def test_default_templates(self):
        for number in (1, 2, 3):
            template = self.env.ref(
                f"account_invoice_reminder.mail_template_reminder_{number}"
            )
            with self.subTest(template=template.name):
                self.assertEqual(template.model, "account.move")
                self.assertEqual(
                    template.lang,
                    "{{ object._reminder_recipient().lang or object.partner_id.lang }}",
                )
                self.assertEqual(
                    template.partner_to, "{{ object._reminder_recipient().id or '' }}"
                )
                data = self.env["ir.model.data"].search(
                    [
                        ("module", "=", "account_invoice_reminder"),
                        ("name", "=", f"mail_template_reminder_{number}"),
                    ]
                )
                self.assertTrue(
                    data.noupdate, "an upgrade must keep the user's changes"
                )

    @freeze_time("2023-02-20")
    def test_template_renders_the_invoice_facts(self):
        invoice = self.partly_paid_invoice("en_US")
        template = self.step_1.mail_template_id
        body = self.render(template, invoice)
        subject = self.render(template, invoice, "subject")
        self.assertIn(invoice.name, subject)
        self.assertIn(invoice.name, body)
        self.assertIn("01/31/2023", body)  # invoice date and due date
        self.assertIn("20 days ago", body)
        still_due = format_amount(self.env, 1000.0, invoice.currency_id, "en_US")
        self.assertIn(f"<strong>{still_due}</strong> remain unpaid.", body)
        self.assertNotIn(
            format_amount(self.env, 1200.0, invoice.currency_id, "en_US"), body
        )
        self.assertIn(self.company.name, body)
        escalation = [
            self.render(step.mail_template_id, invoice)
            for step in self.step_2 | self.step_3
        ]
        self.assertIn("Despite our previous reminder", escalation[0])
        self.assertIn("within 8 days", escalation[0])
        self.assertIn("late-payment penalties", escalation[1])

    @freeze_time("2023-02-15")
    def test_template_tells_overdue_from_not_yet_due(self):
        self.partner_a.lang = "en_US"
        invoice = self.make_installment_invoice()
        self.assertEqual(invoice.reminder_amount_overdue, 300.0)
        body = self.render(self.step_1.mail_template_id, invoice)
        overdue, balance = (
            format_amount(self.env, value, invoice.currency_id, "en_US")
            for value in (300.0, 1000.0)
        )
        self.assertIn(
            f"<strong>{overdue}</strong> remain unpaid, out of a balance of {balance}.",
            body,
        )

    def test_overdue_figures_only_on_invoices_that_owe_money(self):
        draft = self.make_invoice("2023-01-31", post=False)
        refund = self.make_invoice("2023-01-31", move_type="out_refund")
        with freeze_time("2023-03-01"):
            for move in draft | refund:
                self.assertFalse(move.reminder_due_date)
                self.assertEqual(move.reminder_days_overdue, 0)
                self.assertEqual(move.reminder_amount_overdue, 0.0)

    # ------------------------------------------------------------- bad input

    def test_negative_days_are_refused(self):
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.step_2.delay_days = -1
        with self.assertRaises(ValidationError):
            self.Step.create({"name": "Late", "delay_days": -5})
        with self.assertRefused(ValidationError, "cannot exceed 3650"):
            self.step_2.delay_days = 10**9
        self.step_2.invalidate_recordset()
        self.assertEqual(self.step_2.delay_days, 30)  # nothing lost
        self.assertFalse(self.Step.search([("name", "=", "Late")]))

    def test_import_with_wrong_trigger_date_or_days_is_refused(self):
        fields = ["name", "sequence", "trigger_basis", "delay_days"]
        before = self.Step.search_count([])
        for row, error in (
            (["Relance 4", "40", "after_payment", "30"], "after_payment"),
            (["Relance 4", "40", "due_date", "thirty"], "thirty"),
            (["Relance 4", "40", "due_date", "-3"], "cannot be negative"),
        ):
            with self.subTest(row=row):
                result = self.Step.load(fields, [row])
                self.assertFalse(result["ids"])
                messages = " ".join(m["message"] for m in result["messages"])
                self.assertIn(error, messages)
                self.assertEqual(
                    {m["type"] for m in result["messages"]}, {"error"}, messages
                )
        # A good row goes in: the refusals were about the values only.
        result = self.Step.load(fields, [["Relance 4", "40", "due_date", "60"]])
        self.assertEqual(len(result["ids"]), 1, result["messages"])
        self.assertEqual(self.Step.search_count([]), before + 1)

    def test_template_of_another_model_is_refused(self):
        partner_template = self.env["mail.template"].create(
            {
                "name": "Partner mail",
                "model_id": self.env.ref("base.model_res_partner").id,
            }
        )
        first = self.step_1.mail_template_id
        with self.assertRefused(
            ValidationError, "needs a template that applies to invoices"
        ):
            self.step_1.mail_template_id = partner_template
        self.step_1.invalidate_recordset()
        self.assertEqual(self.step_1.mail_template_id, first)

    def test_template_of_a_step_keeps_applying_to_invoices(self):
        template = self.step_1.mail_template_id
        with self.assertRefused(ValidationError, "must keep applying to invoices"):
            template.model_id = self.env.ref("base.model_res_partner")
        template.invalidate_recordset()
        self.assertEqual(template.model, "account.move")

    def test_template_of_a_step_cannot_be_deleted(self):
        template = self.step_1.mail_template_id
        with self.assertRefused(UserError, "choose another template on the step"):
            template.unlink()
        self.assertTrue(template.exists())
        # Once no active step uses it, it can go; archived steps lose it.
        other = self.env["mail.template"].create(
            {"name": "Other", "model_id": self.env.ref("account.model_account_move").id}
        )
        # Every company's default steps share the template.
        self.Step.sudo().search([("mail_template_id", "=", template.id)]).write(
            {"mail_template_id": other.id}
        )
        self.step_1.mail_template_id = template
        self.step_1.action_archive()
        template.unlink()
        self.assertFalse(self.step_1.mail_template_id)

    def test_used_step_cannot_move_to_another_company(self):
        other = self.setup_other_company()["company"]
        self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
        with self.assertRefused(UserError, "cannot move to another company"):
            self.step_1.company_id = other
        self.assertEqual(self.step_1.company_id, self.company)
        unused = self.Step.create({"name": "Unused", "sequence": 50})
        unused.company_id = other
        self.assertEqual(unused.company_id, other)

    def test_step_without_name_is_refused(self):
        with self.assertRefused(ValidationError, "must have a name"):
            self.Step.create({"trigger_basis": "due_date", "delay_days": 3})
        with self.assertRefused(ValidationError, "must have a name"):
            self.step_1.name = "   "
        self.step_1.invalidate_recordset()
        self.assertEqual(self.step_1.with_context(lang="en_US").name, "Reminder 1")

    def test_deleting_a_used_step_suggests_archiving(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
        with self.assertRefused(UserError, "Archive it instead"):
            self.step_1.unlink()
        self.assertTrue(self.step_1.exists())
        self.assertEqual(invoice.reminder_step_id, self.step_1)

    def test_deleting_a_step_done_in_a_cycle_is_refused(self):
        invoice = self.make_invoice("2023-01-31")
        with freeze_time("2023-02-01"):
            self.run_job()
            invoice.action_reminder_mark_done()
        with freeze_time("2023-03-03"):
            self.run_job()
        self.assertEqual(invoice.reminder_step_id, self.step_2)
        with self.assertRaises(UserError):
            self.step_1.unlink()

    def test_unused_step_can_be_deleted(self):
        step = self.Step.create({"name": "Extra", "sequence": 40, "delay_days": 15})
        step.unlink()
        self.assertFalse(step.exists())

    def test_a_new_step_goes_last(self):
        self.step_3.active = False  # archived steps count: it may come back
        step = self.Step.create({"name": "Mise en demeure", "delay_days": 15})
        self.assertEqual(step.sequence, 40)
        self.assertEqual(
            self.Step.with_context(active_test=False)
            .search([("company_id", "=", self.company.id)])
            .mapped("name"),
            ["Reminder 1", "Reminder 2", "Reminder 3", "Mise en demeure"],
        )
        # The first step of a company without any.
        other = self.setup_other_company()["company"]
        self.Step.search([("company_id", "=", other.id)]).unlink()
        first = self.Step.with_company(other).create({"name": "Relance"})
        self.assertEqual((first.company_id, first.sequence), (other, 10))

    def test_equal_sequences_order_by_id(self):
        late = self.Step.create({"name": "Same sequence", "sequence": 10})
        steps = self.Step.search([("company_id", "=", self.company.id)])
        self.assertEqual(
            steps.ids, [self.step_1.id, late.id, self.step_2.id, self.step_3.id]
        )

    # ------------------------------------------------------------- screens

    def test_menu_next_to_payment_terms_for_managers(self):
        menu = self.env.ref("account_invoice_reminder.account_reminder_step_menu")
        self.assertEqual(menu.parent_id, self.env.ref("account.account_invoicing_menu"))
        self.assertEqual(menu.groups_id, self.env.ref("account.group_account_manager"))
        self.assertEqual(menu.action.res_model, "account.reminder.step")
        self.assertEqual(menu.with_context(lang="en_US").name, "Invoice Reminder Steps")

    def test_step_views(self):
        arch = etree.fromstring(self.Step.get_view(view_type="list")["arch"])
        self.assertEqual(
            [
                f.get("name")
                for f in arch.iter("field")
                if f.get("name") != "company_id"
            ],
            [
                "sequence",
                "name",
                "channel",
                "mail_template_id",
                "trigger_basis",
                "delay_days",
                "auto_send",
                "active",
            ],
        )
        self.assertEqual(arch.find("field").get("widget"), "handle")
        form = etree.fromstring(self.Step.get_view(view_type="form")["arch"])
        left, right = form.findall(".//sheet/group/group")
        self.assertEqual(
            [f.get("name") for f in left.iter("field")],
            ["name", "sequence", "channel", "mail_template_id", "formal_notice"],
        )
        self.assertEqual(
            [f.get("name") for f in right.iter("field")][:3],
            ["trigger_basis", "delay_days", "active"],
        )

    def test_invoice_views_show_the_reminder(self):
        Move = self.env["account.move"]
        form = etree.fromstring(
            Move.get_view(self.env.ref("account.view_move_form").id)["arch"]
        )
        tab = form.find(".//page[@id='other_tab']")
        self.assertIsNotNone(tab.find(".//field[@name='reminder_step_id']"))
        self.assertIsNotNone(tab.find(".//field[@name='reminder_state']"))
        self.assertIsNotNone(tab.find(".//field[@name='reminder_last_date']"))
        self.assertIsNotNone(tab.find(".//button[@name='action_reminder_mark_done']"))
        self.assertIsNotNone(form.find(".//field[@name='reminder_tag']"))

        listing = etree.fromstring(
            Move.get_view(self.env.ref("account.view_out_invoice_tree").id)["arch"]
        )
        optional = {
            f.get("name"): f.get("optional")
            for f in listing.iter("field")
            if f.get("name", "").startswith("reminder_")
        }
        self.assertEqual(optional["reminder_tag"], "show")
        self.assertEqual(optional["reminder_step_id"], "hide")
        self.assertEqual(optional["reminder_state"], "hide")

        search = etree.fromstring(
            Move.get_view(self.env.ref("account.view_account_invoice_filter").id)[
                "arch"
            ]
        )
        to_remind = search.find(".//filter[@name='reminder_to_remind']")
        self.assertEqual(to_remind.get("domain"), "[('reminder_state', '=', 'to_do')]")
        group_by = search.find(".//filter[@name='group_by_reminder_step']")
        self.assertIn("reminder_step_id", group_by.get("context"))

    def test_sending_screens(self):
        Move = self.env["account.move"]
        form = etree.fromstring(
            Move.get_view(self.env.ref("account.view_move_form").id)["arch"]
        )
        button = form.find(".//header/button[@name='action_reminder_send']")
        self.assertEqual(
            button.get("invisible"),
            "reminder_state != 'to_do' or move_type != 'out_invoice' "
            "or reminder_litigation",
        )
        for name in (
            "reminder_excluded",
            "reminder_pause_reason",
            "reminder_pause_until",
        ):
            self.assertIsNotNone(
                form.find(f".//page[@id='other_tab']//field[@name='{name}']")
            )
        self.assertIsNotNone(form.find(".//page[@id='reminder_history_tab']"))
        wizard = etree.fromstring(
            self.env["account.reminder.send"].get_view(view_type="form")["arch"]
        )
        self.assertIsNotNone(wizard.find(".//button[@name='action_send']"))
        self.assertEqual(
            [
                f.get("name")
                for f in wizard.find(".//field[@name='line_ids']/list").iter("field")
                if f.get("name") != "company_id"
            ],
            [
                "partner_id",
                "levels",
                "step_id",
                "channel",
                "recipient_id",
                "email",
                "amount_overdue",
                "amount_due",
                "problem",
                "warning",
            ],
        )
        settings = etree.fromstring(
            self.env["res.config.settings"].get_view(view_type="form")["arch"]
        )
        for name in (
            "reminder_group_per_customer",
            "reminder_min_amount",
            "reminder_credit_controller_id",
        ):
            self.assertIsNotNone(settings.find(f".//field[@name='{name}']"))
        binding = self.env.ref(
            "account_invoice_reminder.account_move_action_reminder_send"
        )
        self.assertEqual(binding.binding_model_id.model, "account.move")
        self.assertEqual(binding.binding_view_types, "list")
        for xmlid in ("account_reminder_history_menu", "account_reminder_send_menu"):
            menu = self.env.ref(f"account_invoice_reminder.{xmlid}")
            self.assertEqual(
                menu.parent_id, self.env.ref("account.menu_finance_receivables")
            )
        history = self.env["account.reminder.history"]
        for view_type in ("list", "form", "pivot", "graph", "search"):
            self.assertTrue(history.get_view(view_type=view_type)["arch"])

    def test_to_remind_filter_finds_tagged_invoices(self):
        tagged_invoice = self.make_invoice("2023-01-31")
        not_due = self.make_invoice("2023-03-31")
        with freeze_time("2023-02-01"):
            self.run_job()
        Move = self.env["account.move"]
        found = Move.search(
            [
                ("reminder_tag", "=", "to_remind"),
                ("id", "in", (tagged_invoice | not_due).ids),
            ]
        )
        self.assertEqual(found, tagged_invoice)
        self.assertEqual(tagged_invoice.reminder_tag, "to_remind")
        self.assertFalse(not_due.reminder_tag)
        others = Move.search(
            [
                ("reminder_tag", "!=", "to_remind"),
                ("id", "in", (tagged_invoice | not_due).ids),
            ]
        )
        self.assertEqual(others, not_due)
