//! The `gasdep` binary: parse arguments, run, exit with the command's code.
use clap::Parser;

fn main() {
    let cli = gasdep::cli::Cli::parse();
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    std::process::exit(gasdep::cli::main_with(cli, command_line));
}
