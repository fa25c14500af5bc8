from . import account_move, account_reminder_step, ir_module_module, res_company
