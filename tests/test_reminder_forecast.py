"""The forecast: what the daily job would do on a later day, changing nothing."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReminderCommon

D = date.fromisoformat


@tagged("post_install", "-at_install")
class TestReminderForecast(ReminderCommon):
    def levels(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT move_id, step_id, state, last_date, next_check"
            " FROM account_reminder_level ORDER BY move_id"
        )
        return self.env.cr.fetchall()

    def setUp(self):
        super().setUp()
        # Step 1 done on 01/02 for "second": step 2 falls due on 03/03.
        with freeze_time("2023-02-01"):
            self.second = self.make_invoice("2023-01-31", amount=400.0)
            self.run_job()
            self.second.action_reminder_mark_done()
        with freeze_time("2023-03-01"):
            self.soon = self.make_invoice("2023-03-02", amount=100.0)
            self.later = self.make_invoice("2023-03-04", amount=200.0)
            self.not_yet = self.make_invoice("2023-03-10", amount=300.0)
            self.paid = self.make_invoice("2023-02-20", amount=500.0)
            self.paused = self.make_invoice("2023-02-01", amount=600.0)
            self.paused.write(
                {
                    "reminder_pause_reason": "payment_promise",
                    "reminder_pause_until": D("2023-03-20"),
                }
            )
            # Today's run has tagged "paid" (and not the paused one); then it is paid.
            self.run_job()
            self.assertEqual(self.level(self.paid), (self.step_1, "to_do"))
            self.pay(self.paid, 500.0, D("2023-03-01"))

    def test_forecast_is_what_the_job_then_does(self):
        with freeze_time("2023-03-01"):
            before = self.levels()
            rows = self.env["account.move"]._reminder_forecast(D("2023-03-05"))
            self.assertEqual(self.levels(), before)  # nothing written
        forecast = {
            row["move_id"]: (row["step_id"], row["change"], row["amount"])
            for row in rows
        }
        self.assertEqual(
            forecast,
            {
                self.second.id: (self.step_2.id, "tag", 400.0),
                self.soon.id: (self.step_1.id, "tag", 100.0),
                self.later.id: (self.step_1.id, "tag", 200.0),
                self.paid.id: (self.step_1.id, "withdraw", 0.0),
            },
        )
        with freeze_time("2023-03-05"):
            stats = self.run_job()
        self.assertEqual((stats["tagged"], stats["withdrawn"]), (3, 1))
        for move_id, (step_id, change, __) in forecast.items():
            step, state = self.level(self.env["account.move"].browse(move_id))
            if change == "tag":
                self.assertEqual((step.id, state), (step_id, "to_do"))
            else:
                self.assertFalse(state)
        for untouched in (self.not_yet, self.paused):
            self.assertFalse(self.level(untouched)[1])

    def test_forecast_of_today_is_empty_after_todays_run(self):
        with freeze_time("2023-03-01"):
            rows = self.env["account.move"]._reminder_forecast(D("2023-03-01"))
        # Only the payment made after today's run is left to apply.
        self.assertEqual(
            [(r["move_id"], r["change"]) for r in rows], [(self.paid.id, "withdraw")]
        )

    @freeze_time("2023-03-01")
    def test_forecast_screen(self):
        forecast = self.env["account.reminder.forecast"].create({})
        self.assertEqual(forecast.date, D("2023-03-08"))
        forecast.date = D("2023-03-05")
        action = forecast.action_compute()
        self.assertEqual(action["res_id"], forecast.id)
        self.assertEqual((forecast.tag_count, forecast.withdraw_count), (3, 1))
        self.assertEqual(
            sorted(
                forecast.line_ids.filtered(lambda line: line.change == "tag").mapped(
                    "amount"
                )
            ),
            [100.0, 200.0, 400.0],
        )
        self.assertEqual(
            forecast.line_ids.filtered(
                lambda line: line.move_id == self.second
            ).partner_id,
            self.partner_a,
        )
        # Computed again for another day, the lines are replaced.
        forecast.date = D("2023-03-11")
        forecast.action_compute()
        self.assertEqual(forecast.tag_count, 4)  # "not_yet" is due on 10/03
        forecast.date = D("2023-02-28")
        with self.assertRefused(UserError, "A forecast is for today or a later day"):
            forecast.action_compute()
