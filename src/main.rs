//! The `dbshape` command line: a thin layer (`cli/`) over the library,
//! which does all the work.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
