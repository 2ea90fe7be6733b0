//! The shape of the source tree, read from the code itself (parsed with
//! `syn`): inside every folder of `src/` the files import each other
//! without a cycle, one dialect never imports another, dialect modules are
//! named only inside `src/dialect/`, every module a folder declares is
//! named in that folder's doc comment, and no function of a dialect runs
//! past 150 lines.
//!
//! An import is any path the code names (in a `use`, an expression, a
//! type, a macro's arguments) that leads into another file; a name a
//! folder's `mod.rs` re-exports counts as an import of the file that
//! defines it. Declaring a module (`mod x;`) and re-exporting its names
//! (`pub use x::Name;`) are a folder's table of contents, not imports. Test modules (`#[cfg(test)]`) are left out: they may reach
//! anywhere.

use proc_macro2::TokenTree;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// One source file: its module path in its crate, and what it names.
struct Module {
    /// Relative to `src/`, e.g. `dialect/mysql/plan.rs`.
    file: String,
    /// `lib` or `main`: which crate it belongs to.
    krate: &'static str,
    /// The module path from the crate root, e.g. `["dialect", "mysql", "plan"]`.
    path: Vec<String>,
    /// Its own doc comment (`//!`).
    doc: String,
    /// Child modules it declares (`mod x;`), outside tests.
    children: Vec<String>,
    /// Paths it names, as written: `["super", "plan", "quote"]`.
    paths: Vec<Vec<String>>,
    /// Names it re-exports (`pub use`, `pub(crate) use`): name → path as written.
    reexports: BTreeMap<String, Vec<String>>,
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test"))
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// Every path of a `use` tree, with the name it is known by.
fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                out.push((prefix.clone(), prefix.last().cloned().unwrap_or_default()));
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                out.push((path, name));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push((path, r.rename.to_string()));
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), "*".into())),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_paths(tree, prefix, out);
            }
        }
    }
}

/// Collects the paths a file names, skipping test code.
#[derive(Default)]
struct Names {
    paths: Vec<Vec<String>>,
    reexports: BTreeMap<String, Vec<String>>,
    children: Vec<String>,
    depth: usize,
}

impl<'ast> Visit<'ast> for Names {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if is_test(item_attrs(item)) {
            return;
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_none() && self.depth == 0 {
            self.children.push(item.ident.to_string());
        }
        self.depth += 1;
        syn::visit::visit_item_mod(self, item);
        self.depth -= 1;
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut found = Vec::new();
        use_paths(&item.tree, &mut Vec::new(), &mut found);
        let public = !matches!(item.vis, syn::Visibility::Inherited);
        for (path, name) in found {
            // A folder's face: handing a name on is not using it.
            if public && self.depth == 0 && name != "*" {
                self.reexports.insert(name, path);
            } else {
                self.paths.push(path);
            }
        }
    }

    /// `pub(crate)` names no module to import.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        // One segment is a name in scope (a local, an imported item), which
        // its `use` already counted; a module is only ever a prefix.
        if path.segments.len() > 1 {
            self.paths.push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        tokens(mac.tokens.clone(), &mut self.paths);
    }
}

