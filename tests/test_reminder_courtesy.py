"""The courtesy reminder: a friendly notice before the due date, apart from the
reminder level."""

import itertools
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import BaseCase, Form, tagged
from odoo.tools import mute_logger

from ..models import reminder_policy as policy
from ..models.reminder_policy import DONE, TO_DO, Reference, Status, Step
from .common import ReminderCommon

D = date.fromisoformat
BEFORE = policy.BASIS_BEFORE_DUE_DATE
DUE = D("2023-03-31")
INSTALLMENT = Reference(key=100, due_date=DUE)
C5 = Step(10, BEFORE, 5)
C10 = Step(11, BEFORE, 10)
C3 = Step(12, BEFORE, 3)


def courtesy_step(env, company, days=5):
    """A courtesy reminder ``days`` before the due date, with the shipped template."""
    return env["account.reminder.step"].create(
        {
            "name": "Courtesy reminder",
            "trigger_basis": BEFORE,
            "delay_days": days,
            "mail_template_id": env.ref(
                "account_invoice_reminder.mail_template_reminder_courtesy"
            ).id,
            "company_id": company.id,
        }
    )


def courtesy(status, today, steps=(C5,), reference=INSTALLMENT, issued="2023-03-01"):
    return policy.courtesy_status(
        status,
        today=D(today) if isinstance(today, str) else today,
        steps=steps,
        reference=reference,
        issued=D(issued) if isinstance(issued, str) else issued,
    )


def simulate(steps, reference, issued, start, end, send_after=0):
    """Run the job every day from ``start`` to ``end``; a pending notice is sent
    ``send_after`` days after it was tagged. Returns [(day, step id)] of the
    notices sent and the final status."""
    status, sent, tagged_on = Status(), [], None
    day = start
    while day <= end:
        status = policy.courtesy_status(
            status, today=day, steps=steps, reference=reference, issued=issued
        )
        if status.state == TO_DO:
            tagged_on = tagged_on or day
            if (day - tagged_on).days >= send_after:
                sent.append((day, status.step_id))
                status = policy.courtesy_done(status, today=day)
                tagged_on = None
        else:
            tagged_on = None
        day += timedelta(days=1)
    return sent, status


