from odoo import fields, models


class AccountReminderLevel(models.Model):
    """The reminder level of an invoice: one row per invoice that reached a step.

    Kept out of the account_move table on purpose: the daily job changes the level of
    tens of thousands of invoices at once, and an update of a row of that wide table
    rewrites it in each of its thirty indexes (0.1 ms a row, ten seconds for 100,000
    invoices). This narrow table takes the same writes in a fraction of that. The
    invoice shows these values through its reminder_* fields.
    """

    _name = "account.reminder.level"
    _description = "Invoice Reminder Level"
    _rec_name = "move_id"
    # Who changed a level and when is in the reminder history; the columns, and
    # their foreign keys to res_users checked at every row, would double the cost
    # of the daily job's writes.
    _log_access = False

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    step_id = fields.Many2one(
        comodel_name="account.reminder.step",
        string="Reminder Level",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    state = fields.Selection(
        selection=[("to_do", "To Do"), ("done", "Done")],
        string="Reminder State",
        readonly=True,
        index="btree_not_null",
    )
    last_date = fields.Date(string="Last Reminder Date", readonly=True)
    # The id of the installment's receivable line, without a foreign key: checking
    # one would lock each line in account_move_line, the largest table, at every
    # write. A line that is gone never matches an open installment again, which
    # starts a new cycle, as a null would.
    cycle_key = fields.Integer(string="Reminded Installment", readonly=True)

    next_check = fields.Date(
        readonly=True,
        index="btree_not_null",
        help="Day the daily job looks at the invoice again: when the calendar alone "
        "may change its level. Empty: only an event can (a payment, a step marked "
        "done, new steps), and events apply the rules at once.",
    )

    _sql_constraints = [
        ("move_uniq", "UNIQUE(move_id)", "An invoice has one reminder level."),
    ]
