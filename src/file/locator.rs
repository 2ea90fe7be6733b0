//! Where each key of a YAML document is, so that errors found after
//! deserialisation (an unknown column in an index, a dangling foreign key)
//! can still point at a line, and where a repeated key repeats; and the
//! exact text of plain scalars, which serde reads as numbers.

use std::collections::{HashMap, HashSet};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// 1-based line and column of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Default)]
pub struct Locator {
    keys: HashMap<Vec<String>, Position>,
    /// Keys that repeat within their mapping: path and position of the repeat.
    pub duplicates: Vec<(Vec<String>, Position)>,
}

impl Locator {
    /// Scans `text`. A document this parser can't read yields an empty
    /// locator: serde reports the syntax error with its own location.
    pub fn new(text: &str) -> Locator {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut builder, false).is_err() {
            return Locator::default();
        }
        builder.locator
    }

    /// The text of the plain (unquoted) scalar values at the `wanted` paths:
    /// `0.00` as written, where serde only says "the number 0".
    pub fn plain_scalars(text: &str, wanted: HashSet<Vec<String>>) -> HashMap<Vec<String>, String> {
        let mut builder = Builder { wanted, ..Builder::default() };
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut builder, false).is_err() {
            return HashMap::new();
        }
        builder.scalars
    }

    /// The position of the key at `path`, or of its nearest located ancestor.
    pub fn find(&self, path: &[&str]) -> Option<Position> {
        let mut path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        loop {
            if let Some(position) = self.keys.get(&path) {
                return Some(*position);
            }
            path.pop()?;
        }
    }
}

enum Frame {
    Mapping { key: Option<String>, seen: HashSet<String> },
    Sequence { index: usize },
}

#[derive(Default)]
struct Builder {
    locator: Locator,
    stack: Vec<Frame>,
    path: Vec<String>,
    /// Paths whose plain scalar values are kept in `scalars`.
    wanted: HashSet<Vec<String>>,
    scalars: HashMap<Vec<String>, String>,
}

impl Builder {
    /// Called when a complete value (scalar, mapping or sequence) has been
    /// read in the current container.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Mapping { key: key @ Some(_), .. }) => {
                *key = None;
                self.path.pop();
            }
            Some(Frame::Sequence { index }) => {
                *index += 1;
                self.path.pop();
            }
            _ => {}
        }
    }

    /// Called before a value starts, to extend the path for sequences.
    fn value_start(&mut self) {
        if let Some(Frame::Sequence { index }) = self.stack.last() {
            self.path.push(index.to_string());
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let position = Position { line: mark.line(), column: mark.col() + 1 };
        match event {
            Event::Scalar(text, style, ..) => {
                if let Some(Frame::Mapping { key: key @ None, seen }) = self.stack.last_mut() {
                    self.path.push(text.clone());
                    if seen.insert(text.clone()) {
                        self.locator.keys.insert(self.path.clone(), position);
                    } else {
                        self.locator.duplicates.push((self.path.clone(), position));
                    }
                    *key = Some(text);
                    return;
                }
                if style == TScalarStyle::Plain && self.wanted.contains(&self.path) {
                    self.scalars.insert(self.path.clone(), text);
                }
                self.value_start();
                self.value_done();
            }
            Event::Alias(_) => {
                self.value_start();
                self.value_done();
            }
            Event::MappingStart(..) => {
                self.value_start();
                self.stack.push(Frame::Mapping { key: None, seen: HashSet::new() });
            }
            Event::SequenceStart(..) => {
                self.value_start();
                self.stack.push(Frame::Sequence { index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "tables:\n  users:\n    columns:\n      id: { type: integer }\n      name: { type: text }\n    indexes:\n      i: { columns: [name] }\n";

    #[test]
    fn finds_keys_block_and_flow() {
        let locator = Locator::new(DOC);
        assert_eq!(locator.find(&["tables", "users", "columns", "name"]), Some(Position { line: 5, column: 7 }));
        assert_eq!(locator.find(&["tables", "users", "columns", "id", "type"]).unwrap().line, 4);
        assert_eq!(locator.find(&["tables", "users", "indexes", "i", "columns"]).unwrap().line, 7);
        // Unknown leaf: nearest ancestor.
        assert_eq!(locator.find(&["tables", "users", "nope"]).unwrap().line, 2);
    }

    #[test]
    fn reports_duplicate_keys() {
        let locator = Locator::new("tables:\n  a: {}\n  a: {}\n");
        assert_eq!(
            locator.duplicates,
            [(vec!["tables".to_string(), "a".to_string()], Position { line: 3, column: 3 })]
        );
    }
}
