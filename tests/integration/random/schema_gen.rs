//! Random but valid schemas, and random edits of them.
//!
//! A generated schema is kept as plain data (`GSchema`) so that the shrinker
//! can take parts away; edits name their targets, and an edit whose target
//! has gone is skipped, so any subset of a case's edits is still a case.

use fastrand::Rng;

/// Which database a case is made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Sqlite,
    Postgres,
    Mysql,
}

impl Flavor {
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Sqlite => "sqlite",
            Flavor::Postgres => "postgres",
            Flavor::Mysql => "mysql",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum GType {
    SmallInt,
    Integer,
    BigInt,
    Text,
    Varchar(u32),
    Boolean,
    Real,
    Double,
    Numeric(u32, u32),
    Date,
    Timestamp,
    // PostgreSQL only:
    Uuid,
    Jsonb,
    TextArray,
    Enum(String),
}

impl GType {
    pub fn yaml(&self) -> String {
        match self {
            GType::SmallInt => "smallint".into(),
            GType::Integer => "integer".into(),
            GType::BigInt => "bigint".into(),
            GType::Text => "text".into(),
            GType::Varchar(n) => format!("varchar({n})"),
            GType::Boolean => "boolean".into(),
            GType::Real => "real".into(),
            GType::Double => "double precision".into(),
            GType::Numeric(p, s) => format!("numeric({p},{s})"),
            GType::Date => "date".into(),
            GType::Timestamp => "timestamp".into(),
            GType::Uuid => "uuid".into(),
            GType::Jsonb => "jsonb".into(),
            GType::TextArray => "text[]".into(),
            GType::Enum(name) => name.clone(),
        }
    }

    /// A type a SQLite STRICT table allows.
    fn strict_ok(&self) -> bool {
        matches!(self, GType::Integer | GType::Text | GType::Real)
    }

    fn is_int(&self) -> bool {
        matches!(self, GType::SmallInt | GType::Integer | GType::BigInt)
    }

    fn is_number(&self) -> bool {
        self.is_int() || matches!(self, GType::Real | GType::Double | GType::Numeric(..))
    }

    fn is_text(&self) -> bool {
        matches!(self, GType::Text | GType::Varchar(_))
    }

    /// Whether generated rows can hold a distinct value per row.
    fn uniqueable(&self) -> bool {
        !matches!(self, GType::Boolean | GType::Enum(_) | GType::Jsonb | GType::TextArray)
    }
}

#[derive(Clone, Debug)]
pub struct GColumn {
    pub name: String,
    pub renamed_from: Option<String>,
    pub ty: GType,
    pub nullable: bool,
    /// The YAML text of the default.
    pub default: Option<String>,
    /// Written as `name: type` when it has nothing else.
    pub short: bool,
    /// PostgreSQL: `generated: "<source> * 2"` (stored).
    pub generated_from: Option<String>,
    pub collation: Option<&'static str>,
    pub comment: Option<String>,
    /// PostgreSQL: an identity column (not the key's `autoincrement`).
    pub identity: Option<GIdentity>,
    /// SQLite: the generated column is VIRTUAL rather than STORED.
    pub generated_virtual: bool,
}

/// An identity column's kind and counting.
#[derive(Clone, Debug, PartialEq)]
pub struct GIdentity {
    pub always: bool,
    pub start: i64,
    pub increment: i64,
}

impl GColumn {
    /// A column with no default, written in the long form.
    fn plain(name: &str, ty: GType, nullable: bool) -> GColumn {
        GColumn {
            name: name.into(),
            renamed_from: None,
            ty,
            nullable,
            default: None,
            short: false,
            generated_from: None,
            collation: None,
            comment: None,
            identity: None,
            generated_virtual: false,
        }
    }

