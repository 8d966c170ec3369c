//! `mail.message`: chatter messages, declared only because `pos.order` (a
//! `mail.thread`) exposes `message_ids` and `website_message_ids`.
//!
//! `res_id` is a `many2one_reference` in Odoo (its model is in `model`); this engine
//! has no such type, so it is an integer and the threads' one2many fields ignore
//! `model` (nothing creates messages yet).
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("mail.message", "Message")
        .order("id desc")
        .rec_name("record_name")
        .field(Field::char("subject", "Subject"))
        // Odoo: fields.Html.
        .field(Field::text("body", "Contents"))
        .field(Field::char("model", "Related Document Model").index())
        .field(Field::integer("res_id", "Related Document ID").index())
        .field(Field::char("record_name", "Message Record Name"))
        .field(
            Field::selection(
                "message_type",
                "Type",
                &[
                    ("email", "Incoming Email"),
                    ("comment", "Comment"),
                    ("email_outgoing", "Outgoing Email"),
                    ("notification", "System notification"),
                    ("auto_comment", "Automated Targeted Notification"),
                    ("user_notification", "User Specific Notification"),
                ],
            )
            .required()
            .default(DefaultValue::Str("comment")),
        )
        .field(
            Field::many2one("author_id", "Author", "res.partner")
                .ondelete(OnDelete::SetNull)
                .index(),
        )
        .field(Field::datetime("date", "Date").default(DefaultValue::Now))
        .access(Some("base.group_user"), "rwcu")
        .access(Some("base.group_portal"), "rwc")
        .with_magic_fields()
}
