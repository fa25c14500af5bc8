# Run by "make demo" in "odoo shell": the daily job as of today, then the open customer
# invoices with what the job decided, in French.
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
        )
    )
widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
line = "-+-".join("-" * w for w in widths)
print()
print(
    f"Tâche quotidienne des relances du {env.company._reminder_today():%d/%m/%Y} : "
    f"{stats['tagged']} facture(s) marquée(s) à relancer, "
    f"{stats['withdrawn']} retirée(s)"
)
for i, row in enumerate(rows):
    print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    if i == 0:
        print(line)
print()
