# The project's commands. Each one sets up what it needs (virtualenv, Odoo source,
# databases) and reuses what already exists. See README.md.
.PHONY: demo test stress serve i18n bench forecast lint format readme coinstall screenshots

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

forecast:
	@bash scripts/forecast/run "$(DATE)"

lint:
	@bash scripts/lint/run

format:
	@bash scripts/lint/run --format

coinstall:
	@bash scripts/coinstall/run

readme:
	@$${PYTHON:-python3.11} scripts/lint/readme_fragments.py --write

screenshots:
	@bash scripts/screenshots/run
