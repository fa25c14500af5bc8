"""Which reminder step is due for an invoice on a given day.

Pure functions over plain values: no ORM, no database, no clock. The daily job reads
the state of a batch of invoices, asks :func:`next_status` what each one should become
and writes back only the differences. Keeping the rules here lets them be tested
exhaustively without building invoices.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

TO_DO = "to_do"
DONE = "done"

BASIS_DUE_DATE = "due_date"
BASIS_PREVIOUS_REMINDER = "previous_reminder"
# A courtesy reminder: a friendly notice before the due date, apart from the levels.
BASIS_BEFORE_DUE_DATE = "before_due_date"


@dataclass(frozen=True, slots=True)
class Step:
    """An active reminder step of the invoice's company."""

    id: int
    trigger_basis: str
    delay_days: int


@dataclass(frozen=True, slots=True)
class Reference:
    """The earliest open installment of an invoice: the one reminders are about."""

    key: int  # id of the receivable line, so that a reopened installment is recognised
    due_date: date


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run needs to know of a company."""

    today: date  # the company's date
    steps: tuple = ()  # its active overdue steps, ordered by sequence then id
    min_amount: float = 0.0  # under this amount due (company currency), no reminder
    courtesy_steps: tuple = ()  # its active courtesy steps, ordered by sequence


@dataclass(frozen=True, slots=True)
class Status:
    """What an invoice stores about its reminders."""

    step_id: int | None = None  # level reached (the last step tagged)
    state: str | None = (
        None  # TO_DO, DONE, or None (no level, or pending step withdrawn)
    )
    last_date: date | None = None  # date the last step was done
    cycle_key: int | None = None  # the installment the current cycle follows
    done_step_ids: frozenset = field(default_factory=frozenset)  # done in this cycle


def next_status(status, *, today, steps, reference):
    """Return the status an invoice should have on ``today``.

    :param Status status: what the invoice stores now
    :param date today: the company's date
    :param steps: the company's active steps, ordered by sequence then id
    :param reference: the invoice's earliest open installment, or None when the
        invoice owes nothing that can be reminded (not eligible, nothing open)
    """
    if reference is None or today <= reference.due_date:
        # Nothing overdue: a pending step is withdrawn, what was done stays.
        return _withdrawn(status)

    if reference.key != status.cycle_key:
        # The installment the cycle followed is settled and a later one is overdue.
        # Its pending step no longer applies; the new cycle only starts once one of
        # its steps is due, so that reopening the old installment resumes its cycle.
        current = Status(
            step_id=status.step_id,
            last_date=status.last_date,
            state=None if status.state == TO_DO else status.state,
        )
        candidate = _due_step(current, today, steps, reference, frozenset())
        if candidate is None:
            return _withdrawn(status)
        return Status(
            step_id=candidate.id,
            state=TO_DO,
            last_date=status.last_date,
            cycle_key=reference.key,
            done_step_ids=frozenset(),
        )

    active_ids = {step.id for step in steps}
    if status.state == TO_DO and status.step_id in active_ids:
        # A step still to do blocks the next one: escalation counts from when a
        # step was really done.
        return status

    # Either the level reached is done, or its pending step was archived (never
    # used again), or there is no level yet.
    candidate = _due_step(status, today, steps, reference, status.done_step_ids)
    if candidate is None:
        return _withdrawn(status)
    return replace(status, step_id=candidate.id, state=TO_DO)


def remindable(
    *,
    eligible,
    excluded,
    pause_reason,
    pause_until,
    residual,
    min_amount,
    today,
    litigation=False,
):
    """Whether an invoice may be reminded at all on ``today``.

    :param bool eligible: a posted customer invoice that still owes money
    :param bool excluded: "do not remind" set on the invoice or its customer
    :param pause_reason: why reminders are paused, or None
    :param pause_until: last day of the pause; None is open-ended
    :param float residual: amount still due, company currency
    :param float min_amount: under this amount, invoices are not reminded
    :param bool litigation: the invoice is in litigation (contentieux): recovery
        is in other hands, no reminder goes until it is lifted
    """
    if litigation:
        return False
    if not eligible or excluded or is_paused(pause_reason, pause_until, today):
        return False
    # Amounts are rounded to the cent: half a cent is the tolerance.
    return residual > min_amount - 0.005


def is_paused(reason, until, today):
    """A pause holds through its last day; without a last day it holds until lifted."""
    if not reason:
        return False
    return until is None or today <= until


def next_change(status, *, today, steps, reference, paused_until=None):
    """The first day the calendar alone may change ``status`` (as decided for
    ``today``), or None when only an event can (a payment, marking a step done, a
    change of the steps): the daily job looks again at the invoice on that day.

    :param paused_until: last day of a pause in force, if any
    """
    if paused_until:
        return paused_until + timedelta(days=1)
    if reference is None:
        return None
    overdue_from = reference.due_date + timedelta(days=1)
    same_cycle = reference.key == status.cycle_key
    done = status.done_step_ids if same_cycle else frozenset()
    if same_cycle and status.state == TO_DO and status.step_id in {s.id for s in steps}:
        return None
    for step in steps:
        if step.id in done:
            continue
        last_done = status.last_date if done else None
        return max(trigger_date(step, reference, last_done), overdue_from)
    return None


def mark_done(status, *, today):
    """Return the status after the pending step was handled on ``today``."""
    if status.state != TO_DO or status.step_id is None:
        raise ValueError("no pending step to mark as done")
    return replace(
        status,
        state=DONE,
        last_date=today,
        done_step_ids=status.done_step_ids | {status.step_id},
    )


def revert_done(status, *, step_id, cycle_key, done_on, last_date_before):
    """Return the status after the reminder of ``step_id``, done on ``done_on``,
    turned out not to have reached the customer (a bounce, a cancelled mail).

    The step is to do again, as long as it is the last one done in the cycle: once
    a later step was done, the customer did get a reminder, and the status stays.
    """
    if (
        status.cycle_key != cycle_key
        or step_id not in status.done_step_ids
        or status.last_date != done_on
    ):
        return status
    return replace(
        status,
        step_id=step_id,
        state=TO_DO,
        last_date=last_date_before,
        done_step_ids=status.done_step_ids - {step_id},
    )


def trigger_date(step, reference, last_done_date):
    """Date from which ``step`` is due, ``last_done_date`` being that of the cycle."""
    if step.trigger_basis == BASIS_PREVIOUS_REMINDER and last_done_date:
        base = last_done_date
    else:
        # A first step set to "after previous reminder" counts from the due date.
        base = reference.due_date
    return base + timedelta(days=step.delay_days)


def _due_step(status, today, steps, reference, done_ids):
    """The first step not done in the cycle, when its trigger date has come."""
    for step in steps:
        if step.id in done_ids:
            continue
        last_done = status.last_date if done_ids else None
        if today >= trigger_date(step, reference, last_done):
            return step
        return None
    return None


def courtesy_status(status, *, today, steps, reference, issued=None, sent=frozenset()):
    """Return the courtesy reminder an invoice should have on ``today``.

    A courtesy reminder is about the earliest open installment before it falls due:
    the step whose "days before" have come most recently. It is kept apart from the
    overdue level: the cycle is the installment (each one gets its notice), and
    ``status.last_date`` is the day the last notice of that installment was done.

    :param Status status: the invoice's courtesy status (done_step_ids unused)
    :param steps: the company's active courtesy steps, ordered by sequence
    :param reference: the earliest open installment, or None when the invoice
        cannot be reminded
    :param date issued: the invoice date: no notice goes out the day the invoice
        itself does, nor before; and a step whose day came before the invoice is
        covered by it when a later step still comes
    :param sent: ids of the steps whose notice about this installment was already
        sent or queued (the history): never due again, whatever their days or the
        due date became since
    """
    if reference is None or today > reference.due_date:
        # Overdue (the overdue steps take over) or nothing left to remind.
        return _withdrawn(status)
    if issued is not None and today <= issued:
        return _withdrawn(status)
    same_cycle = reference.key == status.cycle_key
    done_on = status.last_date if same_cycle else None
    triggers = {step.id: courtesy_trigger_date(step, reference) for step in steps}
    if issued is not None and any(day > issued for day in triggers.values()):
        # The invoice itself told the customer of the earlier days: "due in 4 days"
        # the day before "due in 3 days" would be one notice too many.
        done_on = max(done_on or issued, issued)
    pending = status.step_id if same_cycle and status.state == TO_DO else None
    candidate = None
    for step in steps:
        trigger = triggers[step.id]
        if (
            trigger > today
            # The pending notice's own mail, queued, does not cover it.
            or (step.id in sent and step.id != pending)
            or (done_on is not None and trigger <= done_on)
        ):
            # Not yet, or covered by a notice (or the invoice) already sent.
            continue
        if candidate is None or trigger > triggers[candidate.id]:
            candidate = step
    if candidate is None:
        return _withdrawn(status)
    if same_cycle and status.state == TO_DO and status.step_id == candidate.id:
        return status
    # A nearer step replaces a pending one: "due in 10 days" must not leave on the
    # day the installment is due in 3.
    return Status(
        step_id=candidate.id,
        state=TO_DO,
        last_date=status.last_date if same_cycle else None,
        cycle_key=reference.key,
    )


def same_notice(old, new):
    """Whether ``new`` is still the pending notice ``old`` was: same step, same
    installment, still to send."""
    return new.state == TO_DO and (new.step_id, new.cycle_key) == (
        old.step_id,
        old.cycle_key,
    )


def newly_pending(old, new):
    """Whether a notice becomes pending: none was, or another one was."""
    return new.state == TO_DO and (old.state != TO_DO or not same_notice(old, new))


def courtesy_trigger_date(step, reference):
    """Date from which the courtesy ``step`` is due for ``reference``."""
    return reference.due_date - timedelta(days=step.delay_days)


def courtesy_done(status, *, today):
    """Return the courtesy status once its pending notice was sent on ``today``."""
    if status.state != TO_DO or status.step_id is None:
        raise ValueError("no pending courtesy reminder to mark as done")
    return replace(status, state=DONE, last_date=today)


def _withdrawn(status):
    if status.state == TO_DO:
        return replace(status, state=None)
    return status
