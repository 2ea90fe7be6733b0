"""Models covering every construct the exporter translates, built fresh
for one dialect (PostgreSQL-only constructs only there)."""

from __future__ import annotations

import enum
from typing import Callable, Dict

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Mood(enum.Enum):
    happy = 1
    sad = 2


def everything(dialect: str) -> sa.MetaData:
    """One declarative model set with every construct of the issue."""

    class Base(DeclarativeBase):
        pass

    pg = dialect == "postgresql"
    my = dialect == "mysql"

    class User(Base):
        __tablename__ = "users"
        __table_args__ = (
            sa.CheckConstraint("age >= 0"),
            sa.CheckConstraint("age < 200 AND length(username) > 0"),
            sa.CheckConstraint("score IS NULL OR score <= 100", name="score_at_most_100"),
            sa.UniqueConstraint("username", "org"),
            sa.UniqueConstraint("nickname", name="users_nickname_unique"),
            *([] if my else [sa.Index("ix_users_lower_email", sa.func.lower(sa.text("email")))]),
            *([sa.Index("ix_users_bio_words", "bio", mysql_prefix="FULLTEXT"), sa.Index("ix_users_bio_start", "bio", "org", mysql_length={"bio": 20})] if my else []),
            sa.Index("ix_users_org_age", "org", sa.desc("age")),
            sa.Index(
                "ix_users_adults",
                "born",
                postgresql_where=sa.text("age >= 18"),
                sqlite_where=sa.text("age >= 18"),
            ),
            sa.Index("ix_users_nick_unique", "nickname", "org", unique=True),
            {"comment": "people who sign in", "info": {"renamed_from": "accounts"}},
        )
        id: Mapped[int] = mapped_column(primary_key=True)
        username = sa.Column(sa.String(50), nullable=False, index=True)
        email = sa.Column(sa.String(120), unique=True, nullable=False, comment="where we write")
        nickname = sa.Column(sa.String(60) if my else sa.String)
        org = sa.Column(sa.String(30), nullable=False, server_default="acme")
        bio = sa.Column(sa.Text, info={"renamed_from": "about"})
        age = sa.Column(sa.SmallInteger, server_default="0")
        score = sa.Column(sa.Integer, server_default=sa.text("7"))
        karma = sa.Column(sa.BigInteger, default=5)  # client-side: not in the DDL
        active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
        balance = sa.Column(sa.Numeric(12, 2), server_default="0.00")
        ratio = sa.Column(sa.Float)
        born = sa.Column(sa.Date)
        created = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
        updated = sa.Column(sa.DateTime)
        wakes = sa.Column(sa.Time)
        timeout = sa.Column(sa.Interval)
        settings = sa.Column(sa.JSON)
        # MariaDB's own uuid type is not managed yet: a refusal of its own.
        public_id = sa.Column(sa.Uuid(native_uuid=not my))
        avatar = sa.Column(sa.LargeBinary)
        mood = sa.Column(sa.Enum(Mood))
        status = sa.Column(sa.Enum("new", "active", "gone", name="user_status"), nullable=False, server_default="new")
        handle = sa.Column(sa.String(40), sa.Computed("lower(username)", persisted=True))

    class Post(Base):
        __tablename__ = "posts"
        id = sa.Column(sa.BigInteger, primary_key=True)
        author_id = sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE", onupdate="CASCADE"), nullable=False
        )
        editor_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL", name="posts_editor"))
        title = sa.Column(sa.String(200), nullable=False, default="untitled")
        body = sa.Column(sa.Text, sa.CheckConstraint("length(body) < 100000"))
        author = relationship(User, foreign_keys=[author_id])

    class Tag(Base):
        __tablename__ = "tags"
        __table_args__ = {"sqlite_autoincrement": True} if not (pg or my) else {}
        id = sa.Column(sa.Integer, primary_key=True)
        name = sa.Column(sa.String(40), nullable=False, unique=True)

    class PostTag(Base):
        __tablename__ = "post_tags"
        post_id = sa.Column(sa.BigInteger, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
        tag_id = sa.Column(sa.Integer, sa.ForeignKey("tags.id"), primary_key=True)
        weight = sa.Column(sa.SmallInteger, nullable=False, server_default="1")

    class Revision(Base):
        __tablename__ = "revisions"
        __table_args__ = (
            sa.ForeignKeyConstraint(["post_id", "tag_id"], ["post_tags.post_id", "post_tags.tag_id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("post_id", "tag_id", "n", name="revisions_key"),
        )
        post_id = sa.Column(sa.BigInteger)
        tag_id = sa.Column(sa.Integer)
        n = sa.Column(sa.Integer)
        note = sa.Column(sa.Text)

    if my:

        class Stamp(Base):
            __tablename__ = "stamps"
            __table_args__ = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin", "comment": "when"}
            id = sa.Column(mysql.INTEGER(unsigned=True), primary_key=True)
            code = sa.Column(mysql.VARCHAR(20, charset="ascii"), nullable=False)
            changed = sa.Column(sa.TIMESTAMP, server_default=sa.text("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"))
            size = sa.Column(mysql.TINYINT(unsigned=True), nullable=False, server_default="0")
            kind = sa.Column(mysql.ENUM("Small", "large"), nullable=False, server_default="Small")
            total = sa.Column(sa.Integer, sa.Computed("size * 2"))

    if pg:

        class Invoice(Base):
            __tablename__ = "invoices"
            __table_args__ = (
                sa.Index("ix_invoices_lines", "lines", postgresql_using="gin"),
                sa.Index("ix_invoices_tags", "tags", postgresql_using="gin"),
                sa.Index("ix_invoices_code", "code", postgresql_ops={"code": "text_pattern_ops"}),
                {"schema": "billing", "comment": "in their own schema"},
            )
            id = sa.Column(sa.Integer, sa.Identity(always=True, start=1000, increment=10), primary_key=True)
            number = sa.Column(sa.BigInteger, sa.Identity(start=1, cache=20))
            code = sa.Column(sa.Text, nullable=False)
            lines = sa.Column(postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb"))
            tags = sa.Column(sa.ARRAY(sa.String(20)))
            scores = sa.Column(postgresql.ARRAY(sa.Integer, dimensions=1))
            total = sa.Column(sa.Numeric(10, 2), sa.Computed("0", persisted=True))
            user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
            ticket = sa.Column(sa.Integer, sa.Sequence("invoice_ticket_seq", start=500, increment=5))
            placed = sa.Column(sa.DateTime, server_default=sa.text("(now() AT TIME ZONE 'utc')"))
            state = sa.Column(sa.Enum(Mood, name="invoice_mood"))

    return Base.metadata


def conventions(dialect: str) -> sa.MetaData:
    """A naming convention for every kind of name."""
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    sa.Table(
        "teams",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(60), nullable=False, unique=True),
        sa.Column("size", sa.Integer, index=True),
        sa.CheckConstraint("size > 0", name="positive_size"),
    )
    sa.Table(
        "members",
        metadata,
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), primary_key=True),
        sa.Column("person", sa.String(60), primary_key=True),
        sa.Column("role", sa.Enum("lead", "dev", name="member_role", create_constraint=True), nullable=False),
        sa.Column("on_call", sa.Boolean(create_constraint=True, name="on_call_bool")),
    )
    return metadata


def flask_style(dialect: str) -> sa.MetaData:
    """What Flask-SQLAlchemy's db.Model makes (its tables, its names)."""
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

    db = SQLAlchemy()

    class User(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        username = db.Column(db.String(50), nullable=False)
        email = db.Column(db.String(120), unique=True, nullable=False)
        password = db.Column(db.String(100), nullable=False)

    class Address(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
        line = db.Column(db.String(200))

    Flask(__name__)  # Flask-SQLAlchemy needs Flask importable
    return db.metadata


CORPUS: Dict[str, Callable[[str], sa.MetaData]] = {
    "everything": everything,
    "conventions": conventions,
    "flask_style": flask_style,
}
