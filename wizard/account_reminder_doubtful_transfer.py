from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount


class AccountReminderDoubtfulTransfer(models.TransientModel):
    """Move what a customer invoice still owes to doubtful debts (416).

    One journal entry: the doubtful-debts account debited, the customer's receivable
    credited, for the invoice's residual, the credit reconciled with the invoice's
    open installments; the invoice is put in litigation. Odoo then sees the invoice
    as paid: the entry is marked, so that the late fees, the dashboard and the
    D441-6 table know the customer paid nothing.
    """

    _name = "account.reminder.doubtful.transfer"
    _description = "Transfer an Invoice to Doubtful Debts"

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        readonly=True,
        domain=[("move_type", "=", "out_invoice")],
    )
    company_id = fields.Many2one(related="move_id.company_id")
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(
        related="move_id.amount_residual",
        string="Amount Transferred",
        currency_field="currency_id",
    )
    date = fields.Date(
        string="Transfer Date",
        required=True,
        compute="_compute_defaults",
        store=True,
        precompute=True,
        readonly=False,
    )
    account_id = fields.Many2one(
        comodel_name="account.account",
        string="Doubtful Debts Account",
        compute="_compute_defaults",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('company_ids', 'parent_of', company_id), ('reconcile', '=', True), "
        "('account_type', 'in', ('asset_receivable', 'asset_current'))]",
        help="Default: the account of the settings, else the first reconcilable "
        "account whose code starts with 416.",
    )
    journal_id = fields.Many2one(
        comodel_name="account.journal",
        required=True,
        compute="_compute_defaults",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('company_id', '=', company_id), ('type', '=', 'general')]",
    )

    @api.depends("move_id")
    def _compute_defaults(self):
        for wizard in self:
            company = wizard.move_id.company_id
            if not company:
                continue
            wizard.date = wizard.date or company._reminder_today()
            wizard.account_id = (
                wizard.account_id or company._reminder_doubtful_account()
            )
            wizard.journal_id = wizard.journal_id or self.env["account.journal"].search(
                [
                    *self.env["account.journal"]._check_company_domain(company),
                    ("type", "=", "general"),
                ],
                limit=1,
            )

    def action_transfer(self):
        """Create and post the transfer entry, reconcile it with the invoice and put
        the invoice in litigation."""
        self.ensure_one()
        invoice = self.move_id
        invoice.check_access("write")
        self._check_transferable()
        amount = format_amount(self.env, invoice.amount_residual, invoice.currency_id)
        entry = self._create_entry()
        entry.action_post()
        open_lines = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term" and not line.reconciled
        )
        for account, lines in open_lines.grouped("account_id").items():
            credit = entry.line_ids.filtered(
                lambda line, account=account: line.account_id == account
            )
            (credit | lines).reconcile()
        invoice.reminder_litigation = True
        # Odoo shows the invoice as paid from now on: the chatter says it is not.
        invoice._message_log(
            body=self.env._(
                "Transferred to doubtful debts: %(amount)s moved to %(account)s by "
                "%(entry)s. The customer has not paid it: the invoice is in "
                "litigation, its reminders stop and its late-payment penalties keep "
                "running.",
                amount=amount,
                account=self.account_id.display_name,
                entry=entry.name,
            )
        )
        entry._message_log(
            body=self.env._(
                "Transfer of %(invoice)s to doubtful debts.", invoice=invoice.name
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": entry.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _check_transferable(self):
        invoice = self.move_id
        if not (
            invoice.move_type == "out_invoice"
            and invoice.state == "posted"
            and invoice.payment_state in ("not_paid", "partial")
        ):
            raise UserError(
                self.env._(
                    "%(invoice)s cannot be transferred to doubtful debts: only a "
                    "posted customer invoice that still owes money can.",
                    invoice=invoice.display_name,
                )
            )
        if not self.account_id:
            invoice.company_id._reminder_doubtful_account_required()
        receivable = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).account_id
        if self.account_id in receivable:
            raise UserError(
                self.env._(
                    "The doubtful debts account must not be the receivable account of "
                    "%(invoice)s (%(account)s).",
                    invoice=invoice.display_name,
                    account=self.account_id.display_name,
                )
            )

    def _create_entry(self):
        """The transfer entry, in draft: the residual of each open installment,
        in company currency (balance) and invoice currency (amount_currency), so
        that the reconciliation settles them exactly, with no exchange difference."""
        invoice = self.move_id
        partner = invoice.commercial_partner_id
        label = self.env._(
            "Transfer of %(invoice)s to doubtful debts", invoice=invoice.name
        )
        open_lines = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term" and not line.reconciled
        )
        common = {
            "name": label,
            "partner_id": partner.id,
            "currency_id": invoice.currency_id.id,
        }
        credits = []
        for account, lines in open_lines.grouped("account_id").items():
            credits.append(
                {
                    **common,
                    "account_id": account.id,
                    "balance": -sum(lines.mapped("amount_residual")),
                    "amount_currency": -sum(lines.mapped("amount_residual_currency")),
                }
            )
        debit = {
            **common,
            "account_id": self.account_id.id,
            "balance": -sum(vals["balance"] for vals in credits),
            "amount_currency": -sum(vals["amount_currency"] for vals in credits),
            "date_maturity": self.date,
        }
        return self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.journal_id.id,
                "date": self.date,
                "ref": label,
                "partner_id": partner.id,
                "reminder_doubtful_transfer": True,
                "reminder_doubtful_invoice_id": invoice.id,
                "line_ids": [Command.create(vals) for vals in [debit, *credits]],
            }
        )
