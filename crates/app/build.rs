//! Records the git commit the binary is built from, for `/version`.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=../../.git/HEAD");
    println!("cargo:rerun-if-changed=../../.git/refs/heads");
    println!("cargo:rerun-if-env-changed=SWITCHBOARD_GIT_COMMIT");
    let commit = std::env::var("SWITCHBOARD_GIT_COMMIT").ok().or_else(|| {
        let out = Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    });
    println!("cargo:rustc-env=SWITCHBOARD_GIT_COMMIT={}", commit.unwrap_or_default());
}
