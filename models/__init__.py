from . import (
    account_move,
    account_reminder_history,
    account_reminder_level,
    account_reminder_sender,
    account_reminder_step,
    ir_module_module,
    mail_mail,
    mail_notification,
    mail_template,
    res_company,
    res_config_settings,
    res_partner,
)
