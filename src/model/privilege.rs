//! Who may do what (PostgreSQL): owners, grants and default privileges.
//!
//! Kept beside the objects rather than in them, by [`Securable`], so that
//! an object's definition and its privileges change apart: a grant never
//! makes a view be replaced. A grantee the file names has exactly what it
//! says; one it does not name keeps what PostgreSQL gives it implicitly
//! (the owner everything, `PUBLIC` `EXECUTE` on functions and `USAGE` on
//! types), so those defaults are never changes.

use indexmap::IndexMap;
use std::collections::BTreeMap;

/// One privilege, as `GRANT` spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Privilege {
    /// `SELECT`.
    Select,
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `TRUNCATE`.
    Truncate,
    /// `REFERENCES`.
    References,
    /// `TRIGGER`.
    Trigger,
    /// `USAGE`.
    Usage,
    /// `CREATE`.
    Create,
    /// `EXECUTE`.
    Execute,
}

impl Privilege {
    /// Every privilege, in the order they are written.
    pub const ALL: [Privilege; 10] = [
        Privilege::Select,
        Privilege::Insert,
        Privilege::Update,
        Privilege::Delete,
        Privilege::Truncate,
        Privilege::References,
        Privilege::Trigger,
        Privilege::Usage,
        Privilege::Create,
        Privilege::Execute,
    ];

    /// Its SQL keyword (`SELECT`).
    pub fn keyword(self) -> &'static str {
        match self {
            Privilege::Select => "SELECT",
            Privilege::Insert => "INSERT",
            Privilege::Update => "UPDATE",
            Privilege::Delete => "DELETE",
            Privilege::Truncate => "TRUNCATE",
            Privilege::References => "REFERENCES",
            Privilege::Trigger => "TRIGGER",
            Privilege::Usage => "USAGE",
            Privilege::Create => "CREATE",
            Privilege::Execute => "EXECUTE",
        }
    }

    /// The privilege a keyword names, in any case.
    pub fn parse(word: &str) -> Option<Privilege> {
        Privilege::ALL.into_iter().find(|p| p.keyword().eq_ignore_ascii_case(word))
    }

    /// Whether it can be granted on single columns.
    pub fn on_columns(self) -> bool {
        matches!(self, Privilege::Select | Privilege::Insert | Privilege::Update | Privilege::References)
    }
}

/// What kind of object a privilege is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecurableKind {
    /// A schema.
    Schema,
    /// A table.
    Table,
    /// A view.
    View,
    /// A materialized view.
    MaterializedView,
    /// A sequence.
    Sequence,
    /// A function.
    Function,
    /// A procedure.
    Procedure,
    /// An enum or composite type.
    Type,
    /// A domain.
    Domain,
}

impl SecurableKind {
    /// The privileges it has, which are also what its owner holds.
    pub fn privileges(self) -> &'static [Privilege] {
        use Privilege::*;
        match self {
            SecurableKind::Schema => &[Usage, Create],
            SecurableKind::Table | SecurableKind::View | SecurableKind::MaterializedView => {
                &[Select, Insert, Update, Delete, Truncate, References, Trigger]
            }
            SecurableKind::Sequence => &[Select, Update, Usage],
            SecurableKind::Function | SecurableKind::Procedure => &[Execute],
            SecurableKind::Type | SecurableKind::Domain => &[Usage],
        }
    }

    /// What `PUBLIC` holds without a grant.
    pub fn public_default(self) -> &'static [Privilege] {
        match self {
            SecurableKind::Function | SecurableKind::Procedure => &[Privilege::Execute],
            SecurableKind::Type | SecurableKind::Domain => &[Privilege::Usage],
            _ => &[],
        }
    }

    /// Whether grants can name single columns.
    pub fn has_columns(self) -> bool {
        matches!(self, SecurableKind::Table | SecurableKind::View | SecurableKind::MaterializedView)
    }

    /// Its words in the plan and in messages (`materialized view`).
    pub fn noun(self) -> &'static str {
        match self {
            SecurableKind::Schema => "schema",
            SecurableKind::Table => "table",
            SecurableKind::View => "view",
            SecurableKind::MaterializedView => "materialized view",
            SecurableKind::Sequence => "sequence",
            SecurableKind::Function => "function",
            SecurableKind::Procedure => "procedure",
            SecurableKind::Type => "type",
            SecurableKind::Domain => "domain",
        }
    }

    /// The default privileges that cover objects of this kind.
    pub fn default_objects(self) -> DefaultObjects {
        match self {
            SecurableKind::Schema => DefaultObjects::Schemas,
            SecurableKind::Table | SecurableKind::View | SecurableKind::MaterializedView => DefaultObjects::Tables,
            SecurableKind::Sequence => DefaultObjects::Sequences,
            SecurableKind::Function | SecurableKind::Procedure => DefaultObjects::Functions,
            SecurableKind::Type | SecurableKind::Domain => DefaultObjects::Types,
        }
    }
}

