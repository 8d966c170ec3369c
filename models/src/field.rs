//! Field declarations: the vocabulary every model file uses to declare its columns,
//! mirroring `odoo.fields` (Char, Many2one, ...) closely enough that an Odoo developer
//! recognises each line.

/// What happens to a record when the record a many2one points at is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDelete {
    /// The deletion is refused while references exist (Odoo's `restrict`).
    Restrict,
    /// The referencing record is deleted too.
    Cascade,
    /// The reference is cleared.
    SetNull,
}

/// The type of a field, with the parameters that type needs.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldType {
    Char {
        size: Option<u32>,
    },
    Text,
    Boolean,
    Integer,
    Float,
    /// An exact decimal amount expressed in the currency named by `currency_field`.
    Monetary {
        currency_field: &'static str,
    },
    Selection(Vec<(&'static str, &'static str)>),
    Many2one {
        comodel: &'static str,
        ondelete: OnDelete,
    },
    One2many {
        comodel: &'static str,
        inverse: &'static str,
    },
    Many2many {
        comodel: &'static str,
        relation: &'static str,
        column1: &'static str,
        column2: &'static str,
    },
    Date,
    Datetime,
}

impl FieldType {
    /// The `type` string `fields_get` reports.
    pub fn odoo_name(&self) -> &'static str {
        match self {
            FieldType::Char { .. } => "char",
            FieldType::Text => "text",
            FieldType::Boolean => "boolean",
            FieldType::Integer => "integer",
            FieldType::Float => "float",
            FieldType::Monetary { .. } => "monetary",
            FieldType::Selection(_) => "selection",
            FieldType::Many2one { .. } => "many2one",
            FieldType::One2many { .. } => "one2many",
            FieldType::Many2many { .. } => "many2many",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
        }
    }

    /// The model a relational field points at.
    pub fn comodel(&self) -> Option<&'static str> {
        match self {
            FieldType::Many2one { comodel, .. }
            | FieldType::One2many { comodel, .. }
            | FieldType::Many2many { comodel, .. } => Some(comodel),
            _ => None,
        }
    }

    pub fn is_x2many(&self) -> bool {
        matches!(
            self,
            FieldType::One2many { .. } | FieldType::Many2many { .. }
        )
    }
}

