# Run by "make demo" in "odoo shell", after the add-on is installed: a few invoices of
# our own next to Odoo's demo invoices, each showing one rule of the reminders.
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command

company = env.ref("base.main_company")
today = company._reminder_today()
Move = env["account.move"].with_company(company)
product = env.ref("product.product_product_4", raise_if_not_found=False)


def partner(name, email):
    found = env["res.partner"].search([("name", "=", name)], limit=1)
    return found or env["res.partner"].create(
        {
            "name": name,
            "email": email,
            "is_company": True,
            "lang": "fr_FR",
            "country_id": env.ref("base.fr").id,
        }
    )


def invoice(customer, invoice_date, amount, term=None, due=None):
    vals = {
        "move_type": "out_invoice",
        "partner_id": customer.id,
        "invoice_date": invoice_date,
        "invoice_payment_term_id": term.id if term else False,
        # The shell runs as OdooBot: give the invoices a real salesperson.
        "invoice_user_id": env.ref("base.user_admin").id,
        "invoice_line_ids": [
            Command.create(
                {
                    "product_id": product.id if product else False,
                    "name": "Prestation",
                    "quantity": 1,
                    "price_unit": amount,
                }
            )
        ],
    }
    if not term:
        vals["invoice_date_due"] = due or invoice_date
    move = Move.create(vals)
    move.action_post()
    return move


def pay(move, amount, on):
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=move.ids
    ).create({"amount": amount, "payment_date": on})._create_payments()


term_30_70 = env["account.payment.term"].create(
    {
        "name": "30 % à la commande, 70 % à 60 jours",
        "line_ids": [
            Command.create({"value": "percent", "value_amount": 30.0, "nb_days": 0}),
            Command.create({"value": "percent", "value_amount": 70.0, "nb_days": 60}),
        ],
    }
)
martin = partner("Boulangerie Martin", "contact@boulangerie-martin.example.fr")
dubois = partner("Garage Dubois SARL", "compta@garage-dubois.example.fr")
lefevre = partner("Cabinet Lefèvre", "secretariat@cabinet-lefevre.example.fr")

# Two installments: the first is overdue although the invoice's due date (the last
# installment) is 40 days away.
invoice(martin, today - timedelta(days=20), 2400.0, term=term_30_70)
# Partly paid: 40 % received, the rest is overdue.
partial = invoice(
    dubois, today - timedelta(days=45), 1500.0, due=today - timedelta(days=15)
)
pay(partial, 600.0, today - timedelta(days=10))
# Reminded once 35 days ago and handled by phone: Reminder 2 is due today.
reminded = invoice(
    lefevre, today - timedelta(days=80), 3200.0, due=today - timedelta(days=50)
)
with freeze_time(str(today - timedelta(days=35))):
    env["account.move"]._cron_invoice_reminder()
    reminded.action_reminder_mark_done()
# Paid in full: never reminded.
paid = invoice(
    martin, today - timedelta(days=40), 800.0, due=today - timedelta(days=10)
)
pay(paid, paid.amount_total, today - timedelta(days=5))
# A courtesy reminder 5 days before the due date, as an accountant would add one, and
# an invoice falling due in 3 days: the daily job tags its friendly notice.
env["account.reminder.step"].with_context(lang="fr_FR").create(
    {
        "name": "Rappel avant échéance",
        "trigger_basis": "before_due_date",
        "delay_days": 5,
        "mail_template_id": env.ref(
            "account_invoice_reminder.mail_template_reminder_courtesy"
        ).id,
        "company_id": company.id,
    }
)
invoice(dubois, today - timedelta(days=27), 950.0, due=today + timedelta(days=3))
env.cr.commit()
print(
    "Demo invoices added: two installments, partly paid, reminded once, paid, due in "
    "3 days (courtesy reminder)"
)
