"""The dashboard: invoices to remind, amounts per level, effectiveness of the steps,
late customers and the legal table of overdue invoices (D441-6), on real invoices."""

import ast
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..wizard.account_reminder_overdue_table import bucket_of
from .common import ReminderCommon

D = date.fromisoformat
MODULE = "account_invoice_reminder"


@tagged("post_install", "-at_install")
class TestReminderDashboard(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = {
            "company_id": cls.company.id,
            "company_ids": [(6, 0, cls.company.ids)],
        }
        cls.billing = new_test_user(
            cls.env, "dash_billing", groups="account.group_account_invoice", **company
        )
        cls.auditor = new_test_user(
            cls.env,
            "dash_auditor",
            groups="base.group_user,account.group_account_readonly",
            **company,
        )
        cls.internal = new_test_user(
            cls.env, "dash_internal", groups="base.group_user", **company
        )
        cls.customer_b = cls.env["res.partner"].create({"name": "Client B"})
        cls.customer_c = cls.env["res.partner"].create({"name": "Client C"})
        cls.customer_d = cls.env["res.partner"].create({"name": "Client D"})

    # ------------------------------------------------------------------ helpers

    def report(self, model, user=None):
        return self.env[model].with_user(user or self.billing)

    def grouped(self, model, groupby, measures, domain=None, user=None):
        """{group value: {measure: value}} of a report, read as ``user`` (billing)."""
        groups = self.report(model, user)._read_group(
            domain or [], [groupby], [*measures, "__count"]
        )
        return {
            group[0].id if hasattr(group[0], "id") else group[0]: dict(
                zip([*measures, "__count"], group[1:], strict=True)
            )
            for group in groups
        }

    def credit(self, invoice, amount, on):
        """A credit note of ``amount`` dated ``on``, reconciled with ``invoice``."""
        refund = self.make_invoice(
            on, amount, partner=invoice.partner_id, move_type="out_refund"
        )
        (invoice | refund).line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        ).reconcile()
        return refund

    def tag_and_mark_done(self, invoices, on):
        with freeze_time(on):
            self.run_job()
            for invoice in invoices:
                invoice.with_company(invoice.company_id).action_reminder_mark_done()

    # ------------------------------------------------------ invoices to remind

    def test_invoices_to_remind_kanban_by_level(self):
        first = self.make_invoice("2023-01-01", 1000.0)
        second = self.make_invoice("2023-01-01", 400.0, partner=self.customer_b)
        done = self.make_invoice("2023-01-01", 250.0, partner=self.customer_c)
        self.make_invoice("2023-03-01", 900.0)  # not due: never tagged
        self.tag_and_mark_done(first | done, "2023-01-02")
        with freeze_time("2023-02-01"):
            self.run_job()
        self.assertEqual(self.level(first), (self.step_2, "to_do"))
        self.assertEqual(self.level(second), (self.step_1, "to_do"))
        self.assertEqual(self.level(done), (self.step_2, "to_do"))
        with freeze_time("2023-02-01"):
            done.action_reminder_mark_done()  # handled: leaves the to-do list

        action = self.env.ref(f"{MODULE}.account_move_action_reminder_to_do")
        domain = ast.literal_eval(action.domain)
        Move = self.env["account.move"].with_user(self.billing)
        self.assertEqual(Move.search(domain), first | second)
        groups = Move.web_read_group(
            domain, ["amount_residual_signed:sum"], ["reminder_step_id"]
        )["groups"]
        self.assertEqual(
            [(g["reminder_step_id"][0], g["reminder_step_id_count"]) for g in groups],
            [(self.step_1.id, 1), (self.step_2.id, 1)],
        )
        self.assertEqual([g["amount_residual_signed"] for g in groups], [400.0, 1000.0])
        bars = Move.read_progress_bar(
            domain,
            "reminder_step_id",
            {"field": "payment_state", "colors": {"not_paid": "danger"}},
        )
        self.assertEqual(
            bars,
            {
                str(self.step_1.id): {"not_paid": 1},
                str(self.step_2.id): {"not_paid": 1},
            },
        )
        views = {view.view_mode: view.view_id for view in action.view_ids}
        for user in (self.billing, self.auditor):
            result = (
                self.env["account.move"]
                .with_user(user)
                .get_views(
                    [
                        (views["kanban"].id, "kanban"),
                        (views["list"].id, "list"),
                        (action.search_view_id.id, "search"),
                    ]
                )
            )
            kanban = etree.fromstring(result["views"]["kanban"]["arch"])
            self.assertEqual(kanban.get("default_group_by"), "reminder_step_id")
            buttons = kanban.xpath("//button[@name='action_reminder_send']")
            self.assertEqual(len(buttons), 1 if user == self.billing else 0)

    # ------------------------------------------------------ amounts per level

    def test_amounts_due_per_level_after_the_job(self):
        eur = self.setup_other_currency("EUR")  # 2 EUR for 1 of the company currency
        at_step_2 = self.make_invoice("2023-01-01", 1000.0)
        partly_paid = self.make_invoice("2023-01-01", 500.0, partner=self.customer_b)
        self.pay(partly_paid, 200.0, D("2023-01-10"))
        foreign = self.make_invoice(
            "2023-01-01", 1000.0, partner=self.customer_c, currency_id=eur.id
        )
        not_due = self.make_invoice("2023-02-25", 700.0, partner=self.customer_b)
        paid = self.make_invoice("2023-01-01", 300.0)
        self.pay(paid, 300.0, D("2023-01-15"))
        self.make_invoice("2023-01-01", 100.0, move_type="out_refund")
        self.make_invoice("2023-01-01", 800.0, post=False)
        self.tag_and_mark_done(at_step_2, "2023-01-02")
        with freeze_time("2023-02-02"):
            self.run_job()
        self.assertEqual(self.level(at_step_2), (self.step_2, "to_do"))
        self.assertEqual(self.level(partly_paid), (self.step_1, "to_do"))
        self.assertEqual(self.level(foreign), (self.step_1, "to_do"))
        self.assertFalse(self.level(not_due)[0])

        model = "account.reminder.due.report"
        self.assertEqual(
            self.grouped(model, "step_id", ["amount_residual:sum"]),
            {
                self.step_1.id: {"amount_residual:sum": 800.0, "__count": 2},
                self.step_2.id: {"amount_residual:sum": 1000.0, "__count": 1},
                False: {"amount_residual:sum": 700.0, "__count": 1},
            },
        )
        by_customer = self.grouped(
            model, "partner_id", ["amount_residual:sum"], [("step_id", "!=", False)]
        )
        self.assertEqual(
            {key: value["amount_residual:sum"] for key, value in by_customer.items()},
            {
                self.partner_a.id: 1000.0,
                self.customer_b.id: 300.0,
                self.customer_c.id: 500.0,
            },
        )
        row = self.report(model).search([("move_id", "=", foreign.id)])
        self.assertRecordValues(
            row,
            [
                {
                    "amount_residual": 500.0,
                    "currency_id": eur.id,
                    "company_currency_id": self.company.currency_id.id,
                    "due_date": D("2023-01-01"),
                    "reminder_state": "to_do",
                }
            ],
        )
        action = self.env.ref(f"{MODULE}.account_reminder_due_report_action")
        self.assertEqual(action.view_mode, "graph,pivot,list")
        self.assertViewsLoad(model, ("graph", "pivot", "list", "search"))

    # ------------------------------------------------------ effectiveness

    def test_paid_within_7_15_30_days_of_the_reminder(self):
        in_two_payments = self.make_invoice("2023-01-31", 1000.0)
        partly_paid = self.make_invoice("2023-01-31", 1000.0, partner=self.customer_b)
        credited = self.make_invoice("2023-01-31", 1000.0, partner=self.customer_c)
        paid_late = self.make_invoice("2023-01-31", 1000.0, partner=self.customer_d)
        self.tag_and_mark_done(
            in_two_payments | partly_paid | credited | paid_late, "2023-02-01"
        )
        # The second payment, 10 days after the reminder, makes it paid.
        self.pay(in_two_payments, 400.0, D("2023-02-03"))
        self.pay(in_two_payments, 600.0, D("2023-02-11"))
        self.pay(partly_paid, 999.0, D("2023-02-02"))
        self.credit(credited, 1000.0, "2023-02-04")
        self.pay(paid_late, 1000.0, D("2023-02-21"))
        self.assertEqual(partly_paid.payment_state, "partial")
        self.assertEqual(credited.payment_state, "reversed")  # by a credit note

        Report = self.report("account.reminder.effectiveness.report")
        rows = {row.move_id: row for row in Report.search([])}
        expected = {
            in_two_payments: (D("2023-02-11"), 10, 0, 1, 1),
            partly_paid: (False, 0, 0, 0, 0),
            credited: (D("2023-02-04"), 3, 1, 1, 1),
            paid_late: (D("2023-02-21"), 20, 0, 0, 1),
        }
        self.assertEqual(set(rows), set(expected))
        for invoice, (paid_on, days, in_7, in_15, in_30) in expected.items():
            with self.subTest(invoice=invoice.partner_id.name):
                self.assertRecordValues(
                    rows[invoice],
                    [
                        {
                            "step_id": self.step_1.id,
                            "channel": "manual",
                            "date": D("2023-02-01"),
                            "paid_date": paid_on,
                            "days_to_pay": days,
                            "paid_7": in_7,
                            "paid_15": in_15,
                            "paid_30": in_30,
                            "rate_7": 100.0 * in_7,
                            "rate_30": 100.0 * in_30,
                        }
                    ],
                )
        groups = self.grouped(
            "account.reminder.effectiveness.report",
            "step_id",
            [
                "rate_7:avg",
                "rate_15:avg",
                "rate_30:avg",
                "paid_15:sum",
                "days_to_pay:avg",
            ],
        )
        self.assertEqual(
            groups,
            {
                self.step_1.id: {
                    "rate_7:avg": 25.0,
                    "rate_15:avg": 50.0,
                    "rate_30:avg": 75.0,
                    "paid_15:sum": 2,
                    # Over the three paid invoices only: (10 + 3 + 20) / 3.
                    "days_to_pay:avg": 11.0,
                    "__count": 4,
                }
            },
        )
        self.assertViewsLoad(
            "account.reminder.effectiveness.report",
            ("pivot", "graph", "list", "search"),
        )

    def test_each_step_judged_on_its_own_date_and_installments_are_not_paid(self):
        invoice = self.make_invoice("2023-01-01", 1000.0)
        installments = self.make_installment_invoice(
            invoice_date="2023-01-01", partner=self.customer_b
        )
        self.tag_and_mark_done(invoice | installments, "2023-01-02")
        self.tag_and_mark_done(invoice, "2023-02-01")
        self.assertEqual(invoice.reminder_done_step_ids, self.step_1 | self.step_2)
        # The first installment (300) is paid: the invoice is not.
        self.pay(installments, 300.0, D("2023-01-05"))
        self.assertEqual(installments.payment_state, "partial")
        self.pay(invoice, 1000.0, D("2023-02-06"))

        Report = self.report("account.reminder.effectiveness.report")
        self.assertEqual(
            [
                (r.move_id, r.step_id, r.date, r.paid_7, r.paid_15, r.paid_30)
                for r in Report.search([]).sorted(lambda r: (r.move_id.id, r.date))
            ],
            [
                (invoice, self.step_1, D("2023-01-02"), 0, 0, 0),  # 35 days
                (invoice, self.step_2, D("2023-02-01"), 1, 1, 1),  # 5 days
                (installments, self.step_1, D("2023-01-02"), 0, 0, 0),
            ],
        )

    def test_reminder_sent_by_email_counts_from_the_day_it_left(self):
        self.company.email = "compta@company.example.com"
        self.customer_b.email = "b@example.com"
        invoice = self.make_invoice("2023-01-31", 1000.0, partner=self.customer_b)
        failed = self.make_invoice("2023-01-31", 500.0, partner=self.customer_c)
        with freeze_time("2023-02-01"):
            self.run_job()
            self.env["account.reminder.sender"]._send(invoice | failed)
        with freeze_time("2023-02-02"):
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send()
            self.commit()
        history = invoice.reminder_history_ids
        self.assertEqual((history.state, history.done_date), ("sent", D("2023-02-02")))
        self.assertEqual(failed.reminder_history_ids.state, "failed")  # no email
        self.pay(invoice, 1000.0, D("2023-02-09"))
        row = self.report("account.reminder.effectiveness.report").search([])
        # Only what reached the customer is a reminder; 7 days after it left.
        self.assertRecordValues(
            row,
            [
                {
                    "move_id": invoice.id,
                    "channel": "email",
                    "date": D("2023-02-02"),
                    "days_to_pay": 7,
                    "paid_7": 1,
                }
            ],
        )

    def test_exchange_difference_is_not_a_payment(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("2023-01-01", 2.0), ("2023-02-10", 4.0)]
        )
        invoice = self.make_invoice("2023-01-31", 1000.0, currency_id=eur.id)
        self.tag_and_mark_done(invoice, "2023-02-01")
        payment = self.init_payment(
            1000.0, post=True, date=D("2023-02-15"), currency=eur
        )
        # The period is closed before the payment is matched: Odoo books the
        # exchange difference on the first open day.
        self.company.fiscalyear_lock_date = D("2023-02-28")
        with freeze_time("2023-03-10"):
            (invoice.line_ids | payment.move_id.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
        self.assertEqual(invoice.payment_state, "paid")
        receivable = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        exchange = receivable.full_reconcile_id.exchange_move_id | (
            receivable.matched_credit_ids.exchange_move_id
        )
        self.assertTrue(exchange)
        self.assertGreater(exchange.date, D("2023-02-28"))
        row = self.report("account.reminder.effectiveness.report").search([])
        self.assertRecordValues(
            row,
            [
                {
                    "paid_date": D("2023-02-15"),
                    "days_to_pay": 14,
                    "paid_7": 0,
                    "paid_15": 1,
                }
            ],
        )

    # ------------------------------------------------------ late customers

    @freeze_time("2023-03-01 10:00:00")
    def test_late_customers_ranked_by_amount_overdue(self):
        self.make_invoice("2023-01-30", 1000.0)  # 30 days late
        partly_paid = self.make_invoice("2023-02-20", 500.0)  # 9 days late
        self.pay(partly_paid, 200.0, D("2023-02-25"))
        self.make_invoice("2023-03-15", 400.0)  # not due yet
        self.make_invoice("2023-01-31", 100.0, move_type="out_refund")
        self.make_invoice("2022-12-01", 200.0, partner=self.customer_b)  # 90 days
        self.make_invoice("2023-03-02", 5000.0, partner=self.customer_c)  # not due
        # 300 due on 31/01 (29 days late), 700 on 01/04.
        self.make_installment_invoice(
            invoice_date="2023-01-31", partner=self.customer_d
        )
        self.run_job()

        Report = self.report("account.reminder.late.customer.report")
        rows = Report.search([])
        self.assertEqual(
            [
                (
                    r.partner_id,
                    r.invoice_count,
                    r.amount_overdue,
                    r.amount_due,
                    r.oldest_due_date,
                    r.days_late,
                    r.step_id,
                )
                for r in rows
            ],
            [
                (self.partner_a, 2, 1300.0, 1700.0, D("2023-01-30"), 30, self.step_1),
                (self.customer_d, 1, 300.0, 1000.0, D("2023-01-31"), 29, self.step_1),
                (self.customer_b, 1, 200.0, 200.0, D("2022-12-01"), 90, self.step_1),
            ],
        )
        self.assertEqual(
            Report._read_group([], [], ["days_late:max", "amount_overdue:sum"]),
            [(90, 1800.0)],
        )
        self.assertEqual(
            Report.search([("days_late", ">", 30)]).partner_id, self.customer_b
        )
        action = rows[0].action_open_invoices()
        self.assertEqual(
            self.env["account.move"].search(action["domain"]).mapped("amount_residual"),
            [300.0, 1000.0],
        )
        self.assertViewsLoad(
            "account.reminder.late.customer.report", ("list", "graph", "search")
        )

    def test_late_customers_today_is_the_company_s(self):
        self.make_invoice("2023-02-28", 1000.0)
        # 23:30 in Paris on 28/02 is already 01/03 there: the invoice is late.
        with freeze_time("2023-02-28 23:30:00"):
            self.company.partner_id.tz = "Europe/Paris"
            self.assertEqual(
                self.report("account.reminder.late.customer.report")
                .search([])
                .days_late,
                1,
            )
            self.company.partner_id.tz = "UTC"
            self.assertFalse(
                self.report("account.reminder.late.customer.report").search([])
            )

    # ------------------------------------------------------ D441-6

    def overdue_table(self, as_of, **values):
        return (
            self.env["account.reminder.overdue.table"]
            .with_user(self.billing)
            .create({"date": as_of, **values})
        )

    def columns(self, table):
        return {
            line.bucket: (line.invoice_count, line.amount, line.percent)
            for line in table.line_ids
        }

    def test_bucket_boundaries(self):
        self.assertEqual(
            [bucket_of(days) for days in (-10, 0, 1, 30, 31, 60, 61, 90, 91, 4000)],
            ["0", "0", "1_30", "1_30", "31_60", "31_60", "61_90", "61_90", "91", "91"],
        )

    def test_overdue_table_d441_6(self):
        as_of = D("2023-12-31")
        eur = self.setup_other_currency("EUR")  # 2 EUR for 1 of the company currency
        taxed = self.make_invoice(
            "2023-12-16",  # 15 days late
            invoice_line_ids=[
                Command.create(
                    {
                        "name": "Taxed service",
                        "quantity": 1,
                        "price_unit": 1000.0,
                        "tax_ids": [Command.set(self.tax_sale_a.ids)],
                    }
                )
            ],
        )
        self.assertGreater(taxed.amount_total, 1000.0)
        days_45 = self.make_invoice("2023-11-16", 2000.0)
        days_75 = self.make_invoice("2023-10-17", 3000.0)
        self.pay(days_75, 1000.0, D("2023-11-30"))
        days_120 = self.make_invoice("2023-09-02", 4000.0)
        # Paid after the closing date: still unpaid on 31/12.
        self.pay(days_120, 4000.0, D("2024-01-10"))
        not_due = self.make_invoice("2024-01-15", 500.0, invoice_date="2023-12-20")
        paid = self.make_invoice("2023-11-01", 1000.0)
        self.pay(paid, 1000.0, D("2023-12-01"))
        credited = self.make_invoice("2023-11-10", 600.0)
        self.credit(credited, 600.0, "2023-12-05")
        self.make_invoice("2023-12-10", 300.0, move_type="out_refund")  # open
        foreign = self.make_invoice(  # 1,000 EUR = 500; 91 days late
            "2023-10-01", 1000.0, currency_id=eur.id
        )
        # 300 due on 01/11 (60 days late on 31/12), 700 on 31/12 (not late).
        installments = self.make_installment_invoice(invoice_date="2023-11-01")
        disputed = self.make_invoice(
            "2023-11-20",
            800.0,
            reminder_pause_reason="dispute",
            reminder_pause_until=D("2024-02-28"),
        )
        other = self.setup_other_company()["company"]
        self.make_invoice("2023-10-01", 9000.0, company=other)
        self.make_invoice("2024-01-05", 7000.0)  # issued after the closing date
        self.make_invoice("2023-10-01", 6000.0, post=False)  # draft
        # An invoice of late-payment fees (paid: not in the table): damages, not
        # turnover.
        fees = self.make_invoice(
            "2023-11-01",
            invoice_line_ids=[
                Command.create(
                    {
                        "name": "Pénalités de retard",
                        "quantity": 1,
                        "price_unit": 250.0,
                        "tax_ids": [],
                        "reminder_fee_origin_id": taxed.id,
                        "reminder_fee_kind": "penalty",
                    }
                )
            ],
        )
        self.pay(fees, 250.0, D("2023-11-15"))

        table = self.overdue_table(as_of)
        self.assertEqual(
            (table.date_from, table.date_to), (D("2023-01-01"), D("2023-12-31"))
        )
        # Sales excl. taxes of 2023 less the credit notes: 1,000 + 2,000 + 3,000 +
        # 4,000 + 500 + 1,000 + 600 - 600 - 300 + 500 + 1,000 + 800.
        self.assertEqual(table.turnover, 13500.0)
        table.turnover = 100000.0
        total = taxed.amount_total + 2000.0 + 1000.0 + 2000.0 + 4000.0 + 500.0
        self.assertEqual(
            self.columns(table),
            {
                "0": (1, 500.0, 0.5),
                "1_30": (1, taxed.amount_total, round(taxed.amount_total / 1000, 2)),
                "31_60": (2, 3000.0, 3.0),  # 45 days, and the installments (60)
                "61_90": (1, 2000.0, 2.0),  # 3,000 less 1,000 paid
                "91": (2, 4500.0, 4.5),  # 120 days, and 500 for 1,000 EUR (91)
                "total": (6, total, round(total / 1000, 2)),
            },
        )
        self.assertEqual((table.excluded_count, table.excluded_amount), (1, 800.0))

        def opened(line):
            action = line.action_open_invoices()
            return self.env["account.move"].search(action["domain"])

        lines = {line.bucket: line for line in table.line_ids}
        self.assertEqual(opened(lines["31_60"]), days_45 | installments)
        self.assertEqual(opened(lines["91"]), days_120 | foreign)
        self.assertEqual(opened(lines["0"]), not_due)
        self.assertEqual(
            self.env["account.move"].search(table.action_open_excluded()["domain"]),
            disputed,
        )

        # A month later the 120-day invoice is paid and the others have aged.
        # A month later the 120-day invoice is paid, the others have aged and the
        # invoice of 05/01/2024 is late too.
        later = self.overdue_table(D("2024-01-31"), turnover=100000.0)
        self.assertEqual(later.turnover, 100000.0)
        self.assertEqual(
            {bucket: count for bucket, (count, *__) in self.columns(later).items()},
            {"0": 0, "1_30": 2, "31_60": 1, "61_90": 1, "91": 3, "total": 7},
        )
        later_lines = {line.bucket: line for line in later.line_ids}
        self.assertEqual(opened(later_lines["91"]), days_75 | foreign | installments)

    def test_overdue_table_printed_in_french(self):
        self.make_invoice("2023-11-16", 2000.0)
        table = self.overdue_table(D("2023-12-31"), turnover=100000.0)
        html = (
            self.env["ir.actions.report"]
            .with_context(lang="fr_FR")
            .with_user(self.billing)
            ._render_qweb_html(
                f"{MODULE}.account_reminder_overdue_table_report", table.ids
            )[0]
            .decode()
        )
        for text in (
            "Factures émises non réglées à la date de clôture de l'exercice",
            "31 à 60 jours",
            "Nombre de factures concernées",
            "Montant total des factures concernées (TTC)",
            "Pourcentage du chiffre d'affaires de l'exercice (HT)",
            "<span>2,00</span> %",
        ):
            self.assertIn(text, html.replace("&#39;", "'"))
        self.assertEqual(
            table.action_print()["report_name"], f"{MODULE}.report_overdue_table"
        )

    # ------------------------------------------------------ companies and access

    def test_other_company_stays_out_of_every_screen(self):
        other = self.setup_other_company()["company"]
        other.partner_id.tz = "UTC"
        theirs = self.make_invoice("2023-01-01", 9000.0, company=other)
        ours = self.make_invoice("2023-01-01", 1000.0)
        self.tag_and_mark_done(theirs | ours, "2023-01-02")
        with freeze_time("2023-02-01"):
            for model in (
                "account.reminder.due.report",
                "account.reminder.effectiveness.report",
                "account.reminder.late.customer.report",
            ):
                with self.subTest(model=model):
                    everything = self.env[model].sudo().search([])
                    self.assertEqual(everything.company_id, self.company | other)
                    for user in (self.billing, self.auditor):
                        rows = self.report(model, user).search([])
                        self.assertEqual(rows.company_id, self.company)
                        self.assertEqual(
                            rows.ids,
                            everything.filtered(
                                lambda r: r.company_id == self.company
                            ).ids,
                        )
            with self.assertRaises(AccessError):
                self.overdue_table(D("2023-12-31"), company_id=other.id)
            table = self.overdue_table(D("2023-12-31"))
            self.assertEqual(
                [
                    (line.bucket, line.invoice_count, line.amount)
                    for line in table.line_ids
                    if line.invoice_count
                ],
                [("91", 1, 1000.0), ("total", 1, 1000.0)],
            )

    def test_dashboard_menu_access_and_french_names(self):
        menu = self.env.ref(f"{MODULE}.account_reminder_dashboard_menu")
        self.assertEqual(menu.parent_id, self.env.ref("account.menu_finance_reports"))
        self.assertEqual(menu.name, "Invoice Reminders")
        french = menu.with_context(lang="fr_FR")
        self.assertEqual(french.name, "Relances factures")
        # Not the OCA peers' menus.
        self.assertNotIn(french.name, ("Relances Clients", "Relance client"))
        self.assertEqual(
            french.child_id.mapped("name"),
            [
                "Factures à relancer",
                "Montants dus par niveau",
                "Efficacité des relances",
                "Clients en retard",
                "Tableau des factures échues (D441-6)",
            ],
        )
        Menu = self.env["ir.ui.menu"]
        for user, visible in (
            (self.billing, True),
            (self.auditor, True),
            (self.internal, False),
        ):
            with self.subTest(user=user.login):
                menus = Menu.with_user(user)._visible_menu_ids()
                self.assertEqual(menu.id in menus, visible)
                self.assertEqual(set(menu.child_id.ids) <= menus, visible)
        for model in (
            "account.reminder.due.report",
            "account.reminder.effectiveness.report",
            "account.reminder.late.customer.report",
            "account.reminder.overdue.table",
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.internal).search([])
        fields = (
            self.env["account.reminder.overdue.table.line"]
            .with_context(lang="fr_FR")
            .fields_get(["bucket", "amount", "percent"])
        )
        self.assertEqual(fields["amount"]["string"], "Montant total (TTC)")
        self.assertEqual(fields["percent"]["string"], "% du chiffre d'affaires (HT)")
        self.assertEqual(
            fields["bucket"]["selection"][-1], ("total", "Total (1 jour et plus)")
        )

    def assertViewsLoad(self, model, view_types):
        for user in (self.billing, self.auditor):
            views = (
                self.env[model]
                .with_user(user)
                .get_views([(False, view_type) for view_type in view_types])["views"]
            )
            self.assertEqual(set(views), set(view_types))
