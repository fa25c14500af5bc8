"""French late-payment penalties and recovery indemnity (Code de commerce L441-10,
D441-5), as of a given day.

Pure functions over plain values: no ORM, no clock. Amounts are Decimals, so that the
one rounding (half up, at the end) gives the cent a French accountant computes by hand:
1,000.00 x 14.15 % x 45 / 365 = 17.445... -> 17.45.

Lateness is counted in days after the due date: an installment due on the 31st and paid
on the 15th of the month after is 15 days late, the 15th included. A payment on day P
lowers the base from P + 1. The rate of a day is the reference rate in force at the
start of its half-year (1 January or 1 July) plus the points of the rule, unless the
contract fixes a rate.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

DAYS_PER_YEAR = Decimal(365)
HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE_DAY = timedelta(days=1)


class MissingRate(Exception):
    """The reference rate of a half-year is not in the table."""

    def __init__(self, half_year):
        super().__init__(half_year)
        self.half_year = half_year


@dataclass(frozen=True, slots=True)
class Installment:
    """An installment of an invoice and what paid it, when."""

    due_date: date
    amount: Decimal  # what it asked for, positive
    payments: tuple = ()  # ((date, amount), ...): what settled part of it, when


@dataclass(frozen=True, slots=True)
class Rule:
    """How the rate of a day is found."""

    reference_rates: tuple = ()  # ((1 January or 1 July, annual rate in %), ...)
    points: Decimal = Decimal(10)  # added to the reference rate
    contract_rate: Decimal | None = None  # replaces the whole rule when set


@dataclass(frozen=True, slots=True)
class Period:
    """Days with the same unpaid base and the same rate."""

    start: date  # first late day counted
    end: date  # last late day counted, included
    base: Decimal
    rate: Decimal  # annual, in %

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def amount(self):
        """Not rounded: only the total is."""
        return self.base * self.rate / HUNDRED * self.days / DAYS_PER_YEAR


def half_year(day):
    """First day of the half-year of ``day``."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def rate_of(rule, day):
    """Annual rate in % applying to a late day."""
    if rule.contract_rate is not None:
        return Decimal(rule.contract_rate)
    start = half_year(day)
    for rate_start, rate in rule.reference_rates:
        if rate_start == start:
            return Decimal(rate) + Decimal(rule.points)
    raise MissingRate(start)


def days_late(installment, on):
    """Days the installment is late on ``on`` (0 when not due or fully paid then)."""
    if unpaid_on(installment, on) <= ZERO:
        return 0
    return max((on - installment.due_date).days, 0)


def unpaid_on(installment, day):
    """What is still owed at the end of ``day``."""
    paid = sum((amount for when, amount in installment.payments if when <= day), ZERO)
    return installment.amount - paid


def periods(installment, on, rule, after=None):
    """The late periods of ``installment`` up to ``on`` included, and after ``after``
    (the last day already charged) when given."""
    first = installment.due_date + ONE_DAY
    if after is not None:
        first = max(first, after + ONE_DAY)
    if on < first:
        return []
    # The base changes the day after each payment; the rate at each half-year.
    cuts = {when + ONE_DAY for when, __ in installment.payments}
    day = half_year(first)
    while day <= on:
        cuts.add(day)
        day = half_year(day + timedelta(days=190))
    bounds = sorted(cut for cut in cuts if first < cut <= on)
    result = []
    for start, next_start in zip(
        [first, *bounds], [*bounds, on + ONE_DAY], strict=True
    ):
        base = unpaid_on(installment, start - ONE_DAY)
        if base > ZERO:
            result.append(
                Period(start, next_start - ONE_DAY, base, rate_of(rule, start))
            )
    return _merge(result)


def _merge(result):
    """Join neighbouring periods that have the same base and rate."""
    merged = []
    for period in result:
        last = merged[-1] if merged else None
        if (
            last
            and last.end + ONE_DAY == period.start
            and (last.base, last.rate) == (period.base, period.rate)
        ):
            merged[-1] = Period(last.start, period.end, last.base, last.rate)
        else:
            merged.append(period)
    return merged


def penalties(installments, on, rule, after=None, precision=Decimal("0.01")):
    """Penalties owed on ``on`` for the installments of one invoice, rounded once;
    only for the days after ``after`` when given (already charged up to it)."""
    return total(
        [p for inst in installments for p in periods(inst, on, rule, after)],
        precision,
    )


def total(late_periods, precision=Decimal("0.01")):
    """The penalties of ``late_periods``, rounded once, half up."""
    amount = sum((p.amount for p in late_periods), ZERO)
    return amount.quantize(precision, rounding=ROUND_HALF_UP)


def indemnity(installments, on, amount):
    """The fixed recovery indemnity: once per invoice, owed from its first late day.

    Owed even when the invoice was paid late since (D441-5: it is due by the mere
    fact of the lateness), so a payment on the due date itself is the only way out.
    """
    late = any(
        unpaid_on(inst, inst.due_date) > ZERO and on > inst.due_date
        for inst in installments
    )
    return Decimal(amount) if late else ZERO
