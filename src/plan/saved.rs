//! Reviewed plans, applied exactly: `plan --out plan.json` writes the plan
//! with what it was computed from (the live schema, as `inspect` would
//! write it, and the schema file), each with a fingerprint; `apply --plan`
//! refuses unless both are still the same, checking the live schema again
//! under the apply's lock.

use super::Plan;
use crate::error::{Error, Refusal, Result};
use crate::model::Schema;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// `sha256:` and the hex digest of `bytes`.
pub fn fingerprint(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A live schema as one text that two reads of the same database give
/// alike: rendered as `inspect` writes it, every section sorted by name.
pub(crate) fn schema_text(schema: &Schema) -> String {
    let mut schema = schema.clone();
    // Reported, never managed (and not read under an apply's lock).
    schema.unmanaged.clear();
    schema.unmanaged_on.clear();
    schema.tables.sort_keys();
    schema.enums.sort_keys();
    schema.sequences.sort_keys();
    schema.views.sort_keys();
    schema.functions.sort_keys();
    schema.triggers.sort_keys();
    schema.domains.sort_keys();
    schema.composite_types.sort_keys();
    schema.aggregates.sort_keys();
    crate::file::render_in_order(&schema)
}

/// `saved` (a live schema as a saved plan holds it) against `now`: the
/// sentence that says it changed, with both fingerprints, and a unified
/// diff (`when planned` against `now`); `None` when they are alike.
pub(crate) fn live_schema_moved(saved: &str, now: &str) -> Option<(String, String)> {
    if saved == now {
        return None;
    }
    let headline = format!(
        "the live schema changed since the plan was made (fingerprint {}, now {})",
        fingerprint(saved.as_bytes()),
        fingerprint(now.as_bytes())
    );
    Some((headline, crate::file::unified_diff(saved, now, ("when planned", "now"), 3)))
}

/// A plan read back from `plan --out`: what an apply must find before it
/// runs it.
#[derive(Clone, Debug)]
pub struct SavedPlan {
    /// The dialect it is for.
    pub dialect: String,
    /// Its statements, in order.
    pub statements: Vec<String>,
    /// The live schema it was computed against, as `inspect` writes it.
    pub live_schema: String,
    /// [`fingerprint`] of `live_schema`.
    pub live_fingerprint: String,
    /// [`fingerprint`] of the schema file's bytes.
    pub schema_file_fingerprint: String,
}

impl SavedPlan {
    /// Reads the document `plan --out` wrote.
    pub fn from_json(text: &str) -> Result<SavedPlan> {
        let bad = |what: &str| Error::Refused(Refusal::NotASavedPlan { why: what.into() });
        let value: Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
        if value["format_version"] != json!(super::JSON_FORMAT_VERSION) {
            return Err(bad(&format!(
                "format_version {} (this dbshape reads {})",
                value["format_version"],
                super::JSON_FORMAT_VERSION
            )));
        }
        let saved = &value["saved"];
        let text_of = |v: &Value, what: &str| v.as_str().map(str::to_string).ok_or_else(|| bad(&format!("no {what}")));
        let statements = value["sql"]
            .as_array()
            .ok_or_else(|| bad("no sql"))?
            .iter()
            .map(|s| text_of(s, "statement"))
            .collect::<Result<Vec<_>>>()?;
        let plan = SavedPlan {
            dialect: text_of(&value["dialect"], "dialect")?,
            statements,
            live_schema: text_of(&saved["live_schema"], "saved.live_schema (written by `plan --out`)")?,
            live_fingerprint: text_of(&saved["live_schema_fingerprint"], "saved.live_schema_fingerprint")?,
            schema_file_fingerprint: text_of(&saved["schema_file_fingerprint"], "saved.schema_file_fingerprint")?,
        };
        if fingerprint(plan.live_schema.as_bytes()) != plan.live_fingerprint {
            return Err(bad("its live schema does not match its fingerprint (was it edited?)"));
        }
        Ok(plan)
    }
}

impl Plan {
    /// The plan as `plan --out` saves it: the JSON document, and under
    /// `saved` the live schema it was computed against and the fingerprints
    /// of that schema and of the schema file (`schema_file`: its bytes).
    pub fn to_saved_json(&self, schema_file: &[u8]) -> Value {
        let live = schema_text(self.current());
        let mut document = self.to_json();
        document["saved"] = json!({
            "live_schema_fingerprint": fingerprint(live.as_bytes()),
            "schema_file_fingerprint": fingerprint(schema_file),
            "live_schema": live,
        });
        document
    }

    /// Whether this plan runs exactly the statements of `saved`.
    pub fn runs_statements_of(&self, saved: &SavedPlan) -> bool {
        self.dialect() == saved.dialect && self.statements().eq(saved.statements.iter().map(String::as_str))
    }

    /// How the live schema this plan was computed against differs from the
    /// one `saved` was: the sentence that says it changed (with both
    /// fingerprints) and a unified diff, `when planned` against `now`;
    /// `None` when they are alike.
    pub fn live_schema_moved(&self, saved: &SavedPlan) -> Option<(String, String)> {
        live_schema_moved(&saved.live_schema, &schema_text(self.current()))
    }
}
