fn main() {
    std::process::exit(dbshape::cli::main());
}
