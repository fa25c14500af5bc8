def post_init_hook(env):
    """Give every existing company the default reminder steps."""
    companies = env["res.company"].with_context(active_test=False).search([])
    env["account.reminder.step"]._create_company_defaults(companies)
