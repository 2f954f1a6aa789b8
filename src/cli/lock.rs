//! One writer per output folder, and the clean-up of what killed writers
//! left behind.
//!
//! A command that writes a folder `DIR/NAME` first takes an exclusive lock
//! on `DIR/.NAME.lock` ([`OutputLock`]) and holds it until its result is
//! renamed into place. A second gasdep process with the same output is
//! refused at once (exit 2) instead of racing the first to the final
//! rename; the overwrite check is made again under the lock just before
//! that rename, so the decision and the rename cannot be separated by
//! another gasdep run. The lock is `flock`-style: the kernel releases it
//! when its holder dies, even by SIGKILL, so a stale lock file never
//! blocks anyone; the holder removes the file when it is done.
//!
//! Under the lock, [`clean_stale`] removes the `.NAME.partial-PID` folders
//! of processes that no longer run (a run killed with SIGKILL), and puts
//! back a previous result a killed process had moved aside
//! (`.NAME.old-PID`) when `NAME` itself is missing.

use super::Failure;
use crate::report::export::{OLD, PARTIAL, temporary_of};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// An exclusive lock on an output folder's name; released on drop.
pub struct OutputLock {
    path: PathBuf,
    file: File,
}

fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn leaf(target: &Path) -> Result<String, Failure> {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            Failure::Input(format!(
                "output {} has no folder name: choose another --out",
                target.display()
            ))
        })
}

/// Whether the open file is still the one at `path` (the previous holder
/// may have removed it between our open and our lock).
#[cfg(unix)]
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_at(_: &File, _: &Path) -> bool {
    true
}

impl OutputLock {
    /// Lock the output folder `target` (its parent folder is created), or
    /// refuse when another process holds it.
    pub fn acquire(target: &Path) -> Result<OutputLock, Failure> {
        let cannot = |what: &str, e: std::io::Error| {
            Failure::Input(format!("cannot {what} {}: {e}", target.display()))
        };
        let parent = parent_of(target);
        std::fs::create_dir_all(parent).map_err(|e| cannot("create", e))?;
        let path = parent.join(format!(".{}.lock", leaf(target)?));
        // A few rounds at most: each one means another process just
        // released the lock and removed its file.
        for _ in 0..100 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| cannot("create", e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let who = if holder.is_empty() {
                        String::new()
                    } else {
                        format!(" (process {holder})")
                    };
                    return Err(Failure::Input(format!(
                        "another gasdep process{who} is writing {}: wait for it to finish, or choose another --out",
                        target.display()
                    )));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(cannot("lock", e)),
            }
            if is_at(&file, &path) {
                // Who holds it, for the message of a process refused.
                let _ = file.set_len(0);
                let _ = file.rewind();
                let _ = write!(file, "{}", std::process::id());
                return Ok(OutputLock { path, file });
            }
            // Removed by its previous holder after we opened it: try again.
        }
        Err(Failure::Input(format!(
            "cannot lock {}: {} keeps changing",
            target.display(),
            path.display()
        )))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Remove the file while still holding it, so that a process
        // waiting on this inode sees it gone and opens a fresh one.
        if is_at(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
        let _ = self.file.unlock();
    }
}

/// Whether process `pid` is running on this machine.
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_: u32) -> bool {
    true
}

/// Under the lock of `target`: remove the partial folders of dead
/// processes, and restore a moved-aside result when `target` is missing.
/// Returns a note per folder handled.
pub fn clean_stale(target: &Path) -> Result<Vec<String>, Failure> {
    let parent = parent_of(target);
    let name = leaf(target)?;
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(Vec::new());
    };
    let mut found: Vec<(PathBuf, &str, u32)> = entries
        .flatten()
        .filter_map(|e| {
            let file_name = e.file_name().to_string_lossy().into_owned();
            let (of, kind, pid) = temporary_of(&file_name)?;
            (of == name && pid != std::process::id() && !alive(pid)).then_some((
                e.path(),
                kind,
                pid,
            ))
        })
        .collect();
    // Moved-aside results first: one may have to be put back.
    found.sort_by_key(|f| f.1 != OLD);
    let mut notes = Vec::new();
    for (path, kind, pid) in found {
        let shown = path.display();
        if kind == OLD && !target.exists() {
            std::fs::rename(&path, target).map_err(|e| {
                Failure::Input(format!(
                    "cannot restore {shown} to {}: {e}",
                    target.display()
                ))
            })?;
            notes.push(format!(
                "note: restored {} from {shown}, left by process {pid} that was killed while replacing it",
                target.display()
            ));
        } else {
            debug_assert!(kind == OLD || kind == PARTIAL);
            std::fs::remove_dir_all(&path)
                .map_err(|e| Failure::Input(format!("cannot remove stale {shown}: {e}")))?;
            notes.push(format!(
                "note: removed {shown}, left by process {pid} that no longer runs"
            ));
        }
    }
    Ok(notes)
}

/// `path` made absolute with symbolic links resolved, as far as it exists.
pub fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            resolved(parent).join(name)
        }
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// Refuse an output folder that is one of the inputs, holds one, or lies
/// inside one: replacing it would destroy what the command reads.
pub fn refuse_output_among_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), Failure> {
    let o = resolved(out);
    for input in inputs {
        let i = resolved(input);
        let how = if i == o {
            "is"
        } else if i.starts_with(&o) {
            "holds"
        } else if o.starts_with(&i) {
            "is inside"
        } else {
            continue;
        };
        return Err(Failure::Input(format!(
            "--out {} {how} the input {}: writing there would destroy it; choose another --out",
            out.display(),
            input.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_output_is_refused_and_the_file_goes() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("run");
        let first = OutputLock::acquire(&target).unwrap();
        let Err(Failure::Input(m)) = OutputLock::acquire(&target) else {
            panic!("second lock granted");
        };
        assert!(m.contains("another gasdep process"), "{m}");
        assert!(m.contains(&std::process::id().to_string()), "{m}");
        // Another output in the same folder is independent.
        let other = OutputLock::acquire(&tmp.path().join("other")).unwrap();
        drop(first);
        drop(other);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
        drop(OutputLock::acquire(&target).unwrap());
    }

    #[test]
    fn outputs_among_inputs_are_found() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        std::fs::create_dir(&a).unwrap();
        let inputs = [a.clone()];
        assert!(refuse_output_among_inputs(&a, &inputs).is_err());
        assert!(refuse_output_among_inputs(&a.join("x"), &inputs).is_err());
        assert!(refuse_output_among_inputs(tmp.path(), &inputs).is_err());
        assert!(refuse_output_among_inputs(&a.join("../a/."), &inputs).is_err());
        assert!(refuse_output_among_inputs(&tmp.path().join("b"), &inputs).is_ok());
    }
}
