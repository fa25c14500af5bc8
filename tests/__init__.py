from . import test_reminder_access
from . import test_reminder_i18n
from . import test_reminder_job
from . import test_reminder_policy
from . import test_reminder_step
from . import test_reminder_volume
