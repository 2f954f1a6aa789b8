//! A progress line on standard error: trials done, rate and time left.
//! Drawn only when standard error is a terminal; silent otherwise. A
//! progress line that cannot be drawn (standard error closed, no thread
//! to spare) is simply not drawn: it is decoration, not a result.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Progress {
    pub done: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Progress {
    /// Start drawing progress towards `total` trials, unless `quiet` or
    /// standard error is not a terminal.
    pub fn start(total: u64, label: String, quiet: bool) -> Progress {
        let done = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handle = if !quiet && std::io::stderr().is_terminal() {
            let (done, stop) = (done.clone(), stop.clone());
            std::thread::Builder::new()
                .name("progress".into())
                .spawn(move || {
                    let t0 = Instant::now();
                    while !stop.load(Ordering::Relaxed) {
                        draw(&label, done.load(Ordering::Relaxed), total, t0.elapsed());
                        std::thread::sleep(Duration::from_millis(200));
                    }
                    draw(&label, done.load(Ordering::Relaxed), total, t0.elapsed());
                    let _ = writeln!(std::io::stderr());
                })
                .ok()
        } else {
            None
        };
        Progress { done, stop, handle }
    }

    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn draw(label: &str, done: u64, total: u64, elapsed: Duration) {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
    let left = if rate > 0.0 {
        (total.saturating_sub(done)) as f64 / rate
    } else {
        f64::NAN
    };
    let width = 30usize;
    let filled = if total > 0 {
        (done as usize * width / total as usize).min(width)
    } else {
        width
    };
    let bar: String = "#".repeat(filled) + &"-".repeat(width - filled);
    let eta = if left.is_finite() {
        format!("{left:.0}s left")
    } else {
        "…".into()
    };
    let mut e = std::io::stderr();
    let _ = write!(
        e,
        "\r{label} [{bar}] {done}/{total} trials  {rate:.0}/s  {eta}   "
    );
    let _ = e.flush();
}