    /// Whether the default reads a sequence.
    fn reads_sequence(&self) -> bool {
        self.default.as_deref().is_some_and(|d| d.contains("nextval"))
    }
}

#[derive(Clone, Debug)]
pub enum GPart {
    Column(String, bool),
    Lower(String),
    /// PostgreSQL: a column with a non-default operator class.
    Opclass(String, &'static str),
}

#[derive(Clone, Debug)]
pub struct GIndex {
    pub name: String,
    pub unique: bool,
    pub parts: Vec<GPart>,
    /// PostgreSQL `INCLUDE` columns.
    pub include: Vec<String>,
    /// `"column" IS NOT NULL`
    pub not_null_predicate: Option<String>,
}

#[derive(Clone, Debug)]
pub enum CheckKind {
    NonNegative,
    NonEmpty,
    In(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct GCheck {
    pub name: String,
    pub column: String,
    pub kind: CheckKind,
    /// Written as the column's `check:` (conventional name).
    pub inline: bool,
}

#[derive(Clone, Debug)]
pub struct GFk {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: Option<&'static str>,
    pub deferrable: bool,
    /// Written as the column's `references:` (single column, conventional name).
    pub inline: bool,
}

#[derive(Clone, Debug)]
pub struct GTable {
    pub name: String,
    pub renamed_from: Option<String>,
    pub columns: Vec<GColumn>,
    pub pk: Vec<String>,
    pub autoincrement: bool,
    /// (name, columns, written as the column's `unique: true`)
    pub uniques: Vec<(String, Vec<String>, bool)>,
    pub indexes: Vec<GIndex>,
    pub checks: Vec<GCheck>,
    pub fks: Vec<GFk>,
    pub comment: Option<String>,
    /// SQLite `STRICT` and `WITHOUT ROWID`.
    pub strict: bool,
    pub without_rowid: bool,
    /// PostgreSQL: how a partitioned table splits rows: (method, key column).
    pub partition_by: Option<(&'static str, String)>,
    /// PostgreSQL: the partitioned table and the bound of a partition.
    pub partition_of: Option<(String, String)>,
    /// PostgreSQL: a table inherits from it (written after the tables, as
    /// `<name>_kid`). Decided when it is made, so that both sides of a case
    /// agree; no identity is added to it then (PostgreSQL refuses).
    pub kid: bool,
}

impl GTable {
    fn new(name: String) -> GTable {
        GTable {
            name,
            renamed_from: None,
            columns: Vec::new(),
            pk: Vec::new(),
            autoincrement: false,
            uniques: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            fks: Vec::new(),
            comment: None,
            strict: false,
            without_rowid: false,
            partition_by: None,
            partition_of: None,
            kid: false,
        }
    }

    /// Columns no edit may retype, drop or make nullable: the key's and the
    /// partition key.
    fn is_key(&self, column: &str) -> bool {
        self.pk.iter().any(|c| c == column) || self.partition_by.as_ref().is_some_and(|(_, k)| k == column)
    }

    pub fn column(&self, name: &str) -> Option<&GColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut GColumn> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Whether a column is part of a key, index, check or foreign key.
    fn in_use(&self, column: &str) -> bool {
        let c = |s: &String| s == column;
        self.pk.iter().any(c)
            || self.uniques.iter().any(|u| u.1.iter().any(c))
            || self.checks.iter().any(|k| k.column == column)
            || self.fks.iter().any(|f| f.columns.iter().any(c))
            || self.indexes.iter().any(|i| {
                i.not_null_predicate.as_deref() == Some(column)
                    || i.parts.iter().any(|p| part_column(p) == column)
                    || i.include.iter().any(c)
            })
            || self.columns.iter().any(|g| g.generated_from.as_deref() == Some(column))
            || self.column(column).is_some_and(|c| c.reads_sequence() || c.identity.is_some())
    }

    fn in_unique(&self, column: &str) -> bool {
        self.pk.iter().any(|c| c == column)
            || self.uniques.iter().any(|u| u.1.iter().any(|c| c == column))
            || self.indexes.iter().any(|i| i.unique && i.parts.iter().any(|p| part_column(p) == column))
    }

    fn has_in_check(&self, column: &str) -> bool {
        self.checks.iter().any(|k| k.column == column && matches!(k.kind, CheckKind::In(_)))
    }

    fn is_fk_column(&self, column: &str) -> bool {
        self.fks.iter().any(|f| f.columns.iter().any(|c| c == column))
    }

    /// Drops everything that mentions `column`, then the column.
    pub fn remove_column(&mut self, column: &str) {
        self.uniques.retain(|u| !u.1.iter().any(|c| c == column));
        self.checks.retain(|k| k.column != column);
        self.fks.retain(|f| !f.columns.iter().any(|c| c == column));
        self.indexes.retain(|i| {
            i.not_null_predicate.as_deref() != Some(column)
                && !i.parts.iter().any(|p| part_column(p) == column)
                && !i.include.iter().any(|c| c == column)
        });
        let generated: Vec<String> = self
            .columns
            .iter()
            .filter(|g| g.generated_from.as_deref() == Some(column))
            .map(|g| g.name.clone())
            .collect();
        self.columns.retain(|c| c.name != column);
        for name in generated {
            self.remove_column(&name);
        }
    }
}

pub fn part_column(part: &GPart) -> &str {
    match part {
        GPart::Column(c, _) | GPart::Lower(c) | GPart::Opclass(c, _) => c,
    }
}

#[derive(Clone, Debug)]
pub struct GSchema {
    pub postgres: bool,
    /// MySQL (MariaDB): no views, triggers, partial or expression indexes;
    /// a text column is indexed by a prefix.
    pub mysql: bool,
    pub enums: Vec<(String, Vec<String>)>,
    pub sequences: Vec<GSequence>,
    pub tables: Vec<GTable>,
    /// Views, written from the tables of the schema they are rendered
    /// with, so that the column changes of an edit meet the views that
    /// read them.
    pub views: Vec<GView>,
    /// Triggers that keep every row as it is (PostgreSQL through one
    /// function), so that column changes meet the triggers that name them.
    pub triggers: Vec<GTrigger>,
}

/// A trigger on a table, fired by updates of one of its columns (when the
/// schema it is rendered with still has it) and by inserts.
#[derive(Clone, Debug)]
pub struct GTrigger {
    pub name: String,
    pub table: String,
    pub column: String,
}

/// A view: every column of a table, or (`count`) the row count of another
/// view. It is left out of a schema without what it reads.
#[derive(Clone, Debug)]
pub struct GView {
    pub name: String,
    pub reads: String,
    pub count: bool,
}

/// PostgreSQL: a sequence of its own, read by a column's default.
#[derive(Clone, Debug)]
pub struct GSequence {
    pub name: String,
    pub start: i64,
    pub increment: i64,
    pub owned_by: Option<(String, String)>,
}

impl GSchema {
    pub fn table(&self, name: &str) -> Option<&GTable> {
        self.tables.iter().find(|t| t.name == name)
    }

    fn table_mut(&mut self, name: &str) -> Option<&mut GTable> {
        self.tables.iter_mut().find(|t| t.name == name)
    }

    /// Drops a table, its partitions, the sequences its columns own and
    /// every foreign key that points at them.
    pub fn remove_table(&mut self, name: &str) {
        let partitions: Vec<String> = self
            .tables
            .iter()
            .filter(|t| t.partition_of.as_ref().is_some_and(|(parent, _)| parent == name))
            .map(|t| t.name.clone())
            .collect();
        self.tables.retain(|t| t.name != name);
        self.sequences.retain(|s| s.owned_by.as_ref().is_none_or(|(t, _)| t != name));
        for table in &mut self.tables {
            table.fks.retain(|f| f.ref_table != name);
        }
        for partition in partitions {
            self.remove_table(&partition);
        }
    }

    /// Drops a column, with foreign keys elsewhere that point at it and
    /// the sequence it owns.
    pub fn remove_column(&mut self, table: &str, column: &str) {
        self.sequences.retain(|s| s.owned_by.as_ref().is_none_or(|(t, c)| t != table || c != column));
        for other in &mut self.tables {
            other.fks.retain(|f| !(f.ref_table == table && f.ref_columns.iter().any(|c| c == column)));
        }
        if let Some(t) = self.table_mut(table) {
            t.remove_column(column);
        }
    }
}

const TABLE_NAMES: &[&str] = &[
    "users",
    "posts",
    "orders",
    "items",
    "tags",
    "accounts",
    "events",
    "notes",
    "order",
    "select",
    "Group",
    "my table",
    "we\"ird",
    "ñandú",
    "x'y",
    "CamelCase",
];
const COMMENTS: &[&str] = &["a note", "it's \"quoted\"", "ünï; DROP TABLE x; --"];
const COLUMN_NAMES: &[&str] = &[
    "name",
    "email",
    "score",
    "total",
    "amount",
    "created",
    "note",
    "status",
    "flag",
    "ratio",
    "label",
    "order",
    "user",
    "Mixed",
    "with space",
    "qu\"ote",
    "ünï",
    "x-y",
    "when",
    "value",
    "check",
];

pub struct Generator {
    pub rng: Rng,
    pub postgres: bool,
    pub mysql: bool,
    /// Names schema A uses: an edit never gives them to a new table or
    /// column, since a dropped name that comes back is the same object to
    /// the differ (a type change, not a new column).
    taken: Vec<String>,
}

impl Generator {
    pub fn new(seed: u64, flavor: Flavor) -> Generator {
        let (postgres, mysql) = (flavor == Flavor::Postgres, flavor == Flavor::Mysql);
        Generator { rng: Rng::with_seed(seed), postgres, mysql, taken: Vec::new() }
    }

    fn sqlite(&self) -> bool {
        !self.postgres && !self.mysql
    }

    /// A name for an index or constraint: random, since PostgreSQL indexes
    /// and constraints share one namespace per schema.
    fn object_name(&mut self, prefix: &str) -> String {
        format!("{prefix}_{:x}", self.rng.u32(..))
    }

    fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(0..100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(0..items.len())]
    }

    pub fn schema(&mut self) -> GSchema {
        let mut schema = GSchema {
            postgres: self.postgres,
            mysql: self.mysql,
            enums: Vec::new(),
            sequences: Vec::new(),
            tables: Vec::new(),
            views: Vec::new(),
            triggers: Vec::new(),
        };
        if self.postgres && self.chance(50) {
            let labels = (0..self.rng.usize(1..4)).map(|i| format!("l{i}")).collect();
            schema.enums.push(("mood".into(), labels));
        }
        let count = self.rng.usize(1..5);
        for _ in 0..count {
            let table = self.table(&schema);
            schema.tables.push(table);
        }
        // Some foreign keys point forward or at their own table (cycles):
        // those are nullable, so that rows can be inserted parents first.
        for i in 0..schema.tables.len() {
            if self.chance(40) {
                let j = self.rng.usize(0..schema.tables.len());
                self.add_fk(&mut schema, i, j, j >= i);
            }
        }
        if self.postgres && self.chance(20) {
            self.partitioned(&mut schema);
        }
        if self.postgres && self.chance(25) {
            self.sequence(&mut schema);
        }
        // dbshape does not manage MySQL views and triggers.
        if !self.mysql && self.chance(30) {
            let table = &schema.tables[self.rng.usize(0..schema.tables.len())];
            if table.partition_of.is_none() && !table.columns.is_empty() {
                let column = table.columns[self.rng.usize(0..table.columns.len())].name.clone();
                let trigger = GTrigger { name: "keep_rows".into(), table: table.name.clone(), column };
                schema.triggers.push(trigger);
            }
        }
        if !self.mysql && self.chance(40) {
            let plain: Vec<String> =
                schema.tables.iter().filter(|t| t.partition_of.is_none()).map(|t| t.name.clone()).collect();
            let reads = plain[self.rng.usize(0..plain.len())].clone();
            schema.views.push(GView { name: "view_rows".into(), reads, count: false });
            if self.chance(50) {
                schema.views.push(GView { name: "view_count".into(), reads: "view_rows".into(), count: true });
            }
        }
        schema
    }

    /// A partitioned table (by list, range or hash) and its partitions,
    /// with a default partition or every remainder, so that any row fits.
    fn partitioned(&mut self, schema: &mut GSchema) {
        let mut parent = GTable::new(self.fresh_table_name(schema));
        parent.columns.push(GColumn::plain("id", GType::Integer, false));
        parent.columns.push(GColumn::plain("region", GType::Text, false));
        parent.columns.push(GColumn::plain("v", GType::Integer, true));
        let method = *self.pick(&["list", "range", "hash"]);
        let key = if method == "list" { "region" } else { "id" };
        parent.pk = if method == "list" { vec!["id".into(), "region".into()] } else { vec!["id".into()] };
        parent.partition_by = Some((method, key.into()));
        let bounds: Vec<&str> = match method {
            "list" => vec!["IN ('red1', 'red2')", "DEFAULT"],
            "range" => vec!["FROM (MINVALUE) TO (50)", "DEFAULT"],
            _ => vec!["WITH (modulus 2, remainder 0)", "WITH (modulus 2, remainder 1)"],
        };
        let name = parent.name.clone();
        schema.tables.push(parent);
        for bound in bounds {
            let mut partition = GTable::new(self.object_name("part"));
            partition.partition_of = Some((name.clone(), bound.into()));
            schema.tables.push(partition);
        }
    }

    /// A sequence read by the default of an integer column.
    fn sequence(&mut self, schema: &mut GSchema) {
        let mut candidates = Vec::new();
        for (t, table) in schema.tables.iter().enumerate() {
            for (c, column) in table.columns.iter().enumerate() {
                if column.ty.is_int()
                    && column.default.is_none()
                    && column.identity.is_none()
                    && column.generated_from.is_none()
                    && !table.is_key(&column.name)
                    && !table.is_fk_column(&column.name)
                    && !table.in_unique(&column.name)
                    && table.partition_by.is_none()
                {
                    candidates.push((t, c));
                }
            }
        }
        if candidates.is_empty() {
            return;
        }
        let (t, c) = *self.pick(&candidates);
        let name = self.object_name("seq");
        let owned = self.chance(50);
        let table = &mut schema.tables[t];
        let column = &mut table.columns[c];
        column.default = Some(format!("{{ sql: \"nextval('{name}')\" }}"));
        column.short = false;
        let owned_by = owned.then(|| (table.name.clone(), column.name.clone()));
        let (start, increment) = (self.rng.i64(1..1000), *self.pick(&[1, 2, 5, -1]));
        let start = if increment < 0 { -start } else { start };
        schema.sequences.push(GSequence { name, start, increment, owned_by });
    }

    fn fresh_table_name(&mut self, schema: &GSchema) -> String {
        for _ in 0..8 {
            let name = self.pick(TABLE_NAMES).to_string();
            // Names differ in more than case: SQLite tells no case apart.
            let same = |other: &str| other.eq_ignore_ascii_case(&name);
            if !self.taken.iter().any(|t| same(t))
                && !schema.tables.iter().any(|t| same(&t.name) || t.renamed_from.as_deref().is_some_and(same))
            {
                return name;
            }
        }
        format!("t{}", self.rng.u32(..))
    }

    fn table(&mut self, schema: &GSchema) -> GTable {
        let mut table = GTable::new(self.fresh_table_name(schema));
        table.strict = self.sqlite() && self.chance(20);
        if !self.sqlite() && self.chance(20) {
            table.comment = Some(self.pick(COMMENTS).to_string());
        }
        match self.rng.u8(0..10) {
            0 => {} // no primary key
            1 | 2 => {
                for key in ["a", "b"] {
                    table.columns.push(GColumn::plain(key, GType::Integer, false));
                    table.pk.push(key.into());
                }
            }
            _ => {
                let ty = if !table.strict && self.chance(20) { GType::BigInt } else { GType::Integer };
                table.columns.push(GColumn::plain("id", ty, false));
                table.pk.push("id".into());
                table.autoincrement = self.chance(60);
            }
        }
        // SQLite: WITHOUT ROWID needs a key and no AUTOINCREMENT.
        table.without_rowid = self.sqlite() && !table.pk.is_empty() && !table.autoincrement && self.chance(25);
        for _ in 0..self.rng.usize(1..6) {
            let column = self.column(&table, schema);
            table.columns.push(column);
        }
        // A generated column computed from an integer column (SQLite may
        // make it VIRTUAL).
        // MySQL computes generated columns before AUTO_INCREMENT numbers the row.
        let counted = |c: &GColumn| self.mysql && table.autoincrement && table.pk == [c.name.clone()];
        let sources: Vec<String> =
            table.columns.iter().filter(|c| c.ty.is_int() && !counted(c)).map(|c| c.name.clone()).collect();
        if !sources.is_empty() && self.chance(25) {
            let ty = if table.strict { GType::Integer } else { GType::BigInt };
            let mut column = GColumn::plain(&self.fresh_column_name(&table), ty, true);
            column.generated_from = Some(self.pick(&sources).clone());
            column.generated_virtual = !self.postgres && self.chance(50);
            table.columns.push(column);
        }
        // PostgreSQL: an identity column that is not the key.
        if self.postgres && self.chance(15) {
            let ty = if self.chance(50) { GType::BigInt } else { GType::Integer };
            let mut column = GColumn::plain(&self.fresh_column_name(&table), ty, false);
            column.identity = Some(self.identity());
            table.columns.push(column);
        }
        for _ in 0..self.rng.usize(0..3) {
            self.add_extra(&mut table);
        }
        table.kid = self.postgres && self.chance(15);
        table
    }

    fn fresh_column_name(&mut self, table: &GTable) -> String {
        for _ in 0..8 {
            let name = self.pick(COLUMN_NAMES).to_string();
            let same = |other: &str| other.eq_ignore_ascii_case(&name);
            if !self.taken.iter().any(|t| same(t))
                && !table.columns.iter().any(|c| same(&c.name) || c.renamed_from.as_deref().is_some_and(same))
            {
                return name;
            }
        }
        format!("c{}", table.columns.len() + self.rng.usize(100..1000))
    }

    fn identity(&mut self) -> GIdentity {
        let increment = *self.pick(&[1, 1, 3, -2]);
        let start = if increment < 0 { -self.rng.i64(1..100) } else { self.rng.i64(1..100) };
        GIdentity { always: self.chance(50), start, increment }
    }

    fn random_type(&mut self, schema: &GSchema, strict: bool) -> GType {
        if strict {
            return self.pick(&[GType::Integer, GType::Text, GType::Real]).clone();
        }
        let mut types = vec![
            GType::SmallInt,
            GType::Integer,
            GType::BigInt,
            GType::Text,
            GType::Varchar(self.rng.u32(12..40)),
            GType::Boolean,
            GType::Real,
            GType::Double,
            GType::Numeric(self.rng.u32(8..12), self.rng.u32(0..3)),
            GType::Date,
            GType::Timestamp,
        ];
        if self.postgres {
            types.extend([GType::Uuid, GType::Jsonb, GType::TextArray]);
            types.extend(schema.enums.iter().map(|(name, _)| GType::Enum(name.clone())));
        }
        self.pick(&types).clone()
    }

    fn default_for(&mut self, ty: &GType, schema: &GSchema) -> Option<String> {
        Some(match ty {
            GType::SmallInt | GType::Integer | GType::BigInt => self.rng.u8(0..10).to_string(),
            GType::Text | GType::Varchar(_) => self.pick(&["abc", "it's", "0", "true", "ünï"]).to_string(),
            GType::Boolean => self.pick(&["true", "false"]).to_string(),
            GType::Real | GType::Double => "0.5".into(),
            GType::Numeric(..) => "1.25".into(),
            GType::Date => "2024-01-31".into(),
            GType::Timestamp => "{ sql: CURRENT_TIMESTAMP }".into(),
            GType::Uuid => "{ sql: gen_random_uuid() }".into(),
            GType::Jsonb => "{}".into(),
            GType::TextArray => return None,
            GType::Enum(name) => schema.enums.iter().find(|e| &e.0 == name)?.1[0].clone(),
        })
        .map(|text| if text.starts_with("{ sql") { text } else { serde_json::to_string(&text).unwrap() })
    }

    fn column(&mut self, table: &GTable, schema: &GSchema) -> GColumn {
        let name = self.fresh_column_name(table);
        let ty = self.random_type(schema, table.strict);
        let default = if self.chance(30) { self.default_for(&ty, schema) } else { None };
        let nullable = self.chance(70);
        let collation = (ty.is_text() && self.chance(15)).then_some(if self.postgres {
            "C"
        } else if self.mysql {
            "utf8mb4_bin"
        } else {
            "nocase"
        });
        let comment = (!self.sqlite() && self.chance(15)).then(|| self.pick(COMMENTS).to_string());
        let short = nullable && default.is_none() && collation.is_none() && comment.is_none() && self.chance(50);
        GColumn {
            name,
            renamed_from: None,
            ty,
            nullable,
            default,
            short,
            generated_from: None,
            collation,
            comment,
            identity: None,
            generated_virtual: false,
        }
    }

    /// A unique, index or check on the table's columns.
    fn add_extra(&mut self, table: &mut GTable) {
        let candidates: Vec<GColumn> = table
            .columns
            .iter()
            .filter(|c| !table.is_fk_column(&c.name) && !table.has_in_check(&c.name))
            .cloned()
            .collect();
        if candidates.is_empty() {
            return;
        }
        let column = self.pick(&candidates).clone();
        // A partitioned table's unique keys must hold its partition key.
        let partitioned = table.partition_by.is_some();
        match self.rng.u8(0..4) {
            0 if column.ty.uniqueable() && !partitioned => {
                let inline = self.chance(50);
                let name = if inline { String::new() } else { self.object_name("uq") };
                table.uniques.push((name, vec![column.name.clone()], inline));
            }
            1 => {
                let unique = column.ty.uniqueable() && !partitioned && self.chance(30);
                let mut parts = vec![GPart::Column(column.name.clone(), self.chance(30))];
                // MariaDB has no expression indexes.
                if column.ty.is_text() && !self.mysql && self.chance(50) {
                    parts = vec![GPart::Lower(column.name.clone())];
                } else if self.postgres && column.ty.is_text() && self.chance(30) {
                    let opclass = if column.ty == GType::Text { "text_pattern_ops" } else { "varchar_pattern_ops" };
                    parts = vec![GPart::Opclass(column.name.clone(), opclass)];
                }
                let other = self.pick(&candidates).clone();
                if other.name != column.name
                    && matches!(parts[0], GPart::Column(..) | GPart::Opclass(..))
                    && (!unique || other.ty.uniqueable())
                    && self.chance(40)
                {
                    parts.push(GPart::Column(other.name.clone(), false));
                }
                if matches!(column.ty, GType::Jsonb | GType::TextArray) {
                    return;
                }
                // MariaDB keeps a unique key on text as a hash, which holds
                // no AUTO_INCREMENT column.
                let text = parts.iter().any(|p| table.column(part_column(p)).is_some_and(|c| c.ty == GType::Text));
                let counted = parts.iter().any(|p| table.autoincrement && table.pk == [part_column(p).to_string()]);
                let unique = unique && !(self.mysql && text && counted);
                let not_null_predicate = (!self.mysql && self.chance(30)).then(|| column.name.clone());
                let mut include = Vec::new();
                let extra = self.pick(&candidates).name.clone();
                if self.postgres && !parts.iter().any(|p| part_column(p) == extra) && self.chance(25) {
                    include.push(extra);
                }
                table.indexes.push(GIndex { name: self.object_name("ix"), unique, parts, include, not_null_predicate });
            }
            // MySQL checks a row before AUTO_INCREMENT numbers it.
            _ if self.mysql && table.autoincrement && table.pk == [column.name.clone()] => {}
            // The database numbers an identity column's rows: counting down,
            // they are negative, which a check for non-negative refuses.
            _ if column.identity.as_ref().is_some_and(|i| i.start < 0 || i.increment < 0) => {}
            _ => {
                let kind = if column.ty.is_number() {
                    CheckKind::NonNegative
                } else if column.ty.is_text() && !table.in_unique(&column.name) && self.chance(50) {
                    CheckKind::In(vec!["red".into(), "green".into(), "it's".into()])
                } else if column.ty.is_text() {
                    CheckKind::NonEmpty
                } else {
                    return;
                };
                if matches!(kind, CheckKind::In(_)) && column.default.is_some() {
                    return;
                }
                let inline = !table.checks.iter().any(|k| k.inline && k.column == column.name) && self.chance(50);
                let name = if inline { String::new() } else { self.object_name("ck") };
                table.checks.push(GCheck { name, column: column.name.clone(), kind, inline });
            }
        }
    }

    /// A foreign key from table `from` to table `to`'s primary key, on new
    /// integer columns.
    fn add_fk(&mut self, schema: &mut GSchema, from: usize, to: usize, nullable: bool) {
        let target = schema.tables[to].clone();
        if target.pk.is_empty() || target.pk.iter().any(|c| !target.column(c).is_some_and(|c| c.ty.is_int())) {
            return;
        }
        if schema.tables[from].partition_of.is_some() || target.partition_of.is_some() {
            return;
        }
        let nullable = nullable || self.chance(50);
        let mut columns = Vec::new();
        for key in &target.pk {
            let name =
                format!("{}_{}", target.name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>(), key);
            let taken = |t: &GTable, n: &str| {
                t.columns.iter().any(|c| {
                    c.name.eq_ignore_ascii_case(n)
                        || c.renamed_from.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(n))
                })
            };
            let name = if taken(&schema.tables[from], &name) { format!("{name}{}", self.rng.u16(..)) } else { name };
            // MySQL keys an integer only to the same type.
            let ty = match target.column(key) {
                Some(parent) if self.mysql => parent.ty.clone(),
                _ => GType::Integer,
            };
            schema.tables[from].columns.push(GColumn::plain(&name, ty, nullable));
            columns.push(name);
        }
        let on_delete =
            *self.pick(&[None, Some("cascade"), Some("restrict"), if nullable { Some("set null") } else { None }]);
        let inline = columns.len() == 1 && self.chance(50);
        let name = if inline { String::new() } else { self.object_name("fk") };
        let deferrable = self.postgres && self.chance(20);
        schema.tables[from].fks.push(GFk {
            name,
            columns,
            ref_table: target.name.clone(),
            ref_columns: target.pk.clone(),
            on_delete,
            deferrable,
            inline,
        });
    }
}

/// One change from a schema A towards B.
#[derive(Clone, Debug)]
pub enum Edit {
    AddTable(GTable),
    DropTable(String),
    RenameTable {
        from: String,
        to: String,
    },
    AddColumn {
        table: String,
        column: GColumn,
    },
    DropColumn {
        table: String,
        column: String,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    Widen {
        table: String,
        column: String,
        to: GType,
    },
    SetNullable {
        table: String,
        column: String,
        nullable: bool,
    },
    SetDefault {
        table: String,
        column: String,
        default: Option<String>,
    },
    AddExtra {
        table: String,
        seed: u64,
    },
    DropExtra {
        table: String,
        which: usize,
    },
    AddForeignKey {
        table: String,
        to: String,
        seed: u64,
    },
    AddEnumLabel {
        label: String,
        at: usize,
    },
    /// PostgreSQL: a table's comment, or a column's.
    SetComment {
        table: String,
        column: Option<String>,
        comment: Option<String>,
    },
    /// PostgreSQL: a new partition of a partitioned table.
    AddPartition {
        parent: String,
        name: String,
        bound: String,
    },
    /// PostgreSQL: a list partition takes one more value (no row has it).
    WidenBound {
        table: String,
        value: String,
    },
    /// SQLite: STRICT or WITHOUT ROWID on or off.
    ToggleStrict(String),
    ToggleWithoutRowid(String),
    /// A table or column spelled in another case: on SQLite the same name
    /// (a case-only rename), on PostgreSQL a rename.
    Recase {
        table: String,
        column: Option<String>,
    },
    /// PostgreSQL: identity added, changed or dropped.
    SetIdentity {
        table: String,
        column: String,
        identity: Option<GIdentity>,
    },
    /// PostgreSQL: a sequence counts otherwise.
    SetSequenceIncrement {
        name: String,
        increment: i64,
    },
}

impl Edit {
    pub fn kind(&self) -> &'static str {
        match self {
            Edit::AddTable(_) => "add table",
            Edit::DropTable(_) => "drop table",
            Edit::RenameTable { .. } => "rename table",
            Edit::AddColumn { .. } => "add column",
            Edit::DropColumn { .. } => "drop column",
            Edit::RenameColumn { .. } => "rename column",
            Edit::Widen { .. } => "change type",
            Edit::SetNullable { .. } => "nullability",
            Edit::SetDefault { .. } => "default",
            Edit::AddExtra { .. } => "add key/index/check",
            Edit::DropExtra { .. } => "drop key/index/check/fk",
            Edit::AddForeignKey { .. } => "add foreign key",
            Edit::AddEnumLabel { .. } => "add enum label",
            Edit::SetComment { .. } => "comment",
            Edit::AddPartition { .. } => "add partition",
            Edit::WidenBound { .. } => "partition bound",
            Edit::ToggleStrict(_) => "strict",
            Edit::ToggleWithoutRowid(_) => "without rowid",
            Edit::Recase { .. } => "case-only rename",
            Edit::SetIdentity { .. } => "identity",
            Edit::SetSequenceIncrement { .. } => "sequence",
        }
    }
}

impl Generator {
    /// Random edits, each valid for the schema the previous ones made.
    pub fn edits(&mut self, a: &GSchema) -> Vec<Edit> {
        self.taken = a
            .tables
            .iter()
            .flat_map(|t| std::iter::once(&t.name).chain(t.columns.iter().map(|c| &c.name)))
            .cloned()
            .collect();
        let mut b = a.clone();
        let mut edits = Vec::new();
        let wanted = self.rng.usize(1..5);
        for _ in 0..50 {
            if edits.len() == wanted {
                break;
            }
            if let Some(edit) = self.edit(a, &b) {
                let before = render(&b);
                apply(&mut b, &edit);
                // Keep only edits that change something.
                if render(&b) != before {
                    edits.push(edit);
                }
            }
        }
        edits
    }

