"""Properties of the decision logic over random step sets, installments, payments and
run dates (hypothesis), and of the daily job over random invoices: whatever the
batch size, the order of the invoices or a repeated run, the same levels."""

from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from ..models import reminder_policy as policy
from ..models.reminder_policy import TO_DO, Reference, Status, Step
from .common import ReminderCommon

JOB = "odoo.addons.account_invoice_reminder.models.account_move"
# Reproducible in CI: the same examples at every run, shrunk on failure.
SETTINGS = settings(
    max_examples=400,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
START = date(2024, 1, 1)

steps_strategy = st.lists(
    st.tuples(
        st.sampled_from([policy.BASIS_DUE_DATE, policy.BASIS_PREVIOUS_REMINDER]),
        st.integers(min_value=0, max_value=45),
    ),
    max_size=4,
).map(
    lambda specs: tuple(
        Step(id=index + 1, trigger_basis=basis, delay_days=days)
        for index, (basis, days) in enumerate(specs)
    )
)
# Installments: due so many days after START, in order; each gets its own key.
installments_strategy = st.lists(
    st.integers(min_value=0, max_value=120), min_size=1, max_size=3
).map(lambda offsets: sorted(offsets))
# A run: days since the previous run (0: the same day again), whether the earliest
# open installment was paid meanwhile, whether the pending step was handled.
runs_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=200),
        st.booleans(),
        st.booleans(),
    ),
    min_size=1,
    max_size=25,
)


def simulate(steps, installments, runs):
    """Yield (status before, status after, today, reference) of each run."""
    status, today = Status(), START
    open_installments = [
        Reference(key=100 + index, due_date=START + timedelta(days=offset))
        for index, offset in enumerate(installments)
    ]
    for gap, paid, handled in runs:
        today += timedelta(days=gap)
        if paid and open_installments:
            open_installments.pop(0)
        if handled and status.state == TO_DO:
            status = policy.mark_done(status, today=today)
        reference = open_installments[0] if open_installments else None
        new = policy.next_status(status, today=today, steps=steps, reference=reference)
        yield status, new, today, reference
        status = new


@tagged("post_install", "-at_install")
class TestReminderPolicyProperties(BaseCase):
    @SETTINGS
    @given(steps_strategy, installments_strategy, runs_strategy)
    def test_never_a_skipped_step(self, steps, installments, runs):
        order = [step.id for step in steps]
        for __, new, __, __ in simulate(steps, installments, runs):
            # What is done in a cycle is always the first steps, in order.
            done = new.done_step_ids
            self.assertEqual(done, frozenset(order[: len(done)]))
            if new.state == TO_DO:
                self.assertEqual(new.step_id, order[len(done)])

    @SETTINGS
    @given(steps_strategy, installments_strategy, runs_strategy)
    def test_never_more_than_one_step_per_run(self, steps, installments, runs):
        for old, new, __, __ in simulate(steps, installments, runs):
            # A run marks nothing done: it tags at most the one next step.
            self.assertLessEqual(new.done_step_ids, old.done_step_ids)
            if new.state == TO_DO and new.cycle_key == old.cycle_key:
                self.assertEqual(new.done_step_ids, old.done_step_ids)

    @SETTINGS
    @given(steps_strategy, installments_strategy, runs_strategy)
    def test_never_a_tag_on_what_owes_nothing_overdue(self, steps, installments, runs):
        for __, new, today, reference in simulate(steps, installments, runs):
            if reference is None or today <= reference.due_date:
                self.assertNotEqual(new.state, TO_DO)
            if new.state == TO_DO:
                step = next(s for s in steps if s.id == new.step_id)
                last = new.last_date if new.done_step_ids else None
                self.assertGreaterEqual(
                    today, policy.trigger_date(step, reference, last)
                )
                self.assertEqual(new.cycle_key, reference.key)

    @SETTINGS
    @given(steps_strategy, installments_strategy, runs_strategy)
    def test_same_result_when_a_run_is_repeated(self, steps, installments, runs):
        for __, new, today, reference in simulate(steps, installments, runs):
            again = policy.next_status(
                new, today=today, steps=steps, reference=reference
            )
            self.assertEqual(again, new)

    @SETTINGS
    @given(
        st.booleans(),
        st.booleans(),
        st.one_of(st.none(), st.sampled_from(["dispute", "insolvency"])),
        st.one_of(st.none(), st.integers(min_value=-5, max_value=5)),
        st.floats(min_value=-10, max_value=100, allow_nan=False),
        st.sampled_from([0.0, 10.0, 50.0]),
    )
    def test_what_cannot_be_reminded_is_never_tagged(
        self, eligible, excluded, reason, until, residual, minimum
    ):
        today = START
        pause_until = today + timedelta(days=until) if until is not None else None
        remindable = policy.remindable(
            eligible=eligible,
            excluded=excluded,
            pause_reason=reason,
            pause_until=pause_until,
            residual=residual,
            min_amount=minimum,
            today=today,
        )
        if not eligible or excluded or residual <= minimum - 0.005:
            self.assertFalse(remindable)
        if reason and (pause_until is None or today <= pause_until):
            self.assertFalse(remindable)
        # The job then asks the policy without a reference: nothing is tagged.
        status = Status(step_id=1, state=TO_DO, cycle_key=100)
        reference = None if not remindable else Reference(100, today - timedelta(1))
        new = policy.next_status(
            status,
            today=today,
            steps=(Step(1, policy.BASIS_DUE_DATE, 0),),
            reference=reference,
        )
        self.assertEqual(new.state == TO_DO, remindable)


