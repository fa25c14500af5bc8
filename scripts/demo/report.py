# Run by "make demo" in "odoo shell": the daily job as of today, then the open customer
# invoices with what the job decided, in French.
from datetime import date  # noqa: E402

# The add-on ships the reference rates it knows (to 2025); the accountant adds each new
# half-year. The demo, which always runs as of today, carries the last one forward so
# that its penalties show, and says so.
Rate = env["account.reminder.reference.rate"]
last = Rate.search([], order="date_start desc", limit=1)
today = env.company._reminder_today()
half = date(today.year, 1 if today.month <= 6 else 7, 1)
start = last.date_start
while last and start < half:
    start = date(start.year + 1, 1, 1) if start.month == 7 else date(start.year, 7, 1)
    if not Rate.search_count([("date_start", "=", start)]):
        Rate.create({"date_start": start, "rate": last.rate})
        print(
            f"Démo uniquement : taux de référence de {last.rate} % supposé à partir du "
            f"{start:%d/%m/%Y} (à vérifier auprès de la Banque de France)"
        )
stats = env["account.move"]._cron_invoice_reminder()
env.cr.commit()
env = env(context=dict(env.context, lang="fr_FR"))
invoices = env["account.move"].search(
    [
        ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"),
        ("payment_state", "in", ("not_paid", "partial", "paid")),
    ],
    order="company_id, invoice_date, name",
)
states = dict(env["account.move"]._fields["reminder_state"]._description_selection(env))
rows = [
    (
        "Société",
        "Facture",
        "Client",
        "Échéance la plus ancienne",
        "Jours de retard",
        "Niveau",
        "État",
        "Pénalités",
        "Indemnité",
        "Courtoisie",
    )
]
for move in invoices:
    due = move.reminder_due_date
    rows.append(
        (
            move.company_id.name,
            move.name,
            move.partner_id.name[:28],
            due.strftime("%d/%m/%Y") if due else "(payée)",
            str(move.reminder_days_overdue) if move.reminder_days_overdue else "",
            move.reminder_step_id.name or "",
            states.get(move.reminder_state, ""),
            f"{move.reminder_penalty_amount:.2f}".replace(".", ","),
            f"{move.reminder_indemnity_amount:.2f}".replace(".", ","),
            " ".join(
                filter(
                    None,
                    [
                        move.reminder_courtesy_state
                        and move.reminder_courtesy_step_id.name,
                        states.get(move.reminder_courtesy_state, ""),
                    ],
                )
            ),
        )
    )
widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
line = "-+-".join("-" * w for w in widths)
print()
print(
    f"Tâche quotidienne des relances du {env.company._reminder_today():%d/%m/%Y} : "
    f"{stats['tagged']} facture(s) marquée(s) à relancer, "
    f"{stats['withdrawn']} retirée(s); "
    # Posting an invoice applies the rules at once: its notice may predate the job.
    f"{env['account.reminder.courtesy'].search_count([('state', '=', 'to_do')])} "
    "rappel(s) de courtoisie à envoyer"
)
for i, row in enumerate(rows):
    print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    if i == 0:
        print(line)
print()
