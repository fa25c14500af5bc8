import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// Both tours run in French (the users' language): steps that check a text the user
// reads use the French label, so that a missing translation fails the tour; steps
// that click find their target by field or menu name, which no translation changes.
// Nothing here depends on the browser's clock: dates are the server's.

const stepRow = (name) => `.o_data_row:has(td[name="name"]:contains("${name}"))`;

function openStepList() {
    return [
        {
            content: "Open the Configuration menu",
            trigger:
                '.o_main_navbar [data-menu-xmlid="account.menu_finance_configuration"]',
            run: "click",
        },
        {
            content: "Open the reminder steps, a menu labelled in French",
            trigger:
                '.dropdown-item[data-menu-xmlid="account_invoice_reminder.account_reminder_step_menu"]:contains("Étapes de relance facture")',
            run: "click",
        },
        {
            content: "The list of steps, titled in French",
            trigger: '.o_breadcrumb:contains("Étapes de relance facture")',
        },
    ];
}

registry.category("web_tour.tours").add("account_invoice_reminder_step_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open Invoicing"),
        ...openStepList(),
        {
            content: "The company's three steps, in French",
            trigger: `${stepRow("Relance 3")}:has(td[name="trigger_basis"]:contains("Après la relance précédente"))`,
        },
        {
            content: "Create a step",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: '.o_form_view div[name="name"] input',
            run: "edit Relance amiable",
        },
        {
            content: "Choose the template",
            trigger: '.o_form_view div[name="mail_template_id"] input',
            run: "edit Première",
        },
        {
            content: "The French name of the first reminder's template",
            trigger:
                '.o-autocomplete--dropdown-item a:contains("Facture - Première relance")',
            run: "click",
        },
        {
            content: "The trigger date's label is French",
            trigger: '.o_form_view label:contains("Date de déclenchement")',
        },
        {
            content: "Count from the previous reminder, an option labelled in French",
            trigger: '.o_form_view div[name="trigger_basis"] select',
            run: "selectByLabel Après la relance précédente",
        },
        {
            content: "The number of days' label is French",
            trigger:
                '.o_form_view label:contains("Nombre de jours après la date de déclenchement")',
        },
        {
            content: "Ten days",
            trigger: '.o_form_view div[name="delay_days"] input',
            run: "edit 10",
        },
        {
            content: "Sent automatically, a box labelled in French",
            trigger: '.o_form_view label:contains("Envoi automatique")',
        },
        {
            trigger: '.o_form_view div[name="auto_send"] input',
            run: "check",
        },
        ...stepUtils.saveForm(),
        {
            content: "Back to the list",
            trigger: '.o_breadcrumb a:contains("Étapes de relance facture")',
            run: "click",
        },
        {
            content:
                "The new step comes last: its default sequence follows the others'",
            trigger: `.o_data_row:last td[name="name"]:contains("Relance amiable")`,
        },
        {
            content: "Drag its handle above the first step",
            trigger: `${stepRow("Relance amiable")} .o_row_handle`,
            run: `drag_and_drop ${stepRow("Relance 1")}`,
        },
        {
            content: "Now first on the screen",
            trigger: `.o_data_row:first td[name="name"]:contains("Relance amiable")`,
        },
        // Opening the menu again reads the order back from the server: the tour ends
        // once the new sequences are saved, not while they are on their way.
        ...openStepList(),
        {
            content: "First as saved, before the company's steps",
            trigger: `.o_data_row:first td[name="name"]:contains("Relance amiable")`,
        },
        {
            trigger: `.o_data_row:eq(1) td[name="name"]:contains("Relance 1")`,
        },
    ],
});

registry.category("web_tour.tours").add("account_invoice_reminder_send_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open Invoicing"),
        {
            content: "Open the Customers menu",
            trigger:
                '.o_main_navbar [data-menu-xmlid="account.menu_finance_receivables"]',
            run: "click",
        },
        {
            content: "Open the customer invoices",
            trigger:
                '.dropdown-item[data-menu-xmlid="account.menu_action_move_out_invoice_type"]',
            run: "click",
        },
        {
            content: "The daily job's French badge on the invoice",
            trigger: `.o_data_row:has(td[name="invoice_partner_display_name"]:contains("Boulangerie Martin")) td[name="reminder_tag"]:contains("À relancer")`,
        },
        {
            content: "Open the invoice",
            trigger: `.o_data_row td[name="invoice_partner_display_name"]:contains("Boulangerie Martin")`,
            run: "click",
        },
        {
            content: "The badge on the invoice too",
            trigger: '.o_form_view div[name="reminder_tag"]:contains("À relancer")',
        },
        {
            content: "Open the Other Info tab, labelled in French",
            trigger:
                '.o_notebook a.nav-link[name="other_info"]:contains("Autres informations")',
            run: "click",
        },
        {
            content: "The Reminders group, in French",
            trigger:
                '.o_notebook .tab-pane.active .o_horizontal_separator:contains("Relances")',
        },
        {
            content: "The reminder level, labelled in French",
            trigger:
                '.o_notebook .tab-pane.active label.o_form_label:contains("Niveau de relance")',
        },
        {
            content: "First step, to do",
            trigger:
                '.o_notebook .tab-pane.active div[name="reminder_level"]:has(div[name="reminder_step_id"]:contains("Relance 1")):has(div[name="reminder_state"]:contains("À faire"))',
        },
        {
            content: "Send the reminder, a button labelled in French",
            trigger:
                '.o_form_view .o_statusbar_buttons button[name="action_reminder_send"]:contains("Envoyer la relance")',
            run: "click",
        },
        {
            content: "The composer, titled in French",
            trigger: '.modal .modal-title:contains("Envoyer la relance")',
        },
        {
            content: "The subject as the French customer gets it",
            trigger: '.modal div[name="subject"] input:value("Rappel de paiement")',
        },
        {
            content: "The French body of the first reminder",
            trigger: '.modal div[name="body"]:contains("Sauf erreur de notre part")',
        },
        {
            content: "Send",
            trigger: ".modal button.o_mail_send",
            run: "click",
        },
        {
            content: "The invoice's own history appears, in a tab labelled in French",
            trigger:
                '.o_notebook a.nav-link[name="reminder_history"]:contains("Relances")',
            run: "click",
        },
        {
            content: "The reminder, queued until the mail leaves",
            trigger:
                '.o_notebook .tab-pane.active div[name="reminder_history_ids"] .o_data_row:has(td[name="step_id"]:contains("Relance 1")):has(td[name="state"]:contains("En file d\'attente"))',
        },
        {
            content: "Open the reminder history",
            trigger:
                '.o_main_navbar [data-menu-xmlid="account.menu_finance_receivables"]',
            run: "click",
        },
        {
            content: "A menu labelled in French",
            trigger:
                '.dropdown-item[data-menu-xmlid="account_invoice_reminder.account_reminder_history_menu"]:contains("Historique des relances")',
            run: "click",
        },
        {
            content: "The reminder is there, for the customer, queued",
            trigger:
                '.o_list_view .o_data_row:has(td[name="partner_id"]:contains("Boulangerie Martin")):has(td[name="step_id"]:contains("Relance 1")):has(td[name="state"]:contains("En file d\'attente"))',
        },
    ],
});
