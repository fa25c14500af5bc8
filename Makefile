# The project's commands. Each one sets up what it needs (virtualenv, Odoo source,
# databases) and reuses what already exists. See README.md.
.PHONY: demo test stress serve i18n bench screenshots

demo:
	@bash scripts/demo/run

test:
	@bash scripts/run-tests

stress:
	@bash scripts/stress/run

serve:
	@bash scripts/odoo -d $${REMINDER_DEMO_DB:-reminder_demo} --db-filter="^$${REMINDER_DEMO_DB:-reminder_demo}$$" --http-port=$${PORT:-8069}

i18n:
	@bash scripts/update-i18n

bench:
	@bash scripts/bench/run

screenshots:
	@bash scripts/screenshots/run
