//! From the file as written ([`RawFile`]) to the model: one table, column,
//! index and foreign key at a time, filling in conventional constraint
//! names, reporting every problem with the YAML path it concerns.

use super::checks::{check_expressions, check_names};
use super::locator::Locator;
use super::objects;
use super::parse::{
    index_part, is_object_name, is_operator, is_unique_key, parse_default, parse_index_part, parse_parameter,
    parse_primary_key, parse_type, split_reference,
};
use super::privileges;
use super::problems::Problems;
use super::raw::{
    RawAggregate, RawCollation, RawColumn, RawCompositeType, RawDomain, RawExclusion, RawFile, RawForeignKey,
    RawFunction, RawIndex, RawIndexExpr, RawMaterializedView, RawSequence, RawSequenceOptions, RawStatistics, RawTable,
    RawView,
};
use super::unique_map::UniqueMap;
use crate::model::{
    Aggregate, Check, Collation, Column, CompositeType, DefaultValue, Domain, Exclusion, ExclusionElement, Expr,
    ForeignKey, Index, IndexKey, Literal, Partition, PrimaryKey, ReferentialAction, STATISTICS_KINDS, Schema,
    SecurableKind, Sequence, SequenceOptions, SqlType, Statistics, Table, Unique, inherited_column, inheriting_column,
    naming, storage_value,
};
use crate::suggest::did_you_mean;
use serde_yaml::Value;

/// A partition that leaves its columns out has its parent's defaults as
/// finally read (a float default keeps its written text in both).
fn inherit_defaults(schema: &mut Schema, raw: &indexmap::IndexMap<String, RawTable>) {
    let mut partitions: Vec<(usize, &String)> = Vec::new();
    for (name, table) in raw.iter().filter(|(_, t)| t.partition_of.is_some() && t.columns.is_none()) {
        let mut depth = 0;
        let mut current = table;
        while let Some(parent) = current.partition_of.as_ref().and_then(|p| raw.get(p)) {
            depth += 1;
            current = parent;
            if depth > raw.len() {
                break;
            }
        }
        partitions.push((depth, name));
    }
    partitions.sort_by_key(|(depth, _)| *depth);
    for (_, name) in partitions {
        let Some(parent) = schema.tables[name].partition_of.as_ref().and_then(|p| schema.tables.get(&p.parent)) else {
            continue;
        };
        let inherited: Vec<Column> = parent.columns.values().map(|c| inherited_column(parent, c)).collect();
        let table = schema.tables.get_mut(name).expect("a table of the file");
        for column in inherited {
            if let Some(own) = table.columns.get_mut(&column.name) {
                own.default = column.default;
            }
        }
    }
}

/// Converts a whole file, reporting its problems to `problems`.
pub(super) fn convert(problems: &mut Problems, raw: RawFile) -> Schema {
    Converter { problems, enums: Vec::new(), float_defaults: Vec::new() }.convert(raw)
}

struct Converter<'p, 'a> {
    problems: &'p mut Problems<'a>,
    /// The file's enum, domain and composite type names.
    enums: Vec<String>,
    /// (table, column) of defaults written as plain floats, whose exact
    /// text (`0.00`, not `0.0`) is read from the file afterwards.
    float_defaults: Vec<(String, String)>,
}

impl Converter<'_, '_> {
    fn report(&mut self, path: &[&str], message: impl Into<String>, hint: Option<&str>) {
        self.problems.report(path, message, hint);
    }

    fn convert(&mut self, mut raw: RawFile) -> Schema {
        let mut schema = Schema::default();
        privileges::extensions(self.problems, &mut schema, raw.extensions.take());
        self.privileges(&mut schema, &raw);
        for (name, raw_enum) in raw.enums.unwrap_or_default().0 {
            let (values, owner, grants) = raw_enum.into_parts();
            let path = ["enums", name.as_str()];
            let privileges =
                privileges::object(self.problems, &path, SecurableKind::Type, owner.as_ref(), grants.as_ref(), None);
            privileges::keep(&mut schema, SecurableKind::Type, &name, privileges);
            let mut seen = std::collections::HashSet::new();
            if values.is_empty() {
                self.report(&["enums", &name], format!("enum \"{name}\" has no values"), None);
            }
            for value in &values {
                if !seen.insert(value) {
                    self.report(&["enums", &name], format!("enum \"{name}\" lists \"{value}\" twice"), None);
                }
            }
            self.enums.push(name.clone());
            schema.enums.insert(name, values);
        }
        // Domains and composite types of this file are types too.
        let own_types = raw.domains.iter().flat_map(|d| d.0.keys()).chain(raw.types.iter().flat_map(|t| t.0.keys()));
        self.enums.extend(own_types.cloned().collect::<Vec<_>>());
        let raw_sequences = raw.sequences.unwrap_or_default().0;
        let raw_tables = raw.tables.unwrap_or_default().0;
        // Parents before their partitions, which take their columns from them.
        let mut converted: std::collections::HashMap<String, Table> = std::collections::HashMap::new();
        for name in self.partition_order(&raw_tables) {
            let raw_table = &raw_tables[&name];
            let parent = raw_table.partition_of.as_ref().and_then(|p| converted.get(p));
            let inherits_from = raw_table.inherits.as_ref().and_then(|p| converted.get(p));
            let table = self.table(&name, raw_table, parent, inherits_from);
            converted.insert(name, table);
        }
        for (name, raw_table) in &raw_tables {
            let table = converted.remove(name).expect("every table is converted");
            let privileges = privileges::object(
                self.problems,
                &["tables", name],
                SecurableKind::Table,
                raw_table.owner.as_ref(),
                raw_table.grants.as_ref(),
                Some(&table),
            );
            privileges::keep(&mut schema, SecurableKind::Table, name, privileges);
            for (column, raw_column) in raw_table.columns.iter().flat_map(|c| c.0.iter()) {
                if let Some(grants) = &raw_column.sequence_grants {
                    privileges::column_sequence(self.problems, &mut schema, &table, column, grants);
                }
            }
            schema.tables.insert(name.clone(), table);
        }
        self.resolve_foreign_keys(&mut schema, &raw_tables);
        for (name, raw_sequence) in raw_sequences {
            let path = ["sequences", name.as_str()];
            let (owner, grants) = (raw_sequence.owner.as_ref(), raw_sequence.grants.as_ref());
            let privileges = privileges::object(self.problems, &path, SecurableKind::Sequence, owner, grants, None);
            privileges::keep(&mut schema, SecurableKind::Sequence, &name, privileges);
            let sequence = self.sequence(&name, raw_sequence, &schema);
            schema.sequences.insert(name, sequence);
        }
        self.keep_float_texts(&mut schema);
        inherit_defaults(&mut schema, &raw_tables);
        self.objects(&mut schema, &raw_tables, raw.views, raw.functions, raw.procedures);
        self.materialized_views(&mut schema, raw.materialized_views);
        self.collations(&mut schema, raw.collations);
        self.user_types(&mut schema, raw.domains, raw.types);
        self.aggregates(&mut schema, raw.aggregates);
        check_names(self.problems, &schema);
        check_expressions(self.problems, &schema);
        schema
    }

