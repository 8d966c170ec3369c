//! `mail.followers`: who follows a document, declared only because `pos.order` (a
//! `mail.thread`) exposes `message_follower_ids`. `res_id` is a `many2one_reference`
//! in Odoo, an integer here (see `mail_message.rs`).
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("mail.followers", "Document Followers")
        .order("id")
        .rec_name("partner_id")
        .field(
            Field::char("res_model", "Related Document Model Name")
                .required()
                .index(),
        )
        .field(Field::integer("res_id", "Related Document ID").index())
        .field(
            Field::many2one("partner_id", "Related Partner", "res.partner")
                .required()
                .index()
                .ondelete(OnDelete::Cascade),
        )
        .sql_unique(
            "mail_followers_res_partner_res_model_id_uniq",
            &["res_model", "res_id", "partner_id"],
            "Error, a partner cannot follow twice the same object.",
        )
        .access(Some("base.group_user"), "r")
        .access(Some("base.group_system"), "rwcu")
        .with_magic_fields()
}
