from . import (
    account_reminder_due_report,
    account_reminder_effectiveness_report,
    account_reminder_late_customer_report,
)