    fn edit(&mut self, a: &GSchema, b: &GSchema) -> Option<Edit> {
        if b.tables.is_empty() {
            return Some(Edit::AddTable(self.table(b)));
        }
        let table = self.pick(&b.tables).clone();
        if let Some((_, bound)) = &table.partition_of {
            return Some(match self.rng.u8(0..3) {
                0 => Edit::DropTable(table.name),
                1 if bound.starts_with("IN (") => {
                    Edit::WidenBound { table: table.name, value: format!("zz{}", self.rng.u16(..)) }
                }
                _ => return None,
            });
        }
        let column = self.pick(&table.columns).clone();
        let renamed = |t: &GTable| t.renamed_from.is_some();
        // The rarer edits of newer features, a fifth of the time.
        if self.chance(20) {
            return self.feature_edit(b, &table, &column);
        }
        Some(match self.rng.u8(0..15) {
            0 => Edit::AddTable(self.table(b)),
            1 => Edit::DropTable(table.name),
            2 if !renamed(&table) => {
                let to = self.fresh_table_name(b);
                Edit::RenameTable { from: table.name, to }
            }
            3 | 4 => {
                let mut column = self.column(&table, b);
                if !column.nullable && column.default.is_none() {
                    column.default = self.default_for(&column.ty, b);
                    column.nullable = column.default.is_none();
                }
                Edit::AddColumn { table: table.name, column }
            }
            5 if !table.is_key(&column.name) => Edit::DropColumn { table: table.name, column: column.name },
            6 if column.renamed_from.is_none() => {
                let to = self.fresh_column_name(&table);
                Edit::RenameColumn { table: table.name, from: column.name, to }
            }
            // MySQL keys an integer only to the same type.
            7 if !table.is_key(&column.name)
                && !(self.mysql && (table.is_fk_column(&column.name) || referenced(b, &table, &column.name))) =>
            {
                let in_check = table.checks.iter().any(|k| k.column == column.name);
                let to = match &column.ty {
                    GType::SmallInt => GType::Integer,
                    GType::Integer if !in_check && !table.in_use(&column.name) && self.chance(30) => GType::Text,
                    GType::Integer => GType::BigInt,
                    GType::Varchar(n) if self.chance(50) => GType::Varchar(n + 10),
                    // MariaDB's hash of a unique key on text holds no
                    // AUTO_INCREMENT column: such a file is refused.
                    GType::Varchar(n) if self.mysql && table.autoincrement && table.in_unique(&column.name) => {
                        GType::Varchar(n + 10)
                    }
                    GType::Varchar(_) => GType::Text,
                    GType::Real => GType::Double,
                    GType::Numeric(p, s) => GType::Numeric(p + 2, *s),
                    _ => return None,
                };
                Edit::Widen { table: table.name, column: column.name, to }
            }
            // NOT NULL holds only where rows get a value: columns A has
            // (the rows fill them) or with a default; not generated ones
            // (NULL in, NULL out).
            8 if !table.is_key(&column.name)
                && column.generated_from.is_none()
                && column.identity.is_none()
                && (!column.nullable
                    || column.default.is_some()
                    || a.table(&table.name).is_some_and(|t| t.column(&column.name).is_some())) =>
            {
                Edit::SetNullable { table: table.name, column: column.name, nullable: !column.nullable }
            }
            // A default on a foreign key column would have to name a parent row.
            9 if !table.pk.contains(&column.name)
                && !table.has_in_check(&column.name)
                && !table.is_fk_column(&column.name)
                && column.generated_from.is_none()
                && column.identity.is_none() =>
            {
                let default =
                    if column.default.is_some() && self.chance(50) { None } else { self.default_for(&column.ty, b) };
                Edit::SetDefault { table: table.name, column: column.name, default }
            }
            10 => Edit::AddExtra { table: table.name, seed: self.rng.u64(..) },
            11 => Edit::DropExtra { table: table.name, which: self.rng.usize(0..8) },
            12 if table.partition_of.is_none() => {
                let to = self.pick(&b.tables).name.clone();
                Edit::AddForeignKey { table: table.name, to, seed: self.rng.u64(..) }
            }
            13 if !b.enums.is_empty() => {
                let labels = &b.enums[0].1;
                Edit::AddEnumLabel { label: format!("n{}", labels.len()), at: self.rng.usize(0..=labels.len()) }
            }
            14 if !self.sqlite() => {
                let comment = self.chance(70).then(|| self.pick(COMMENTS).to_string());
                let column = self.chance(50).then_some(column.name);
                Edit::SetComment { table: table.name, column, comment }
            }
            _ => return None,
        })
    }