    /// Views, functions, procedures and the triggers of tables and views.
    fn objects(
        &mut self,
        schema: &mut Schema,
        tables: &indexmap::IndexMap<String, RawTable>,
        views: Option<UniqueMap<RawView>>,
        functions: Option<UniqueMap<RawFunction>>,
        procedures: Option<UniqueMap<RawFunction>>,
    ) {
        let views = views.unwrap_or_default().0;
        for (name, raw) in &views {
            if schema.tables.contains_key(name) {
                self.report(&["views", name], format!("\"{name}\" is both a table and a view"), None);
            }
            if let Some(view) = objects::view(self.problems, name, raw) {
                let (owner, grants) = (raw.owner.as_ref(), raw.grants.as_ref());
                let privileges =
                    privileges::object(self.problems, &["views", name], SecurableKind::View, owner, grants, None);
                privileges::keep(schema, SecurableKind::View, name, privileges);
                schema.views.insert(name.clone(), view);
            }
        }
        let routines = [(functions, false), (procedures, true)];
        for (map, procedure) in routines {
            for (key, raw) in map.unwrap_or_default().0 {
                let Some(function) = objects::function(self.problems, &key, &raw, procedure) else { continue };
                let section = if procedure { "procedures" } else { "functions" };
                if schema.functions.contains_key(&function.key()) {
                    self.report(
                        &[section, &key],
                        format!("{} is declared twice with the same argument types", function.key()),
                        Some("functions of one name need different argument types"),
                    );
                    continue;
                }
                let kind = if procedure { SecurableKind::Procedure } else { SecurableKind::Function };
                let (owner, grants) = (raw.owner.as_ref(), raw.grants.as_ref());
                let privileges = privileges::object(self.problems, &[section, &key], kind, owner, grants, None);
                privileges::keep(schema, kind, &function.key(), privileges);
                schema.functions.insert(function.key(), function);
            }
        }
        let owners = tables
            .iter()
            .map(|(name, t)| ("tables", name, t.triggers.as_ref()))
            .chain(views.iter().map(|(name, v)| ("views", name, v.triggers.as_ref())));
        for (section, owner, triggers) in owners {
            for (name, raw) in triggers.map(|t| t.0.iter()).into_iter().flatten() {
                if let Some(trigger) = objects::trigger(self.problems, (section, owner), name, raw) {
                    schema.triggers.insert((owner.clone(), name.clone()), trigger);
                }
            }
        }
    }

    fn collations(&mut self, schema: &mut Schema, collations: Option<UniqueMap<RawCollation>>) {
        for (name, raw) in collations.unwrap_or_default().0 {
            let provider = raw.provider.as_deref().unwrap_or("libc").to_ascii_lowercase();
            if provider != "libc" && provider != "icu" {
                self.report(
                    &["collations", &name, "provider"],
                    format!("collation \"{name}\": provider is `libc` or `icu`, not `{provider}`"),
                    None,
                );
                continue;
            }
            let pair = raw.lc_collate.is_some() || raw.lc_ctype.is_some();
            let complete = match (&raw.locale, pair) {
                (Some(_), false) => true,
                (None, true) => provider == "libc" && raw.lc_collate.is_some() && raw.lc_ctype.is_some(),
                _ => false,
            };
            if !complete {
                let hint = if provider == "icu" {
                    "an ICU collation takes `locale` (\"en-u-kn-true\")"
                } else {
                    "give `locale`, or both `lc_collate` and `lc_ctype`"
                };
                self.report(&["collations", &name], format!("collation \"{name}\" needs a locale"), Some(hint));
                continue;
            }
            let collation = Collation {
                name: name.clone(),
                provider,
                locale: raw.locale,
                lc_collate: raw.lc_collate,
                lc_ctype: raw.lc_ctype,
                deterministic: raw.deterministic.unwrap_or(true),
                comment: raw.comment,
            };
            schema.collations.insert(name, collation.canonical());
        }
    }

    fn user_types(
        &mut self,
        schema: &mut Schema,
        domains: Option<UniqueMap<RawDomain>>,
        types: Option<UniqueMap<RawCompositeType>>,
    ) {
        let type_of = |this: &mut Self, path: &[&str], text: &str| match parse_type(text) {
            Ok(sql_type) => Some(sql_type),
            Err((message, hint)) => {
                this.report(path, message, hint.as_deref());
                None
            }
        };
        for (name, raw) in domains.unwrap_or_default().0 {
            let Some(base) = type_of(self, &["domains", &name, "type"], &raw.sql_type) else { continue };
            let (owner, grants) = (raw.owner.as_ref(), raw.grants.as_ref());
            let privileges =
                privileges::object(self.problems, &["domains", &name], SecurableKind::Domain, owner, grants, None);
            privileges::keep(schema, SecurableKind::Domain, &name, privileges);
            let mut checks = indexmap::IndexMap::new();
            if let Some(expr) = &raw.check {
                // Named as PostgreSQL names it: after the bare domain name.
                let check_name = format!("{}_check", naming::bare(&name));
                checks.insert(check_name.clone(), Check::new(check_name, Expr::new(expr.clone())));
            }
            for (check_name, check) in raw.checks.unwrap_or_default().0 {
                if check.validated.is_some() {
                    let path = ["domains", &name, "checks", &check_name];
                    let hint = "a domain's check is validated when it is added";
                    self.report(
                        &path,
                        format!("`validated:` is for a table's check, not domain \"{name}\"'s"),
                        Some(hint),
                    );
                }
                let expr = Expr::new(check.expr);
                checks.insert(check_name.clone(), Check { comment: check.comment, ..Check::new(check_name, expr) });
            }
            let domain = Domain {
                name: name.clone(),
                base,
                default: raw.default.map(Expr::new),
                not_null: raw.nullable == Some(false),
                checks,
                comment: raw.comment,
            };
            schema.domains.insert(name, domain);
        }
        for (name, raw) in types.unwrap_or_default().0 {
            let (owner, grants) = (raw.owner.as_ref(), raw.grants.as_ref());
            let privileges =
                privileges::object(self.problems, &["types", &name], SecurableKind::Type, owner, grants, None);
            privileges::keep(schema, SecurableKind::Type, &name, privileges);
            let mut attributes = indexmap::IndexMap::new();
            for (attribute, text) in raw.attributes.0 {
                if let Some(sql_type) = type_of(self, &["types", &name, "attributes", &attribute], &text) {
                    attributes.insert(attribute, sql_type);
                }
            }
            if attributes.is_empty() {
                self.report(&["types", &name], format!("type \"{name}\" has no attributes"), None);
            }
            schema.composite_types.insert(name.clone(), CompositeType { name, attributes, comment: raw.comment });
        }
    }

