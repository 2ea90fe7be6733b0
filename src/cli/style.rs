//! Colour for people on a terminal, plain text for everyone else:
//! `--color auto|always|never`, and `NO_COLOR` (https://no-color.org) wins
//! over `auto`.

use clap::ValueEnum;
use std::io::IsTerminal;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and NO_COLOR is unset
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn new(choice: ColorChoice) -> Style {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        };
        Style { color }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    pub fn added(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn removed(self, text: &str) -> String {
        self.paint("31", text)
    }

    pub fn changed(self, text: &str) -> String {
        self.paint("33", text)
    }

    pub fn danger(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// By the change marker: `+` green, `-` red, `~` yellow.
    pub fn marked(self, marker: char, text: &str) -> String {
        match marker {
            '+' => self.added(text),
            '-' => self.removed(text),
            _ => self.changed(text),
        }
    }
}
