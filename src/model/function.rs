//! A function or procedure (PostgreSQL): its signature, attributes and
//! body as the server stores them.

use super::Expr;

/// A stored function or procedure.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Function {
    /// Its (possibly schema-qualified) name.
    pub name: String,
    /// A procedure (`CREATE PROCEDURE`, no return type) rather than a
    /// function.
    pub procedure: bool,
    /// Its arguments as declared, with modes, names and defaults:
    /// `a integer, b text DEFAULT 'x'::text` (compared by spelling rules,
    /// in the server's form once normalised).
    pub arguments: Expr,
    /// The argument types that identify it among functions of the same
    /// name, as the server prints them (`integer, text`). Filled in by
    /// inspection and normalisation; empty in a file not yet normalised.
    pub identity: String,
    /// What it returns: `integer`, `SETOF users`, `TABLE(id integer)`,
    /// `trigger`. `None` for a procedure.
    pub returns: Option<Expr>,
    /// `plpgsql`, `sql`, ...
    pub language: String,
    /// `volatile` (the default), `stable` or `immutable`.
    pub volatility: String,
    /// `STRICT` (`RETURNS NULL ON NULL INPUT`).
    pub strict: bool,
    /// `SECURITY DEFINER`.
    pub security_definer: bool,
    /// `unsafe` (the default), `restricted` or `safe`.
    pub parallel: String,
    /// `SET` options: (name, value) pairs such as (`search_path`, `public`).
    pub config: Vec<(String, String)>,
    /// The body: the text between the dollar quotes, or a standard SQL
    /// body (`BEGIN ATOMIC ... END`, `RETURN ...`).
    pub body: String,
    /// Free text about it.
    pub comment: Option<String>,
    /// The file the body was read from (`sql_file:`), kept so that `fmt`
    /// writes it back as such; not part of what it is.
    pub sql_file: Option<String>,
}

impl PartialEq for Function {
    fn eq(&self, other: &Function) -> bool {
        (&self.name, self.procedure, &self.arguments, &self.identity, &self.returns, &self.language)
            == (&other.name, other.procedure, &other.arguments, &other.identity, &other.returns, &other.language)
            && (&self.volatility, self.strict, self.security_definer, &self.parallel, &self.config)
                == (&other.volatility, other.strict, other.security_definer, &other.parallel, &other.config)
            && (&self.body, &self.comment) == (&other.body, &other.comment)
    }
}

impl Eq for Function {}

impl Function {
    /// The key functions are matched by: the name and the identifying
    /// argument types, `add(integer, integer)`.
    pub fn key(&self) -> String {
        format!("{}({})", self.name, self.identity)
    }

    /// Whether `other` is the same function apart from the comment. Bodies
    /// compare without their surrounding whitespace (a YAML block scalar
    /// adds a newline; languages don't care).
    pub fn same_definition(&self, other: &Function) -> bool {
        let strip = |f: &Function| Function { comment: None, body: f.body.trim().to_string(), ..f.clone() };
        strip(self) == strip(other)
    }

    /// Whether `CREATE OR REPLACE` can turn this function into `to`: same
    /// kind, same arguments (names, defaults) and same return type.
    pub fn replaceable_by(&self, to: &Function) -> bool {
        self.procedure == to.procedure && self.arguments == to.arguments && self.returns == to.returns
    }

    /// `function` or `procedure`.
    pub fn kind(&self) -> &'static str {
        if self.procedure { "procedure" } else { "function" }
    }

    /// Whether the body is a standard SQL body rather than a string.
    pub fn standard_body(&self) -> bool {
        let head = self.body.trim_start().to_ascii_uppercase();
        self.language.eq_ignore_ascii_case("sql") && (head.starts_with("BEGIN ATOMIC") || head.starts_with("RETURN"))
    }
}