    fn aggregates(&mut self, schema: &mut Schema, raw: Option<UniqueMap<RawAggregate>>) {
        for (key, raw) in raw.unwrap_or_default().0 {
            let name = key.split_once('(').map_or(key.as_str(), |(n, _)| n).trim().to_string();
            let mut type_of = |field: &str, text: &str| match parse_type(text) {
                Ok(sql_type) => sql_type,
                Err((message, hint)) => {
                    self.report(&["aggregates", &key, field], message, hint.as_deref());
                    SqlType::Other(text.to_string())
                }
            };
            let arguments = raw.arguments.iter().map(|a| type_of("arguments", a)).collect();
            let stype = type_of("stype", &raw.stype);
            let aggregate = Aggregate {
                name,
                arguments,
                sfunc: raw.sfunc,
                stype,
                finalfunc: raw.finalfunc,
                initcond: raw.initcond,
                comment: raw.comment,
            };
            schema.aggregates.insert(aggregate.key(), aggregate);
        }
    }

    fn materialized_views(&mut self, schema: &mut Schema, raw: Option<UniqueMap<RawMaterializedView>>) {
        for (name, raw) in raw.unwrap_or_default().0 {
            if schema.tables.contains_key(&name) || schema.views.contains_key(&name) {
                self.report(&["materialized_views", &name], format!("\"{name}\" is also a table or view"), None);
            }
            let Some(mut view) = objects::materialized_view(self.problems, &name, &raw) else { continue };
            // Its indexes are checked against its columns when the file lists them.
            let mut columns_of = Table::new(&name);
            for column in &view.columns {
                columns_of.columns.insert(column.clone(), Column::new(column, SqlType::Text));
            }
            for (index_name, raw_index) in raw.indexes.iter().flat_map(|i| i.0.iter()) {
                if let Some(index) = self.index("materialized_views", &columns_of, index_name, raw_index) {
                    view.indexes.insert(index_name.clone(), index);
                }
            }
            let (owner, grants) = (raw.owner.as_ref(), raw.grants.as_ref());
            let path = ["materialized_views", name.as_str()];
            let privileges =
                privileges::object(self.problems, &path, SecurableKind::MaterializedView, owner, grants, None);
            privileges::keep(schema, SecurableKind::MaterializedView, &name, privileges);
            schema.views.insert(name, view);
        }
    }

    /// The file's default owner, what it manages, its schemas' owners and
    /// grants, and its default privileges.
    fn privileges(&mut self, schema: &mut Schema, raw: &RawFile) {
        if let Some(owner) = &raw.owner {
            if owner.is_empty() || owner.eq_ignore_ascii_case(crate::model::PUBLIC) {
                self.report(&["owner"], format!("\"{owner}\" cannot own anything"), Some("name a role"));
            }
            schema.owner = Some(owner.clone());
        }
        schema.privileges_unmanaged = raw.manage.as_ref().and_then(|m| m.privileges) == Some(false);
        schema.extensions_unmanaged = raw.manage.as_ref().and_then(|m| m.extensions) == Some(false);
        for (name, raw) in raw.schemas.iter().flat_map(|s| s.0.iter()) {
            let (owner, grants) = (raw.owner.as_ref(), raw.grants.as_ref());
            let path = ["schemas", name.as_str()];
            let privileges = privileges::object(self.problems, &path, SecurableKind::Schema, owner, grants, None)
                .unwrap_or_else(|| crate::model::Privileges {
                    at: path.iter().map(|p| p.to_string()).collect(),
                    ..Default::default()
                });
            schema.privileges.insert(crate::model::Securable::new(SecurableKind::Schema, name.clone()), privileges);
        }
        if let Some(defaults) = &raw.default_privileges {
            privileges::default_privileges(self.problems, schema, &defaults.0);
        }
    }

    fn sequence(&mut self, name: &str, raw: RawSequence, schema: &Schema) -> Sequence {
        let here = |key: &str| ["sequences", name, key].map(String::from);
        let sql_type = match raw.sql_type.as_deref().map(SqlType::parse) {
            None => SqlType::BigInt,
            Some(Ok(sql_type)) if sql_type.is_integer() => sql_type,
            Some(_) => {
                let path = here("type");
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                self.report(&path, format!("sequence \"{name}\" must be a smallint, integer or bigint"), None);
                SqlType::BigInt
            }
        };
        let owned_by = raw.owned_by.as_deref().and_then(|owner| {
            let found = owner
                .rsplit_once('.')
                .filter(|(table, column)| schema.tables.get(*table).is_some_and(|t| t.columns.contains_key(*column)));
            if found.is_none() {
                let path = here("owned_by");
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                self.report(
                    &path,
                    format!("sequence \"{name}\" is owned by \"{owner}\", which is no column of this file"),
                    Some("write `owned_by: table.column`"),
                );
            }
            found.map(|(table, column)| (table.to_string(), column.to_string()))
        });
        let options = RawSequenceOptions {
            start: raw.start,
            increment: raw.increment,
            min: raw.min,
            max: raw.max,
            cache: raw.cache,
            cycle: raw.cycle,
        };
        // A cache of 1 is PostgreSQL's default and not MariaDB's (1000): kept
        // as written, for the dialect to leave out.
        let mut options = sequence_options(&options).canonical(&sql_type);
        options.cache = raw.cache;
        Sequence { name: name.to_string(), sql_type, options, owned_by, comment: raw.comment }
    }

    /// A plain float default is the number serde read, written the way the
    /// file wrote it: `default: 0.00` stays `0.00`, so the database gets
    /// exactly that (and `inspect` writes it back the same).
    fn keep_float_texts(&mut self, schema: &mut Schema) {
        if self.float_defaults.is_empty() {
            return;
        }
        let path = |t: &str, c: &str| ["tables", t, "columns", c, "default"].map(String::from).to_vec();
        let wanted = self.float_defaults.iter().map(|(t, c)| path(t, c)).collect();
        let texts = Locator::plain_scalars(self.problems.text, wanted);
        for (t, c) in std::mem::take(&mut self.float_defaults) {
            let column = schema.tables.get_mut(&t).and_then(|table| table.columns.get_mut(&c));
            let Some(Column { default: Some(DefaultValue::Literal(Literal::Float(read))), .. }) = column else {
                continue;
            };
            let numeric = |text: &str| {
                text.bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
                    .then(|| text.parse::<f64>().ok())
                    .flatten()
            };
            if let Some(written) = texts.get(&path(&t, &c))
                && numeric(written).is_some()
                && numeric(written) == numeric(read)
            {
                *read = written.clone();
            }
        }
    }