    fn feature_edit(&mut self, b: &GSchema, table: &GTable, column: &GColumn) -> Option<Edit> {
        Some(match self.rng.u8(0..6) {
            0 if table.partition_by.is_some() => {
                let (method, _) = table.partition_by.as_ref()?;
                let n = self.rng.u16(..);
                let bound = match *method {
                    "list" => format!("IN ('zz{n}')"),
                    "range" => {
                        format!("FROM ({}) TO ({})", 100_000 + u32::from(n) * 10, 100_000 + u32::from(n) * 10 + 5)
                    }
                    _ => return None,
                };
                Edit::AddPartition { parent: table.name.clone(), name: self.object_name("part"), bound }
            }
            1 if self.sqlite() => Edit::ToggleStrict(table.name.clone()),
            2 if self.sqlite() => Edit::ToggleWithoutRowid(table.name.clone()),
            // MySQL tells table names apart by case and column names not:
            // a case-only rename is no edit worth making there.
            3 if !self.mysql => {
                let column = self.chance(50).then(|| column.name.clone());
                Edit::Recase { table: table.name.clone(), column }
            }
            4 if self.postgres
                && column.ty.is_int()
                && !table.pk.contains(&column.name)
                && !table.is_key(&column.name)
                && column.generated_from.is_none()
                && !column.reads_sequence()
                && !table.is_fk_column(&column.name)
                && !table.kid =>
            {
                // An identity changed in place keeps its direction: the
                // other one's default range leaves out the live value, which
                // the server refuses to keep (and no plan restarts it).
                let identity = match &column.identity {
                    Some(_) if self.chance(30) => None,
                    Some(old) => {
                        let mut new = self.identity();
                        if new.increment.signum() != old.increment.signum() {
                            new.increment = -new.increment;
                            new.start = -new.start;
                        }
                        Some(new)
                    }
                    None => Some(self.identity()),
                };
                Edit::SetIdentity { table: table.name.clone(), column: column.name.clone(), identity }
            }
            5 if !b.sequences.is_empty() => {
                // The direction stays: the other one's default range
                // leaves out the live value, which the server refuses to
                // keep (and no plan restarts a sequence).
                let sequence = self.pick(&b.sequences).clone();
                let increment = *self.pick(&[1, 2, 7]) * sequence.increment.signum();
                Edit::SetSequenceIncrement { name: sequence.name, increment }
            }
            _ => return None,
        })
    }
}

/// Whether a foreign key of `schema` references `column` of `table`.
fn referenced(schema: &GSchema, table: &GTable, column: &str) -> bool {
    schema
        .tables
        .iter()
        .any(|t| t.fks.iter().any(|f| f.ref_table == table.name && f.ref_columns.iter().any(|c| c == column)))
}

/// The name in another case: upper case, or, already upper, lower.
pub fn recased(name: &str) -> Option<String> {
    // ASCII only: SQLite folds no other letters.
    let upper = name.to_ascii_uppercase();
    let other = if upper != name { upper } else { name.to_ascii_lowercase() };
    (other != name).then_some(other)
}

/// A NOT NULL column that B adds to a table with rows needs a value for
/// them: one without a default (its default dropped by a later edit) stays
/// nullable; and one in a unique key gets no default (every row would get
/// the same value). Those applies would fail, rightly, and test nothing.
pub fn fill_new_columns(a: &GSchema, b: &mut GSchema) {
    for table in &mut b.tables {
        let old = a.table(&table.name).or_else(|| table.renamed_from.as_deref().and_then(|old| a.table(old)));
        let keyed: Vec<String> = table
            .uniques
            .iter()
            .flat_map(|u| u.1.clone())
            .chain(
                table
                    .indexes
                    .iter()
                    .filter(|i| i.unique)
                    .flat_map(|i| i.parts.iter().map(|p| part_column(p).to_string())),
            )
            .collect();
        for column in &mut table.columns {
            let existed = old.is_some_and(|t| {
                t.column(&column.name).is_some()
                    || column.renamed_from.as_deref().is_some_and(|c| t.column(c).is_some())
            });
            if !existed
                && !column.nullable
                && column.default.is_none()
                && column.identity.is_none()
                && !table.pk.contains(&column.name)
            {
                column.nullable = true;
            }
            // Existing rows would all get the default: a key on it would repeat.
            if !existed && column.default.is_some() && keyed.contains(&column.name) {
                column.default = None;
                column.nullable = true;
            }
        }
    }
}

/// Applies an edit; one whose target is missing (after shrinking) does nothing.
pub fn apply(schema: &mut GSchema, edit: &Edit) {
    let postgres = schema.postgres;
    let flavor = if postgres {
        Flavor::Postgres
    } else if schema.mysql {
        Flavor::Mysql
    } else {
        Flavor::Sqlite
    };
    match edit {
        Edit::AddTable(table) => {
            if schema.table(&table.name).is_none() {
                let mut table = table.clone();
                table.fks.retain(|f| f.ref_table == table.name);
                schema.tables.push(table);
            }
        }
        Edit::DropTable(name) => schema.remove_table(name),
        Edit::RenameTable { from, to } => {
            if schema.table(to).is_some() {
                return;
            }
            rename_table(schema, from, to, true);
        }
        Edit::AddColumn { table, column } => {
            if let Some(t) = schema.table_mut(table)
                && t.column(&column.name).is_none()
            {
                t.columns.push(column.clone());
            }
        }
        Edit::DropColumn { table, column } => {
            // Its generated columns go with it; some column must stay.
            let stays =
                |t: &GTable| t.columns.iter().any(|c| &c.name != column && c.generated_from.as_ref() != Some(column));
            if schema.table(table).is_some_and(|t| !t.pk.contains(column) && stays(t)) {
                schema.remove_column(table, column);
            }
        }
        Edit::RenameColumn { table, from, to } => rename_column(schema, table, from, to, true),
        Edit::Recase { table, column: None } => {
            let Some(to) = recased(table) else { return };
            if schema.tables.iter().any(|t| t.name.eq_ignore_ascii_case(&to) && &t.name != table)
                || schema.table(table).is_none_or(|t| t.renamed_from.is_some())
            {
                return;
            }
            // On SQLite the same table; on PostgreSQL another name.
            rename_table(schema, table, &to, postgres);
        }
        Edit::Recase { table, column: Some(column) } => {
            let Some(to) = recased(column) else { return };
            let Some(t) = schema.table(table) else { return };
            if t.columns.iter().any(|c| c.name.eq_ignore_ascii_case(&to) && &c.name != column)
                || t.column(column).is_none_or(|c| c.renamed_from.is_some())
            {
                return;
            }
            rename_column(schema, table, column, &to, postgres);
        }
        Edit::AddPartition { parent, name, bound } => {
            if schema.table(parent).is_some_and(|t| t.partition_by.is_some()) && schema.table(name).is_none() {
                let mut partition = GTable::new(name.clone());
                partition.partition_of = Some((parent.clone(), bound.clone()));
                schema.tables.push(partition);
            }
        }
        Edit::WidenBound { table, value } => {
            if let Some((_, bound)) = schema.table_mut(table).and_then(|t| t.partition_of.as_mut())
                && let Some(list) = bound.strip_suffix(')')
                && bound.starts_with("IN (")
            {
                *bound = format!("{list}, '{value}')");
            }
        }
        Edit::ToggleStrict(table) => {
            if let Some(t) = schema.table_mut(table)
                && (t.strict || t.columns.iter().all(|c| c.ty.strict_ok()))
            {
                t.strict = !t.strict;
            }
        }
        Edit::ToggleWithoutRowid(table) => {
            if let Some(t) = schema.table_mut(table)
                && (t.without_rowid || (!t.pk.is_empty() && !t.autoincrement))
            {
                t.without_rowid = !t.without_rowid;
            }
        }
        Edit::SetIdentity { table, column, identity } => {
            if let Some(c) = schema.table_mut(table).and_then(|t| t.column_mut(column))
                && c.ty.is_int()
                && c.generated_from.is_none()
            {
                if identity.is_some() {
                    // An identity column has no default and holds no NULL.
                    c.default = None;
                    c.nullable = false;
                }
                c.identity = identity.clone();
                c.short = false;
            }
        }
        Edit::SetSequenceIncrement { name, increment } => {
            if let Some(sequence) = schema.sequences.iter_mut().find(|s| &s.name == name)
                && sequence.increment.signum() == increment.signum()
            {
                sequence.increment = *increment;
            }
        }
        Edit::Widen { table, column, to } => {
            // A STRICT table takes only its few types.
            if schema.table(table).is_some_and(|t| t.strict && !to.strict_ok()) {
                return;
            }
            if let Some(c) = schema.table_mut(table).and_then(|t| t.column_mut(column)) {
                let fits = matches!(
                    (&c.ty, to),
                    (GType::SmallInt, GType::Integer)
                        | (GType::Integer, GType::BigInt | GType::Text)
                        | (GType::Varchar(_), GType::Varchar(_) | GType::Text)
                        | (GType::Real, GType::Double)
                        | (GType::Numeric(..), GType::Numeric(..))
                );
                if fits {
                    c.ty = to.clone();
                    c.short = false;
                    // A literal default of the old type stays valid for the new one.
                }
            }
        }
        Edit::SetNullable { table, column, nullable } => {
            // MySQL refuses a SET NULL key over a NOT NULL column.
            let set_null =
                |t: &GTable| t.fks.iter().any(|f| f.on_delete == Some("set null") && f.columns.contains(column));
            if let Some(t) = schema.table_mut(table)
                && !t.pk.contains(column)
                && (*nullable || flavor != Flavor::Mysql || !set_null(t))
                && let Some(c) = t.column_mut(column)
            {
                c.nullable = *nullable;
                c.short = false;
            }
        }
        Edit::SetDefault { table, column, default } => {
            if let Some(c) = schema.table_mut(table).and_then(|t| t.column_mut(column)) {
                c.default = default.clone();
                c.short = false;
            }
        }
        Edit::AddExtra { table, seed } => {
            let Some(index) = schema.tables.iter().position(|t| &t.name == table) else { return };
            let mut generator = Generator::new(*seed, flavor);
            let mut t = schema.tables[index].clone();
            generator.add_extra(&mut t);
            schema.tables[index] = t;
        }
        Edit::DropExtra { table, which } => {
            let Some(t) = schema.table_mut(table) else { return };
            let mut k = *which;
            if k < t.uniques.len() {
                t.uniques.remove(k);
                return;
            }
            k -= t.uniques.len();
            if k < t.indexes.len() {
                t.indexes.remove(k);
                return;
            }
            k -= t.indexes.len();
            if k < t.checks.len() {
                t.checks.remove(k);
                return;
            }
            k -= t.checks.len();
            if k < t.fks.len() {
                t.fks.remove(k);
            }
        }
        Edit::AddForeignKey { table, to, seed } => {
            let (Some(from), Some(to)) =
                (schema.tables.iter().position(|t| &t.name == table), schema.tables.iter().position(|t| &t.name == to))
            else {
                return;
            };
            // On existing rows the new columns are NULL: always nullable.
            Generator::new(*seed, flavor).add_fk(schema, from, to, true);
        }
        Edit::SetComment { table, column, comment } => {
            let Some(t) = schema.table_mut(table) else { return };
            match column {
                None => t.comment = comment.clone(),
                Some(column) => {
                    if let Some(c) = t.column_mut(column) {
                        c.comment = comment.clone();
                        c.short = false;
                    }
                }
            }
        }
        Edit::AddEnumLabel { label, at } => {
            if let Some((_, labels)) = schema.enums.first_mut()
                && !labels.contains(label)
            {
                labels.insert((*at).min(labels.len()), label.clone());
            }
        }
    }
}

/// Renames a table and what names it (foreign keys, partitions, sequence
/// owners); `hint` writes `renamed_from`.
fn rename_table(schema: &mut GSchema, from: &str, to: &str, hint: bool) {
    for trigger in schema.triggers.iter_mut().filter(|t| t.table == from) {
        trigger.table = to.to_string();
    }
    for view in schema.views.iter_mut().filter(|v| !v.count && v.reads == from) {
        view.reads = to.to_string();
    }
    for table in &mut schema.tables {
        for fk in &mut table.fks {
            if fk.ref_table == from {
                fk.ref_table = to.to_string();
            }
        }
        if let Some((parent, _)) = &mut table.partition_of
            && parent == from
        {
            *parent = to.to_string();
        }
    }
    for sequence in &mut schema.sequences {
        if let Some((table, _)) = &mut sequence.owned_by
            && table == from
        {
            *table = to.to_string();
        }
    }
    if let Some(table) = schema.table_mut(from) {
        if hint {
            table.renamed_from = Some(from.to_string());
        }
        table.name = to.to_string();
    }
}

/// Renames a column and what names it; `hint` writes `renamed_from`.
fn rename_column(schema: &mut GSchema, table: &str, from: &str, to: &str, hint: bool) {
    let Some(t) = schema.table(table) else { return };
    if t.column(to).is_some() || t.column(from).is_none() {
        return;
    }
    for trigger in schema.triggers.iter_mut().filter(|g| g.table == table && g.column == from) {
        trigger.column = to.to_string();
    }
    let Some(t) = schema.table_mut(table) else { return };
    let (from, to) = (&from.to_string(), &to.to_string());
    let rename = |c: &mut String| {
        if c == from {
            *c = to.clone()
        }
    };
    t.pk.iter_mut().for_each(rename);
    t.uniques.iter_mut().for_each(|u| u.1.iter_mut().for_each(rename));
    t.checks.iter_mut().for_each(|k| rename(&mut k.column));
    t.fks.iter_mut().for_each(|f| f.columns.iter_mut().for_each(rename));
    t.columns.iter_mut().for_each(|c| c.generated_from.iter_mut().for_each(rename));
    for index in &mut t.indexes {
        index.not_null_predicate.iter_mut().for_each(rename);
        index.include.iter_mut().for_each(rename);
        for part in &mut index.parts {
            match part {
                GPart::Column(c, _) | GPart::Lower(c) | GPart::Opclass(c, _) => rename(c),
            }
        }
    }
    if let Some((_, key)) = &mut t.partition_by {
        rename(key);
    }
    if let Some(c) = t.column_mut(from) {
        if hint {
            c.renamed_from = Some(from.clone());
        }
        c.name = to.clone();
    }
    for other in &mut schema.tables {
        for fk in &mut other.fks {
            if fk.ref_table == table {
                fk.ref_columns.iter_mut().for_each(rename);
            }
        }
    }
    for sequence in &mut schema.sequences {
        if let Some((owner, column)) = &mut sequence.owned_by
            && owner == table
            && column == from
        {
            *column = to.clone();
        }
    }
}

/// The schema as schema.yaml text. Every name and value is written as a
/// JSON string, which YAML reads as a double-quoted scalar.
pub fn render(schema: &GSchema) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap();
    let list = |items: &[String]| format!("[{}]", items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", "));
    // Names in expressions: MySQL reads a double-quoted name as a string.
    let mysql = schema.mysql;
    let ident = move |s: &str| {
        if mysql { format!("`{}`", s.replace('`', "``")) } else { format!("\"{}\"", s.replace('"', "\"\"")) }
    };
    let mut out = String::new();
    if !schema.enums.is_empty() {
        out.push_str("enums:\n");
        for (name, labels) in &schema.enums {
            out.push_str(&format!("  {}: {}\n", q(name), list(labels)));
        }
    }
    if !schema.sequences.is_empty() {
        out.push_str("sequences:\n");
        for sequence in &schema.sequences {
            let owned_by = sequence
                .owned_by
                .as_ref()
                .map(|(t, c)| format!(", owned_by: {}", q(&format!("{t}.{c}"))))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {}: {{ type: bigint, start: {}, increment: {}{owned_by} }}\n",
                q(&sequence.name),
                sequence.start,
                sequence.increment
            ));
        }
    }
    out.push_str(if schema.tables.is_empty() { "tables: {}\n" } else { "tables:\n" });
    for table in &schema.tables {
        out.push_str(&format!("  {}:\n", q(&table.name)));
        if let Some(old) = &table.renamed_from {
            out.push_str(&format!("    renamed_from: {}\n", q(old)));
        }
        if let Some(comment) = &table.comment {
            out.push_str(&format!("    comment: {}\n", q(comment)));
        }
        if table.strict {
            out.push_str("    strict: true\n");
        }
        if table.without_rowid {
            out.push_str("    without_rowid: true\n");
        }
        // PostgreSQL: some tables unlogged and some with storage
        // parameters, by name and column count (which a mutation moves,
        // so they change in place). Unlogged only where no foreign key
        // meets the table: a logged table may not reference an unlogged one.
        if schema.postgres && table.partition_by.is_none() {
            let variant = named_variant(&table.name);
            let met =
                !table.fks.is_empty() || schema.tables.iter().any(|o| o.fks.iter().any(|f| f.ref_table == table.name));
            if variant == 1 && table.partition_of.is_none() && !met && table.columns.len() % 3 != 0 {
                out.push_str("    unlogged: true\n");
            }
            let mut storage = Vec::new();
            if variant >= 3 {
                storage.push(format!("fillfactor: {}", 50 + 10 * (table.columns.len() % 5)));
            }
            if variant == 4 && table.columns.len() % 2 == 1 {
                storage.push("autovacuum_enabled: off".into());
            }
            if !storage.is_empty() {
                out.push_str(&format!("    storage: {{ {} }}\n", storage.join(", ")));
            }
            // Grants to a test role, by name and column count too: a
            // mutation grants, widens, narrows (a revoke) or takes away.
            let first = table.columns.first().map(|c| q(&format!("select({})", ident(&c.name))));
            let grants = match (named_variant(&format!("{}grants", table.name)) + table.columns.len() as u32) % 5 {
                1 => Some("select".to_string()),
                2 => Some("select, insert, update".to_string()),
                3 => first.map(|f| format!("{f}, insert")),
                4 => Some("all with grant option".to_string()),
                _ => None,
            };
            if let Some(grants) = grants.filter(|_| table.partition_of.is_none()) {
                out.push_str(&format!("    grants: {{ {RANDOM_ROLE}: [{grants}] }}\n"));
            }
        }
        if let Some((method, key)) = &table.partition_by {
            out.push_str(&format!("    partition_by: {}\n", q(&format!("{} ({})", method.to_uppercase(), ident(key)))));
        }
        if let Some((parent, bound)) = &table.partition_of {
            // Its columns are its parent's.
            out.push_str(&format!("    partition_of: {}\n    bound: {}\n", q(parent), q(bound)));
            continue;
        }
        out.push_str("    columns:\n");
        let single_pk = table.pk.len() == 1;
        for column in &table.columns {
            let mut fields = vec![format!("type: {}", q(&column.ty.yaml()))];
            if single_pk && table.pk[0] == column.name {
                fields.push("primary_key: true".into());
                if table.autoincrement {
                    fields.push("autoincrement: true".into());
                    // PostgreSQL: grants on its sequence, by the table's name
                    // and column count, so that renames carry them.
                    if schema.postgres && (named_variant(&table.name) + table.columns.len() as u32) % 3 == 0 {
                        fields.push(format!("sequence_grants: {{ {RANDOM_ROLE}: [usage] }}"));
                    }
                }
            }
            if !column.nullable {
                fields.push("nullable: false".into());
            }
            if let Some(default) = &column.default {
                fields.push(format!("default: {default}"));
            }
            if let Some(source) = &column.generated_from {
                let expr = q(&format!("{} * 2", ident(source)));
                if column.generated_virtual {
                    fields.push(format!("generated: {{ expr: {expr}, virtual: true }}"));
                } else {
                    fields.push(format!("generated: {expr}"));
                }
            }
            if let Some(identity) = &column.identity {
                fields.push(format!(
                    "identity: {{ generated: {}, start: {}, increment: {} }}",
                    if identity.always { "always" } else { "by default" },
                    identity.start,
                    identity.increment
                ));
            }
            if let Some(collation) = column.collation {
                fields.push(format!("collation: {collation}"));
            }
            if let Some(comment) = &column.comment {
                fields.push(format!("comment: {}", q(comment)));
            }
            if table.uniques.iter().any(|u| u.2 && u.1 == [column.name.clone()]) {
                fields.push("unique: true".into());
            }
            if let Some(check) = table.checks.iter().find(|k| k.inline && k.column == column.name) {
                fields.push(format!("check: {}", q(&check_sql(check, &ident))));
            }
            if let Some(fk) = table.fks.iter().find(|f| f.inline && f.columns == [column.name.clone()]) {
                // `references: table.column` splits at the last dot: safe
                // only for names without dots, which the generator uses.
                fields.push(format!("references: {}", q(&format!("{}.{}", fk.ref_table, fk.ref_columns[0]))));
                if let Some(action) = fk.on_delete {
                    fields.push(format!("on_delete: {action}"));
                }
                if fk.deferrable {
                    fields.push("deferrable: true".into());
                }
            }
            if let Some(old) = &column.renamed_from {
                fields.push(format!("renamed_from: {}", q(old)));
            }
            if fields.len() == 1 && column.short {
                out.push_str(&format!("      {}: {}\n", q(&column.name), q(&column.ty.yaml())));
            } else {
                out.push_str(&format!("      {}: {{ {} }}\n", q(&column.name), fields.join(", ")));
            }
        }
        if table.pk.len() > 1 {
            out.push_str(&format!("    primary_key: {}\n", list(&table.pk)));
        }
        let uniques: Vec<_> = table.uniques.iter().filter(|u| !u.2).collect();
        if !uniques.is_empty() {
            out.push_str("    uniques:\n");
            for (name, columns, _) in uniques {
                // PostgreSQL: some named keys deferrable (by their name, so
                // that A and B agree on a key they share).
                match named_variant(name) {
                    1 if schema.postgres => out.push_str(&format!(
                        "      {}: {{ columns: {}, deferrable: true }}\n",
                        q(name),
                        list(columns)
                    )),
                    2 if schema.postgres => out.push_str(&format!(
                        "      {}: {{ columns: {}, initially_deferred: true }}\n",
                        q(name),
                        list(columns)
                    )),
                    _ => out.push_str(&format!("      {}: {}\n", q(name), list(columns))),
                }
            }
        }
        let checks: Vec<_> = table.checks.iter().filter(|k| !k.inline).collect();
        if !checks.is_empty() {
            out.push_str("    checks:\n");
            for check in checks {
                let sql = q(&check_sql(check, &ident));
                // PostgreSQL: some named checks kept NOT VALID.
                match named_variant(&check.name) {
                    1 if schema.postgres => {
                        out.push_str(&format!("      {}: {{ expr: {sql}, validated: false }}\n", q(&check.name)))
                    }
                    _ => out.push_str(&format!("      {}: {sql}\n", q(&check.name))),
                }
            }
        }
        let fks: Vec<_> = table.fks.iter().filter(|f| !f.inline).collect();
        if !fks.is_empty() {
            out.push_str("    foreign_keys:\n");
            for fk in fks {
                let mut action = fk.on_delete.map(|a| format!(", on_delete: {a}")).unwrap_or_default();
                if fk.deferrable {
                    action.push_str(", deferrable: true");
                }
                // PostgreSQL: some named keys kept NOT VALID.
                if schema.postgres && named_variant(&fk.name) == 2 && table.partition_by.is_none() {
                    action.push_str(", validated: false");
                }
                out.push_str(&format!(
                    "      {}: {{ columns: {}, references: {{ table: {}, columns: {} }}{action} }}\n",
                    q(&fk.name),
                    list(&fk.columns),
                    q(&fk.ref_table),
                    list(&fk.ref_columns)
                ));
            }
        }
        if !table.indexes.is_empty() {
            out.push_str("    indexes:\n");
            for index in &table.indexes {
                let parts: Vec<String> = index
                    .parts
                    .iter()
                    .map(|p| match p {
                        // MySQL indexes a text column by a prefix of it.
                        GPart::Column(c, desc)
                            if mysql && !index.unique && table.column(c).is_some_and(|c| c.ty == GType::Text) =>
                        {
                            format!("{{ column: {}, length: 10{} }}", q(c), if *desc { ", order: desc" } else { "" })
                        }
                        GPart::Column(c, false) => format!("{{ column: {} }}", q(c)),
                        GPart::Column(c, true) => format!("{{ column: {}, order: desc }}", q(c)),
                        GPart::Lower(c) => format!("{{ expr: {} }}", q(&format!("lower({})", ident(c)))),
                        GPart::Opclass(c, opclass) => format!("{{ column: {}, opclass: {opclass} }}", q(c)),
                    })
                    .collect();
                let mut fields = vec![format!("columns: [{}]", parts.join(", "))];
                if index.unique {
                    fields.push("unique: true".into());
                }
                if !index.include.is_empty() {
                    fields.push(format!("include: {}", list(&index.include)));
                }
                if let Some(c) = &index.not_null_predicate {
                    fields.push(format!("where: {}", q(&format!("{} IS NOT NULL", ident(c)))));
                }
                out.push_str(&format!("      {}: {{ {} }}\n", q(&index.name), fields.join(", ")));
            }
        }
        for trigger in schema.triggers.iter().filter(|g| g.table == table.name) {
            let update = if table.column(&trigger.column).is_some() {
                format!("update of {}", trigger.column)
            } else {
                "update".to_string()
            };
            let action =
                if schema.postgres { "function: keep_row".to_string() } else { "body: \"SELECT 1;\"".to_string() };
            // SQLite fires a trigger on one event.
            let events = if schema.postgres { format!("insert, {}", q(&update)) } else { q(&update) };
            out.push_str(&format!(
                "    triggers:\n      {}: {{ timing: before, events: [{events}], {action} }}\n",
                q(&trigger.name)
            ));
        }
    }
    // PostgreSQL: some tables have a table inheriting from them (by name,
    // so both sides of a case agree): the parent's column changes, drops
    // and renames must reach it, once.
    for table in schema.tables.iter().filter(|_| schema.postgres) {
        if table.kid && table.partition_by.is_none() && table.partition_of.is_none() {
            out.push_str(&format!(
                "  {}:\n    inherits: {}\n    columns:\n      kid_extra: text\n",
                q(&format!("{}_kid", table.name)),
                q(&table.name)
            ));
        }
    }
    let triggered = schema.triggers.iter().any(|g| schema.table(&g.table).is_some_and(|t| t.partition_of.is_none()));
    if schema.postgres && triggered {
        out.push_str(
            "functions:\n  keep_row: { returns: trigger, language: plpgsql, body: \"BEGIN RETURN NEW; END\" }\n",
        );
    }
    let mut rendered: Vec<&str> = Vec::new();
    for view in &schema.views {
        let query = if view.count {
            if !rendered.contains(&view.reads.as_str()) {
                continue;
            }
            format!("SELECT count(*) AS n FROM {}", ident(&view.reads))
        } else {
            let Some(table) = schema.table(&view.reads).filter(|t| !t.columns.is_empty()) else { continue };
            let columns: Vec<String> = table.columns.iter().map(|c| ident(&c.name)).collect();
            format!("SELECT {} FROM {}", columns.join(", "), ident(&table.name))
        };
        if rendered.is_empty() {
            out.push_str("views:\n");
        }
        rendered.push(&view.name);
        out.push_str(&format!("  {}: {{ query: {} }}\n", q(&view.name), q(&query)));
    }
    out
}

/// 0 to 4, from a constraint's name: which of the variants a file may
/// write it in (deferrable, NOT VALID) it gets. From the name alone, so that
/// both sides of a case write a constraint they share alike.
/// The role the PostgreSQL cases grant to (made by the runner).
pub const RANDOM_ROLE: &str = "dbshape_random_grantee";

fn named_variant(name: &str) -> u32 {
    name.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 5
}

fn check_sql(check: &GCheck, ident: &dyn Fn(&str) -> String) -> String {
    let c = ident(&check.column);
    match &check.kind {
        CheckKind::NonNegative => format!("{c} >= 0"),
        CheckKind::NonEmpty => format!("length({c}) > 0"),
        CheckKind::In(values) => {
            let values: Vec<String> = values.iter().map(|v| format!("'{}'", v.replace('\'', "''"))).collect();
            format!("{c} IN ({})", values.join(", "))
        }
    }
}
