from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from odoo import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models import account_move


class ReminderCommon(AccountTestInvoicingCommon):
    """Invoices built directly (no form) with explicit dates, and the job run as the
    cron runs it."""

    # Payments, reversals and resets to draft apply the reminder rules when the
    # transaction ends (at every flush in tests). Tests of the daily job's rules turn
    # that off, so that only the job decides and every date stays under their control;
    # TestReminderRefresh tests it with it on.
    refresh_at_commit = False

    @classmethod
    def setUpClass(cls):
        if not cls.refresh_at_commit:
            cls.startClassPatcher(
                patch.object(
                    account_move.AccountMove,
                    "_reminder_schedule_refresh",
                    lambda self, now=False: None,
                )
            )
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # A fixed time zone: "today" must not depend on the machine running the tests.
        cls.company.partner_id.tz = "UTC"
        cls.Step = cls.env["account.reminder.step"]
        cls.step_1, cls.step_2, cls.step_3 = cls.Step.search(
            [("company_id", "=", cls.company.id)]
        )
        cls.term_30_70 = cls.env["account.payment.term"].create(
            {
                "name": "30% now, 70% in 60 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 30.0, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 70.0, "nb_days": 60}
                    ),
                ],
            }
        )

    @classmethod
    def _invoice_vals(
        cls, due, amount=1000.0, invoice_date=None, partner=None, **extra
    ):
        vals = {
            "move_type": "out_invoice",
            "partner_id": (partner or cls.partner_a).id,
            "invoice_date": invoice_date or due,
            "invoice_payment_term_id": False,
            "invoice_date_due": due,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Service",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [],
                    }
                )
            ],
        }
        vals.update(extra)
        if vals.get("invoice_payment_term_id"):
            vals.pop("invoice_date_due")
        return vals

    @classmethod
    def make_invoice(cls, due, amount=1000.0, post=True, company=None, **extra):
        """An invoice of ``amount`` (no tax) due on ``due`` (a date or 'YYYY-MM-DD')."""
        due = date.fromisoformat(due) if isinstance(due, str) else due
        if isinstance(extra.get("invoice_date"), str):
            extra["invoice_date"] = date.fromisoformat(extra["invoice_date"])
        Move = cls.env["account.move"].with_company(company or cls.company)
        invoice = Move.create(cls._invoice_vals(due, amount, **extra))
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def make_installment_invoice(cls, invoice_date="2023-01-31", **extra):
        """1,000 due 30 % on ``invoice_date`` and 70 % sixty days later."""
        return cls.make_invoice(
            None,
            invoice_date=invoice_date,
            invoice_payment_term_id=cls.term_30_70.id,
            **extra,
        )

    @classmethod
    def make_invoices(cls, count, due, amount=100.0):
        """``count`` posted invoices at once, for volume tests."""
        due = date.fromisoformat(due) if isinstance(due, str) else due
        invoices = cls.env["account.move"].create(
            [cls._invoice_vals(due, amount) for __ in range(count)]
        )
        invoices.action_post()
        return invoices

    def pay(self, invoice, amount, on):
        """Register a payment of ``amount`` on ``invoice``, dated ``on``."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": on})
        )
        return wizard._create_payments()

    def partly_paid_invoice(self, lang):
        """1,200 due on 31/01/2023, 200 paid on 10/02, for a customer in ``lang``."""
        self.partner_a.lang = lang
        invoice = self.make_invoice("2023-01-31", amount=1200.0)
        self.pay(invoice, 200.0, date(2023, 2, 10))
        return invoice

    def render(self, template, invoice, field="body_html"):
        """``field`` of ``template`` for ``invoice``, in the recipient's language as
        when sending."""
        return template._render_field(field, invoice.ids, compute_lang=True)[invoice.id]

    def commit(self):
        """What ends a transaction in production: the at-commit hooks run."""
        self.env.cr.flush()

    def process_queue(self):
        """The mail queue's run: send what is queued, then commit."""
        mails = self.env["mail.mail"].sudo().search([("state", "=", "outgoing")])
        mails.send()
        self.commit()
        return mails

    def run_job(self, **context):
        """Run the daily job as the cron does: with an empty context by default."""
        # A positional dict replaces the whole context: {} is the cron's context.
        # pylint: disable-next=context-overridden
        return self.env["account.move"].with_context(context)._cron_invoice_reminder()

    def level(self, invoice):
        """(step, state) of ``invoice`` as stored."""
        invoice.invalidate_recordset()
        return invoice.reminder_step_id, invoice.reminder_state

    @contextmanager
    def assertRefused(self, exception, text):
        """Odoo's assertRaises (which rolls back what the refused operation left, as
        the user's transaction would be) that also checks the message."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))
