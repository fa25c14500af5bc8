"""The benchmark in small (N = 1,000): what its generator makes, and that the daily
job's queries grow with batches, not with invoices. Never a timing: timings come
from "make bench"."""

import importlib.util
from datetime import date
from pathlib import Path

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

TODAY = date(2026, 6, 30)
GENERATOR = Path(__file__).resolve().parent.parent / "scripts" / "bench" / "generate.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("reminder_bench_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


@tagged("post_install", "-at_install")
class TestReminderBench(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generate = staticmethod(load_generator())
        cls.company = cls.env["res.company"].create({"name": "Bench Company"})
        cls.env.user.company_ids |= cls.company
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        # Only this company's invoices: the job looks at every company.
        cls.env["account.reminder.step"].search(
            [("company_id", "!=", cls.company.id)]
        ).active = False

    def _generate(self, n):
        with freeze_time(TODAY):
            return self.generate(self.env, self.company, n, TODAY, commit=False)

    def _job_queries(self):
        self.env.flush_all()
        self.env.cr.flush()
        before = self.env.cr.sql_log_count
        with freeze_time(TODAY):
            stats = self.env["account.move"]._cron_invoice_reminder()
        return self.env.cr.sql_log_count - before, stats

    def test_generator_makes_what_the_benchmark_says(self):
        figures = self._generate(1000)
        self.assertEqual((figures["invoices"], figures["customers"]), (1000, 100))
        invoices = self.env["account.move"].search(
            [("company_id", "=", self.company.id), ("state", "=", "posted")]
        )
        self.assertEqual(len(invoices), 1000)
        self.assertEqual(set(invoices.mapped("move_type")), {"out_invoice"})
        self.assertEqual(len(invoices.commercial_partner_id), 100)
        terms = invoices.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        per_invoice = {}
        for line in terms:
            per_invoice.setdefault(line.move_id, []).append(line)
        two = [move for move, lines in per_invoice.items() if len(lines) == 2]
        self.assertEqual(len(two), 200)
        # 30 % at once, 70 % 60 days later, on 480.00.
        for move in two[:5]:
            lines = sorted(per_invoice[move], key=lambda line: line.date_maturity)
            self.assertEqual([line.balance for line in lines], [144.0, 336.0])
            self.assertEqual((lines[1].date_maturity - lines[0].date_maturity).days, 60)
        partial = invoices.filtered(lambda m: m.payment_state == "partial")
        self.assertEqual(len(partial), 200)
        self.assertEqual(set(partial.mapped("amount_residual")), {72.0})
        self.assertEqual(set(partial.mapped("amount_total")), {120.0})
        # The entries stay balanced: only residual amounts were touched.
        self.env.cr.execute(
            "SELECT count(*) FROM (SELECT move_id FROM account_move_line"
            " WHERE move_id = ANY(%s) GROUP BY move_id HAVING sum(balance) != 0) t",
            [invoices.ids],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        invoice_dates = invoices.mapped("invoice_date")
        self.assertEqual(max(invoice_dates), TODAY)
        self.assertEqual(min(invoice_dates), date(2025, 7, 1))  # 364 days before
        self.assertEqual(
            len(set(invoices.mapped("name"))), 1000, "every invoice has its number"
        )

    def _overdue_count(self):
        """Invoices of the company with an open installment due before today."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT count(DISTINCT m.id) FROM account_move m
              JOIN account_move_line l ON l.move_id = m.id
             WHERE m.company_id = %s AND m.state = 'posted'
               AND l.display_type = 'payment_term' AND NOT l.reconciled
               AND l.date_maturity < %s
            """,
            [self.company.id, TODAY],
        )
        return self.env.cr.fetchone()[0]

    def test_job_queries_grow_with_batches_not_invoices(self):
        self._generate(1000)
        q_1000, stats = self._job_queries()
        overdue = stats["tagged"]
        # Invoices issued in the last 30 days are not due yet.
        self.assertEqual(overdue, 932)
        self.assertEqual(self._overdue_count(), 932)
        self.assertLessEqual(q_1000, 20)
        # A second run the same day: nothing to write.
        q_again, stats = self._job_queries()
        self.assertEqual(stats["tagged"], 0)
        self.assertLess(q_again, q_1000)
        # 2,000 more invoices never seen: four more batches of 500, the same
        # number of queries each.
        self._generate(2000)
        q_3000, stats = self._job_queries()
        self.assertEqual(stats["tagged"], self._overdue_count() - overdue)
        self.assertLessEqual(q_3000 - q_again, 4 * 5)