/// Paths starting with `crate`, `super` or `self` in a macro's tokens.
fn tokens(stream: proc_macro2::TokenStream, out: &mut Vec<Vec<String>>) {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Group(group) => tokens(group.stream(), out),
            TokenTree::Ident(ident) if matches!(ident.to_string().as_str(), "crate" | "super" | "self") => {
                let mut path = vec![ident.to_string()];
                let mut j = i + 1;
                while let (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)), Some(TokenTree::Ident(next))) =
                    (trees.get(j), trees.get(j + 1), trees.get(j + 2))
                {
                    if a.as_char() != ':' || b.as_char() != ':' {
                        break;
                    }
                    path.push(next.to_string());
                    j += 3;
                }
                if path.len() > 1 {
                    out.push(path);
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

fn read_modules() -> Vec<Module> {
    let mut files = Vec::new();
    collect(&src(), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(src().join(&file)).unwrap();
            let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("src/{file}: {e}"));
            let krate = if file == "main.rs" || file.starts_with("cli/") { "main" } else { "lib" };
            let mut path: Vec<String> = file.trim_end_matches(".rs").split('/').map(str::to_string).collect();
            if matches!(path.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                path.pop();
            }
            let doc = parsed
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .filter_map(|a| match &a.meta {
                    syn::Meta::NameValue(nv) => match &nv.value {
                        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n");
            let mut names = Names::default();
            names.visit_file(&parsed);
            Module { file, krate, path, doc, children: names.children, paths: names.paths, reexports: names.reexports }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.strip_prefix(src()).unwrap().to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The modules of both crates, and which file each import leads to.
struct Tree {
    modules: Vec<Module>,
    /// (crate, module path) → index into `modules`.
    by_path: BTreeMap<(&'static str, Vec<String>), usize>,
}

impl Tree {
    fn new() -> Tree {
        let modules = read_modules();
        let by_path = modules.iter().enumerate().map(|(i, m)| ((m.krate, m.path.clone()), i)).collect();
        Tree { modules, by_path }
    }

    /// `path` as written in module `from`, made absolute; `None` for what
    /// lies outside the crate (std, other crates) or is not a module path.
    fn absolute(&self, from: &Module, path: &[String]) -> Option<Vec<String>> {
        let first = path.first()?;
        match first.as_str() {
            "crate" => Some(path[1..].to_vec()),
            "self" => Some(from.path.iter().cloned().chain(path[1..].iter().cloned()).collect()),
            "super" => {
                let ups = path.iter().take_while(|s| *s == "super").count();
                let base = from.path.len().checked_sub(ups)?;
                Some(from.path[..base].iter().cloned().chain(path[ups..].iter().cloned()).collect())
            }
            child if from.children.iter().any(|c| c == child) => {
                Some(from.path.iter().cloned().chain(path.iter().cloned()).collect())
            }
            _ => None,
        }
    }

    /// The file an absolute path leads to, following re-exports.
    fn target(&self, krate: &'static str, path: &[String], hops: usize) -> Option<usize> {
        let mut at = None;
        let mut depth = 0;
        for n in 0..=path.len() {
            if let Some(&i) = self.by_path.get(&(krate, path[..n].to_vec())) {
                at = Some(i);
                depth = n;
            }
        }
        let at = at?;
        if let Some(name) = path.get(depth)
            && let Some(written) = self.modules[at].reexports.get(name)
            && hops < 8
            && let Some(mut target) = self.absolute(&self.modules[at], written)
        {
            target.extend(path[depth + 1..].iter().cloned());
            return self.target(krate, &target, hops + 1).or(Some(at));
        }
        Some(at)
    }

    /// Every (from, to) pair of files where `from` imports from `to`.
    fn imports(&self) -> BTreeSet<(usize, usize)> {
        let mut edges = BTreeSet::new();
        for (i, module) in self.modules.iter().enumerate() {
            for path in &module.paths {
                if let Some(absolute) = self.absolute(module, path)
                    && let Some(j) = self.target(module.krate, &absolute, 0)
                    && i != j
                {
                    edges.insert((i, j));
                }
            }
        }
        edges
    }
}

/// The cycles of a graph, each as its nodes (strongly connected components
/// of more than one node), by Tarjan's algorithm.
fn cycles(nodes: &[String], edges: &BTreeSet<(usize, usize)>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeSet<(usize, usize)>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    fn visit(v: usize, s: &mut State) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        let targets: Vec<usize> = s.edges.range((v, 0)..=(v, usize::MAX)).map(|(_, w)| *w).collect();
        for w in targets {
            match s.index[w] {
                None => {
                    visit(w, s);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(index) if s.on_stack[w] => s.low[v] = s.low[v].min(index),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.found.push(component);
            }
        }
    }
    let n = nodes.len();
    let mut state = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in 0..n {
        if state.index[v].is_none() {
            visit(v, &mut state);
        }
    }
    state
        .found
        .into_iter()
        .map(|c| {
            let mut names: Vec<String> = c.into_iter().map(|i| nodes[i].clone()).collect();
            names.sort();
            names
        })
        .collect()
}

/// The folders of `src/` (modules with children), as (crate, module path).
fn folders(tree: &Tree) -> Vec<(&'static str, Vec<String>)> {
    tree.modules.iter().filter(|m| !m.children.is_empty()).map(|m| (m.krate, m.path.clone())).collect()
}

#[test]
fn no_import_cycle_inside_any_folder() {
    let tree = Tree::new();
    let imports = tree.imports();
    let mut found = Vec::new();
    for (krate, folder) in folders(&tree) {
        // The folder's own file, and each child (a file, or a folder whole).
        let own = &tree.modules[tree.by_path[&(krate, folder.clone())]];
        let mut nodes = vec![own.file.clone()];
        nodes.extend(own.children.iter().map(|c| {
            let child = &tree.modules[tree.by_path[&(krate, [folder.clone(), vec![c.clone()]].concat())]];
            if child.file.ends_with("mod.rs") {
                child.file.trim_end_matches("mod.rs").to_string()
            } else {
                child.file.clone()
            }
        }));
        let node_of = |m: &Module| -> Option<usize> {
            if m.krate != krate || !m.path.starts_with(&folder) {
                return None;
            }
            match m.path.get(folder.len()) {
                None => Some(0),
                Some(child) => own.children.iter().position(|c| c == child).map(|i| i + 1),
            }
        };
        let mut edges = BTreeSet::new();
        for &(from, to) in &imports {
            if let (Some(a), Some(b)) = (node_of(&tree.modules[from]), node_of(&tree.modules[to]))
                && a != b
            {
                edges.insert((a, b));
            }
        }
        for cycle in cycles(&nodes, &edges) {
            let ties: Vec<String> = imports
                .iter()
                .filter_map(|&(from, to)| {
                    let (a, b) = (node_of(&tree.modules[from])?, node_of(&tree.modules[to])?);
                    (a != b && cycle.contains(&nodes[a]) && cycle.contains(&nodes[b]))
                        .then(|| format!("{} -> {}", tree.modules[from].file, tree.modules[to].file))
                })
                .collect();
            found.push(format!("cycle among {}:\n    {}", cycle.join(", "), ties.join("\n    ")));
        }
    }
    assert!(found.is_empty(), "import cycles inside folders of src/:\n  {}", found.join("\n  "));
    // The check sees imports at all: the migrator uses the dialects.
    let file = |name: &str| tree.modules.iter().position(|m| m.file == name).unwrap();
    assert!(imports.iter().any(|&(a, b)| a == file("migrator.rs") && tree.modules[b].file.starts_with("dialect/")));
}

#[test]
fn no_dialect_imports_another() {
    let tree = Tree::new();
    let dialect_of = |m: &Module| -> Option<String> {
        let rest = m.file.strip_prefix("dialect/")?;
        rest.split_once('/').map(|(name, _)| name.to_string())
    };
    let mut found = Vec::new();
    for (from, to) in tree.imports() {
        let (a, b) = (dialect_of(&tree.modules[from]), dialect_of(&tree.modules[to]));
        if let (Some(a), Some(b)) = (&a, &b)
            && a != b
        {
            found.push(format!("{} -> {}", tree.modules[from].file, tree.modules[to].file));
        }
    }
    assert!(found.is_empty(), "one dialect imports another:\n  {}", found.join("\n  "));
}

#[test]
fn no_file_outside_the_dialect_folder_names_a_dialect_module() {
    let tree = Tree::new();
    let dialects: Vec<&Module> =
        tree.modules.iter().filter(|m| m.path.len() == 2 && m.path[0] == "dialect" && !m.children.is_empty()).collect();
    assert!(dialects.len() >= 3, "{:?}", dialects.iter().map(|d| &d.file).collect::<Vec<_>>());
    for (from, to) in tree.imports() {
        let (from, to) = (&tree.modules[from], &tree.modules[to]);
        if from.file.starts_with("dialect/") {
            continue;
        }
        assert!(
            !dialects.iter().any(|d| to.krate == "lib" && to.path.starts_with(&d.path)),
            "src/{} imports src/{}: dialects are reached through the `Dialect` and `Connection` traits",
            from.file,
            to.file
        );
    }
}

#[test]
fn every_module_is_named_in_its_folder_doc() {
    let tree = Tree::new();
    let mut missing = Vec::new();
    for module in &tree.modules {
        for child in &module.children {
            let named = [format!("{child}.rs"), format!("{child}/"), format!("`{child}`")]
                .iter()
                .any(|form| module.doc.contains(form.as_str()));
            if !named {
                missing.push(format!("src/{}: `mod {child};`", module.file));
            }
        }
    }
    assert!(missing.is_empty(), "modules their folder's doc comment does not name:\n  {}", missing.join("\n  "));
}

/// The longest a function of a dialect may be: past it, a function holds
/// more than one idea (a planner's phases, an inspector's queries) that
/// read better as functions of their own.
const LONGEST_DIALECT_FUNCTION: usize = 150;

#[test]
fn no_dialect_function_runs_past_150_lines() {
    struct Lengths(Vec<(String, usize)>);
    impl<'ast> Visit<'ast> for Lengths {
        fn visit_item(&mut self, item: &'ast syn::Item) {
            if !is_test(item_attrs(item)) {
                syn::visit::visit_item(self, item);
            }
        }
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            self.measure(&f.sig, &f.block);
            syn::visit::visit_item_fn(self, f);
        }
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            self.measure(&f.sig, &f.block);
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
    impl Lengths {
        /// From `fn` to the closing brace, doc comment aside.
        fn measure(&mut self, sig: &syn::Signature, block: &syn::Block) {
            let (start, end) = (sig.fn_token.span.start().line, block.brace_token.span.close().end().line);
            self.0.push((sig.ident.to_string(), end - start + 1));
        }
    }
    let mut long = Vec::new();
    let mut measured = 0;
    for module in Tree::new().modules.iter().filter(|m| m.file.starts_with("dialect/")) {
        let text = std::fs::read_to_string(src().join(&module.file)).unwrap();
        let mut lengths = Lengths(Vec::new());
        lengths.visit_file(&syn::parse_file(&text).unwrap());
        measured += lengths.0.len();
        for (name, lines) in lengths.0 {
            if lines > LONGEST_DIALECT_FUNCTION {
                long.push(format!("src/{}: {name} ({lines} lines)", module.file));
            }
        }
    }
    assert!(measured > 100, "{measured} functions measured");
    assert!(long.is_empty(), "functions over {LONGEST_DIALECT_FUNCTION} lines:\n  {}", long.join("\n  "));
}

#[test]
fn the_cycle_finder_finds_cycles_and_only_them() {
    let nodes: Vec<String> = ["a", "b", "c", "d"].iter().map(|n| n.to_string()).collect();
    let edges: BTreeSet<(usize, usize)> = [(0, 1), (1, 2), (2, 0), (2, 3)].into_iter().collect();
    assert_eq!(cycles(&nodes, &edges), [vec!["a".to_string(), "b".into(), "c".into()]]);
    let acyclic: BTreeSet<(usize, usize)> = [(0, 1), (1, 2), (0, 2), (2, 3)].into_iter().collect();
    assert!(cycles(&nodes, &acyclic).is_empty());
}
