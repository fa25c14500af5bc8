# Fed to "odoo shell" by scripts/forecast/run: the forecast of the daily job on a day.
import os
from datetime import date

day = date.fromisoformat(os.environ["REMINDER_FORECAST_DATE"])
Move = env["account.move"].sudo()
rows = Move._reminder_forecast(day)
moves = Move.browse([row["move_id"] for row in rows])
steps = env["account.reminder.step"].sudo().browse([r["step_id"] for r in rows])
names = {step.id: step.name for step in steps}
print(f"Forecast of the daily reminder job on {day} (nothing changed):")
for row in rows:
    move = moves.browse(row["move_id"])
    verb = "to remind" if row["change"] == "tag" else "withdrawn"
    print(
        f"  {move.name:<20} {move.commercial_partner_id.name[:30]:<30} "
        f"{names.get(row['step_id'], ''):<12} {verb:<10} "
        f"{row['amount']:>12,.2f} {move.currency_id.name}"
    )
tagged = sum(1 for row in rows if row["change"] == "tag")
print(f"{tagged} invoices to remind, {len(rows) - tagged} reminders withdrawn")
env.cr.rollback()
