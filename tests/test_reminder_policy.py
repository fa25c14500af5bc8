"""The decision logic alone: which step is due for an invoice on a given day."""

import itertools
from datetime import date, timedelta

from odoo.tests import BaseCase, tagged

from ..models import reminder_policy as policy
from ..models.reminder_policy import DONE, TO_DO, Reference, Status, Step

D = date.fromisoformat
DUE = "due_date"
PREV = "previous_reminder"

R1 = Step(1, DUE, 0)
R2 = Step(2, PREV, 30)
R3 = Step(3, PREV, 30)
DEFAULT = [R1, R2, R3]
INSTALLMENT = Reference(key=100, due_date=D("2023-01-31"))


def st(step_id=None, state=None, last=None, done=(), key=100):
    """A Status in one line: step, state, last done date ("YYYY-MM-DD"), steps done,
    installment key (100, the one of INSTALLMENT)."""
    return Status(
        step_id=step_id,
        state=state,
        last_date=D(last) if last else None,
        cycle_key=key,
        done_step_ids=frozenset(done),
    )


def run(status, today, steps=None, reference=INSTALLMENT):
    steps = DEFAULT if steps is None else steps
    return policy.next_status(status, today=D(today), steps=steps, reference=reference)


def simulate(steps, reference, start, days, handle_after=0):
    """Run the job every day from ``start`` for ``days`` days; each pending step is
    handled ``handle_after`` days after it was tagged. Return {step id: tag date}."""
    status, tagged_on = Status(), {}
    for offset in range(days):
        today = start + timedelta(days=offset)
        status = policy.next_status(
            status, today=today, steps=steps, reference=reference
        )
        if status.state == TO_DO:
            tagged_on.setdefault(status.step_id, today)
            if today >= tagged_on[status.step_id] + timedelta(days=handle_after):
                status = policy.mark_done(status, today=today)
    return tagged_on


