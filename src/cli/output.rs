//! Standard output and standard error, every write checked.
//!
//! `println!` panics when its stream cannot be written (a full disk behind
//! `>`, a closed descriptor): exit 101, as if gasdep had a bug. Here a
//! write that fails is a [`Failure`]: exit 2 with a message on standard
//! error if that one still works, or the quiet exit 141 of a Unix tool
//! whose reader went away (`gasdep inspect … | head`).

use super::Failure;
use std::io::{self, Write};

fn failed(stream: &str, e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::ClosedPipe
    } else {
        Failure::Input(format!("cannot write to standard {stream}: {e}"))
    }
}

/// Write `text` to standard output and flush it.
pub fn out(text: &str) -> Result<(), Failure> {
    let mut o = io::stdout().lock();
    o.write_all(text.as_bytes())
        .and_then(|()| o.flush())
        .map_err(|e| failed("output", e))
}

/// Write `text` to standard error.
pub fn err(text: &str) -> Result<(), Failure> {
    let mut e = io::stderr().lock();
    e.write_all(text.as_bytes())
        .and_then(|()| e.flush())
        .map_err(|e| failed("error", e))
}

/// The exit code of a command's result, its message written to standard
/// error (if standard error cannot take it either, the code says enough).
pub fn finish(result: Result<(), Failure>) -> i32 {
    // Anything still buffered must reach its file: a failed flush is a
    // failed command.
    let result = result.and_then(|()| out(""));
    match result {
        Ok(()) => 0,
        Err(Failure::ClosedPipe) => Failure::ClosedPipe.code(),
        Err(f) => {
            let _ = err(&format!("{f}\n"));
            f.code()
        }
    }
}

/// Exit code after a command line that did not parse, or `--help` and
/// `--version` (clap's own output, to standard output or error).
pub fn usage(e: clap::Error) -> i32 {
    let stream = if e.use_stderr() { "error" } else { "output" };
    let printed = e.print().and_then(|()| io::stdout().flush());
    match printed {
        Ok(()) => e.exit_code(),
        Err(p) => finish(Err(failed(stream, p))),
    }
}
