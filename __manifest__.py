{
    "name": "Invoice Payment Reminders",
    "summary": "Reminder steps for unpaid customer invoices, tagged daily "
    "from the due date of the earliest open installment",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "account_invoice_reminder contributors",
    "website": "https://github.com/account-invoice-reminder/account_invoice_reminder",
    "depends": ["account"],
    "data": [
        "security/account_invoice_reminder_security.xml",
        "security/ir.model.access.csv",
        "views/account_reminder_step_views.xml",
        "views/account_reminder_history_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/account_reminder_statement_templates.xml",
        "wizard/account_reminder_send_views.xml",
        "views/account_invoice_reminder_menus.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "account_invoice_reminder/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
