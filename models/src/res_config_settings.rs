//! `res.config.settings`: the transient settings wizard. Clients create a record with
//! the values on screen, then call `execute` on it.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("res.config.settings", "Config Settings")
        .transient()
        .order("id")
        .field(
            Field::many2one("company_id", "Company", "res.company")
                .required()
                .default(DefaultValue::CurrentCompany)
                .ondelete(OnDelete::Cascade),
        )
        .field(Field::boolean("module_pos_stripe", "Stripe Payment Terminal").help(
            "The transactions are processed by Stripe. Set your Stripe credentials on the related payment method.",
        ))
        .field(
            Field::many2one("pos_config_id", "Point of Sale", "pos.config")
                .ondelete(OnDelete::Cascade),
        )
        .field(
            Field::many2many(
                "pos_payment_method_ids",
                "Payment Methods",
                "pos.payment.method",
                "",
                "",
                "",
            )
            .related("pos_config_id.payment_method_ids"),
        )
        .field(Field::boolean("pos_set_tip_after_payment", "Set Tip After Payment").related("pos_config_id.set_tip_after_payment"))
        .access(Some("base.group_system"), "rwc")
        .with_magic_fields()
}
