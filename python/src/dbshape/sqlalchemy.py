"""Exports SQLAlchemy metadata as a dbshape schema file.

The file says exactly what ``metadata.create_all()`` creates on the target
dialect: every text that reaches the database (types, server defaults,
checks, index expressions and predicates) is compiled by SQLAlchemy's own
DDL compiler for that dialect, and every name is the one SQLAlchemy renders
(naming conventions included) or, for unnamed constraints, the one the
database gives (dbshape's conventional names).

What SQLAlchemy does not put in the DDL stays out of the file: a Python-side
``default=`` or ``onupdate=`` is applied by SQLAlchemy when it inserts, so
the database has no default for it. Anything the file cannot say is an
:class:`ExportError` naming the table (and model) and column; nothing is
left out silently.

Usage::

    python -m dbshape.sqlalchemy myapp.models:db [--url URL | --dialect NAME] [--output PATH]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql import elements, sqltypes

__all__ = ["ExportError", "export", "dialect_for", "metadata_of", "main"]

DIALECTS = ("sqlite", "postgresql", "mysql", "mariadb")


class ExportError(Exception):
    """A construct the schema file cannot say; the message names the table
    (and model) and column."""


def dialect_for(url_or_name: str) -> Dialect:
    """The SQLAlchemy dialect of a database URL (``postgresql://…``) or a
    dialect name (``sqlite``, ``postgresql``, ``mysql``, ``mariadb``),
    configured as it is once connected to a current server."""
    text = url_or_name if "://" in url_or_name else f"{url_or_name}://"
    try:
        dialect = sa.engine.make_url(text).get_dialect()()
    except Exception as error:  # noqa: BLE001 - any failure is a bad name
        raise ExportError(f"unknown database {url_or_name!r} (expected one of {', '.join(DIALECTS)})") from error
    if dialect.name not in DIALECTS:
        raise ExportError(f"dbshape does not support {dialect.name} (supported: {', '.join(DIALECTS)})")
    return dialect


def metadata_of(target: Any, bind: Optional[str] = None) -> sa.MetaData:
    """The ``MetaData`` of a MetaData, a declarative base (or model), or a
    Flask-SQLAlchemy ``db`` (its ``bind`` key's metadata)."""
    if isinstance(target, sa.MetaData):
        return target
    metadatas = getattr(target, "metadatas", None)
    if isinstance(metadatas, dict):
        if bind not in metadatas:
            known = ", ".join(repr(k) for k in metadatas)
            raise ExportError(f"no bind {bind!r} in this db (binds: {known})")
        return metadatas[bind]
    metadata = getattr(target, "metadata", None)
    if isinstance(metadata, sa.MetaData):
        return metadata
    raise ExportError(f"{target!r} is not a MetaData, a declarative base or a Flask-SQLAlchemy db")


def export(metadata: sa.MetaData, dialect: Dialect) -> str:
    """The schema file (YAML) of every table of ``metadata``, as
    ``create_all()`` makes them on ``dialect``."""
    exporter = _Exporter(dialect)
    for table in metadata.tables.values():
        exporter.table(table)
    return exporter.render()


# --- one table ------------------------------------------------------------

Map = Dict[str, Any]


def _where(table: sa.Table, column: Optional[sa.Column] = None) -> str:
    """`table "user" (model User), column "email"` for error messages."""
    text = f'table "{_table_name(table)}"'
    models = _models_of(table)
    if models:
        text += f" (model {', '.join(models)})"
    if column is not None:
        text += f', column "{column.name}"'
    return text


def _models_of(table: sa.Table) -> List[str]:
    registry = getattr(table.metadata, "_dbshape_models", None)
    return registry.get(table.name, []) if registry else []


def _table_name(table: sa.Table) -> str:
    return f"{table.schema}.{table.name}" if table.schema else table.name


def _conventional(kind: str, table: sa.Table, columns: List[str]) -> str:
    base = table.name
    if kind == "pkey":
        return f"{base}_pkey"
    return f"{base}_{'_'.join(columns)}_{kind}"


class _Exporter:
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.postgres = dialect.name == "postgresql"
        # A MariaDB server reached by a mysql:// URL is "mysql" by name.
        self.mysql = dialect.name in ("mysql", "mariadb")
        self.mariadb = self.mysql and bool(getattr(dialect, "is_mariadb", False))
        # The ON UPDATE of the column whose server default was read last.
        self.on_update: Optional[str] = None
        self.enums: Dict[str, List[str]] = {}
        self.sequences: Dict[str, Map] = {}
        self.tables: Dict[str, Map] = {}

    # Names as SQLAlchemy renders them (naming conventions, truncation).
    def name_of(self, constraint: Any) -> Optional[str]:
        if constraint.name is None:
            return None
        preparer = self.dialect.identifier_preparer
        try:
            name = preparer.format_constraint(constraint, _alembic_quote=False)
        except TypeError:  # older SQLAlchemy: no _alembic_quote
            name = constraint.name
        if name is None or not isinstance(name, str):
            return None
        return str(name)

    def table(self, table: sa.Table) -> None:
        if table.schema and not self.postgres:
            raise ExportError(f"{_where(table)}: schema {table.schema!r} exists on PostgreSQL only")
        # Each column's type first, for errors that name the column; then
        # the whole CREATE TABLE, for SQLAlchemy's own errors about what it
        # cannot create on this dialect.
        for column in table.columns:
            self.type_of(table, column)
        try:
            ddl = self.dialect.ddl_compiler(self.dialect, CreateTable(table))
        except (sa.exc.CompileError, NotImplementedError) as error:
            raise ExportError(f"{_where(table)}: {error}") from error
        self.ddl = ddl
        out: Map = {}
        renamed = table.info.get("renamed_from")
        if renamed:
            out["renamed_from"] = str(renamed)
        if table.comment:
            out["comment"] = table.comment
        if self.mysql:
            self.table_options(table, out)
        columns: Map = {}
        for column in table.columns:
            columns[column.name] = self.column(table, column)
        out["columns"] = columns
        self.primary_key(table, out)
        self.constraints(table, out)
        self.indexes(table, out)
        self.tables[_table_name(table)] = out

    def table_options(self, table: sa.Table, out: Map) -> None:
        """``mysql_engine=`` and the like, read as SQLAlchemy's MySQL DDL
        compiler reads them (prefixed with the dialect's name)."""
        prefix = self.dialect.name + "_"
        options = {k[len(prefix) :].lower(): v for k, v in table.kwargs.items() if k.startswith(prefix) and v is not None}
        for option, value in options.items():
            key = _MYSQL_TABLE_KEYS.get(option)
            if key is None:
                raise ExportError(f"{_where(table)}: table option {prefix}{option} is not supported")
            out[key] = str(value)

    def column(self, table: sa.Table, column: sa.Column) -> Map:
        out: Map = {"type": self.type_of(table, column)}
        if column.nullable is False and not column.primary_key:
            out["nullable"] = False
        renamed = column.info.get("renamed_from")
        if renamed:
            out["renamed_from"] = str(renamed)
        if column.comment:
            out["comment"] = column.comment
        collation = getattr(column.type, "collation", None)
        if collation:
            out["collation"] = collation
        charset = getattr(column.type, "charset", None) if self.mysql else None
        if charset:
            out["charset"] = charset
        self.numbering(table, column, out)
        if column.computed is not None:
            out["generated"] = self.generated(table, column)
        elif column.server_default is not None and out["type"] not in ("serial", "bigserial", "smallserial"):
            self.on_update = None
            default = self.server_default(table, column)
            if default is not None:
                out["default"] = default
            if self.on_update is not None:
                if column.foreign_keys:
                    raise ExportError(f"{_where(table, column)}: ON UPDATE on a column with a foreign key is not supported")
                out["on_update"] = self.on_update
        return out

    def type_of(self, table: sa.Table, column: sa.Column) -> str:
        impl: Any = column.type.dialect_impl(self.dialect)
        while isinstance(impl, sqltypes.TypeDecorator):
            impl = impl.impl_instance if hasattr(impl, "impl_instance") else impl.impl
        if isinstance(impl, sqltypes.NullType):
            raise ExportError(f"{_where(table, column)}: the column has no type")
        if self.postgres and self.is_serial(column, impl):
            if isinstance(impl, sqltypes.BigInteger):
                return "bigserial"
            if isinstance(impl, sqltypes.SmallInteger):
                return "smallserial"
            return "serial"
        if isinstance(impl, sqltypes.Enum) and self.postgres and impl.native_enum:
            self.enum(table, column, impl)
        try:
            text = self.dialect.type_compiler_instance.process(
                column.type, type_expression=column, identifier_preparer=self.dialect.identifier_preparer
            )
        except (sa.exc.CompileError, NotImplementedError) as error:
            raise ExportError(f"{_where(table, column)}: type {column.type!r} cannot be written: {error}") from error
        # The collation (and on MySQL the character set) is a column key of
        # its own.
        text = re.sub(r'\s+COLLATE\s+("(?:[^"]|"")*"|\S+)\s*$', "", text)
        if self.mysql:
            text = re.sub(r"\s+CHARACTER SET\s+\S+", "", text)
            # ENUM('Draft','done'): the labels keep their case.
            head, quote, rest = text.partition("'")
            text = head.lower() + quote + rest
            if self.mariadb and text == "uuid":
                raise ExportError(
                    f"{_where(table, column)}: on MariaDB, {column.type!r} makes MariaDB's own uuid type, which "
                    "dbshape does not manage yet (use Uuid(native_uuid=False) or String(36))"
                )
            # TIMESTAMP is a point in time (the file's `timestamp` is DATETIME).
            text = re.sub(r"^timestamp(?=\(|$)", "timestamptz", text)
            return _MYSQL_NAMES.get(text, text)
        if '"' in text:
            return text
        text = text.lower()
        # PostgreSQL keeps no spelling: its short names read better.
        return _POSTGRES_NAMES.get(text, text) if self.postgres else text

    def is_serial(self, column: sa.Column, impl: Any) -> bool:
        # As SQLAlchemy's PostgreSQL DDL compiler decides SERIAL.
        default = column.default
        return (
            column.primary_key
            and column is column.table.autoincrement_column
            and column.identity is None
            and isinstance(impl, sqltypes.Integer)
            and (default is None or (isinstance(default, sa.Sequence) and default.optional))
        )

    def enum(self, table: sa.Table, column: sa.Column, impl: sqltypes.Enum) -> None:
        if not impl.name:
            raise ExportError(f"{_where(table, column)}: a PostgreSQL enum needs a name (Enum(..., name=...))")
        schema = impl.schema
        if schema and schema != table.schema:
            raise ExportError(f"{_where(table, column)}: enum {impl.name!r} in schema {schema!r} is not supported")
        labels = list(impl.enums)
        known = self.enums.get(impl.name)
        if known is not None and known != labels:
            raise ExportError(f"{_where(table, column)}: enum {impl.name!r} has two sets of labels: {known} and {labels}")
        self.enums[impl.name] = labels

    def numbering(self, table: sa.Table, column: sa.Column, out: Map) -> None:
        """autoincrement, identity and sequences."""
        identity = column.identity
        if identity is not None and self.postgres:
            options: Map = {"generated": "always" if identity.always else "by default", **_counting(identity)}
            if getattr(identity, "nominvalue", None) or getattr(identity, "nomaxvalue", None):
                raise ExportError(f"{_where(table, column)}: NO MINVALUE/NO MAXVALUE identity options are not supported")
            out["identity"] = options if len(options) > 1 or identity.always else "by default"
            out.pop("nullable", None)
        if self.mysql:
            # As SQLAlchemy's MySQL DDL compiler decides AUTO_INCREMENT.
            default = column.default
            by_sequence = (
                bool(getattr(self.dialect, "supports_sequences", False))
                and isinstance(default, sa.Sequence)
                and not default.optional
            )
            if (
                column is table.autoincrement_column
                and (column.server_default is None or isinstance(column.server_default, sa.Identity))
                and not by_sequence
            ):
                out["autoincrement"] = True
            return
        if not self.postgres and column.primary_key:
            sqlite_options = table.dialect_options["sqlite"]
            if (
                sqlite_options["autoincrement"]
                and len(table.primary_key.columns) == 1
                and isinstance(column.type._type_affinity, type)
                and issubclass(column.type._type_affinity, sqltypes.Integer)
                and not column.foreign_keys
            ):
                out["autoincrement"] = True
        sequence = column.default if isinstance(column.default, sa.Sequence) else None
        if sequence is not None and self.postgres and not sequence.optional:
            self.sequence(table, column, sequence)

    def sequence(self, table: sa.Table, column: sa.Column, sequence: sa.Sequence) -> None:
        # A Sequence lives in its own schema (or the metadata's), not its
        # table's.
        schema = sequence.schema or table.metadata.schema
        name = f"{schema}.{sequence.name}" if schema else sequence.name
        options: Map = {}
        data_type = getattr(sequence, "data_type", None)
        options["type"] = (
            data_type.compile(dialect=self.dialect).lower() if data_type is not None else "bigint"
        )
        options.update(_counting(sequence))
        self.sequences[name] = options

    def generated(self, table: sa.Table, column: sa.Column) -> Any:
        computed = column.computed
        assert computed is not None
        expr = self.sql(computed.sqltext)
        if self.postgres:
            if computed.persisted is False:
                raise ExportError(f"{_where(table, column)}: PostgreSQL has no virtual generated columns")
            return expr
        # SQLite makes a generated column VIRTUAL unless told STORED.
        return expr if computed.persisted else {"expr": expr, "virtual": True}

    def server_default(self, table: sa.Table, column: sa.Column) -> Any:
        default = column.server_default
        if not isinstance(default, sa.DefaultClause):
            # FetchedValue: a trigger or the server fills it; no DDL.
            return None
        text = self.ddl.get_column_default_string(column)
        if text is None:
            return None
        if self.mysql:
            # server_default=text("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"),
            # the usual way to ask MySQL for both.
            found = re.fullmatch(r"(.*?)\s+ON\s+UPDATE\s+(\S+(?:\(\d*\))?)", text, re.IGNORECASE | re.DOTALL)
            if found:
                text = found.group(1)
                self.on_update = found.group(2)
        literal = re.fullmatch(r"'((?:[^']|'')*)'", text)
        if literal:
            return literal.group(1).replace("''", "'")
        if re.fullmatch(r"-?[0-9]+", text):
            return int(text)
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        return {"sql": text}

    def sql(self, clause: Any) -> str:
        """An expression as the DDL compiler writes it (no table prefixes,
        literal values inline)."""
        return str(self.ddl.sql_compiler.process(clause, include_table=False, literal_binds=True))

    # --- keys, constraints, indexes ------------------------------------

    def primary_key(self, table: sa.Table, out: Map) -> None:
        pk = table.primary_key
        columns = [c.name for c in pk.columns]
        if not columns:
            return
        name = self.name_of(pk)
        if name is not None and name != _conventional("pkey", table, columns):
            out["primary_key"] = {"name": name, "columns": columns}
        elif len(columns) == 1:
            out["columns"][columns[0]]["primary_key"] = True
        else:
            out["primary_key"] = columns

    def constraints(self, table: sa.Table, out: Map) -> None:
        seen: set = set()
        constraints = list(table.constraints)
        for column in table.columns:
            constraints.extend(column.constraints)
        self.check_names: List[str] = []
        unnamed_checks = 0
        for constraint in sorted(constraints, key=_creation_order):
            if id(constraint) in seen or isinstance(constraint, sa.PrimaryKeyConstraint):
                continue
            seen.add(id(constraint))
            rule = getattr(constraint, "_create_rule", None)
            if rule is not None and not rule(self.ddl):
                continue  # e.g. an Enum's CHECK where the enum is native
            if isinstance(constraint, sa.UniqueConstraint):
                self.unique(table, constraint, out)
            elif isinstance(constraint, sa.CheckConstraint):
                unnamed_checks += self.check(table, constraint, out, unnamed_checks)
            elif isinstance(constraint, sa.ForeignKeyConstraint):
                self.foreign_key(table, constraint, out)
            else:
                raise ExportError(f"{_where(table)}: {type(constraint).__name__} is not supported")

    def unique(self, table: sa.Table, unique: sa.UniqueConstraint, out: Map) -> None:
        columns = [c.name for c in unique.columns]
        name = self.name_of(unique)
        extra = {k: v for k, v in unique.dialect_kwargs.items() if v is not None}
        nulls_not_distinct = bool(extra.pop("postgresql_nulls_not_distinct", False)) and self.postgres
        if any(k.startswith(self.dialect.name + "_") for k in extra):
            raise ExportError(f"{_where(table)}: unique {name or columns}: options {sorted(extra)} are not supported")
        conventional = name is None or name == _conventional("key", table, columns)
        if conventional and len(columns) == 1 and not nulls_not_distinct:
            entry = out["columns"][columns[0]]
            if not entry.get("unique"):
                entry["unique"] = True
                return
        name = name or _conventional("key", table, columns)
        value: Any = {"columns": columns, "nulls_not_distinct": True} if nulls_not_distinct else columns
        out.setdefault("uniques", {})[name] = value

    def check(self, table: sa.Table, check: sa.CheckConstraint, out: Map, unnamed: int) -> int:
        """Adds a check under the name the database gives it; returns 1 if
        it was an unnamed table-level check."""
        expr = self.sql(check.sqltext)
        name = self.name_of(check)
        counted = 0
        if name is None:
            columns = [c.name for c in table.columns]
            owner = next((c.name for c in table.columns if check in c.constraints), None)
            if self.postgres:
                # PostgreSQL names a check after the one column it reads,
                # else after the table, numbering repeats.
                read = _columns_read(expr, columns)
                base = f"{table.name}_{read[0]}_check" if len(read) == 1 else f"{table.name}_check"
                name, n = base, 0
                while name in self.check_names:
                    n += 1
                    name = f"{base}{n}"
            elif owner is not None:
                # SQLite keeps no name: dbshape reads a column's as
                # <table>_<column>_check, the n-th of the table's as
                # <table>_check<n>.
                name = f"{table.name}_{owner}_check"
            else:
                name = f"{table.name}_check" + (str(unnamed) if unnamed else "")
                counted = 1
        self.check_names.append(name)
        column = name[len(table.name) + 1 : -len("_check")] if name.endswith("_check") else None
        if column in out["columns"] and name == f"{table.name}_{column}_check" and "check" not in out["columns"][column]:
            out["columns"][column]["check"] = expr
        else:
            out.setdefault("checks", {})[name] = expr
        return counted

    def foreign_key(self, table: sa.Table, fk: sa.ForeignKeyConstraint, out: Map) -> None:
        columns = [c.name for c in fk.columns]
        try:
            ref_table = fk.referred_table
            ref_columns = [element.column.name for element in fk.elements]
        except sa.exc.NoReferencedTableError as error:
            raise ExportError(f"{_where(table)}: {error}") from error
        if fk.match:
            raise ExportError(f"{_where(table)}: foreign key MATCH {fk.match} is not supported")
        target = _table_name(ref_table)
        actions: Map = {}
        for key, value in (("on_delete", fk.ondelete), ("on_update", fk.onupdate)):
            if value:
                actions[key] = value.lower()
        if fk.deferrable:
            actions["deferrable"] = True
        if (fk.initially or "").upper() == "DEFERRED":
            actions["initially_deferred"] = True
        name = self.name_of(fk)
        if (name is None or name == _conventional("fkey", table, columns)) and len(columns) == 1:
            entry = out["columns"][columns[0]]
            if "references" not in entry:
                entry["references"] = f"{target}.{ref_columns[0]}"
                entry.update(actions)
                return
        name = name or _conventional("fkey", table, columns)
        out.setdefault("foreign_keys", {})[name] = {
            "columns": columns,
            "references": {"table": target, "columns": ref_columns},
            **actions,
        }

    def indexes(self, table: sa.Table, out: Map) -> None:
        for index in sorted(table.indexes, key=lambda i: self.name_of(i) or ""):
            name = self.name_of(index)
            if name is None:
                raise ExportError(f"{_where(table)}: an index without a name (give it one, or a naming convention)")
            try:
                self.dialect.ddl_compiler(self.dialect, CreateIndex(index))
            except sa.exc.CompileError as error:
                raise ExportError(f"{_where(table)}: index {name}: {error}") from error
            options = index.dialect_options[self.dialect.name]
            ops = (options.get("ops") or {}) if self.postgres else {}
            items: List[Any] = []
            for expr in index.expressions:
                items.append(self.index_item(table, name, expr, ops))
            if self.mysql:
                items = self.prefix_lengths(table, name, index, items)
            entry: Map = {"columns": items}
            if index.unique:
                entry["unique"] = True
            where = options.get("where")
            if where is not None:
                entry["where"] = self.sql(where)
            if self.postgres:
                using = options.get("using")
                if using and using.lower() != "btree":
                    entry["using"] = using.lower()
                include = options.get("include")
                if include:
                    entry["include"] = [c if isinstance(c, str) else c.name for c in include]
                if options.get("nulls_not_distinct"):
                    entry["nulls_not_distinct"] = True
                with_ = options.get("with")
                if with_:
                    entry["with"] = {str(k): str(v) for k, v in with_.items()}
                if options.get("tablespace"):
                    entry["tablespace"] = options["tablespace"]
            if self.mysql:
                self.mysql_index(table, name, index, entry)
            out.setdefault("indexes", {})[name] = entry

    def prefix_lengths(self, table: sa.Table, name: str, index: sa.Index, items: List[Any]) -> List[Any]:
        """``mysql_length=``: one length for every column, or one per column."""
        length = index.get_dialect_option(self.dialect, "length")
        if length is None:
            return items
        out: List[Any] = []
        for item, expr in zip(items, index.expressions):
            column = item if isinstance(item, str) else item.get("column")
            if not isinstance(column, str) or column.endswith(" desc"):
                raise ExportError(f"{_where(table)}: index {name}: a prefix length on {item!r} is not supported")
            # As SQLAlchemy looks a length up: by the column's name, then as
            # the column is written in the DDL.
            quoted = self.dialect.identifier_preparer.quote(column)
            n = length.get(column, length.get(quoted)) if isinstance(length, dict) else length
            out.append(column if n is None else f"{column}({int(n)})")
        return out

    def mysql_index(self, table: sa.Table, name: str, index: sa.Index, entry: Map) -> None:
        """``mysql_prefix="FULLTEXT"``/``"SPATIAL"`` and ``mysql_using=``."""
        prefix = index.get_dialect_option(self.dialect, "prefix")
        using = index.get_dialect_option(self.dialect, "using", deprecated_fallback="mysql")
        if index.get_dialect_option(self.dialect, "with_parser", deprecated_fallback="mysql"):
            raise ExportError(f"{_where(table)}: index {name}: WITH PARSER is not supported")
        if prefix and str(prefix).lower() not in ("fulltext", "spatial"):
            raise ExportError(f"{_where(table)}: index {name}: prefix {prefix!r} is not supported")
        if prefix and using:
            raise ExportError(f"{_where(table)}: index {name}: {prefix} USING {using} is not supported")
        method = str(prefix or using or "").lower()
        # InnoDB takes USING HASH and makes a B-tree (only MEMORY hashes).
        engine = str(table.kwargs.get(self.dialect.name + "_engine") or "innodb").lower()
        if method == "hash" and engine != "memory":
            method = ""
        if method and method != "btree":
            entry["using"] = method

    def index_item(self, table: sa.Table, name: str, expr: Any, ops: Map) -> Any:
        order = None
        inner = expr
        if isinstance(inner, elements.UnaryExpression) and inner.modifier is not None:
            modifier = inner.modifier.__name__
            if modifier in ("desc_op", "asc_op"):
                order = "desc" if modifier == "desc_op" else None
                inner = inner.element
        if not isinstance(inner, sa.Column):
            # desc("age"), text("age"): a name, not an expression.
            text = self.sql(inner)
            name = text[1:-1].replace('""', '"') if text.startswith('"') and text.endswith('"') else text
            if name in table.c:
                inner = table.c[name]
        if isinstance(inner, sa.Column) and inner.table is table:
            opclass = ops.get(inner.name) or ops.get(inner.key)
            if opclass:
                item: Map = {"column": inner.name, "opclass": opclass}
                if order:
                    item["order"] = order
                return item
            return f"{inner.name} desc" if order else inner.name
        if ops:
            raise ExportError(f"{_where(table)}: index {name}: operator classes on expressions are not supported")
        return {"expr": self.sql(expr)}

    # --- the file -----------------------------------------------------

    def render(self) -> str:
        for name, table in self.tables.items():
            table["columns"] = {c: _ordered(spec, _COLUMN_KEYS) for c, spec in table["columns"].items()}
            self.tables[name] = _ordered(table, _TABLE_KEYS)
        lines: List[str] = []
        if self.postgres:
            # Models say nothing of owners, grants or extensions: what the
            # database has of them stays as it is.
            lines.append("manage: { privileges: false, extensions: false }")
        if self.enums:
            lines.append("enums:")
            lines += _aligned({name: f"[{', '.join(map(_scalar, labels))}]" for name, labels in self.enums.items()}, 2)
        if self.sequences:
            lines.append("sequences:")
            lines += _aligned({name: _flow(options) for name, options in self.sequences.items()}, 2)
        lines.append("tables:" if self.tables else "tables: {}")
        for n, (name, table) in enumerate(self.tables.items()):
            if n:
                lines.append("")
            lines.append(f"  {_scalar(name)}:")
            for key, value in table.items():
                if key == "columns" and not value:
                    lines.append("    columns: {}")
                elif key == "columns":
                    lines.append("    columns:")
                    # A column of just a type says only its type.
                    short = {c: _flow(spec["type"] if list(spec) == ["type"] else spec) for c, spec in value.items()}
                    lines += _aligned(short, 6)
                elif isinstance(value, dict):
                    lines.append(f"    {key}:")
                    lines += _aligned({item: _flow(spec) for item, spec in value.items()}, 6)
                else:
                    lines.append(f"    {key}: {_flow(value)}")
        return "\n".join(lines) + "\n"


def _counting(options: Any) -> Map:
    """The file's keys for how an Identity or a Sequence counts (what it
    leaves out is the default)."""
    out: Map = {}
    for key, attribute in (("start", "start"), ("increment", "increment"), ("min", "minvalue"), ("max", "maxvalue"), ("cache", "cache")):
        value = getattr(options, attribute, None)
        if value is not None:
            out[key] = int(value)
    if options.cycle:
        out["cycle"] = True
    return out


def _creation_order(constraint: Any) -> int:
    return getattr(constraint, "_creation_order", 0)


_WORD = re.compile(r"""'(?:[^']|'')*'|"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_$]*)""")


def _columns_read(expr: str, columns: List[str]) -> List[str]:
    """The table's columns an expression names (quoted or not), in order."""
    found: List[str] = []
    lower = {c.lower(): c for c in columns}
    for match in _WORD.finditer(expr):
        quoted, bare = match.group(1), match.group(2)
        name = quoted.replace('""', '"') if quoted is not None else None
        if name is None and bare is not None:
            name = lower.get(bare.lower())
        if name in columns and name not in found:
            found.append(name)
    return found


_POSTGRES_NAMES = {
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "time without time zone": "time",
    "float": "double precision",
}

# What MySQL makes of SQLAlchemy's spelling, in the file's words (FLOAT is
# four bytes).
_MYSQL_NAMES = {
    "float": "real",
    "integer unsigned": "int unsigned",
}

# SQLAlchemy's MySQL table options (after `mysql_`) the file has a key for.
_MYSQL_TABLE_KEYS = {
    "engine": "engine",
    "charset": "charset",
    "default_charset": "charset",
    "character_set": "charset",
    "default_character_set": "charset",
    "collate": "collation",
    "default_collate": "collation",
    "row_format": "row_format",
}

_COLUMN_KEYS = (
    "type", "primary_key", "autoincrement", "identity", "nullable", "unique", "default", "generated", "check",
    "references", "on_delete", "on_update", "deferrable", "initially_deferred", "charset", "collation", "comment",
    "renamed_from",
)
_TABLE_KEYS = (
    "renamed_from", "comment", "engine", "charset", "collation", "row_format", "columns", "primary_key", "uniques",
    "checks", "foreign_keys", "indexes",
)


def _ordered(entries: Map, order: Tuple[str, ...]) -> Map:
    """`entries` with the keys of `order` first, in that order."""
    first = {key: entries[key] for key in order if key in entries}
    return {**first, **{key: value for key, value in entries.items() if key not in first}}


_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", ""}
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ .()\-]*")


def _scalar(value: Any) -> str:
    """A YAML scalar: plain where YAML reads it back as the same string,
    else double-quoted (JSON's quoting is YAML's too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text == text.strip() and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value)


def _aligned(entries: Dict[str, str], indent: int) -> List[str]:
    """`name: value` lines, the values in one column."""
    keys = {name: _scalar(name) + ":" for name in entries}
    width = max((len(k) for k in keys.values()), default=0)
    return [f"{' ' * indent}{keys[name].ljust(width)} {value}" for name, value in entries.items()]


# --- command line -----------------------------------------------------------


def load(target: str) -> Any:
    """Imports ``module:attribute`` (or ``module``, for its ``db``,
    ``Base`` or ``metadata``)."""
    module_name, _, attribute = target.partition(":")
    sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    finally:
        sys.path.pop(0)
    if attribute:
        value: Any = module
        for part in attribute.split("."):
            value = getattr(value, part)
        return value
    for name in ("db", "Base", "metadata"):
        if hasattr(module, name):
            return getattr(module, name)
    raise ExportError(f"module {module_name} has no db, Base or metadata: name one, {module_name}:NAME")


def note_models(metadata: sa.MetaData, target: Any) -> None:
    """Remembers which model classes map each table, for error messages."""
    from sqlalchemy.orm import registry as Registry

    names: Dict[str, List[str]] = {}
    candidates = [getattr(target, "registry", None), getattr(getattr(target, "Model", None), "registry", None)]
    for registry in candidates:
        if isinstance(registry, Registry):
            for mapper in registry.mappers:
                for table in mapper.tables:
                    names.setdefault(table.name, []).append(mapper.class_.__name__)
            break
    metadata._dbshape_models = names  # type: ignore[attr-defined]


def export_target(target: Any, dialect: Dialect, bind: Optional[str] = None) -> str:
    """The schema file of a MetaData, declarative base or Flask-SQLAlchemy
    ``db`` (its ``bind`` key's models)."""
    metadata = metadata_of(target, bind)
    note_models(metadata, target)
    return export(metadata, dialect)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dbshape.sqlalchemy",
        description="Print the dbshape schema file of SQLAlchemy models.",
    )
    parser.add_argument("target", help="module:NAME of a MetaData, a declarative Base or a Flask-SQLAlchemy db")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="the database URL whose dialect the file is for (default: $DATABASE_URL)")
    where.add_argument("--dialect", choices=DIALECTS, help="the dialect the file is for (default: sqlite)")
    parser.add_argument("--bind", help="Flask-SQLAlchemy: the bind key (default: the default bind)")
    parser.add_argument("--output", "-o", help="write the file here instead of printing it")
    args = parser.parse_args(argv)
    try:
        dialect = dialect_for(args.dialect or args.url or os.environ.get("DATABASE_URL") or "sqlite")
        text = export_target(load(args.target), dialect, args.bind)
    except ExportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
