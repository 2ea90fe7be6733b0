"""The seed app: a Flask-SQLAlchemy model, migrated with `flask dbshape`.

    pip install ./python flask flask-sqlalchemy
    flask --app examples/flask/app.py dbshape apply --yes   # creates the table
    # add `age = db.Column(db.Integer)` to User, then:
    flask --app examples/flask/app.py dbshape plan          # + add column user.age integer
    flask --app examples/flask/app.py dbshape apply --yes   # keeps every row
    flask --app examples/flask/app.py dbshape check         # exit 0: in sync

The database is SQLALCHEMY_DATABASE_URI (default sqlite:///app.db, which
Flask-SQLAlchemy puts in the app's instance folder); set DATABASE_URL to use
another, e.g. postgresql://postgres@127.0.0.1/app.
"""

import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
    password = db.Column(db.String(100), nullable=False)


def create_app() -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("APP_INSTANCE_PATH"))
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///app.db")
    db.init_app(app)

    @app.post("/users/<name>")
    def add_user(name: str) -> dict:
        user = User(username=name, email=f"{name}@example.com", password="x")
        db.session.add(user)
        db.session.commit()
        return {"id": user.id}

    return app
