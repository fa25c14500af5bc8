from . import (
    account_reminder_doubtful_transfer,
    account_reminder_forecast,
    account_reminder_forecast_line,
    account_reminder_overdue_table,
    account_reminder_overdue_table_line,
    account_reminder_send,
    account_reminder_send_line,
    mail_compose_message,
)
