//! The commands, one file each. Each loads what it needs, asks the library
//! for a plan, and decides what to print and which exit code to return.
//! What several share (opening the database and planning) is here.

mod apply;
mod check;
mod diff;
mod fmt;
mod inspect;
mod plan;

pub use apply::apply;
pub use check::check;
pub use diff::diff;
pub use fmt::fmt;
pub use inspect::inspect;
pub use plan::plan;

use super::args::Target;
use crate::database::{Access, Database, connect};
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::plan::{self as planner, Plan};
use crate::url::DatabaseUrl;

/// Everything a plan needs: the open database, the normalised desired
/// schema, the live schema and the plan between them.
struct Prepared {
    url: DatabaseUrl,
    db: Box<dyn Database>,
    desired: Schema,
    current: Schema,
    plan: Plan,
}

fn prepare(target: &Target, access: Access) -> Result<Prepared> {
    let url = DatabaseUrl::parse(&target.database.url)?;
    let (mut file, mut db, mut current) = match url {
        // A server is read while the file is parsed (two cores, two jobs);
        // the file's problems are still reported first.
        DatabaseUrl::Postgres(_) => std::thread::scope(|s| {
            let loading = s.spawn(|| {
                let file = crate::file::load_path(&target.schema)?;
                crate::file::check_postgres_names(&file, &target.schema).map(|()| file)
            });
            let reading = connect(&url, access).and_then(|mut db| {
                let everything = db.inspect(None)?;
                Ok((db, everything))
            });
            let file =
                loading.join().unwrap_or_else(|_| Err(Error::Refused("reading the schema file failed".into())))?;
            let (mut db, everything) = reading?;
            let current = db.restrict(everything, &file);
            Ok::<_, Error>((file, db, current))
        })?,
        // Opening an SQLite file for writing creates it: only once the file is known good.
        DatabaseUrl::Sqlite(_) => {
            let file = crate::file::load_path(&target.schema)?;
            // What SQLite cannot store is refused before the file is created.
            crate::plan::sqlite::normalize(&file)?;
            let mut db = connect(&url, access)?;
            let current = db.inspect(Some(&file))?;
            (file, db, current)
        }
    };
    file.exclude_tables(&target.database.exclude);
    current.exclude_tables(&target.database.exclude);
    let desired = db.normalize(&file, &current)?;
    let plan = planner::build(db.dialect(), &current, &desired)?;
    Ok(Prepared { url, db, desired, current, plan })
}

fn schema_name(target: &Target) -> String {
    target.schema.file_name().map_or_else(|| target.schema.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn stdout_error(source: std::io::Error) -> Error {
    Error::Io { action: "write to", path: "standard output".into(), source }
}
