from . import account_reminder_step
from . import account_move
from . import ir_module_module
from . import res_company
