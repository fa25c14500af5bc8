from . import (
    test_reminder_access,
    test_reminder_bench,
    test_reminder_concurrency,
    test_reminder_i18n,
    test_reminder_job,
    test_reminder_policy,
    test_reminder_properties,
    test_reminder_refresh,
    test_reminder_send,
    test_reminder_step,
    test_reminder_tour,
    test_reminder_volume,
)
