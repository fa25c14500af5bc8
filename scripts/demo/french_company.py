# Run by "make demo" in "odoo shell", before accounting is installed: the main company
# becomes a French one (EUR, France, so that Odoo installs the French chart of
# accounts), the administrator works in French.
company = env.ref("base.main_company")
env.ref("base.EUR").active = True
company.write(
    {
        "name": "Atelier Lumière SAS",
        "country_id": env.ref("base.fr").id,
        "currency_id": env.ref("base.EUR").id,
        "street": "12 rue de la République",
        "zip": "69002",
        "city": "Lyon",
        "email": "compta@atelier-lumiere.example.fr",
        "phone": "+33 4 72 00 00 00",
    }
)
env.ref("base.user_admin").write({"lang": "fr_FR", "tz": "Europe/Paris"})
env["res.partner"].search([]).write({"lang": "fr_FR"})
env.cr.commit()
print(
    f"Company: {company.name} ({company.country_id.code}, {company.currency_id.name})"
)