@tagged("post_install", "-at_install")
class TestCourtesyPolicy(BaseCase):
    def test_five_days_before_due(self):
        status = Status()
        for day in ("2023-03-01", "2023-03-20", "2023-03-25"):
            self.assertEqual(courtesy(status, day), status, day)
        tagged = courtesy(status, "2023-03-26")
        self.assertEqual(tagged, Status(step_id=10, state=TO_DO, cycle_key=100))
        # Still pending until the due date, then withdrawn: it is overdue.
        self.assertEqual(courtesy(tagged, "2023-03-31"), tagged)
        self.assertEqual(
            courtesy(tagged, "2023-04-01"),
            Status(step_id=10, state=None, cycle_key=100),
        )

    def test_done_notice_is_not_due_again(self):
        done = policy.courtesy_done(
            courtesy(Status(), "2023-03-27"), today=D("2023-03-27")
        )
        self.assertEqual(
            done,
            Status(step_id=10, state=DONE, last_date=D("2023-03-27"), cycle_key=100),
        )
        for day in ("2023-03-28", "2023-03-31", "2023-04-01", "2023-05-01"):
            self.assertEqual(courtesy(done, day), done, day)

    def test_nearest_step_replaces_a_pending_one(self):
        steps = (C10, C3)
        pending = courtesy(Status(), "2023-03-21", steps)
        self.assertEqual((pending.step_id, pending.state), (11, TO_DO))
        # Not sent by 28/03: "in 10 days" would be wrong, the 3-day notice replaces it.
        self.assertEqual(courtesy(pending, "2023-03-27", steps), pending)
        nearer = courtesy(pending, "2023-03-28", steps)
        self.assertEqual((nearer.step_id, nearer.state), (12, TO_DO))
        # Both due at once (invoice issued late): only the nearest one.
        late = courtesy(Status(), "2023-03-29", steps, issued="2023-03-28")
        self.assertEqual(late.step_id, 12)

    def test_each_step_once_per_installment(self):
        sent, status = simulate(
            (C10, C3), INSTALLMENT, D("2023-03-01"), D("2023-03-01"), D("2023-04-10")
        )
        self.assertEqual(sent, [(D("2023-03-21"), 11), (D("2023-03-28"), 12)])
        self.assertEqual((status.state, status.last_date), (DONE, D("2023-03-28")))

    def test_never_on_or_before_the_invoice_date(self):
        # Issued 28/03, due 31/03: the 5-day notice waits for the next day.
        self.assertIsNone(courtesy(Status(), "2023-03-28", issued="2023-03-28").state)
        self.assertEqual(
            courtesy(Status(), "2023-03-29", issued="2023-03-28").state, TO_DO
        )
        # Payable at once: no notice, ever.
        sent, __ = simulate((C5,), INSTALLMENT, DUE, D("2023-03-01"), D("2023-04-30"))
        self.assertEqual(sent, [])

    def test_new_installment_gets_its_own_notice(self):
        done = Status(step_id=10, state=DONE, last_date=D("2023-03-26"), cycle_key=100)
        second = Reference(key=200, due_date=D("2023-04-30"))
        self.assertEqual(courtesy(done, "2023-04-24", reference=second), done)
        tagged = courtesy(done, "2023-04-25", reference=second)
        self.assertEqual(tagged, Status(step_id=10, state=TO_DO, cycle_key=200))

    def test_late_window_sends_one_notice(self):
        # Steps 10 and 3 days before, invoice issued 5 days before the due date: the
        # invoice itself covers the 10-day notice.
        sent, __ = simulate(
            (C10, C3), INSTALLMENT, D("2023-03-26"), D("2023-03-20"), D("2023-04-05")
        )
        self.assertEqual(sent, [(D("2023-03-28"), 12)])

    def test_a_notice_sent_is_never_due_again(self):
        # The step's days changed since, or the due date moved: the history says it
        # went, and it does not go twice.
        done = Status(step_id=10, state=DONE, last_date=D("2023-03-26"), cycle_key=100)
        moved = Reference(key=100, due_date=D("2023-04-10"))
        self.assertEqual(
            policy.courtesy_status(
                done,
                today=D("2023-04-06"),
                steps=(C5,),
                reference=moved,
                issued=D("2023-03-01"),
                sent=frozenset({10}),
            ),
            done,
        )
        # The installment reopened after the cycle moved on: still sent.
        later = Status(step_id=10, state=DONE, last_date=None, cycle_key=200)
        self.assertEqual(
            policy.courtesy_status(
                later,
                today=D("2023-03-27"),
                steps=(C5,),
                reference=INSTALLMENT,
                issued=D("2023-03-01"),
                sent=frozenset({10}),
            ),
            later,
        )
        # A pending notice whose mail is queued stays pending until it leaves.
        pending = Status(step_id=10, state=TO_DO, cycle_key=100)
        self.assertEqual(
            policy.courtesy_status(
                pending,
                today=D("2023-03-27"),
                steps=(C5,),
                reference=INSTALLMENT,
                issued=D("2023-03-01"),
                sent=frozenset({10}),
            ),
            pending,
        )

    def test_nothing_to_remind_withdraws(self):
        pending = Status(step_id=10, state=TO_DO, cycle_key=100)
        self.assertEqual(
            courtesy(pending, "2023-03-27", reference=None),
            Status(step_id=10, state=None, cycle_key=100),
        )
        # An archived step (no longer among the steps) is withdrawn too.
        self.assertIsNone(courtesy(pending, "2023-03-27", steps=()).state)
        with self.assertRaises(ValueError):
            policy.courtesy_done(Status(), today=DUE)

    def test_exhaustively(self):
        """Every combination of steps, invoice date, due date and sending delay over
        two months: notices only in their window, each step at most once per
        installment, and one whenever a window exists."""
        start = D("2023-03-01")
        step_sets = [(), (C5,), (C10, C3), (C3, C10, C5), (Step(13, BEFORE, 0),)]
        for steps, due_in, issued_in, send_after in itertools.product(
            step_sets, range(0, 40, 3), range(-5, 20, 4), (0, 1, 4)
        ):
            due = start + timedelta(days=due_in)
            issued = start + timedelta(days=issued_in)
            if issued > due:
                continue
            reference = Reference(key=1, due_date=due)
            sent, status = simulate(
                steps,
                reference,
                issued,
                start - timedelta(days=15),
                due + timedelta(5),
                send_after=send_after,
            )
            case = (steps, due, issued, send_after)
            days = [day for day, __ in sent]
            self.assertEqual(len(set(days)), len(days), case)
            for day, step_id in sent:
                step = next(s for s in steps if s.id == step_id)
                self.assertGreater(day, issued, case)
                self.assertLessEqual(day, due, case)
                self.assertGreaterEqual(day, due - timedelta(step.delay_days), case)
            self.assertEqual(
                len({step for __, step in sent}), len(sent), f"once per step {case}"
            )
            window = any(
                max(due - timedelta(s.delay_days), issued + timedelta(1)) <= due
                for s in steps
            )
            if send_after == 0:
                self.assertEqual(bool(sent), window, case)
            # A step whose day came before the invoice is covered by it, when a
            # later one comes: never two notices where the window starts late.
            timely = [s for s in steps if due - timedelta(s.delay_days) > issued]
            self.assertLessEqual(len(sent), max(len(timely), 1), case)
            self.assertNotEqual(status.state, TO_DO, f"withdrawn once due {case}")


