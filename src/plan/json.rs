//! The stable JSON plan document (`plan --format json`, documented in the
//! README). Its shape changes only with [`JSON_FORMAT_VERSION`].

use super::Plan;
use super::hazard::Hazard;
use serde_json::{Value, json};

/// JSON document version; bumped on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

impl Plan {
    /// The plan as the documented JSON document.
    pub fn to_json(&self) -> Value {
        document(self)
    }
}

fn document(plan: &Plan) -> Value {
    let hazards: Vec<&[Hazard]> = plan.hazards().map(|(_, h)| h).collect();
    let mut index = 0;
    let steps: Vec<Value> = plan
        .steps()
        .iter()
        .map(|step| {
            let changes: Vec<Value> = step
                .changes
                .iter()
                .map(|change| {
                    let hazards: Vec<Value> = hazards[index].iter().map(|h| h.to_json()).collect();
                    index += 1;
                    json!({
                        "kind": change.kind(),
                        "table": change.table(),
                        "object": change.object(),
                        "description": change.to_string(),
                        "destructive": change.destructive().is_some(),
                        "destructive_reason": change.destructive(),
                        "hazards": hazards,
                    })
                })
                .collect();
            json!({ "changes": changes, "note": step.note, "sql": step.statements().collect::<Vec<_>>() })
        })
        .collect();
    json!({
        "format_version": JSON_FORMAT_VERSION,
        "dialect": plan.dialect(),
        "in_sync": plan.is_empty(),
        "change_count": index,
        "destructive_count": plan.destructive().len(),
        "steps": steps,
        "sql": plan.statements().collect::<Vec<_>>(),
        "online": plan.online(),
        "transactional": plan.transactional(),
        "after_commit": plan.operations().filter(|o| o.after_commit()).map(|o| o.sql()).collect::<Vec<_>>(),
        "unmanaged": plan.unmanaged(),
        "data_checks": plan.data_checks().iter().map(|r| r.to_json()).collect::<Vec<_>>(),
    })
}
