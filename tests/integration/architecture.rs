//! The shape of the source tree: dialects live in their folders, and the
//! library's top-level modules depend on each other without a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its path relative to `src/`.
fn rust_files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(src()).unwrap().to_string_lossy().replace('\\', "/");
            out.push((relative, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

fn files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    files
}

/// The dialect folders: `src/dialect/<name>/`.
fn dialect_folders() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(src().join("dialect"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn no_file_outside_the_dialect_folder_names_a_dialect_module() {
    let dialects = dialect_folders();
    assert!(dialects.len() >= 2, "{dialects:?}");
    for (path, text) in files() {
        if path.starts_with("dialect/") {
            continue;
        }
        for name in &dialects {
            for needle in [format!("dialect::{name}"), format!("mod {name};")] {
                assert!(!text.contains(&needle), "src/{path} names `{needle}`");
            }
        }
    }
}

#[test]
fn top_level_modules_import_each_other_without_a_cycle() {
    let files = files();
    let top = |path: &str| path.split('/').next().unwrap().trim_end_matches(".rs").to_string();
    // The library's modules; the command line (cli/, main.rs) is the binary's.
    let modules: BTreeSet<String> =
        files.iter().map(|(path, _)| top(path)).filter(|m| !matches!(m.as_str(), "lib" | "main" | "cli")).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in &files {
        let from = top(path);
        if !modules.contains(&from) {
            continue;
        }
        // A file's test module may reach anywhere: it is no part of the library.
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
        for (at, _) in text.match_indices("crate::") {
            let name: String =
                text[at + "crate::".len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if modules.contains(&name) && name != from {
                graph.entry(from.clone()).or_default().insert(name);
            }
        }
    }
    // Depth-first search; a module met again while still on the path is a cycle.
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|m| m == module) {
            panic!("import cycle: {} -> {module}", path[at..].join(" -> "));
        }
        if done.contains(module) {
            return;
        }
        path.push(module.to_string());
        for next in graph.get(module).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(module.to_string());
    }
    let mut done = BTreeSet::new();
    for module in &modules {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
    assert!(graph.contains_key("migrator") && graph["migrator"].contains("dialect"), "{graph:?}");
}
