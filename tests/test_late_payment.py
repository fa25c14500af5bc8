"""French late-payment penalties and indemnity, computed alone (no database)."""

from datetime import date, timedelta
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..models import late_payment as law
from ..models.late_payment import Installment, Period, Rule

D = date.fromisoformat
M = Decimal

# A reference rate of 4.15 % for every half-year from 2022 to 2025: 14.15 % with the
# 10 points of the default rule.
FLAT = Rule(
    reference_rates=tuple(
        (date(year, month, 1), M("4.15"))
        for year in range(2022, 2026)
        for month in (1, 7)
    )
)


@tagged("post_install", "-at_install")
class TestLatePayment(BaseCase):
    def test_45_days_late_on_1000_at_14_15(self):
        inst = Installment(D("2023-01-31"), M("1000.00"))
        on = D("2023-01-31") + timedelta(days=45)
        self.assertEqual(law.days_late(inst, on), 45)
        self.assertEqual(
            law.periods(inst, on, FLAT),
            [Period(D("2023-02-01"), D("2023-03-17"), M("1000.00"), M("14.15"))],
        )
        # 1000 x 14.15 % x 45 / 365 = 17.4452..., rounded half up once.
        self.assertEqual(law.penalties([inst], on, FLAT), M("17.45"))

    def test_rounding_is_half_up_and_only_once(self):
        # Two installments of 500 at 45 days: 8.7226 each; rounded each they would
        # give 17.44, rounded once 17.45.
        on = D("2023-03-17")
        two = [Installment(D("2023-01-31"), M("500.00"))] * 2
        self.assertEqual(law.penalties(two, on, FLAT), M("17.45"))
        # 73 days on 100 at 10 %: exactly 2.00; 36.5 % over one day on 1,000.50:
        # 1.0005 -> 1.00; on 1,005.00: 1.005 -> 1.01 (half up, not half even).
        self.assertEqual(
            law.penalties(
                [Installment(D("2023-01-01"), M("100"))],
                D("2023-03-15"),
                Rule(contract_rate=M("10")),
            ),
            M("2.00"),
        )
        one_day = Rule(contract_rate=M("36.5"))
        self.assertEqual(
            law.penalties(
                [Installment(D("2023-01-01"), M("1000.50"))], D("2023-01-02"), one_day
            ),
            M("1.00"),
        )
        self.assertEqual(
            law.penalties(
                [Installment(D("2023-01-01"), M("1005.00"))], D("2023-01-02"), one_day
            ),
            M("1.01"),
        )

    def test_not_late_on_the_due_date(self):
        inst = Installment(D("2023-01-31"), M("1000"))
        self.assertEqual(law.days_late(inst, D("2023-01-31")), 0)
        self.assertEqual(law.periods(inst, D("2023-01-31"), FLAT), [])
        self.assertEqual(law.penalties([inst], D("2023-01-31"), FLAT), M("0.00"))
        self.assertEqual(law.indemnity([inst], D("2023-01-31"), 40), M("0"))
        self.assertEqual(law.indemnity([inst], D("2023-02-01"), 40), M("40"))

    def test_partial_payments_shorten_the_base(self):
        # 1,000 due 31/01; 400 paid on 10/02 (late 10 days on 1,000), the rest 600
        # until 17/03 (35 more days).
        inst = Installment(
            D("2023-01-31"), M("1000"), payments=((D("2023-02-10"), M("400")),)
        )
        on = D("2023-03-17")
        self.assertEqual(
            law.periods(inst, on, FLAT),
            [
                Period(D("2023-02-01"), D("2023-02-10"), M("1000"), M("14.15")),
                Period(D("2023-02-11"), D("2023-03-17"), M("600"), M("14.15")),
            ],
        )
        # 1000 x .1415 x 10/365 + 600 x .1415 x 35/365 = 3.8767 + 8.1411 = 12.0178
        self.assertEqual(law.penalties([inst], on, FLAT), M("12.02"))
        self.assertEqual(law.days_late(inst, on), 45)

    def test_paid_late_stops_the_penalties_but_keeps_the_indemnity(self):
        inst = Installment(
            D("2023-01-31"), M("1000"), payments=((D("2023-02-15"), M("1000")),)
        )
        # Late 15 days: 1000 x .1415 x 15/365 = 5.815 -> 5.82, however late we look.
        for on in (D("2023-02-15"), D("2023-06-30"), D("2024-12-31")):
            self.assertEqual(law.penalties([inst], on, FLAT), M("5.82"))
            self.assertEqual(law.indemnity([inst], on, 40), M("40"))
        self.assertEqual(law.days_late(inst, D("2023-06-30")), 0)

    def test_paid_on_the_due_date_owes_nothing(self):
        inst = Installment(
            D("2023-01-31"), M("1000"), payments=((D("2023-01-31"), M("1000")),)
        )
        self.assertEqual(law.penalties([inst], D("2023-03-31"), FLAT), M("0.00"))
        self.assertEqual(law.indemnity([inst], D("2023-03-31"), 40), M("0"))

    def test_the_rate_of_each_half_year(self):
        # Reference 2.50 % on 1 January 2023, 4.00 % on 1 July 2023: 12.50 then 14.00.
        rule = Rule(
            reference_rates=(
                (D("2023-01-01"), M("2.50")),
                (D("2023-07-01"), M("4.00")),
            )
        )
        inst = Installment(D("2023-06-20"), M("1000"))
        on = D("2023-07-20")
        self.assertEqual(
            law.periods(inst, on, rule),
            [
                Period(D("2023-06-21"), D("2023-06-30"), M("1000"), M("12.50")),
                Period(D("2023-07-01"), D("2023-07-20"), M("1000"), M("14.00")),
            ],
        )
        # 1000 x .125 x 10/365 + 1000 x .14 x 20/365 = 3.4247 + 7.6712 = 11.0959
        self.assertEqual(law.penalties([inst], on, rule), M("11.10"))
        # Public buyers: 8 points instead of 10.
        public = Rule(reference_rates=rule.reference_rates, points=M(8))
        self.assertEqual(law.periods(inst, on, public)[1].rate, M("12.00"))

    def test_a_missing_half_year_is_reported(self):
        rule = Rule(reference_rates=((D("2023-01-01"), M("2.50")),))
        inst = Installment(D("2023-06-20"), M("1000"))
        with self.assertRaises(law.MissingRate) as caught:
            law.penalties([inst], D("2023-07-02"), rule)
        self.assertEqual(caught.exception.half_year, D("2023-07-01"))
        # A contract rate needs no table.
        self.assertEqual(
            law.penalties([inst], D("2023-07-02"), Rule(contract_rate=M("12"))),
            M("3.95"),  # 1000 x .12 x 12/365 = 3.945
        )

    def test_only_the_days_not_charged_yet(self):
        inst = Installment(D("2023-01-31"), M("1000"))
        on = D("2023-03-17")
        # Charged up to 01/03 (29 days): 16 days remain, 1000 x .1415 x 16/365.
        self.assertEqual(
            law.penalties([inst], on, FLAT, after=D("2023-03-01")), M("6.20")
        )
        self.assertEqual(law.penalties([inst], on, FLAT, after=on), M("0.00"))
        first = law.penalties([inst], D("2023-03-01"), FLAT)
        rest = law.penalties([inst], on, FLAT, after=D("2023-03-01"))
        self.assertEqual(first, M("11.24"))
        self.assertEqual(first + rest, M("17.44"))  # each part rounded once

    def test_installments_count_each_from_its_own_due_date(self):
        # 30 % due 31/01, 70 % due 31/03, looked at on 15/04: 74 and 15 days late.
        insts = [
            Installment(D("2023-01-31"), M("300")),
            Installment(D("2023-03-31"), M("700")),
        ]
        on = D("2023-04-15")
        self.assertEqual([law.days_late(i, on) for i in insts], [74, 15])
        # 300 x .1415 x 74/365 + 700 x .1415 x 15/365 = 8.6063 + 4.0705 = 12.6768
        self.assertEqual(law.penalties(insts, on, FLAT), M("12.68"))
        self.assertEqual(law.indemnity(insts, on, 40), M("40"))  # once per invoice

    def test_periods_add_up_day_by_day(self):
        # Exhaustive over small cases: the periods are the day-by-day sum.
        for due_day in range(1, 29, 9):
            due = date(2023, 6, due_day)
            for pay_after in (None, 3, 20, 40):
                payments = ()
                if pay_after is not None:
                    payments = ((due + timedelta(days=pay_after), M("250")),)
                inst = Installment(due, M("1000"), payments)
                for late in range(0, 70, 7):
                    on = due + timedelta(days=late)
                    by_day = sum(
                        (
                            law.unpaid_on(inst, due + timedelta(days=k - 1))
                            * law.rate_of(FLAT, due + timedelta(days=k))
                            / 100
                            / 365
                            for k in range(1, late + 1)
                        ),
                        M(0),
                    )
                    got = sum((p.amount for p in law.periods(inst, on, FLAT)), M(0))
                    self.assertAlmostEqual(got, by_day, places=20)