/// A field's default value, evaluated when a record is created without it.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    None,
    Bool(bool),
    Int(i64),
    /// Decimal text, parsed exactly.
    Number(&'static str),
    Str(&'static str),
    /// The current company (first of `allowed_company_ids`, else the user's company).
    CurrentCompany,
    /// The calling user.
    CurrentUser,
    /// The current company's currency.
    CompanyCurrency,
    /// The current date-time, UTC.
    Now,
    /// A record given by external id, `module.name`.
    XmlId(&'static str),
}

/// One field of a model.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: &'static str,
    pub string: &'static str,
    pub ty: FieldType,
    pub help: Option<&'static str>,
    pub required: bool,
    pub readonly: bool,
    /// Stored in the model's table (or its relation table for many2many).
    pub store: bool,
    /// Copied by `copy()`.
    pub copy: bool,
    /// External id of the group a user needs to see or touch the field.
    pub groups: Option<&'static str>,
    pub default: DefaultValue,
    /// Computed by the model's behaviour (the server's `addons`), which must provide
    /// a compute for it; stored computes are recomputed on every create/write.
    pub computed: bool,
    /// Dotted path this field mirrors (`pos_config_id.payment_method_ids`).
    pub related: Option<&'static str>,
    /// Create a database index on the column.
    pub index: bool,
    /// Hidden from `fields_get` and never readable (passwords).
    pub write_only: bool,
    /// A selection whose values a method of the model gives (Odoo's
    /// `selection=<callable>`): the behaviour lists the values, and Odoo stores any
    /// value written, unchecked.
    pub dynamic_selection: bool,
    /// How Odoo describes a field ours keeps differently (`load_data`'s `relations`):
    /// the type Odoo reports when ours is a stand-in (`binary`, `html`), and whether
    /// Odoo computes it (a stored compute or related field, which this server stores
    /// as a plain column written by the model's behaviour or the client).
    pub odoo_type: Option<&'static str>,
    pub odoo_computed: bool,
    pub odoo_related: bool,
}

impl Field {
    fn new(name: &'static str, string: &'static str, ty: FieldType) -> Field {
        let copy = !matches!(ty, FieldType::One2many { .. });
        Field {
            name,
            string,
            ty,
            help: None,
            required: false,
            readonly: false,
            store: true,
            copy,
            groups: None,
            default: DefaultValue::None,
            computed: false,
            related: None,
            index: false,
            write_only: false,
            dynamic_selection: false,
            odoo_type: None,
            odoo_computed: false,
            odoo_related: false,
        }
    }

    pub fn char(name: &'static str, string: &'static str) -> Field {
        Field::new(name, string, FieldType::Char { size: None })
    }
    pub fn text(name: &'static str, string: &'static str) -> Field {
        Field::new(name, string, FieldType::Text)
    }
    pub fn boolean(name: &'static str, string: &'static str) -> Field {
        Field::new(name, string, FieldType::Boolean)
    }
    pub fn integer(name: &'static str, string: &'static str) -> Field {
        Field::new(name, string, FieldType::Integer)
    }
    pub fn float(name: &'static str, string: &'static str) -> Field {
        Field::new(name, string, FieldType::Float)
    }
    pub fn monetary(
        name: &'static str,
        string: &'static str,
        currency_field: &'static str,
    ) -> Field {
        Field::new(name, string, FieldType::Monetary { currency_field })
    }
    pub fn selection(
        name: &'static str,
        string: &'static str,
        values: &[(&'static str, &'static str)],
    ) -> Field {
        Field::new(name, string, FieldType::Selection(values.to_vec()))
    }
    pub fn many2one(name: &'static str, string: &'static str, comodel: &'static str) -> Field {
        Field::new(
            name,
            string,
            FieldType::Many2one {
                comodel,
                ondelete: OnDelete::SetNull,
            },
        )
    }
    pub fn one2many(
        name: &'static str,
        string: &'static str,
        comodel: &'static str,
        inverse: &'static str,
    ) -> Field {
        let mut f = Field::new(name, string, FieldType::One2many { comodel, inverse });
        f.store = false;
        f
    }
    pub fn many2many(
        name: &'static str,
        string: &'static str,
        comodel: &'static str,
        relation: &'static str,
        column1: &'static str,
        column2: &'static str,
    ) -> Field {
        Field::new(
            name,
            string,
            FieldType::Many2many {
                comodel,
                relation,
                column1,
                column2,
            },
        )
    }
    pub fn date(name: &'static str, string: &'static str) -> Field {
        Field::new(name, string, FieldType::Date)
    }
    pub fn datetime(name: &'static str, string: &'static str) -> Field {
        Field::new(name, string, FieldType::Datetime)
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }
    pub fn readonly(mut self) -> Field {
        self.readonly = true;
        self
    }
    pub fn help(mut self, help: &'static str) -> Field {
        self.help = Some(help);
        self
    }
    pub fn size(mut self, size: u32) -> Field {
        if let FieldType::Char { size: s } = &mut self.ty {
            *s = Some(size);
        }
        self
    }
    pub fn no_copy(mut self) -> Field {
        self.copy = false;
        self
    }
    pub fn groups(mut self, xmlid: &'static str) -> Field {
        self.groups = Some(xmlid);
        self
    }
    pub fn default(mut self, default: DefaultValue) -> Field {
        self.default = default;
        self
    }
    pub fn index(mut self) -> Field {
        self.index = true;
        self
    }
    pub fn ondelete(mut self, policy: OnDelete) -> Field {
        if let FieldType::Many2one { ondelete, .. } = &mut self.ty {
            *ondelete = policy;
        }
        self
    }
    /// A computed field; `store` says whether its value is kept in the table. The
    /// model's behaviour provides the compute (checked when the registry is built).
    pub fn computed(mut self, store: bool) -> Field {
        self.computed = true;
        self.store = store;
        self.readonly = true;
        self.copy = false;
        self
    }
    /// A related (non-stored, writable) field mirroring `path`.
    pub fn related(mut self, path: &'static str) -> Field {
        self.related = Some(path);
        self.store = false;
        self.copy = false;
        self
    }
    pub fn write_only(mut self) -> Field {
        self.write_only = true;
        self.copy = false;
        self
    }
    /// The selection's values come from a method of the model (see `dynamic_selection`).
    pub fn dynamic_selection(mut self) -> Field {
        self.dynamic_selection = true;
        self
    }
    /// Odoo's type for a field declared with a stand-in type (see [`Field::odoo_type`]).
    pub fn odoo_type(mut self, ty: &'static str) -> Field {
        self.odoo_type = Some(ty);
        self
    }
    /// Odoo computes this field (stored); ours stores what is written.
    pub fn odoo_computed(mut self) -> Field {
        self.odoo_computed = true;
        self
    }
    /// Odoo relates this field to another (stored); ours stores what is written.
    pub fn odoo_related(mut self) -> Field {
        self.odoo_computed = true;
        self.odoo_related = true;
        self
    }
    /// The type Odoo reports for the field.
    pub fn reported_type(&self) -> &'static str {
        self.odoo_type.unwrap_or(self.ty.odoo_name())
    }
    /// Whether Odoo reports the field computed: a compute or a related field (a
    /// related field is computed in Odoo), or a field ours does not store (in Odoo a
    /// non-stored field is a compute), one2many and many2many aside.
    pub fn reported_compute(&self) -> bool {
        self.computed
            || self.odoo_computed
            || self.related.is_some()
            || (!self.store && !self.ty.is_x2many() && self.name != "id")
    }
    /// Whether Odoo reports the field related.
    pub fn reported_related(&self) -> bool {
        self.related.is_some() || self.odoo_related
    }

    pub fn not_stored(mut self) -> Field {
        self.store = false;
        self
    }

    /// Whether the field has a column in the model's own table.
    pub fn has_column(&self) -> bool {
        self.store && !self.ty.is_x2many()
    }
}