@tagged("post_install", "-at_install")
class TestCourtesyJob(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "compta@company.example.com"
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Client SA",
                "email": "client@example.com",
                "lang": "en_US",
                "is_company": True,
            }
        )
        cls.courtesy = courtesy_step(cls.env, cls.company)

    def invoice(self, due="2023-03-31", invoice_date="2023-03-01", **extra):
        return self.make_invoice(
            due, partner=self.customer, invoice_date=invoice_date, **extra
        )

    def job(self, day):
        with freeze_time(day):
            return self.run_job()

    def courtesy_of(self, invoice):
        invoice.invalidate_recordset()
        return (
            invoice.reminder_courtesy_step_id,
            invoice.reminder_courtesy_state,
            invoice.reminder_courtesy_date,
        )

    def test_courtesy_reminder_5_days_before_due(self):
        invoice = self.invoice()
        stats = self.job("2023-03-25")
        self.assertEqual(self.courtesy_of(invoice), (self.Step, False, False))
        self.assertEqual(stats["courtesy"], 0)
        stats = self.job("2023-03-26")
        self.assertEqual(stats["courtesy"], 1)
        self.assertEqual(self.courtesy_of(invoice), (self.courtesy, "to_do", False))
        self.assertEqual(invoice.reminder_tag, "courtesy")
        # Not a reminder level.
        self.assertEqual(self.level(invoice), (self.Step, False))
        self.assertEqual(stats["tagged"], 0)

        with freeze_time("2023-03-26"):
            invoice.action_reminder_send_courtesy()
        history = invoice.reminder_history_ids
        self.assertEqual(
            (history.kind, history.step_id, history.state, history.date),
            ("courtesy", self.courtesy, "queued", D("2023-03-26")),
        )
        self.assertEqual(history.amount_residual, 1000.0)
        self.assertEqual(history.amount_overdue, 0.0)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", history.mail_message_id.id)])
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(
            mail.subject,
            f"{self.company.name} - Upcoming due date: invoice {invoice.name}",
        )
        self.assertIn("1,000.00", mail.body_html)
        self.assertIn("due on <strong>03/31/2023</strong>", mail.body_html)
        self.assertIn("this payment is not due yet", mail.body_html)
        with freeze_time("2023-03-27"):
            self.process_queue()
        self.assertEqual(history.state, "sent")
        self.assertEqual(
            self.courtesy_of(invoice), (self.courtesy, "done", D("2023-03-27"))
        )
        self.assertFalse(invoice.reminder_tag)
        self.assertEqual(self.level(invoice), (self.Step, False))
        self.assertFalse(invoice.reminder_last_date)

        # Sent once: the next days leave it done.
        self.assertEqual(self.job("2023-03-28")["courtesy"], 0)
        with freeze_time("2023-03-28"), self.assertRaises(UserError) as caught:
            invoice.action_reminder_send_courtesy()
        self.assertIn("no courtesy reminder to send", str(caught.exception))

        # Overdue: the first step comes on the first late day, the courtesy notice
        # neither blocks nor counts as the previous reminder.
        stats = self.job("2023-04-01")
        self.assertEqual(stats["tagged"], 1)
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertEqual(
            self.courtesy_of(invoice), (self.courtesy, "done", D("2023-03-27"))
        )
        with freeze_time("2023-04-03"):
            invoice.action_reminder_mark_done()
        self.job("2023-05-02")
        self.assertEqual(self.level(invoice), (self.step_1, "done"))
        self.job("2023-05-03")
        self.assertEqual(self.level(invoice), (self.step_2, "to_do"))

    def test_step_changed_after_sending_does_not_send_again(self):
        self.courtesy.auto_send = True
        invoice = self.invoice()
        self.assertEqual(self.job("2023-03-26")["mails"], 1)
        with freeze_time("2023-03-26"):
            self.process_queue()
        self.assertEqual(self.courtesy_of(invoice)[1:], ("done", D("2023-03-26")))
        self.courtesy.delay_days = 2
        stats = self.job("2023-03-29")
        self.assertEqual((stats["courtesy"], stats["mails"]), (0, 0))
        self.assertEqual(self.courtesy_of(invoice)[1], "done")
        self.assertEqual(len(invoice.reminder_history_ids), 1)

    def test_overdue_mail_cancelled_with_a_paid_invoice_is_sent_again(self):
        self.step_1.auto_send = True
        paid, other = self.invoice(due="2023-03-20"), self.invoice(due="2023-03-20")
        self.assertEqual(self.job("2023-03-21")["mails"], 1)
        self.pay(paid, 1000.0, D("2023-03-22"))
        stats = self.job("2023-03-22")
        self.assertEqual(
            other.reminder_history_ids.sorted("id").mapped("state"),
            ["cancelled", "queued"],
        )
        self.assertEqual(stats["mails"], 1)
        self.assertEqual(self.level(other), (self.step_1, "to_do"))

    def test_pending_courtesy_never_blocks_the_first_step(self):
        invoice = self.invoice()
        self.job("2023-03-26")
        self.assertEqual(self.courtesy_of(invoice)[1], "to_do")
        stats = self.job("2023-04-01")
        self.assertEqual(self.level(invoice), (self.step_1, "to_do"))
        self.assertEqual(self.courtesy_of(invoice), (self.courtesy, False, False))
        self.assertEqual(invoice.reminder_tag, "to_remind")
        self.assertEqual(stats["courtesy"], 0)

    def test_sent_by_the_job_and_withdrawn_when_paid(self):
        self.courtesy.auto_send = True
        invoice = self.invoice()
        paid = self.invoice()
        stats = self.job("2023-03-26")
        self.assertEqual((stats["courtesy"], stats["mails"]), (2, 1))
        histories = (invoice | paid).reminder_history_ids
        self.assertEqual(histories.mapped("state"), ["queued", "queued"])
        self.assertEqual(len(histories.mail_message_id), 1, "one mail per customer")
        self.pay(paid, 1000.0, D("2023-03-27"))
        stats = self.job("2023-03-27")
        self.assertEqual(self.courtesy_of(paid), (self.courtesy, False, False))
        self.assertEqual(self.courtesy_of(invoice)[1], "to_do")
        # The grouped mail named the paid invoice: cancelled, the other one left to
        # send again.
        self.assertEqual(histories.mapped("state"), ["cancelled", "cancelled"])
        self.assertEqual(stats["mails"], 1)
        self.assertEqual(
            invoice.reminder_history_ids.filtered(
                lambda row: row.state == "queued"
            ).step_id,
            self.courtesy,
        )

    def test_each_installment_gets_its_notice(self):
        invoice = self.make_installment_invoice(
            invoice_date="2023-01-31", partner=self.customer
        )
        first, second = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).sorted("date_maturity")
        self.assertEqual(second.date_maturity, D("2023-04-01"))
        # The first 30 % is due on the invoice date: no notice for it.
        self.job("2023-01-31")
        self.assertEqual(self.courtesy_of(invoice)[1], False)
        self.pay(invoice, 300.0, D("2023-01-31"))
        self.job("2023-03-26")
        self.assertEqual(self.courtesy_of(invoice)[1], False)
        self.job("2023-03-27")
        self.assertEqual(self.courtesy_of(invoice), (self.courtesy, "to_do", False))
        self.assertEqual(invoice.reminder_courtesy_ids.cycle_key, second.id)
        self.assertEqual(invoice._reminder_courtesy_amounts(), {invoice.id: 700.0})

    def test_not_for_invoices_that_may_not_be_reminded(self):
        excluded = self.invoice(reminder_excluded=True)
        small = self.invoice(amount=10.0)
        self.company.reminder_min_amount = 50.0
        remindable = self.invoice()
        self.job("2023-03-26")
        self.assertEqual(self.courtesy_of(excluded)[1], False)
        self.assertEqual(self.courtesy_of(small)[1], False)
        self.assertEqual(self.courtesy_of(remindable)[1], "to_do")

    def test_courtesy_steps_are_emails_and_keep_their_kind(self):
        with self.assertRefused(ValidationError, "it can only be an email"):
            self.courtesy.channel = "letter"
        with self.assertRefused(ValidationError, "the payment is not due yet"):
            self.step_2.mail_template_id = self.courtesy.mail_template_id
        with self.assertRefused(ValidationError, "the invoice is overdue"):
            self.courtesy.mail_template_id = self.step_1.mail_template_id
        invoice = self.invoice()
        overdue = self.invoice(due="2023-03-20")
        self.job("2023-03-26")
        self.assertEqual(self.level(overdue), (self.step_1, "to_do"))
        with self.assertRefused(UserError, "cannot switch between a courtesy"):
            self.courtesy.trigger_basis = "due_date"
        with self.assertRefused(UserError, "cannot switch between a courtesy"):
            self.step_1.trigger_basis = BEFORE
        # Between overdue bases, as before.
        self.step_1.trigger_basis = "previous_reminder"
        self.assertEqual(invoice.reminder_courtesy_step_id, self.courtesy)
        # Unused steps may switch.
        spare = self.Step.create({"name": "Spare", "company_id": self.company.id})
        spare.trigger_basis = BEFORE
        self.assertTrue(spare.is_courtesy)

    def test_existing_steps_stay_as_they_were(self):
        steps = self.Step.with_context(active_test=False).search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            [(s.trigger_basis, s.delay_days) for s in steps - self.courtesy],
            [("due_date", 0), ("previous_reminder", 30), ("previous_reminder", 30)],
        )
        # A new company gets the three steps, no courtesy one.
        company = self.env["res.company"].create({"name": "Nouvelle société"})
        self.assertEqual(
            self.Step.search([("company_id", "=", company.id)]).mapped("trigger_basis"),
            ["due_date", "previous_reminder", "previous_reminder"],
        )
        # The plan keeps the courtesy step out of the levels.
        plan = self.company._reminder_plan()
        self.assertEqual([s.id for s in plan.steps], (steps - self.courtesy).ids)
        self.assertEqual([s.id for s in plan.courtesy_steps], self.courtesy.ids)

    def test_one_bad_invoice_does_not_stop_the_others(self):
        first, second = self.invoice(), self.invoice()
        real = policy.courtesy_status

        def failing(status, **kwargs):
            if kwargs["reference"] and kwargs["reference"].key in first.line_ids.ids:
                raise ZeroDivisionError("bad data")
            return real(status, **kwargs)

        with (
            patch.object(policy, "courtesy_status", failing),
            mute_logger(
                "odoo.addons.account_invoice_reminder.models.account_reminder_courtesy"
            ),
        ):
            stats = self.job("2023-03-26")
        self.assertEqual((stats["courtesy"], stats["failed"]), (1, 1))
        self.assertEqual(self.courtesy_of(first)[1], False)
        self.assertEqual(self.courtesy_of(second)[1], "to_do")

    def test_queries_do_not_grow_with_the_invoices(self):
        self.invoice()
        plan = self.company._reminder_plan()
        plan = policy.Plan(
            today=D("2023-03-26"),
            steps=plan.steps,
            courtesy_steps=plan.courtesy_steps,
        )
        Courtesy = self.env["account.reminder.courtesy"]
        ids = Courtesy._candidate_ids(self.company, plan)
        self.env.invalidate_all()
        with self.assertQueryCount(3):
            Courtesy._apply(ids, plan, {"failed": 0}, lock=True)
        Move = self.env["account.move"]
        Move.create(
            [
                self._invoice_vals(
                    DUE, 100.0, invoice_date=D("2023-03-01"), partner=self.customer
                )
                for __ in range(30)
            ]
        ).action_post()
        ids = Courtesy._candidate_ids(self.company, plan)
        self.assertEqual(len(ids), 31)
        self.env.invalidate_all()
        with self.assertQueryCount(3):
            Courtesy._apply(ids, plan, {"failed": 0}, lock=True)
        self.assertEqual(
            Courtesy.search_count([("move_id", "in", ids), ("state", "=", "to_do")]), 31
        )

    def test_in_french(self):
        self.customer.lang = "fr_FR"
        invoice = self.invoice(amount=2400.0)
        self.job("2023-03-26")
        with freeze_time("2023-03-26"):
            invoice.action_reminder_send_courtesy()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    (
                        "mail_message_id",
                        "=",
                        invoice.reminder_history_ids.mail_message_id.id,
                    )
                ]
            )
        )
        self.assertEqual(
            mail.subject,
            f"{self.company.name} - Échéance prochaine : facture {invoice.name}",
        )
        self.assertIn("Nous nous permettons de vous rappeler", mail.body_html)
        self.assertIn("du paiement suivant", mail.body_html)
        self.assertIn("ce paiement n'est pas encore échu", mail.body_html)
        self.assertIn("du 01/03/2023 :", mail.body_html)
        self.assertIn("à régler le <strong>31/03/2023</strong>", mail.body_html)
        self.assertIn("400,00", mail.body_html)
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))
        fields = fr["account.move"].fields_get(
            ["reminder_courtesy_step_id", "reminder_courtesy_state", "reminder_tag"]
        )
        self.assertEqual(
            fields["reminder_courtesy_step_id"]["string"], "Rappel de courtoisie"
        )
        self.assertEqual(
            fields["reminder_courtesy_state"]["selection"],
            [("to_do", "À faire"), ("done", "Fait")],
        )
        self.assertEqual(
            dict(fields["reminder_tag"]["selection"])["courtesy"],
            "Rappel de courtoisie",
        )

    def test_shown_in_other_info(self):
        form = etree.fromstring(
            self.env["account.move"].get_view(
                self.env.ref("account.view_move_form").id
            )["arch"]
        )
        tab = form.find(".//page[@id='other_tab']")
        for name in (
            "reminder_courtesy_step_id",
            "reminder_courtesy_state",
            "reminder_courtesy_date",
        ):
            self.assertIsNotNone(tab.find(f".//field[@name='{name}']"), name)
        self.assertIsNotNone(
            form.find(".//header/button[@name='action_reminder_send_courtesy']")
        )

    def test_forecast_matches_what_the_job_does(self):
        first = self.invoice()
        self.make_installment_invoice(invoice_date="2023-03-01", partner=self.customer)
        later = self.invoice(due="2023-04-10", amount=500.0)
        with freeze_time("2023-03-20"):
            rows = self.env["account.move"]._reminder_forecast(D("2023-03-26"))
        courtesy = sorted(
            (row["move_id"], row["step_id"], row["amount"], row["due_next"])
            for row in rows
            if row["change"] == "courtesy"
        )
        self.assertEqual(courtesy, [(first.id, self.courtesy.id, 0.0, 1000.0)])
        self.assertFalse(self.env["account.reminder.courtesy"].search([]))
        self.job("2023-03-26")
        tagged = self.env["account.reminder.courtesy"].search([("state", "=", "to_do")])
        self.assertEqual(
            sorted((row.move_id.id, row.step_id.id) for row in tagged),
            [(first.id, self.courtesy.id)],
        )
        self.assertEqual(self.courtesy_of(later)[1], False)
        with freeze_time("2023-03-26"):
            wizard = self.env["account.reminder.forecast"].create(
                {"date": D("2023-04-05")}
            )
            wizard.action_compute()
        self.assertEqual(wizard.courtesy_count, 1)
        line = wizard.line_ids.filtered(lambda line: line.change == "courtesy")
        self.assertEqual((line.amount, line.amount_due_next), (0.0, 500.0))
        self.assertEqual(
            wizard.line_ids.filtered(lambda line: line.change == "courtesy").move_id,
            later,
        )

    def test_cancelled_in_the_company_language(self):
        self.company.partner_id.lang = "fr_FR"
        self.courtesy.auto_send = True
        invoice = self.invoice()
        self.job("2023-03-26")
        self.pay(invoice, 1000.0, D("2023-03-27"))
        self.job("2023-03-27")
        history = invoice.reminder_history_ids
        self.assertEqual(history.state, "cancelled")
        self.assertEqual(
            history.failure_reason,
            "Annulé avant l'envoi : le rappel de courtoisie ne s'applique plus "
            "(facture payée, échue, qui n'est plus à relancer, ou remplacé par un "
            "plus proche).",
        )

    def test_follow_up_closes_once_sent_or_withdrawn(self):
        no_mail = self.env["res.partner"].create(
            {"name": "Plomberie Sans Mail", "is_company": True}
        )
        invoice = self.make_invoice(
            "2023-03-31", partner=no_mail, invoice_date="2023-03-01"
        )
        self.job("2023-03-26")
        with freeze_time("2023-03-26"):
            action = invoice.action_reminder_send_courtesy()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(
            "Plomberie Sans Mail has no email address", action["params"]["message"]
        )
        failed = invoice.reminder_history_ids
        self.assertEqual(failed.state, "failed")
        self.assertEqual(
            failed.activity_id.summary,
            "Courtesy reminder not delivered: Courtesy reminder",
        )
        # An email given and the notice sent: the activity is done.
        no_mail.email = "plomberie@example.com"
        with freeze_time("2023-03-27"):
            invoice.action_reminder_send_courtesy()
            self.process_queue()
        self.assertFalse(failed.activity_id.exists())
        self.assertEqual(self.courtesy_of(invoice)[1], "done")

        other = self.make_invoice(
            "2023-03-31",
            partner=no_mail.copy({"email": False}),
            invoice_date="2023-03-01",
        )
        self.job("2023-03-26")
        with freeze_time("2023-03-26"):
            other.action_reminder_send_courtesy()
        activity = other.reminder_history_ids.activity_id
        self.assertTrue(activity)
        # Overdue: the notice is withdrawn, nobody has to chase it any more.
        self.job("2023-04-01")
        self.assertFalse(activity.exists())

    def test_courtesy_mails_sent_together_cost_the_same_queries_as_fewer(self):
        def customers_with_notices(count):
            invoices = self.env["account.move"]
            for index in range(count):
                customer = self.customer.copy(
                    {"name": f"Client {count}-{index}", "email": f"c{index}@ex.com"}
                )
                for __ in range(2):
                    invoices |= self.make_invoice(
                        "2023-03-31", partner=customer, invoice_date="2023-03-01"
                    )
            self.job("2023-03-26")
            return invoices

        few, many = customers_with_notices(2), customers_with_notices(8)
        counts = []
        sender = self.env["account.reminder.sender"]
        for invoices in (few, many):
            self.env.invalidate_all()
            queries = self.cr.sql_log_count
            with freeze_time("2023-03-26"):
                result = sender._send(invoices, per_customer=True, kind="courtesy")
            counts.append(self.cr.sql_log_count - queries)
            self.assertEqual(result["mails"], len(invoices) // 2)
        # Measured: 103 queries for 2 mails, 150 for 8 (under 8 per extra mail).
        per_mail = (counts[1] - counts[0]) / 6
        self.assertLess(per_mail, 25, counts)
        self.assertLess(counts[1], 8 * counts[0] / 2, counts)


@tagged("post_install", "-at_install")
class TestCourtesyRefresh(ReminderCommon):
    """A payment withdraws the pending courtesy reminder at once, not the next day."""

    refresh_at_commit = True

    def test_payment_withdraws_the_pending_notice(self):
        step = courtesy_step(self.env, self.company)
        invoice = self.make_invoice("2023-03-31", invoice_date="2023-03-01")
        with freeze_time("2023-03-26"):
            self.run_job()
        self.assertEqual(invoice.reminder_courtesy_step_id, step)
        self.assertEqual(invoice.reminder_courtesy_state, "to_do")
        with freeze_time("2023-03-27"):
            self.pay(invoice, 1000.0, D("2023-03-27"))
            self.commit()
        invoice.invalidate_recordset()
        self.assertFalse(invoice.reminder_courtesy_state)
        self.assertFalse(invoice.reminder_tag)


@tagged("post_install", "-at_install")
class TestCourtesyStepForm(ReminderCommon):
    def test_picking_the_trigger_date_proposes_the_courtesy_template(self):
        form = Form(self.env["account.reminder.step"])
        form.name = "Rappel avant échéance"
        form.mail_template_id = self.env.ref(
            "account_invoice_reminder.mail_template_reminder_1"
        )
        form.trigger_basis = BEFORE
        form.delay_days = 5
        step = form.save()
        self.assertEqual(
            step.mail_template_id,
            self.env.ref("account_invoice_reminder.mail_template_reminder_courtesy"),
        )
        self.assertEqual(
            (step.channel, step.delay_days, step.is_courtesy), ("email", 5, True)
        )
        # Back to an overdue basis: the courtesy template goes with it.
        form = Form(step)
        form.trigger_basis = "due_date"
        self.assertFalse(form.mail_template_id)