@tagged("post_install", "-at_install")
class TestReminderJobProperties(ReminderCommon):
    """The job over varied invoices: the same levels whatever the batch size and the
    order in which invoices come, and a second run changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoices = cls.env["account.move"]
        for index, (due, amount) in enumerate(
            [
                ("2023-01-10", 100.0),
                ("2023-01-20", 200.0),
                ("2023-02-05", 300.0),
                ("2023-03-01", 400.0),  # not due on the run dates below
                ("2022-11-30", 500.0),
                ("2022-12-31", 600.0),
                ("2023-01-31", 700.0),
            ]
        ):
            cls.invoices |= cls.make_invoice(due, amount)
            if index == 1:
                cls.invoices |= cls.make_installment_invoice("2022-12-15")

    def levels(self):
        return {
            move.id: (move.reminder_step_id.id, move.reminder_state)
            for move in self.invoices
        }

    def run_days(self, days, batch_size=None, reverse=False):
        """Run the job on each of ``days`` in batches of ``batch_size``; with
        ``reverse``, each batch meets its invoices in the opposite order. Return the
        levels, then undo everything."""
        Move = type(self.env["account.move"])
        run_batch = Move._reminder_run_batch

        def reversed_batch(self, ids, plan, stats):
            return run_batch(self, list(reversed(ids)), plan, stats)

        with (
            patch(f"{JOB}.REMINDER_BATCH_SIZE", batch_size or 500),
            patch.object(
                Move, "_reminder_run_batch", reversed_batch if reverse else run_batch
            ),
            self.env.cr.savepoint() as savepoint,
        ):
            for day in days:
                with freeze_time(day):
                    self.run_job()
                    self.env.invalidate_all()
            levels = self.levels()
            savepoint.rollback()
        self.env.invalidate_all()
        return levels

    def test_same_levels_whatever_the_batch_size_and_the_order(self):
        days = ["2023-01-25", "2023-02-01", "2023-02-20"]
        expected = self.run_days(days)
        # Something to compare: some invoices tagged, some not.
        self.assertIn("to_do", {state for __, state in expected.values()})
        self.assertIn(False, {state for __, state in expected.values()})
        for batch_size in (1, 2, 3, 7):
            for reverse in (False, True):
                with self.subTest(batch_size=batch_size, reverse=reverse):
                    self.assertEqual(self.run_days(days, batch_size, reverse), expected)

    def test_a_repeated_run_changes_nothing(self):
        with freeze_time("2023-02-01"):
            first = self.run_job()
            levels = self.levels()
            second = self.run_job()
            self.env.invalidate_all()
        self.assertGreater(first["tagged"], 0)
        self.assertEqual((second["tagged"], second["withdrawn"]), (0, 0))
        self.assertEqual(self.levels(), levels)
