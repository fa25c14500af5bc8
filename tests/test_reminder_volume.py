"""Set-based work: the queries of a batch do not depend on the invoices in it."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderVolume(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Created in one go (no form), as a batch of a real database would be.
        cls.invoices = cls.make_invoices(1000, "2023-01-31")

    def _batch_queries(self, invoices, today):
        # Leave out what earlier work left pending (notifications run at the first
        # savepoint): only the batch's own queries are counted.
        self.env.flush_all()
        self.env.cr.flush()
        stats = {"tagged": 0, "withdrawn": 0, "failed": 0, "postponed": 0}
        with freeze_time(today):
            plan = self.company._reminder_plan()
        before = self.env.cr.sql_log_count
        retry = self.env["account.move"]._reminder_run_batch(invoices.ids, plan, stats)
        count = self.env.cr.sql_log_count - before
        self.assertEqual(retry, [])
        return count, stats["tagged"]

    def test_queries_per_batch_are_the_same_at_100_and_1000_invoices(self):
        today = date(2023, 2, 1)
        small, large = self.invoices[:100], self.invoices
        # First run: 100 invoices tagged, then the 900 others among 1,000.
        q_small, tagged_small = self._batch_queries(small, today)
        q_large, tagged_large = self._batch_queries(large, today)
        self.assertEqual((tagged_small, tagged_large), (100, 900))
        self.assertEqual(q_small, q_large)
        self.assertLessEqual(q_large, 8)
        # Second run the same day: nothing to write, fewer queries, still constant.
        q_small_again, __ = self._batch_queries(small, today)
        q_large_again, __ = self._batch_queries(large, today)
        self.assertEqual(q_small_again, q_large_again)
        self.assertLess(q_large_again, q_large)

    @freeze_time("2023-02-01")
    def test_whole_job_on_1000_invoices(self):
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        stats = self.run_job()
        queries = self.env.cr.sql_log_count - before
        self.assertEqual(stats["tagged"], 1000)
        self.assertEqual(set(self.invoices.mapped("reminder_state")), {"to_do"})
        # Two batches of 500 and a few queries to plan the run: nowhere near one
        # query per invoice.
        self.assertLess(queries, 60)
