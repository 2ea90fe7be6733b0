//! Table constraints: primary key, unique, check and foreign key.

use super::Expr;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub expr: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: ReferentialAction,
    pub on_update: ReferentialAction,
    pub deferrable: bool,
    pub initially_deferred: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReferentialAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl ReferentialAction {
    pub const NAMES: &'static [&'static str] = &["no action", "restrict", "cascade", "set null", "set default"];

    /// Accepts `set null`, `SET_NULL`, `set-null` and the like.
    pub fn parse(text: &str) -> Option<ReferentialAction> {
        let words = text.to_ascii_lowercase().replace(['_', '-'], " ");
        match words.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
            "no action" => Some(ReferentialAction::NoAction),
            "restrict" => Some(ReferentialAction::Restrict),
            "cascade" => Some(ReferentialAction::Cascade),
            "set null" => Some(ReferentialAction::SetNull),
            "set default" => Some(ReferentialAction::SetDefault),
            _ => None,
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            ReferentialAction::NoAction => "NO ACTION",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
        }
    }
}

impl fmt::Display for ReferentialAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql().to_ascii_lowercase())
    }
}
