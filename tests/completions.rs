//! The completion scripts in `completions/` must be what the current CLI generates.

mod common;

use std::{fs, path::Path};

const SHELLS: [(&str, &str); 5] = [
    ("bash", "grpc-convo.bash"),
    ("zsh", "_grpc-convo"),
    ("fish", "grpc-convo.fish"),
    ("powershell", "_grpc-convo.ps1"),
    ("elvish", "grpc-convo.elv"),
];

const REFRESH: &str = "UPDATE_COMPLETIONS=1 cargo test --test completions --test manpages";

#[test]
fn committed_completions_match_the_cli() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let output = common::bin().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "completions {shell} failed");
        assert!(
            !output.stdout.is_empty(),
            "completions {shell} printed nothing"
        );
        let path = dir.join(file);
        if update {
            fs::write(&path, &output.stdout).unwrap();
        } else if fs::read(&path).ok().as_deref() != Some(&output.stdout[..]) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions/{} differ from what the CLI generates; refresh them with `{REFRESH}`",
        stale.join(", completions/")
    );
}

#[test]
fn a_closed_stdout_is_no_panic() {
    use std::io::Read;
    let mut child = common::bin()
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing: the pipe closes before the script is written, as `| head -0` would.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = common::wait_limited(&mut child);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
