//! `res.partner`: copies are named "<name> (copy)".

use crate::orm::behaviour::Behaviour;

pub struct ResPartner;

impl Behaviour for ResPartner {
    fn model(&self) -> &'static str {
        "res.partner"
    }

    fn copy_renames(&self) -> bool {
        true
    }
}
