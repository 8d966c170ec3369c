//! `payment.provider`: payment providers; the Stripe one holds the secret key POS uses.
//! Only `base.group_system` may read it, and the secret fields are theirs alone: POS
//! code reads the key with elevated rights, never on behalf of the caller.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("payment.provider", "Payment Provider")
        .order("sequence, name")
        .check_company()
        .company_rule(CompanyRule::ParentOf)
        .field(Field::char("name", "Name").required())
        .field(Field::integer("sequence", "Sequence").default(DefaultValue::Int(10)).help("Define the display order"))
        .field(
            Field::selection("code", "Code", &[("none", "No Provider Set"), ("stripe", "Stripe")])
                .required()
                .default(DefaultValue::Str("none"))
                .help("The technical code of this payment provider."),
        )
        .field(
            Field::selection("state", "State", &[("disabled", "Disabled"), ("enabled", "Enabled"), ("test", "Test Mode")])
                .required()
                .default(DefaultValue::Str("disabled"))
                .no_copy()
                .help("In test mode, a fake payment is processed through a test payment interface.\nThis mode is advised when setting up the provider."),
        )
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .default(DefaultValue::CurrentCompany)
                .index(),
        )
        .field(
            Field::char("stripe_publishable_key", "Publishable Key")
                .help("The key solely used to identify the account with Stripe"),
        )
        .field(Field::char("stripe_secret_key", "Secret Key").groups("base.group_system"))
        .field(Field::char("stripe_webhook_secret", "Webhook Signing Secret").groups("base.group_system").help(
            "If a webhook is enabled on your Stripe account, this signing secret must be set to authenticate the messages sent from Stripe to Odoo.",
        ))
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
