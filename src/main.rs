//! The `gasdep` binary: parse arguments, run, exit with the command's code.
//!
//! Nothing here prints with `println!`: every write goes through
//! `gasdep::cli::output`, which turns a stream that cannot be written into
//! exit 2 (or 141 when the reader closed a pipe), never a panic.
use clap::Parser;

fn main() {
    limit_malloc_arenas();
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

/// glibc's allocator gives threads their own arenas, up to 8 per core, and
/// each arena reserves 64 MB of address space. Under an address-space
/// limit (`ulimit -v`) the arenas of a run's worker threads (up to 4 per
/// core) could exhaust it, and a failed allocation aborts a Rust program
/// (exit 134, no message). One arena per core bounds that reservation;
/// threads beyond the cores cannot run at once anyway, so sharing arenas
/// costs them little. `MALLOC_ARENA_MAX`, when set, is left to decide.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt sets a tuning parameter of the allocator; it is
    // called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