    fn table(&mut self, name: &str, raw: &RawTable, parent: Option<&Table>, inherits_from: Option<&Table>) -> Table {
        let mut table = Table::new(name);
        table.comment = raw.comment.clone();
        table.renamed_from = raw.renamed_from.clone();
        table.strict = raw.strict.unwrap_or(false);
        table.without_rowid = raw.without_rowid.unwrap_or(false);
        for (what, value, target) in [
            ("engine", &raw.engine, &mut table.engine),
            ("row_format", &raw.row_format, &mut table.row_format),
            ("charset", &raw.charset, &mut table.charset),
            ("collation", &raw.collation, &mut table.collation),
        ] {
            if let Some(value) = value {
                if is_object_name(value) {
                    *target = Some(value.clone());
                } else {
                    self.report(
                        &["tables", name, what],
                        format!("invalid {} \"{value}\"", what.replace('_', " ")),
                        None,
                    );
                }
            }
        }
        table.row_level_security = match raw.row_level_security.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("off" | "disabled") => None,
            Some(mode @ ("enabled" | "forced")) => Some(mode.to_string()),
            Some(other) => {
                self.report(
                    &["tables", name, "row_level_security"],
                    format!("row_level_security is `enabled` or `forced`, not `{other}`"),
                    None,
                );
                None
            }
        };
        table.unlogged = raw.unlogged.unwrap_or(false);
        for (parameter, value) in raw.storage.iter().flat_map(|p| p.0.iter()) {
            let key = parameter.to_ascii_lowercase();
            let plain = |part: &str| {
                part.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                    && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            };
            let value = match value {
                Value::Bool(b) => Some(b.to_string()),
                Value::Number(n) => Some(n.to_string()),
                Value::String(text) => Some(text.clone()),
                _ => None,
            };
            match value {
                Some(value) if key.split('.').all(plain) && key.split('.').count() <= 2 => {
                    table.storage.insert(key.clone(), storage_value(&key, &value));
                }
                Some(_) => self.report(
                    &["tables", name, "storage", parameter],
                    format!("invalid storage parameter name \"{parameter}\""),
                    Some("a PostgreSQL storage parameter, such as `fillfactor` or `toast.autovacuum_enabled`"),
                ),
                None => self.report(
                    &["tables", name, "storage", parameter],
                    format!("storage parameter {parameter} needs a number, true/false or text"),
                    None,
                ),
            }
        }
        for (policy_name, raw_policy) in raw.policies.iter().flat_map(|p| p.0.iter()) {
            let policy = objects::policy(self.problems, name, policy_name, raw_policy);
            table.policies.insert(policy_name.clone(), policy);
        }
        if name.is_empty() {
            self.report(&["tables"], "a table name is empty", None);
        }
        self.partitioning(&mut table, raw, parent);
        // `columns: {}` is a table without columns (PostgreSQL has them);
        // no `columns:` at all is more likely a mistake, but for a
        // partition, whose columns are its parent's.
        if raw.columns.is_none() && raw.partition_of.is_none() {
            self.report(
                &["tables", name],
                format!("table \"{name}\" has no columns"),
                Some("add a `columns:` mapping (`columns: {}` for a table without columns)"),
            );
        }
        let raw_columns = raw.columns.clone().unwrap_or_default().0;
        let mut pk_columns = Vec::new();
        for (column_name, raw_column) in &raw_columns {
            let column = self.column(&mut table, column_name, raw_column);
            if raw_column.primary_key == Some(true) {
                pk_columns.push(column_name.clone());
            }
            table.columns.insert(column_name.clone(), column);
        }
        if let Some(parent) = inherits_from {
            self.inherit(&mut table, raw, parent);
        }
        if let Some(parent) = parent.filter(|_| table.partition_of.is_some()) {
            if raw.columns.is_none() {
                table.columns =
                    parent.columns.values().map(|c| (c.name.clone(), inherited_column(parent, c))).collect();
            } else {
                self.check_partition_columns(&table, parent);
            }
        }
        if !pk_columns.is_empty() {
            table.primary_key = Some(PrimaryKey::new(naming::primary_key(name), pk_columns));
        }
        if let Some(value) = &raw.primary_key {
            let here = ["tables", name, "primary_key"];
            match parse_primary_key(name, value) {
                Ok(_) if table.primary_key.is_some() => self.report(
                    &here,
                    format!("table \"{name}\" declares its primary key twice"),
                    Some("use either `primary_key: true` on columns or the table-level `primary_key:` list"),
                ),
                Ok(pk) => table.primary_key = Some(pk),
                Err(message) => self.report(&here, message, None),
            }
        }
        if let Some(pk) = table.primary_key.clone() {
            for column in &pk.columns {
                match table.columns.get_mut(column) {
                    None => self.unknown_column(&["tables", name, "primary_key"], &table, column, "the primary key"),
                    Some(col) if col.nullable && raw_columns[column].nullable == Some(true) => self.report(
                        &["tables", name, "columns", column, "nullable"],
                        format!("primary key column \"{name}.{column}\" cannot be nullable"),
                        Some("remove `nullable: true`: primary key columns are always NOT NULL"),
                    ),
                    Some(col) => col.nullable = false,
                }
            }
        }
        for (unique_name, unique) in raw.uniques.clone().unwrap_or_default().0 {
            let columns = unique.columns;
            for column in &columns {
                if !table.columns.contains_key(column) {
                    self.unknown_column(
                        &["tables", name, "uniques", &unique_name],
                        &table,
                        column,
                        &format!("unique constraint \"{unique_name}\""),
                    );
                }
            }
            if columns.is_empty() {
                self.report(
                    &["tables", name, "uniques", &unique_name],
                    format!("unique constraint \"{unique_name}\" lists no columns"),
                    None,
                );
            }
            let unique = Unique {
                nulls_not_distinct: unique.nulls_not_distinct.unwrap_or(false),
                deferrable: unique.deferrable.unwrap_or(false) || unique.initially_deferred == Some(true),
                initially_deferred: unique.initially_deferred.unwrap_or(false),
                comment: unique.comment,
                ..Unique::new(unique_name.clone(), columns)
            };
            self.insert_unique(&mut table, unique, &["tables", name, "uniques", &unique_name]);
        }
        for (check_name, check) in raw.checks.clone().unwrap_or_default().0 {
            let path = ["tables", name, "checks", &check_name];
            if check.expr.trim().is_empty() {
                self.report(&path, format!("check \"{check_name}\" is empty"), None);
            }
            let (comment, not_valid) = (check.comment, check.validated == Some(false));
            let check = Check { comment, not_valid, ..Check::new(check_name.clone(), Expr::new(check.expr)) };
            if table.checks.insert(check_name.clone(), check).is_some() {
                self.report(&path, format!("check \"{check_name}\" is declared twice in table \"{name}\""), None);
            }
        }
        for (exclusion_name, raw_exclusion) in raw.exclusions.clone().unwrap_or_default().0 {
            if let Some(exclusion) = self.exclusion(&table, &exclusion_name, raw_exclusion) {
                table.exclusions.insert(exclusion_name, exclusion);
            }
        }
        for (statistics_name, raw_statistics) in raw.statistics.clone().unwrap_or_default().0 {
            if let Some(statistics) = self.statistics(&table, &statistics_name, raw_statistics) {
                table.statistics.insert(statistics_name, statistics);
            }
        }
        for (index_name, raw_index) in raw.indexes.clone().unwrap_or_default().0 {
            if let Some(index) = self.index("tables", &table, &index_name, &raw_index) {
                table.indexes.insert(index_name, index);
            }
        }
        table
    }

    fn column(&mut self, table: &mut Table, name: &str, raw: &RawColumn) -> Column {
        let t = table.name.clone();
        let base_type = raw.sql_type.trim().trim_end_matches("[]");
        let sql_type = match parse_type(&raw.sql_type) {
            // An enum of this file is a type, however close to a built-in name.
            _ if self.enums.iter().any(|e| e == base_type) => {
                let depth = (raw.sql_type.trim().len() - base_type.len()) / 2;
                (0..depth).fold(SqlType::named(base_type), |element, _| SqlType::Array(Box::new(element)))
            }
            Ok(sql_type) => sql_type,
            Err((message, hint)) => {
                self.report(&["tables", &t, "columns", name, "type"], message, hint.as_deref());
                SqlType::Other(raw.sql_type.clone())
            }
        };
        let mut column = Column::new(name, sql_type);
        column.declared_type = match &raw.declared_type {
            Some(declared) => Some(declared.split_whitespace().collect::<Vec<_>>().join(" ")),
            None => column.sql_type.other_spelling(&raw.sql_type),
        };
        if name.is_empty() {
            self.report(&["tables", &t, "columns"], format!("a column name in table \"{t}\" is empty"), None);
        }
        column.autoincrement = raw.autoincrement.unwrap_or(false);
        if let Some(identity) = &raw.identity {
            column.autoincrement = true;
            match identity.generated.as_deref().map(|i| i.to_ascii_lowercase().replace('_', " ")).as_deref() {
                None | Some("by default") => {}
                Some("always") => column.identity_always = true,
                Some(other) => self.report(
                    &["tables", &t, "columns", name, "identity"],
                    format!("unknown identity \"{other}\""),
                    Some("expected always or by default"),
                ),
            }
            column.identity_options = sequence_options(&identity.options).canonical(&column.sql_type);
        }
        // Keys, identity and serial columns are never NULL.
        let never_null = raw.primary_key == Some(true) || column.autoincrement || column.sql_type.is_serial();
        column.nullable = raw.nullable.unwrap_or(!never_null);
        if column.nullable && never_null && raw.primary_key != Some(true) {
            self.report(
                &["tables", &t, "columns", name, "nullable"],
                format!("column \"{t}.{name}\" is numbered by the database and cannot be nullable"),
                Some("remove `nullable: true`: identity and serial columns are always NOT NULL"),
            );
        }
        column.generated = raw.generated.as_ref().map(|g| Expr::new(g.expr.clone()));
        column.generated_virtual = raw.generated.as_ref().is_some_and(|g| g.virtual_);
        if column.generated.is_some() && raw.default.is_some() {
            self.report(
                &["tables", &t, "columns", name, "generated"],
                format!("generated column \"{t}.{name}\" cannot also have a default"),
                None,
            );
        }
        column.collation = raw.collation.clone();
        column.charset = raw.charset.clone();
        for (what, value) in [("collation", &column.collation), ("charset", &column.charset)] {
            if let Some(value) = value
                && !is_object_name(value)
            {
                self.report(&["tables", &t, "columns", name, what], format!("invalid {what} \"{value}\""), None);
            }
        }
        column.comment = raw.comment.clone();
        column.renamed_from = raw.renamed_from.clone();
        column.using = raw.using.as_deref().map(Expr::new);
        column.backfill = raw.backfill.as_deref().map(Expr::new);
        if column.autoincrement && !column.sql_type.is_any_integer() {
            self.report(
                &["tables", &t, "columns", name, "autoincrement"],
                format!("autoincrement column \"{t}.{name}\" has type {}, not an integer type", column.sql_type),
                Some("use integer or bigint"),
            );
        }
        if let Some(value) = &raw.default {
            if value.as_f64().is_some() && value.as_i64().is_none() {
                self.float_defaults.push((t.clone(), name.to_string()));
            }
            match parse_default(value) {
                Ok(default) => column.default = default,
                Err(message) => self.report(
                    &["tables", &t, "columns", name, "default"],
                    message,
                    Some("write a YAML scalar, or `{ sql: EXPRESSION }` for an SQL expression"),
                ),
            }
        }
        if raw.unique == Some(true) {
            let unique = Unique::new(naming::unique(&t, &[name.to_string()]), vec![name.to_string()]);
            self.insert_unique(table, unique, &["tables", &t, "columns", name, "unique"]);
        }
        if let Some(expr) = &raw.check {
            let check_name = naming::check(&t, name);
            table.checks.insert(check_name.clone(), Check::new(check_name, Expr::new(expr.clone())));
        }
        // Without `references`, `on_update` is MySQL's automatic update of the
        // column (`ON UPDATE CURRENT_TIMESTAMP`), unless it names an action.
        let auto_update = raw.on_update.as_deref().filter(|v| ReferentialAction::parse(v).is_none());
        if let (None, Some(expr)) = (&raw.references, auto_update) {
            column.on_update = Some(Expr::new(expr));
        }
        if raw.references.is_none() && (raw.on_delete.is_some() || (raw.on_update.is_some() && auto_update.is_none())) {
            self.report(
                &["tables", &t, "columns", name],
                format!("column \"{t}.{name}\" has on_delete/on_update but no `references`"),
                Some("add `references: table.column`"),
            );
        }
        column
    }

    /// `partition_by`, `partition_of` and `bound`.
    /// `inherits:`: the parent's columns first (the table's own spelling
    /// of one, a merged column, in its place), then the table's own.
    fn inherit(&mut self, table: &mut Table, raw: &RawTable, parent: &Table) {
        if raw.partition_of.is_some() {
            return;
        }
        table.inherits = Some(parent.name.clone());
        let mut columns = indexmap::IndexMap::new();
        for column in parent.columns.values() {
            let own = table.columns.get(&column.name);
            if let Some(own) = own
                && own.sql_type != column.sql_type.without_serial()
                && own.sql_type != column.sql_type
            {
                self.report(
                    &["tables", &table.name, "columns", &column.name],
                    format!(
                        "column \"{}\" of table \"{}\" is {}, but the table it inherits from, \"{}\", has it as {}",
                        column.name, table.name, own.sql_type, parent.name, column.sql_type
                    ),
                    Some("an inherited column has its parent's type: leave it out, or give the same type"),
                );
            }
            let mut inherited = own.cloned().unwrap_or_else(|| inheriting_column(parent, column));
            inherited.inherited = own.is_none();
            columns.insert(column.name.clone(), inherited);
        }
        for (name, column) in &table.columns {
            if !columns.contains_key(name) {
                columns.insert(name.clone(), column.clone());
            }
        }
        table.columns = columns;
    }

    fn partitioning(&mut self, table: &mut Table, raw: &RawTable, parent: Option<&Table>) {
        let name = table.name.clone();
        if let Some(key) = &raw.partition_by {
            if key.trim().is_empty() {
                self.report(
                    &["tables", &name, "partition_by"],
                    format!("table \"{name}\" has an empty partition_by"),
                    Some("write the method and key: `RANGE (created_at)`, `LIST (region)` or `HASH (id)`"),
                );
            }
            table.partition_by = Some(key.trim().to_string());
        }
        match (&raw.partition_of, &raw.bound) {
            (None, None) => {}
            (None, Some(_)) => self.report(
                &["tables", &name, "bound"],
                format!("table \"{name}\" has a bound but is no partition"),
                Some("add `partition_of: PARENT`, or remove `bound`"),
            ),
            (Some(_), None) => self.report(
                &["tables", &name, "partition_of"],
                format!("partition \"{name}\" has no bound"),
                Some("add `bound: \"FROM (…) TO (…)\"`, `bound: \"IN (…)\"`, `bound: \"WITH (modulus 4, remainder 0)\"` or `bound: DEFAULT`"),
            ),
            (Some(parent_name), Some(bound)) => {
                let bound = bound.trim();
                let bound = match bound.get(..10) {
                    Some(prefix) if prefix.eq_ignore_ascii_case("for values") => bound[10..].trim(),
                    _ => bound,
                };
                if bound.is_empty() {
                    self.report(&["tables", &name, "bound"], format!("partition \"{name}\" has an empty bound"), None);
                }
                match parent {
                    Some(parent) if parent.partition_by.is_none() => self.report(
                        &["tables", &name, "partition_of"],
                        format!("table \"{parent_name}\" is not partitioned, so \"{name}\" cannot be its partition"),
                        Some("add `partition_by:` to the parent"),
                    ),
                    _ => {}
                }
                let bound = if bound.eq_ignore_ascii_case("default") { "DEFAULT" } else { bound };
                table.partition_of = Some(Partition { parent: parent_name.clone(), bound: bound.to_string() });
            }
        }
    }

    /// A partition's columns, when written out, are its parent's: the same
    /// names and types; only defaults and NOT NULL may differ, and a column
    /// NOT NULL in the parent stays so.
    fn check_partition_columns(&mut self, table: &Table, parent: &Table) {
        let t = table.name.as_str();
        for column in table.columns.values() {
            let here = ["tables", t, "columns", column.name.as_str()];
            let Some(inherited) = parent.columns.get(&column.name).map(|c| inherited_column(parent, c)) else {
                let hint = format!("a partition has the columns of \"{}\", its parent", parent.name);
                self.report(
                    &here,
                    format!("partition \"{t}\" has a column \"{}\" its parent has not", column.name),
                    Some(&hint),
                );
                continue;
            };
            if inherited.sql_type != column.sql_type {
                self.report(
                    &["tables", t, "columns", &column.name, "type"],
                    format!(
                        "column \"{t}.{}\" is {} in the parent \"{}\", not {}",
                        column.name, inherited.sql_type, parent.name, column.sql_type
                    ),
                    Some("a partition's column has its parent's type"),
                );
            }
            if !inherited.nullable && column.nullable {
                self.report(
                    &here,
                    format!("column \"{t}.{}\" is NOT NULL in the parent \"{}\"", column.name, parent.name),
                    Some("add `nullable: false`"),
                );
            }
            if column.renamed_from.is_some() {
                self.report(
                    &["tables", t, "columns", &column.name, "renamed_from"],
                    format!("column \"{t}.{}\" is renamed with its parent's", column.name),
                    Some("write `renamed_from` on the parent's column only"),
                );
            }
        }
        for name in parent.columns.keys().filter(|c| !table.columns.contains_key(*c)) {
            self.report(
                &["tables", t, "columns"],
                format!("partition \"{t}\" lacks its parent's column \"{name}\""),
                Some("list every column of the parent, or leave `columns` out to take them as they are"),
            );
        }
    }

    /// Table names with every parent before its partitions; a cycle of
    /// `partition_of` is reported.
    fn partition_order(&mut self, raw: &indexmap::IndexMap<String, RawTable>) -> Vec<String> {
        let depth = |name: &str| -> Option<usize> {
            let mut seen = vec![name];
            let mut current = name;
            while let Some(parent) = raw.get(current).and_then(|t| t.partition_of.as_deref().or(t.inherits.as_deref()))
            {
                if seen.contains(&parent) {
                    return None;
                }
                if !raw.contains_key(parent) {
                    break;
                }
                seen.push(parent);
                current = parent;
            }
            Some(seen.len())
        };
        let mut order: Vec<(usize, &String)> = Vec::new();
        for (name, table) in raw {
            match depth(name) {
                Some(depth) => order.push((depth, name)),
                None => {
                    let key = if table.inherits.is_some() { "inherits" } else { "partition_of" };
                    self.report(
                        &["tables", name, key],
                        format!("table \"{name}\" is its own parent, through {key}"),
                        None,
                    );
                    order.push((0, name));
                }
            }
            if let Some(parent) = &table.partition_of
                && !raw.contains_key(parent)
            {
                let known: Vec<&str> = raw.keys().map(String::as_str).collect();
                let hint = did_you_mean(parent, &known).map(|s| format!("did you mean \"{s}\"?"));
                self.report(
                    &["tables", name, "partition_of"],
                    format!("partition \"{name}\" is of table \"{parent}\", which is not in this file"),
                    hint.as_deref(),
                );
            }
        }
        for (name, table) in raw {
            let Some(parent) = &table.inherits else { continue };
            if table.partition_of.is_some() {
                self.report(
                    &["tables", name, "inherits"],
                    format!("table \"{name}\" is a partition, and so cannot inherit from another table"),
                    None,
                );
            } else if !raw.contains_key(parent) {
                let known: Vec<&str> = raw.keys().map(String::as_str).collect();
                let hint = did_you_mean(parent, &known).map(|s| format!("did you mean \"{s}\"?"));
                self.report(
                    &["tables", name, "inherits"],
                    format!("table \"{name}\" inherits from table \"{parent}\", which is not in this file"),
                    hint.as_deref(),
                );
            }
        }
        order.sort_by_key(|(depth, _)| *depth);
        order.into_iter().map(|(_, name)| name.clone()).collect()
    }

    /// Extended statistics: two or more of the table's columns, kept in
    /// the table's order (as PostgreSQL keeps them), and known kinds.
    fn statistics(&mut self, table: &Table, name: &str, raw: RawStatistics) -> Option<Statistics> {
        let t = table.name.as_str();
        let mut ok = true;
        for column in &raw.columns {
            if !table.columns.contains_key(column) {
                let known: Vec<&str> = table.columns.keys().map(String::as_str).collect();
                let hint = did_you_mean(column, &known).map(|s| format!("did you mean \"{s}\"?"));
                self.report(
                    &["tables", t, "statistics", name, "columns"],
                    format!("unknown column \"{column}\" in statistics \"{name}\" of table \"{t}\""),
                    hint.as_deref(),
                );
                ok = false;
            }
        }
        let mut columns: Vec<String> = table.columns.keys().filter(|c| raw.columns.contains(c)).cloned().collect();
        columns.dedup();
        if ok && columns.len() < 2 {
            self.report(
                &["tables", t, "statistics", name, "columns"],
                format!("statistics \"{name}\" of table \"{t}\" needs two or more columns"),
                Some("one column's statistics are the table's own (ANALYZE gathers them)"),
            );
            ok = false;
        }
        let mut kinds = Vec::new();
        for kind in raw.kinds.unwrap_or_default() {
            let kind = kind.to_ascii_lowercase();
            if !STATISTICS_KINDS.contains(&kind.as_str()) {
                self.report(
                    &["tables", t, "statistics", name, "kinds"],
                    format!("statistics kind `{kind}` of \"{name}\" is not one of ndistinct, dependencies, mcv"),
                    None,
                );
                ok = false;
            }
            kinds.push(kind);
        }
        let kinds = Statistics::canonical_kinds(&kinds);
        ok.then(|| Statistics { comment: raw.comment, kinds, ..Statistics::new(name, columns) })
    }

    fn insert_unique(&mut self, table: &mut Table, unique: Unique, path: &[&str]) {
        let name = unique.name.clone();
        if table.uniques.insert(name.clone(), unique).is_some() {
            self.report(
                path,
                format!("unique constraint \"{name}\" is declared twice in table \"{}\"", table.name),
                None,
            );
        }
    }

    fn index(&mut self, section: &str, table: &Table, name: &str, raw: &RawIndex) -> Option<Index> {
        // A materialized view's columns are known only to the server.
        let check_columns = section == "tables" || !table.columns.is_empty();
        let t = table.name.as_str();
        let path = [section, t, "indexes", name, "columns"];
        if raw.columns.is_empty() {
            self.report(&path, format!("index \"{name}\" lists no columns"), None);
            return None;
        }
        let mut parts = Vec::new();
        for value in &raw.columns {
            match parse_index_part(value) {
                Ok(part) => {
                    if let IndexKey::Column(column) = &part.key
                        && check_columns
                        && !table.columns.contains_key(column)
                    {
                        self.unknown_column(&path, table, column, &format!("index \"{name}\""));
                    }
                    parts.push(part);
                }
                Err(message) => self.report(&path, message, None),
            }
        }
        for column in raw.include.iter().flatten() {
            if check_columns && !table.columns.contains_key(column) {
                self.unknown_column(
                    &[section, t, "indexes", name, "include"],
                    table,
                    column,
                    &format!("the INCLUDE of index \"{name}\""),
                );
            }
        }
        if let Some(method) = &raw.using
            && (method.is_empty() || !method.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            self.report(
                &[section, t, "indexes", name, "using"],
                format!("invalid index method \"{method}\""),
                Some("a method is a name such as btree, hash, gin, gist or brin"),
            );
        }
        let mut with = Vec::new();
        for (parameter, value) in raw.with.clone().unwrap_or_default().0 {
            let here = [section, t, "indexes", name, "with", parameter.as_str()];
            let valid_name = parameter.starts_with(|c: char| c.is_ascii_alphabetic())
                && parameter.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            match parse_parameter(&value) {
                Some(text) if valid_name => with.push((parameter.to_ascii_lowercase(), text)),
                _ => self.report(
                    &here,
                    format!("invalid storage parameter \"{parameter}\" of index \"{name}\""),
                    Some("a parameter is a name with a number, word or true/false: `{ fillfactor: 70 }`"),
                ),
            }
        }
        if let Some(tablespace) = &raw.tablespace
            && !is_object_name(tablespace)
        {
            self.report(
                &[section, t, "indexes", name, "tablespace"],
                format!("invalid tablespace name \"{tablespace}\""),
                None,
            );
        }
        let nulls_not_distinct = raw.nulls_not_distinct.unwrap_or(false);
        if nulls_not_distinct && raw.unique != Some(true) {
            self.report(
                &[section, t, "indexes", name, "nulls_not_distinct"],
                format!("index \"{name}\" is not unique: NULLS NOT DISTINCT needs `unique: true`"),
                None,
            );
        }
        Some(Index {
            unique: raw.unique.unwrap_or(false),
            predicate: raw.predicate.clone().map(Expr::new),
            method: raw.using.as_ref().map(|m| m.to_ascii_lowercase()).filter(|m| m != "btree"),
            include: raw.include.clone().unwrap_or_default(),
            nulls_not_distinct,
            with,
            tablespace: raw.tablespace.clone(),
            invisible: raw.invisible.unwrap_or(false),
            comment: raw.comment.clone(),
            ..Index::new(name, parts)
        })
    }

    fn exclusion(&mut self, table: &Table, name: &str, raw: RawExclusion) -> Option<Exclusion> {
        let t = table.name.as_str();
        let path = ["tables", t, "exclusions", name, "elements"];
        if raw.elements.is_empty() {
            self.report(&path, format!("exclusion constraint \"{name}\" lists no elements"), None);
            return None;
        }
        let mut elements = Vec::new();
        for element in raw.elements {
            let key = RawIndexExpr {
                expr: element.expr,
                column: element.column,
                order: element.order,
                nulls: element.nulls,
                collation: element.collation,
                opclass: element.opclass,
                length: None,
            };
            match index_part(key) {
                Ok(part) => {
                    if let IndexKey::Column(column) = &part.key
                        && !table.columns.contains_key(column)
                    {
                        self.unknown_column(&path, table, column, &format!("exclusion constraint \"{name}\""));
                    }
                    if !is_operator(&element.with) {
                        self.report(
                            &path,
                            format!("invalid operator \"{}\" in exclusion constraint \"{name}\"", element.with),
                            Some("an operator such as =, && or OPERATOR(schema.op)"),
                        );
                    }
                    elements.push(ExclusionElement { part, operator: element.with });
                }
                Err(message) => self.report(&path, message, None),
            }
        }
        let method = raw.using.map(|m| m.to_ascii_lowercase()).unwrap_or_else(|| "gist".into());
        if method.is_empty() || !method.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.report(
                &["tables", t, "exclusions", name, "using"],
                format!("invalid index method \"{method}\""),
                None,
            );
        }
        Some(Exclusion {
            name: name.to_string(),
            method,
            elements,
            predicate: raw.predicate.map(Expr::new),
            deferrable: raw.deferrable.unwrap_or(false) || raw.initially_deferred == Some(true),
            initially_deferred: raw.initially_deferred.unwrap_or(false),
            comment: raw.comment,
        })
    }

    fn unknown_column(&mut self, path: &[&str], table: &Table, column: &str, what: &str) {
        let known: Vec<&str> = table.columns.keys().map(String::as_str).collect();
        let hint = did_you_mean(column, &known).map(|s| format!("did you mean \"{s}\"?"));
        self.report(
            path,
            format!("unknown column \"{column}\" in {what} of table \"{}\"", table.name),
            hint.as_deref(),
        );
    }

    /// Foreign keys are resolved once every table is known, since a column
    /// may reference a table defined further down the file.
    fn resolve_foreign_keys(&mut self, schema: &mut Schema, raw_tables: &indexmap::IndexMap<String, RawTable>) {
        let mut found: Vec<(String, ForeignKey, Vec<String>)> = Vec::new();
        for (table_name, raw_table) in raw_tables {
            for (column_name, raw_column) in raw_table.columns.iter().flat_map(|m| m.0.iter()) {
                let Some(reference) = &raw_column.references else {
                    continue;
                };
                let path: Vec<String> =
                    ["tables", table_name, "columns", column_name, "references"].map(String::from).to_vec();
                let (ref_table, ref_column) = split_reference(reference, schema);
                let fk = ForeignKey {
                    name: naming::foreign_key(table_name, std::slice::from_ref(column_name)),
                    columns: vec![column_name.clone()],
                    ref_table,
                    ref_columns: ref_column.into_iter().collect(),
                    on_delete: self.action(raw_column.on_delete.as_deref(), &path),
                    on_update: self.action(raw_column.on_update.as_deref(), &path),
                    deferrable: raw_column.deferrable.unwrap_or(false) || raw_column.initially_deferred == Some(true),
                    initially_deferred: raw_column.initially_deferred.unwrap_or(false),
                    comment: None,
                    not_valid: false,
                    own_index: None,
                };
                found.push((table_name.clone(), fk, path));
            }
            for (fk_name, raw_fk) in raw_table.foreign_keys.iter().flat_map(|m| m.0.iter()) {
                let path: Vec<String> = ["tables", table_name, "foreign_keys", fk_name].map(String::from).to_vec();
                found.push((table_name.clone(), self.long_foreign_key(fk_name, raw_fk, &path), path));
            }
        }
        for (table_name, mut fk, path) in found {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let Some(target) = schema.tables.get(&fk.ref_table) else {
                let known: Vec<&str> = schema.tables.keys().map(String::as_str).collect();
                let hint = did_you_mean(&fk.ref_table, &known).map(|s| format!("did you mean \"{s}\"?"));
                self.report(
                    &path,
                    format!(
                        "foreign key \"{}\" of table \"{table_name}\" references unknown table \"{}\"",
                        fk.name, fk.ref_table
                    ),
                    hint.as_deref().or(Some("every referenced table must be defined in this file")),
                );
                continue;
            };
            if fk.ref_columns.is_empty() {
                match &target.primary_key {
                    Some(pk) => fk.ref_columns = pk.columns.clone(),
                    None => {
                        self.report(
                            &path,
                            format!("table \"{}\" has no primary key to reference", fk.ref_table),
                            Some("name the referenced column: `references: table.column`"),
                        );
                        continue;
                    }
                }
            }
            for column in fk.ref_columns.clone() {
                if !target.columns.contains_key(&column) {
                    let target = target.clone();
                    self.unknown_column(&path, &target, &column, &format!("the target of foreign key \"{}\"", fk.name));
                }
            }
            let table = &schema.tables[&table_name];
            for column in &fk.columns {
                if !table.columns.contains_key(column) {
                    let table = table.clone();
                    self.unknown_column(&path, &table, column, &format!("foreign key \"{}\"", fk.name));
                }
            }
            if fk.columns.len() != fk.ref_columns.len() {
                self.report(
                    &path,
                    format!(
                        "foreign key \"{}\" has {} columns but references {}",
                        fk.name,
                        fk.columns.len(),
                        fk.ref_columns.len()
                    ),
                    None,
                );
            } else if !is_unique_key(target, &fk.ref_columns) {
                self.report(
                    &path,
                    format!(
                        "foreign key \"{}\" references {}({}), which is not a primary key or unique",
                        fk.name,
                        fk.ref_table,
                        fk.ref_columns.join(", ")
                    ),
                    Some("referenced columns need a primary key or unique constraint"),
                );
            }
            let table = schema.tables.get_mut(&table_name).expect("table exists");
            let name = fk.name.clone();
            if table.foreign_keys.insert(name.clone(), fk).is_some() {
                self.report(&path, format!("foreign key \"{name}\" is declared twice in table \"{table_name}\""), None);
            }
        }
    }

    fn long_foreign_key(&mut self, name: &str, raw: &RawForeignKey, path: &[String]) -> ForeignKey {
        ForeignKey {
            name: name.to_string(),
            columns: raw.columns.clone(),
            ref_table: raw.references.table.clone(),
            ref_columns: raw.references.columns.clone().unwrap_or_default(),
            on_delete: self.action(raw.on_delete.as_deref(), path),
            on_update: self.action(raw.on_update.as_deref(), path),
            deferrable: raw.deferrable.unwrap_or(false) || raw.initially_deferred == Some(true),
            initially_deferred: raw.initially_deferred.unwrap_or(false),
            comment: raw.comment.clone(),
            not_valid: raw.validated == Some(false),
            own_index: None,
        }
    }

    fn action(&mut self, text: Option<&str>, path: &[String]) -> ReferentialAction {
        let Some(text) = text else {
            return ReferentialAction::NoAction;
        };
        ReferentialAction::parse(text).unwrap_or_else(|| {
            let hint = did_you_mean(text, ReferentialAction::NAMES).map(|s| format!("did you mean \"{s}\"?"));
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            self.report(
                &path,
                format!("unknown referential action \"{text}\""),
                hint.as_deref().or(Some("expected cascade, restrict, set null, set default or no action")),
            );
            ReferentialAction::NoAction
        })
    }
}

/// The options as the model holds them.
pub(super) fn sequence_options(raw: &RawSequenceOptions) -> SequenceOptions {
    SequenceOptions {
        start: raw.start,
        increment: raw.increment,
        min: raw.min,
        max: raw.max,
        cache: raw.cache,
        cycle: raw.cycle.unwrap_or(false),
    }
}
