//! The `gasdep` binary: parse arguments, run, exit with the command's code.
//!
//! Nothing here prints with `println!`: every write goes through
//! `gasdep::cli::output`, which turns a stream that cannot be written into
//! exit 2 (or 141 when the reader closed a pipe), never a panic.
use clap::Parser;

fn main() {
    let cli = match gasdep::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // A bad command line, or --help and --version.
        Err(e) => std::process::exit(gasdep::cli::output::usage(e)),
    };
    let command_line = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    std::process::exit(gasdep::cli::main_with(cli, command_line));
}
