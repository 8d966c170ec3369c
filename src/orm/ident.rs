//! [`Ident`]: an SQL identifier written straight into the statement.
//!
//! sea-query's own identifiers (`Alias`, `&str`) quote themselves through three
//! allocations and a `format!` each (the name copied into a `String`, the quote doubled
//! in another, the result of `replace` in a third); a `search_read` statement names
//! some thirty identifiers, and building its text was a tenth of the server's own work
//! under load (BENCHMARKS.md, seventh round). An `Ident` borrows a static name where it
//! can and writes it, quoted, without allocating.

use std::borrow::Cow;
use std::fmt::Write;

use sea_orm::sea_query::{Iden, Quote};

/// A table, column or alias name, quoted when the statement is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident(Cow<'static, str>);

impl Ident {
    pub fn new(name: impl Into<Cow<'static, str>>) -> Ident {
        Ident(name.into())
    }
}

impl Iden for Ident {
    fn prepare(&self, s: &mut dyn Write, q: Quote) {
        let (left, right) = (q.left(), q.right());
        // Written with the error ignored, as sea-query's own `prepare` unwraps it: its
        // writers are `String`s.
        let _ = s.write_char(left);
        if self.0.contains(right) {
            for part in self.0.split_inclusive(right) {
                let _ = s.write_str(part);
                if part.ends_with(right) {
                    let _ = s.write_char(right);
                }
            }
        } else {
            let _ = s.write_str(&self.0);
        }
        let _ = s.write_char(right);
    }

    fn unquoted(&self, s: &mut dyn Write) {
        let _ = s.write_str(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{Expr, PostgresQueryBuilder, Query, SqliteQueryBuilder};

    /// The same text as sea-query's `Alias`, quotes doubled, on both backends.
    #[test]
    fn writes_what_alias_writes() {
        for name in ["id", "pos_payment_method", "we\"ird", "\"", "a\"\"b", "ünï"] {
            let ours = Query::select()
                .column((Ident::new(name.to_string()), Ident::new(name)))
                .from(Ident::new(name))
                .and_where(Expr::col(Ident::new(name)).eq(1))
                .to_owned();
            let theirs = Query::select()
                .column((
                    sea_orm::sea_query::Alias::new(name),
                    sea_orm::sea_query::Alias::new(name),
                ))
                .from(sea_orm::sea_query::Alias::new(name))
                .and_where(Expr::col(sea_orm::sea_query::Alias::new(name)).eq(1))
                .to_owned();
            assert_eq!(
                ours.to_string(PostgresQueryBuilder),
                theirs.to_string(PostgresQueryBuilder)
            );
            assert_eq!(
                ours.to_string(SqliteQueryBuilder),
                theirs.to_string(SqliteQueryBuilder)
            );
        }
        assert_eq!(
            Query::select()
                .column(Ident::new("a\"b"))
                .to_string(PostgresQueryBuilder),
            "SELECT \"a\"\"b\""
        );
    }
}
