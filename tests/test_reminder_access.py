"""Who may configure steps, see levels and mark them done; companies stay apart."""

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ReminderCommon

ALLOWED, REFUSED = True, False


class _Undo(Exception):
    """Raised to roll an allowed operation back, so that each cell starts afresh."""


@tagged("post_install", "-at_install")
class TestReminderAccess(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = {
            "company_id": cls.company.id,
            "company_ids": [(6, 0, cls.company.ids)],
        }
        cls.users = {
            "manager": new_test_user(
                cls.env,
                "rem_manager",
                groups="account.group_account_manager",
                **company,
            ),
            "billing": new_test_user(
                cls.env,
                "rem_billing",
                groups="account.group_account_invoice",
                **company,
            ),
            "auditor": new_test_user(
                cls.env,
                "rem_auditor",
                groups="base.group_user,account.group_account_readonly",
                **company,
            ),
            "internal": new_test_user(
                cls.env, "rem_internal", groups="base.group_user", **company
            ),
            "portal": new_test_user(
                cls.env, "rem_portal", groups="base.group_portal", **company
            ),
            "public": new_test_user(
                cls.env, "rem_public", groups="base.group_public", **company
            ),
        }
        cls.invoice = cls.make_invoice(
            "2023-01-31", partner=cls.users["portal"].partner_id
        )

    def _allowed(self, operation):
        try:
            with self.env.cr.savepoint():
                operation()
                self.env.flush_all()
                raise _Undo
        except _Undo:
            return ALLOWED
        except AccessError:
            return REFUSED
        finally:
            self.env.invalidate_all()

    def _tag(self):
        with freeze_time("2023-02-01"):
            self.run_job()
        self.assertEqual(self.invoice.reminder_state, "to_do")

    def test_access_matrix(self):
        self._tag()
        # A reminder already in the history (an earlier one, since failed), and the
        # invoice still to remind.
        with freeze_time("2023-02-01"):
            self.history = (
                self.env["account.reminder.history"]
                .sudo()
                .create(
                    dict(
                        self.env["account.reminder.sender"]._history_values(
                            self.invoice,
                            self.env["account.move"]._reminder_read_status(
                                self.invoice.ids
                            )[self.invoice.id]["status"],
                            self.env["account.move.line"],
                        ),
                        channel="email",
                        state="failed",
                        failure_reason="an earlier try",
                    )
                )
            )
        step = self.step_1
        operations = {
            "read steps": lambda u: step.with_user(u).read(["name", "delay_days"]),
            "edit steps": lambda u: step.with_user(u).write({"delay_days": 3}),
            "create steps": lambda u: self.Step.with_user(u).create({"name": "New"}),
            "see levels": lambda u: self.invoice.with_user(u).read(
                ["reminder_step_id", "reminder_state", "reminder_last_date"]
            ),
            "mark done": lambda u: self.invoice.with_user(
                u
            ).action_reminder_mark_done(),
            "send": lambda u: (
                self.env["account.reminder.send"]
                .with_user(u)
                .create({"move_ids": [(6, 0, self.invoice.ids)]})
                .action_send()
            ),
            "read history": lambda u: self.history.with_user(u).read(
                ["state", "step_id", "email_to"]
            ),
            # What comes after a letter was posted, and nothing else.
            "fill in registered mail": lambda u: self.history.with_user(u).write(
                {"registered_mail_number": "1A 234 567 8901 2"}
            ),
            "edit history": lambda u: self.history.with_user(u).write(
                {"state": "cancelled"}
            ),
        }
        expected = {
            "manager": dict(
                dict.fromkeys(operations, ALLOWED), **{"edit history": REFUSED}
            ),
            "billing": {
                "read steps": ALLOWED,
                "edit steps": REFUSED,
                "create steps": REFUSED,
                "see levels": ALLOWED,
                "mark done": ALLOWED,
                "send": ALLOWED,
                "read history": ALLOWED,
                "fill in registered mail": ALLOWED,
                "edit history": REFUSED,
            },
            "auditor": {
                "read steps": ALLOWED,
                "edit steps": REFUSED,
                "create steps": REFUSED,
                "see levels": ALLOWED,
                "mark done": REFUSED,
                "send": REFUSED,
                "read history": ALLOWED,
                "fill in registered mail": REFUSED,
                "edit history": REFUSED,
            },
            "internal": dict.fromkeys(operations, REFUSED),
            "portal": dict.fromkeys(operations, REFUSED),
            "public": dict.fromkeys(operations, REFUSED),
        }
        for role, user in self.users.items():
            for name, operation in operations.items():
                with self.subTest(role=role, operation=name):
                    self.assertEqual(
                        self._allowed(lambda op=operation, u=user: op(u)),
                        expected[role][name],
                    )
        # Every refused operation left the data as it was.
        self.assertEqual(self.step_1.delay_days, 0)
        self.assertEqual(self.invoice.reminder_state, "to_do")
        self.assertEqual(self.invoice.reminder_history_ids, self.history)
        self.assertFalse(self.env["mail.mail"].search([("model", "=", "account.move")]))

    def test_mark_done_by_billing_user(self):
        self._tag()
        with freeze_time("2023-02-02"):
            self.invoice.with_user(self.users["billing"]).action_reminder_mark_done()
        self.assertEqual(self.level(self.invoice), (self.step_1, "done"))
        self.assertEqual(
            self.invoice.message_ids[0].author_id, self.users["billing"].partner_id
        )

    def test_other_company_steps_and_invoices_stay_hidden(self):
        other = self.setup_other_company()["company"]
        other_steps = self.Step.search([("company_id", "=", other.id)])
        other_invoice = self.make_invoice("2023-01-31", company=other)
        for role in ("manager", "billing", "auditor"):
            user = self.users[role]
            with self.subTest(role=role):
                visible = self.Step.with_user(user).search([])
                self.assertEqual(visible.company_id, self.company)
                self.assertFalse(
                    self._allowed(
                        lambda u=user: other_steps.with_user(u).read(["name"])
                    )
                )
                self.assertFalse(
                    self._allowed(
                        lambda u=user: other_invoice.with_user(u).read(
                            ["reminder_step_id"]
                        )
                    )
                )

    def test_other_company_history_and_bulk_screen_stay_hidden(self):
        other = self.setup_other_company()["company"]
        customer = self.env["res.partner"].create(
            {"name": "Client B", "email": "b@example.com"}
        )
        theirs = self.make_invoice("2023-01-31", company=other, partner=customer)
        ours = self.make_invoice(
            "2023-01-31",
            partner=self.env["res.partner"].create(
                {"name": "Client A", "email": "a@example.com"}
            ),
        )
        with freeze_time("2023-02-01"):
            self.run_job()
            self.env["account.reminder.sender"]._send(theirs | ours)
        theirs_history = theirs.reminder_history_ids
        self.assertEqual(len(theirs_history), 1)
        for role in ("manager", "billing", "auditor"):
            user = self.users[role]
            with self.subTest(role=role):
                History = self.env["account.reminder.history"].with_user(user)
                self.assertEqual(
                    History.search([]).company_id, self.company, "history menu"
                )
                self.assertFalse(
                    self._allowed(
                        lambda h=theirs_history, u=user: h.with_user(u).read(["state"])
                    )
                )
        # The bulk screen proposes the user's own company's invoices only, and
        # refuses the other company's when they are given.
        billing = self.users["billing"]
        with freeze_time("2023-02-02"):
            self.set_level_to_do(theirs | ours)
            wizard = self.env["account.reminder.send"].with_user(billing).create({})
            self.assertIn(ours, wizard.move_ids)
            self.assertNotIn(theirs, wizard.move_ids)
            self.assertFalse(
                self._allowed(
                    lambda: (
                        self.env["account.reminder.send"]
                        .with_user(billing)
                        .create({"move_ids": [(6, 0, theirs.ids)]})
                        .action_send()
                    )
                )
            )
        self.assertEqual(len(theirs.reminder_history_ids), 1)

    def set_level_to_do(self, invoices):
        """Put the invoices' step back to do, as after a bounce."""
        Move = self.env["account.move"]
        rows = Move._reminder_read_status(invoices.ids)
        changes = {}
        for invoice in invoices:
            old = rows[invoice.id]["status"]
            changes[invoice.id] = (
                old,
                old.__class__(
                    step_id=old.step_id,
                    state="to_do",
                    last_date=None,
                    cycle_key=old.cycle_key,
                    done_step_ids=frozenset(),
                ),
            )
        Move._reminder_write_statuses(changes)
        self.env["account.reminder.history"].sudo().search(
            [("move_id", "in", invoices.ids)]
        ).write({"state": "failed", "failure_reason": "bounced"})

    def test_portal_user_sees_no_reminder_field(self):
        fields = self.env["account.move"].with_user(self.users["portal"]).fields_get()
        self.assertFalse([name for name in fields if name.startswith("reminder_")])
        fields = self.env["account.move"].with_user(self.users["billing"]).fields_get()
        self.assertIn("reminder_step_id", fields)
