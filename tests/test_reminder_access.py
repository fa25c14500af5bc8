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
        }
        expected = {
            "manager": dict.fromkeys(operations, ALLOWED),
            "billing": {
                "read steps": ALLOWED,
                "edit steps": REFUSED,
                "create steps": REFUSED,
                "see levels": ALLOWED,
                "mark done": ALLOWED,
            },
            "auditor": {
                "read steps": ALLOWED,
                "edit steps": REFUSED,
                "create steps": REFUSED,
                "see levels": ALLOWED,
                "mark done": REFUSED,
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

    def test_portal_user_sees_no_reminder_field(self):
        fields = self.env["account.move"].with_user(self.users["portal"]).fields_get()
        self.assertFalse([name for name in fields if name.startswith("reminder_")])
        fields = self.env["account.move"].with_user(self.users["billing"]).fields_get()
        self.assertIn("reminder_step_id", fields)