/// An object privileges are on: a schema, table, view, sequence, routine
/// (by [`Function::key`](super::Function::key)), type or domain.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Securable {
    /// Its kind.
    pub kind: SecurableKind,
    /// Its (possibly schema-qualified) name; a routine's with its argument types.
    pub name: String,
}

impl Securable {
    /// The object of `kind` named `name`.
    pub fn new(kind: SecurableKind, name: impl Into<String>) -> Securable {
        Securable { kind, name: name.into() }
    }
}

impl std::fmt::Display for Securable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind.noun(), self.name)
    }
}

/// What one grantee holds: (privilege, column or the whole object) →
/// whether it may grant it on (`WITH GRANT OPTION`).
pub type Held = BTreeMap<(Privilege, Option<String>), bool>;

/// Grantee (a role, or `public`) → what it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants(pub BTreeMap<String, Held>);

/// The pseudo-role every role belongs to.
pub const PUBLIC: &str = "public";

impl Grants {
    /// What `grantee` holds of a `kind` object owned by `owner` without
    /// any grant.
    pub fn implicit(kind: SecurableKind, grantee: &str, owner: &str) -> Held {
        if grantee == owner {
            // An owner may always grant on: its ACL entry says no option.
            kind.privileges().iter().map(|p| ((*p, None), false)).collect()
        } else if grantee == PUBLIC {
            kind.public_default().iter().map(|p| ((*p, None), false)).collect()
        } else {
            Held::new()
        }
    }

    /// The grants that are not implicit, as a file writes them (`public:
    /// []` where `PUBLIC` lost its default).
    pub fn explicit(&self, kind: SecurableKind, owner: &str) -> Grants {
        let mut kept = self.clone();
        kept.0.retain(|grantee, held| *held != Grants::implicit(kind, grantee, owner));
        for grantee in [PUBLIC, owner] {
            if !self.0.contains_key(grantee) && !Grants::implicit(kind, grantee, owner).is_empty() {
                kept.0.insert(grantee.to_string(), Held::new());
            }
        }
        kept
    }

    /// The grants in full: the file's, and for every grantee it leaves
    /// out what it holds implicitly.
    pub fn complete(&self, kind: SecurableKind, owner: &str) -> Grants {
        let mut all = self.clone();
        for grantee in [PUBLIC, owner] {
            if !all.0.contains_key(grantee) {
                let implicit = Grants::implicit(kind, grantee, owner);
                if !implicit.is_empty() {
                    all.0.insert(grantee.to_string(), implicit);
                }
            }
        }
        all.0.retain(|_, held| !held.is_empty());
        all
    }

    /// The ACL after the owner changes from `from` to `to`: as PostgreSQL
    /// does, the old owner's privileges become the new owner's.
    pub fn transferred(&self, from: &str, to: &str) -> Grants {
        let mut moved = self.clone();
        if let Some(held) = moved.0.remove(from) {
            let target = moved.0.entry(to.to_string()).or_default();
            for (key, option) in held {
                let entry = target.entry(key).or_insert(false);
                *entry |= option;
            }
        }
        moved
    }

