//! Compiles src/shim.cpp (our own few lines around LEMON's NetworkSimplex,
//! so that the solve can be timed apart from building the graph) against
//! the LEMON headers that the mcmf crate vendors. The headers are found
//! through `cargo metadata`, wherever cargo keeps the mcmf sources.
use std::path::PathBuf;
use std::process::Command;

fn mcmf_dir() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("Cargo.toml");
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let pkg = v["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "mcmf")
        .expect("mcmf among the packages");
    PathBuf::from(pkg["manifest_path"].as_str().expect("manifest_path"))
        .parent()
        .expect("the crate's directory")
        .to_path_buf()
}

fn main() {
    let dir = mcmf_dir();
    assert!(
        dir.join("lemon").join("network_simplex.h").exists(),
        "no LEMON headers under {}",
        dir.display()
    );
    cc::Build::new()
        .cpp(true)
        .opt_level(3)
        .include(&dir)
        .file("src/shim.cpp")
        .warnings(false)
        .compile("gasdep_peer_lemon_shim");
    println!("cargo:rerun-if-changed=src/shim.cpp");
}
