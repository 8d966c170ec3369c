//! `pos.printer`: order (kitchen) printers and the POS categories each one prints.
//! `epson_epos` and `epson_printer_ip` come from pos_epson_printer, installed in the
//! recorded database.
use crate::prelude::*;

pub fn model() -> Model {
    Model::new("pos.printer", "Point of Sale Printer")
        .order("id")
        .field(
            Field::char("name", "Printer Name")
                .required()
                .default(DefaultValue::Str("Printer"))
                .help("An internal identification of the printer"),
        )
        .field(
            Field::selection(
                "printer_type",
                "Printer Type",
                &[
                    ("iot", " Use a printer connected to the IoT Box"),
                    ("epson_epos", "Use an Epson printer"),
                ],
            )
            .default(DefaultValue::Str("iot")),
        )
        .field(
            Field::char("proxy_ip", "Proxy IP Address")
                .help("The IP Address or hostname of the Printer's hardware proxy"),
        )
        .field(Field::many2many(
            "product_categories_ids",
            "Printed Product Categories",
            "pos.category",
            "printer_category_rel",
            "printer_id",
            "category_id",
        ))
        .field(
            Field::char("epson_printer_ip", "Epson Printer IP Address")
                .help("Local IP address of an Epson receipt printer."),
        )
        .access(Some("point_of_sale.group_pos_manager"), "rwcu")
        .access(Some("point_of_sale.group_pos_user"), "r")
        .with_magic_fields()
}