    /// Every role named (not `public`).
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str).filter(|g| *g != PUBLIC)
    }
}

/// An object's owner and grants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Privileges {
    /// Its owner, if said (else the file's default owner).
    pub owner: Option<String>,
    /// Its grants. From a file: the grantees it names (the others hold
    /// what is implicit). From a database: the whole ACL.
    pub grants: Grants,
    /// Where the file says them (`["tables", "orders"]`); not part of
    /// what they are.
    pub at: Vec<String>,
    /// A column's own sequence (serial, identity): the (table, column).
    /// Its owner is its table's; the file writes its grants on the column
    /// (`sequence_grants:`).
    pub column: Option<(String, String)>,
}

/// The kinds of object `ALTER DEFAULT PRIVILEGES` covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DefaultObjects {
    /// `ON TABLES`.
    Tables,
    /// `ON SEQUENCES`.
    Sequences,
    /// `ON FUNCTIONS`.
    Functions,
    /// `ON TYPES`.
    Types,
    /// `ON SCHEMAS`.
    Schemas,
}

impl DefaultObjects {
    /// Every kind, in the order they are written.
    pub const ALL: [DefaultObjects; 5] = [
        DefaultObjects::Tables,
        DefaultObjects::Sequences,
        DefaultObjects::Functions,
        DefaultObjects::Types,
        DefaultObjects::Schemas,
    ];

    /// Its word in the file and in SQL, lower case (`tables`).
    pub fn word(self) -> &'static str {
        match self {
            DefaultObjects::Tables => "tables",
            DefaultObjects::Sequences => "sequences",
            DefaultObjects::Functions => "functions",
            DefaultObjects::Types => "types",
            DefaultObjects::Schemas => "schemas",
        }
    }

    /// The kind a word names, in any case.
    pub fn parse(word: &str) -> Option<DefaultObjects> {
        DefaultObjects::ALL.into_iter().find(|o| o.word().eq_ignore_ascii_case(word))
    }

    /// A kind of object it covers, whose privileges and implicit grants
    /// it shares.
    pub fn kind(self) -> SecurableKind {
        match self {
            DefaultObjects::Tables => SecurableKind::Table,
            DefaultObjects::Sequences => SecurableKind::Sequence,
            DefaultObjects::Functions => SecurableKind::Function,
            DefaultObjects::Types => SecurableKind::Type,
            DefaultObjects::Schemas => SecurableKind::Schema,
        }
    }
}

/// Whose new objects, in which schema (`None`: anywhere), of which kind,
/// an `ALTER DEFAULT PRIVILEGES` entry covers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DefaultScope {
    /// The role whose new objects it covers.
    pub role: String,
    /// The schema it covers (`None`: every schema).
    pub schema: Option<String>,
    /// The kind of object it covers.
    pub objects: DefaultObjects,
}

impl DefaultScope {
    /// The entry in full: one of no schema holds, for a grantee it leaves
    /// out, what PostgreSQL gives the role's new objects anyway (as an
    /// object the role owns); one in a schema only adds to that.
    pub fn complete(&self, grants: &Grants) -> Grants {
        match self.schema {
            None => grants.complete(self.objects.kind(), &self.role),
            Some(_) => grants.clone(),
        }
    }

    /// The entry as a file writes it (the inverse of [`DefaultScope::complete`]).
    pub fn explicit(&self, grants: &Grants) -> Grants {
        match self.schema {
            None => grants.explicit(self.objects.kind(), &self.role),
            Some(_) => grants.clone(),
        }
    }

    /// `for role r in schema s on tables`.
    pub fn describe(&self) -> String {
        match &self.schema {
            Some(schema) => format!("of role {} in schema {schema} on {}", self.role, self.objects.word()),
            None => format!("of role {} on {}", self.role, self.objects.word()),
        }
    }
}

/// Default privileges: scope → grants (the grantees the file names, or
/// the whole entry read from a database).
pub type DefaultPrivileges = IndexMap<DefaultScope, Grants>;
