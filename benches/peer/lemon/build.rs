//! Compiles src/shim.cpp (our own few lines around LEMON's NetworkSimplex,
//! so that the solve can be timed apart from building the graph) against
//! the LEMON headers that the mcmf crate vendors: the mcmf sources cargo
//! unpacked under `$CARGO_HOME/registry/src/*/` (CARGO_HOME defaults to
//! ~/.cargo), or the directory named by `GASDEP_MCMF_DIR`.
use std::path::{Path, PathBuf};

const MCMF: &str = "mcmf-2.0.0"; // the version pinned in Cargo.toml

fn has_headers(dir: &Path) -> bool {
    dir.join("lemon").join("network_simplex.h").exists()
}

fn mcmf_dir() -> PathBuf {
    println!("cargo:rerun-if-env-changed=GASDEP_MCMF_DIR");
    if let Some(d) = std::env::var_os("GASDEP_MCMF_DIR") {
        let d = PathBuf::from(d);
        assert!(
            has_headers(&d),
            "GASDEP_MCMF_DIR={}: no lemon/network_simplex.h there",
            d.display()
        );
        return d;
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("neither CARGO_HOME nor HOME is set");
    let src = home.join("registry").join("src");
    let found = std::fs::read_dir(&src)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join(MCMF))
        .find(|d| has_headers(d));
    found.unwrap_or_else(|| {
        panic!(
            "no {MCMF} sources under {}/*/ (set GASDEP_MCMF_DIR to the unpacked crate)",
            src.display()
        )
    })
}

fn main() {
    let dir = mcmf_dir();
    cc::Build::new()
        .cpp(true)
        .opt_level(3)
        .include(&dir)
        .file("src/shim.cpp")
        .warnings(false)
        .compile("gasdep_peer_lemon_shim");
    println!("cargo:rerun-if-changed=src/shim.cpp");
}
