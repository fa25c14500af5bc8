"""Open customer invoices for the benchmark, made fast.

``generate(env, company, n, today)``: n posted customer invoices of ``company``, one
customer per 10 invoices, due dates spread over the past year, 20 % in two
installments (30 % now, 70 % at 60 days), 20 % partly paid (40 % received).

Two invoices are made by the ORM and posted, then copied row by row in SQL: making
100,000 invoices through the ORM would take hours. Every column of a copy is its
seed's but for the number, customer and dates, so totals stay consistent. Partly
paid invoices get their residual amount and payment state directly, without payment
entries: every system under test reads the same figures. The seeds are cancelled
at the end, so that exactly n invoices are open.

Run by "make bench" (scripts/bench/bench.py) and, with n = 1,000, by the test
suite (tests/test_reminder_bench.py) as a check of what it makes.
"""

import time
from datetime import timedelta

from odoo import Command


def generate(env, company, n, today, commit=True):
    started = time.time()
    Move = env["account.move"].with_company(company)
    Partner = env["res.partner"].with_company(company)
    cr = env.cr

    # Customers: one per 10 invoices.
    customers = Partner.create(
        [
            {
                "name": f"Bench Customer {i:06d}",
                "email": f"customer{i}@bench.example.com",
                "is_company": True,
            }
            for i in range(max(n // 10, 1))
        ]
    )
    term_30_70 = env["account.payment.term"].create(
        {
            "name": "Bench 30/70",
            "company_id": company.id,
            "line_ids": [
                Command.create(
                    {"value": "percent", "value_amount": 30.0, "nb_days": 0}
                ),
                Command.create(
                    {"value": "percent", "value_amount": 70.0, "nb_days": 60}
                ),
            ],
        }
    )
    seed_date = today - timedelta(days=400)

    def seed(term, amount):
        vals = {
            "move_type": "out_invoice",
            "partner_id": customers[0].id,
            "invoice_date": seed_date,
            "invoice_payment_term_id": term.id if term else False,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Subscription",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [],
                    }
                )
            ],
        }
        if not term:
            vals["invoice_date_due"] = seed_date + timedelta(days=30)
        move = Move.create(vals)
        move.action_post()
        return move

    seeds = seed(False, 120.0) | seed(term_30_70, 480.0)
    env.flush_all()

    def columns(table):
        cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cr.fetchall()]

    def copy_select(table, alias, overrides):
        cols = columns(table)
        exprs = [overrides.get(col, f'{alias}."{col}"') for col in cols]
        return ", ".join(f'"{c}"' for c in cols), ", ".join(exprs)

    # Numbers follow those of an earlier generation in the company, if any.
    cr.execute(
        "SELECT coalesce(max(sequence_number), 0) + 1 FROM account_move"
        " WHERE company_id = %s AND sequence_prefix = 'BENCH/'",
        [company.id],
    )
    first = cr.fetchone()[0]
    # g, the number: seed (20 % two installments), customer, invoice date in the year.
    cr.execute(
        """
        DROP TABLE IF EXISTS bench_map;
        CREATE TEMP TABLE bench_map AS
        SELECT g,
               nextval('account_move_id_seq') AS id,
               CASE WHEN g %% 5 = 0 THEN %(two)s ELSE %(one)s END AS seed_id,
               (%(customers)s::int[])[1 + (g - %(first)s) %% %(n_customers)s]
                   AS partner_id,
               (g * 7919) %% 365 AS age
          FROM generate_series(%(first)s, %(last)s) g
        """,
        {
            "two": seeds[1].id,
            "one": seeds[0].id,
            "customers": customers.ids,
            "n_customers": len(customers),
            "first": first,
            "last": first + n - 1,
        },
    )
    # The shift, in days, of every date of a copy against its seed (dates are ours:
    # written as literals).
    shift = f"(DATE '{today.isoformat()}' - m.age - DATE '{seed_date.isoformat()}')"
    move_cols, move_exprs = copy_select(
        "account_move",
        "s",
        {
            "name": "'BENCH/' || lpad(m.g::text, 7, '0')",
            "payment_reference": "'BENCH/' || lpad(m.g::text, 7, '0')",
            "sequence_prefix": "'BENCH/'",
            "sequence_number": "m.g",
            "partner_id": "m.partner_id",
            "commercial_partner_id": "m.partner_id",
            "partner_shipping_id": "m.partner_id",
            "date": f"s.date + {shift}",
            "invoice_date": f"s.invoice_date + {shift}",
            "invoice_date_due": f"s.invoice_date_due + {shift}",
            "access_token": "NULL",
            "create_date": "now() at time zone 'UTC'",
            "write_date": "now() at time zone 'UTC'",
        },
    )
    cr.execute(
        f"""
        INSERT INTO account_move (id, {move_cols})
        SELECT m.id, {move_exprs}
          FROM bench_map m JOIN account_move s ON s.id = m.seed_id
        """
    )
    line_cols, line_exprs = copy_select(
        "account_move_line",
        "l",
        {
            "move_id": "m.id",
            "move_name": "'BENCH/' || lpad(m.g::text, 7, '0')",
            "partner_id": "m.partner_id",
            "date": f"l.date + {shift}",
            "invoice_date": f"l.invoice_date + {shift}",
            "date_maturity": f"l.date_maturity + {shift}",
            "create_date": "now() at time zone 'UTC'",
            "write_date": "now() at time zone 'UTC'",
        },
    )
    cr.execute(
        f"""
        INSERT INTO account_move_line ({line_cols})
        SELECT {line_exprs}
          FROM bench_map m JOIN account_move_line l ON l.move_id = m.seed_id
        """
    )
    # 20 % partly paid: 40 % of the one-installment invoices' amount received.
    cr.execute(
        """
        WITH paid AS (SELECT id FROM bench_map WHERE g % 5 = 2)
        UPDATE account_move_line l
           SET amount_residual = l.amount_residual * 0.6,
               amount_residual_currency = l.amount_residual_currency * 0.6
          FROM paid WHERE l.move_id = paid.id AND l.display_type = 'payment_term'
        """
    )
    cr.execute(
        """
        WITH paid AS (SELECT id FROM bench_map WHERE g % 5 = 2)
        UPDATE account_move m
           SET payment_state = 'partial',
               amount_residual = m.amount_residual * 0.6,
               amount_residual_signed = m.amount_residual_signed * 0.6
          FROM paid WHERE m.id = paid.id
        """
    )
    cr.execute(
        "SELECT setval('account_move_id_seq', (SELECT max(id) FROM account_move))"
    )
    env.invalidate_all()
    # The seeds were only models: they go, so that exactly n invoices are open.
    seeds.button_draft()
    seeds.button_cancel()
    if commit:
        cr.commit()
    return {
        "invoices": n,
        "customers": len(customers),
        "seconds": round(time.time() - started, 2),
    }
