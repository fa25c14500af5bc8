# Fed to "odoo shell" by scripts/forecast/run: the forecast of the daily job on a day,
# printed in French as the demo's report is.
import os
import sys
from datetime import date

day = date.fromisoformat(os.environ["REMINDER_FORECAST_DATE"])
env = env(context=dict(env.context, lang="fr_FR"))
Move = env["account.move"].sudo()
today = min(company._reminder_today() for company in env["res.company"].search([]))
if day < today:
    sys.exit(
        f"Une prévision porte sur aujourd'hui ou un jour ultérieur, pas sur le "
        f"{day:%d/%m/%Y} : l'historique des relances indique ce qui s'est passé avant."
    )
rows = Move._reminder_forecast(day)
moves = Move.browse([row["move_id"] for row in rows])
steps = env["account.reminder.step"].sudo().browse([r["step_id"] for r in rows])
names = {step.id: step.name for step in steps}
changes = {"tag": "à relancer", "withdraw": "retirée", "courtesy": "courtoisie"}
title = f"Prévision de la tâche quotidienne des relances au {day:%d/%m/%Y}"
print(f"{title} (rien n'est modifié) :")
for row in rows:
    move = moves.browse(row["move_id"])
    # What is overdue, or for a courtesy reminder what falls due ("à échoir").
    figure = row.get("due_next") if row["change"] == "courtesy" else row["amount"]
    amount = f"{figure:,.2f}".replace(",", " ").replace(".", ",")
    print(
        f"  {move.company_id.name[:22]:<22} {move.name:<16} "
        f"{move.commercial_partner_id.name[:26]:<26} "
        f"{names.get(row['step_id'], '')[:22]:<22} {changes[row['change']]:<11} "
        f"{amount:>12} {move.currency_id.name}"
        + (" à échoir" if row["change"] == "courtesy" else "")
    )
tagged = sum(1 for row in rows if row["change"] == "tag")
courtesy = sum(1 for row in rows if row["change"] == "courtesy")
withdrawn = len(rows) - tagged - courtesy
print(
    f"{tagged} facture(s) de plus à relancer, {withdrawn} relance(s) retirée(s), "
    f"{courtesy} rappel(s) de courtoisie"
)
env.cr.rollback()
