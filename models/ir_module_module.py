from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        # A language loaded after install must reach the default steps too, which
        # have no XML id for the translation files to match.
        if (
            "account_invoice_reminder" in modules
            and "account.reminder.step" in self.env
        ):
            steps = (
                self.env["account.reminder.step"].sudo().with_context(active_test=False)
            )
            steps.search([])._translate_default_names(langs)
        return res
