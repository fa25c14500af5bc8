from . import (
    account_move,
    account_reminder_step,
    ir_module_module,
    mail_template,
    res_company,
)
