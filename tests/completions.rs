//! The completion scripts in `completions/` must be what the current CLI generates, and must
//! complete: bash's and fish's are run, as a shell runs them at a Tab.

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

/// What bash's completion function offers for the words typed, the cursor on the last.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/grpc-convo.bash");
    let words_quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.len() - 1;
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={current}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n\
         _grpc__convo grpc-convo '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words_quoted.join(" "),
        words.join(" "),
        words[current],
        words[current - 1],
    );
    let output = std::process::Command::new("bash")
        .args(["--norc", "-c", &program])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_a_subcommands_flags_and_their_values() {
    assert_eq!(bash_completes(&["grpc-convo", "as"]), ["ask"]);
    let flags = bash_completes(&["grpc-convo", "ask", "--me"]);
    assert_eq!(flags, ["--method"], "{flags:?}");
    let encodings = bash_completes(&["grpc-convo", "ask", "--compress", ""]);
    assert_eq!(encodings, ["gzip", "zstd"], "{encodings:?}");
    let nested = bash_completes(&["grpc-convo", "bench", "merge", "--ou"]);
    assert!(nested.iter().any(|f| f == "--output"), "{nested:?}");
}

/// fish's own completion of the words typed, where fish is installed (the interop set-up
/// installs it); `None` without it.
fn fish_completes(line: &str) -> Option<Vec<String>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/grpc-convo.fish");
    let program = format!("source '{}'; complete -C '{line}'", script.display());
    let output = std::process::Command::new("fish")
        .args(["-c", &program])
        .output();
    let Ok(output) = output else {
        eprintln!("SKIP fish's completion: fish is not installed");
        return None;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let words = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.split('\t').next().unwrap_or_default().to_owned())
        .collect();
    Some(words)
}

#[test]
fn fish_completes_a_subcommands_flags_and_their_values() {
    let Some(flags) = fish_completes("grpc-convo ask --me") else {
        return;
    };
    assert_eq!(flags, ["--method"]);
    assert_eq!(
        fish_completes("grpc-convo ask --compress ").unwrap(),
        ["gzip", "zstd"]
    );
}
