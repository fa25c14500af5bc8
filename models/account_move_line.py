from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # On the lines of an invoice of late-payment fees: what they charge, so that the
    # same period or indemnity is never charged twice.
    reminder_fee_origin_id = fields.Many2one(
        comodel_name="account.move",
        string="Late Invoice",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The invoice paid late whose penalties or indemnity this line charges.",
    )
    reminder_fee_kind = fields.Selection(
        selection=[
            ("penalty", "Late-payment penalties"),
            ("indemnity", "Recovery indemnity"),
        ],
        string="Late Fee",
        readonly=True,
        copy=False,
    )
    reminder_fee_until = fields.Date(
        string="Penalties Charged Until",
        readonly=True,
        copy=False,
    )
