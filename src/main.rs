//! The `gasdep` binary: parse arguments, run, exit with the command's code.
use clap::Parser;

fn main() {
    // Output piped into a program that stops reading (`gasdep … | head`) is
    // not an error: leave quietly, as a Unix tool does on SIGPIPE.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or("");
        if text.contains("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info);
    }));
    let cli = gasdep::cli::Cli::parse();
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    std::process::exit(gasdep::cli::main_with(cli, command_line));
}