@tagged("post_install", "-at_install")
class TestReminderPolicy(BaseCase):
    def test_not_overdue_on_due_date(self):
        self.assertEqual(run(Status(), "2023-01-31"), Status())
        self.assertEqual(run(Status(), "2023-01-15"), Status())

    def test_first_step_the_day_after_due_date(self):
        self.assertEqual(
            run(Status(), "2023-02-01"),
            Status(step_id=1, state=TO_DO, cycle_key=100),
        )

    def test_issue_example_plus_8_days(self):
        steps = [Step(1, DUE, 8)]
        self.assertEqual(run(Status(), "2023-02-07", steps), Status())
        expected = Status(step_id=1, state=TO_DO, cycle_key=100)
        self.assertEqual(run(Status(), "2023-02-08", steps), expected)
        # Catch-up after days without a run: >=, never =.
        self.assertEqual(run(Status(), "2023-03-20", steps), expected)

    def test_step_to_do_blocks_the_next(self):
        pending = Status(step_id=1, state=TO_DO, cycle_key=100)
        self.assertEqual(run(pending, "2023-12-31"), pending)

    def test_previous_reminder_counts_from_done_date(self):
        done = st(1, DONE, "2023-02-10", {1})
        self.assertEqual(run(done, "2023-03-11"), done)  # 10/02 + 30 = 12/03
        self.assertEqual(
            run(done, "2023-03-12"),
            st(2, TO_DO, "2023-02-10", {1}),
        )

    def test_due_date_basis_of_a_later_step_ignores_done_date(self):
        steps = [R1, Step(2, DUE, 45)]
        done = st(1, DONE, "2023-03-10", {1})
        self.assertEqual(run(done, "2023-03-16", steps).state, DONE)
        self.assertEqual(run(done, "2023-03-17", steps).step_id, 2)  # 31/01 + 45

    def test_first_step_after_previous_reminder_counts_from_due_date(self):
        steps = [Step(7, PREV, 10)]
        self.assertEqual(run(Status(), "2023-02-09", steps), Status())
        self.assertEqual(run(Status(), "2023-02-10", steps).step_id, 7)

    def test_one_step_per_run_when_catching_up(self):
        self.assertEqual(run(Status(), "2024-06-30").step_id, 1)

    def test_reordered_steps_never_resend_nor_skip(self):
        done_1 = st(1, DONE, "2023-02-01", {1})
        # Step 2 moved before step 1: step 1 is done, step 2 comes next.
        self.assertEqual(run(done_1, "2023-03-03", [R2, R1, R3]).step_id, 2)
        # Step 3 moved first: it is the first one not done.
        self.assertEqual(run(done_1, "2023-03-03", [R3, R1, R2]).step_id, 3)

    def test_archived_pending_step_gives_way_to_the_next(self):
        pending_2 = st(2, TO_DO, "2023-02-01", {1})
        self.assertEqual(
            run(pending_2, "2023-03-03", [R1, R3]),
            st(3, TO_DO, "2023-02-01", {1}),
        )
        # Not due yet: the archived step is withdrawn, its level stays shown.
        self.assertEqual(
            run(pending_2, "2023-02-20", [R1, R3]),
            st(2, None, "2023-02-01", {1}),
        )

    def test_all_steps_done(self):
        done_3 = st(3, DONE, "2023-04-01", {1, 2, 3})
        self.assertEqual(run(done_3, "2025-01-01"), done_3)

    def test_not_eligible_withdraws_pending_step_only(self):
        pending = st(2, TO_DO, "2023-02-01", {1})
        self.assertEqual(
            run(pending, "2023-03-10", reference=None),
            st(2, None, "2023-02-01", {1}),
        )
        done = st(1, DONE, "2023-02-01", {1})
        self.assertEqual(run(done, "2023-03-10", reference=None), done)

    def test_next_installment_restarts_at_first_step(self):
        second = Reference(key=101, due_date=D("2023-03-31"))
        done_2 = st(2, DONE, "2023-03-03", {1, 2})
        # Not overdue yet: nothing changes, the old cycle is kept.
        self.assertEqual(run(done_2, "2023-03-31", reference=second), done_2)
        self.assertEqual(
            run(done_2, "2023-04-01", reference=second),
            Status(step_id=1, state=TO_DO, last_date=D("2023-03-03"), cycle_key=101),
        )

    def test_pending_step_of_settled_installment_is_withdrawn(self):
        second = Reference(key=101, due_date=D("2023-03-31"))
        pending = st(2, TO_DO, "2023-02-01", {1})
        # The first installment is paid, the second one is not due: withdrawn.
        self.assertEqual(
            run(pending, "2023-03-10", reference=second),
            st(2, None, "2023-02-01", {1}),
        )
        # The second one is overdue: a new cycle on it.
        self.assertEqual(
            run(pending, "2023-04-05", reference=second),
            Status(step_id=1, state=TO_DO, last_date=D("2023-02-01"), cycle_key=101),
        )

    def test_reopened_installment_resumes_its_level(self):
        withdrawn = st(2, None, "2023-02-01", {1})
        self.assertEqual(
            run(withdrawn, "2023-03-10"),
            st(2, TO_DO, "2023-02-01", {1}),
        )

    def test_no_step_at_all(self):
        self.assertEqual(run(Status(), "2023-05-01", steps=[]), Status())

    def test_mark_done(self):
        pending = Status(step_id=1, state=TO_DO, cycle_key=100)
        self.assertEqual(
            policy.mark_done(pending, today=D("2023-02-03")),
            st(1, DONE, "2023-02-03", {1}),
        )
        for status in (Status(), Status(step_id=1, state=DONE), Status(step_id=1)):
            with self.assertRaises(ValueError):
                policy.mark_done(status, today=D("2023-02-03"))

    def test_default_steps_timeline(self):
        # Handled the day they are tagged: 01/02, then +30 days, then +30 days.
        self.assertEqual(
            simulate(DEFAULT, INSTALLMENT, D("2023-01-01"), 200),
            {1: D("2023-02-01"), 2: D("2023-03-03"), 3: D("2023-04-02")},
        )
        # Handled 5 days late each time: escalation counts from the real date.
        self.assertEqual(
            simulate(DEFAULT, INSTALLMENT, D("2023-01-01"), 200, handle_after=5),
            {1: D("2023-02-01"), 2: D("2023-03-08"), 3: D("2023-04-12")},
        )

    def test_exhaustive_small_policies(self):
        """Every policy of up to 3 steps with bases x days in {0, 1, 7}, every handling
        delay in {0, 3}: steps are tagged once each, in order, on the expected day."""
        choices = [(basis, days) for basis in (DUE, PREV) for days in (0, 1, 7)]
        start = INSTALLMENT.due_date - timedelta(days=3)
        for size in (1, 2, 3):
            for combo in itertools.product(choices, repeat=size):
                steps = [
                    Step(i + 1, basis, days) for i, (basis, days) in enumerate(combo)
                ]
                for handle_after in (0, 3):
                    tagged_on = simulate(steps, INSTALLMENT, start, 60, handle_after)
                    with self.subTest(steps=combo, handle_after=handle_after):
                        self.assertEqual(list(tagged_on), [s.id for s in steps])
                        expected, last_done = {}, None
                        for step in steps:
                            trigger = policy.trigger_date(step, INSTALLMENT, last_done)
                            # Overdue from the day after the due date; a step handled
                            # on a day lets the next one in from the next run on.
                            day = max(trigger, INSTALLMENT.due_date + timedelta(days=1))
                            if last_done:
                                day = max(day, last_done + timedelta(days=1))
                            expected[step.id] = day
                            last_done = day + timedelta(days=handle_after)
                        self.assertEqual(tagged_on, expected)

    def test_same_day_run_is_idempotent(self):
        statuses = [
            Status(),
            Status(step_id=1, state=TO_DO, cycle_key=100),
            st(1, DONE, "2023-02-02", {1}),
            st(2, None, "2023-02-02", {1}),
        ]
        references = [None, INSTALLMENT, Reference(101, D("2023-02-28"))]
        for status, reference in itertools.product(statuses, references):
            for day in ("2023-01-31", "2023-02-01", "2023-03-04", "2023-06-01"):
                once = run(status, day, reference=reference)
                with self.subTest(status=status, reference=reference, day=day):
                    self.assertEqual(run(once, day, reference=reference), once)

    def test_remindable(self):
        base = {
            "eligible": True,
            "excluded": False,
            "pause_reason": None,
            "pause_until": None,
            "residual": 100.0,
            "min_amount": 0.0,
            "today": D("2023-03-01"),
        }
        self.assertTrue(policy.remindable(**base))
        for change, expected in (
            ({"eligible": False}, False),
            ({"excluded": True}, False),
            ({"pause_reason": "dispute", "pause_until": D("2023-03-01")}, False),
            ({"pause_reason": "dispute", "pause_until": D("2023-02-28")}, True),
            ({"pause_reason": "insolvency"}, False),
            ({"min_amount": 100.0}, True),  # equal: reminded
            ({"min_amount": 100.01}, False),
        ):
            with self.subTest(change=change):
                self.assertEqual(policy.remindable(**(base | change)), expected)

    def test_revert_done_only_the_last_step_done(self):
        sent = st(2, DONE, "2023-03-03", {1, 2})
        self.assertEqual(
            policy.revert_done(
                sent,
                step_id=2,
                cycle_key=100,
                done_on=D("2023-03-03"),
                last_date_before=D("2023-02-01"),
            ),
            st(2, TO_DO, "2023-02-01", {1}),
        )
        # A later step pending since: back to the bounced one.
        pending_3 = st(3, TO_DO, "2023-03-03", {1, 2})
        self.assertEqual(
            policy.revert_done(
                pending_3,
                step_id=2,
                cycle_key=100,
                done_on=D("2023-03-03"),
                last_date_before=D("2023-02-01"),
            ),
            st(2, TO_DO, "2023-02-01", {1}),
        )
        # A later step done since, another installment, a step never done: as is.
        for status, step_id, key in (
            (st(3, DONE, "2023-04-02", {1, 2, 3}), 2, 100),
            (sent, 2, 101),
            (sent, 3, 100),
        ):
            with self.subTest(status=status, step_id=step_id, key=key):
                self.assertEqual(
                    policy.revert_done(
                        status,
                        step_id=step_id,
                        cycle_key=key,
                        done_on=D("2023-03-03"),
                        last_date_before=D("2023-02-01"),
                    ),
                    status,
                )

    def test_next_change_is_the_first_day_the_calendar_changes_the_status(self):
        """The daily job skips an invoice until its next_change: for every small
        policy, status and installment, the status stays the same every day before
        that day and changes on it; None: it never changes by itself (180 days)."""
        choices = [(basis, days) for basis in (DUE, PREV) for days in (0, 1, 7)]
        statuses = [
            Status(),
            Status(step_id=1, state=TO_DO, cycle_key=100),
            st(1, DONE, "2023-02-03", {1}),
            st(1, None, "2023-02-03", {1}),
            st(2, DONE, "2023-02-10", {1, 2}),
            st(1, DONE, "2023-01-10", {1}, key=99),  # done on an earlier installment
        ]
        references = [None, INSTALLMENT, Reference(101, D("2023-02-28"))]
        days = [D("2023-01-20"), D("2023-02-01"), D("2023-02-05"), D("2023-03-10")]
        checked = 0
        for size in (1, 2, 3):
            for combo in itertools.product(choices, repeat=size):
                steps = [Step(i + 1, b, n) for i, (b, n) in enumerate(combo)]
                cases = itertools.product(statuses, references, days)
                for status, reference, today in cases:
                    kwargs = {"steps": steps, "reference": reference}
                    decided = policy.next_status(status, today=today, **kwargs)
                    change = policy.next_change(decided, today=today, **kwargs)
                    first = next(
                        (
                            day
                            for day in (today + timedelta(n) for n in range(1, 181))
                            if policy.next_status(decided, today=day, **kwargs)
                            != decided
                        ),
                        None,
                    )
                    checked += 1
                    if first != change:
                        self.fail(
                            f"steps={combo} status={status} reference={reference} "
                            f"today={today}: changes on {first}, next_change {change}"
                        )
        self.assertEqual(checked, (6 + 36 + 216) * 6 * 3 * 4)

    def test_next_change_after_a_pause(self):
        pending = Status(step_id=1, state=TO_DO, cycle_key=100)
        self.assertEqual(
            policy.next_change(
                pending,
                today=D("2023-03-01"),
                steps=DEFAULT,
                reference=INSTALLMENT,
                paused_until=D("2023-03-15"),
            ),
            D("2023-03-16"),
        )
        # Nothing overdue yet: the day after the due date.
        self.assertEqual(
            policy.next_change(
                Status(),
                today=D("2023-01-10"),
                steps=DEFAULT,
                reference=INSTALLMENT,
            ),
            D("2023-02-01"),
        )
