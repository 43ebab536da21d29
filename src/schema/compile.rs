//! `--proto` files compiled at run time with protox, and its errors told as a compiler tells
//! them: `file:line:column`, what is wrong, and the text it is wrong about; for an import that
//! is not found, the file that imports it, where it was looked for, and the `-I` that would find
//! it.

use std::path::{Path, PathBuf};

use miette::Diagnostic;

use crate::error::Usage;

/// The files, with their imports, each `--proto` file's own directory searched after `-I`. A
/// `--proto` that is not there as written is looked up under each `-I`, as protoc and grpcurl
/// do (`-I vendor --proto go.etcd.io/etcd/api/etcdserverpb/rpc.proto`).
pub(super) fn compile(
    protos: &[PathBuf],
    import_paths: &[PathBuf],
) -> Result<prost_types::FileDescriptorSet, Usage> {
    let mut includes: Vec<PathBuf> = import_paths.to_vec();
    for proto in protos {
        if !proto.exists() {
            if import_paths.iter().any(|dir| dir.join(proto).is_file()) {
                continue;
            }
            let under = match import_paths {
                [] => String::new(),
                dirs => {
                    let dirs: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
                    format!(", nor under -I {}", dirs.join(" or "))
                }
            };
            return Err(Usage(format!(
                "--proto {}: no such file{under}",
                proto.display()
            )));
        }
        let dir = proto
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !includes.iter().any(|known| known == dir) {
            includes.push(dir.to_owned());
        }
    }
    protox::compile(protos, &includes).map_err(|err| Usage(told(&err, &includes)))
}

/// One line: where, what, and about which text.
fn told(err: &protox::Error, includes: &[PathBuf]) -> String {
    let what = err.to_string();
    let Some(place) = place(err) else {
        return format!("--proto: {what}");
    };
    let file = shown(&place.file, includes);
    let at = format!("{file}:{}:{}", place.line, place.column);
    if let Some(import) = what
        .strip_prefix("import '")
        .and_then(|rest| rest.strip_suffix("' not found"))
    {
        let searched: Vec<String> = includes.iter().map(|d| d.display().to_string()).collect();
        return format!(
            "--proto: {at}: {file} imports '{import}', not found in {}: give the directory \
             that holds it with -I DIR",
            searched.join(" or ")
        );
    }
    match place.text.trim() {
        "" => format!("--proto: {at}: {what}"),
        text => format!("--proto: {at}: {what} (at '{text}')"),
    }
}

/// Where a diagnostic points: its file, line and column (from 1), and the text there.
struct Place {
    file: String,
    line: usize,
    column: usize,
    text: String,
}

fn place(err: &protox::Error) -> Option<Place> {
    let label = err.labels()?.next()?;
    let source = err.source_code()?;
    let lines = source.read_span(label.inner(), 0, 0).ok()?;
    let start = label.offset().checked_sub(lines.span().offset())?;
    let text = lines.data().get(start..start + label.len())?;
    Some(Place {
        file: lines
            .name()
            .or_else(|| err.file())
            .unwrap_or("?")
            .to_owned(),
        line: lines.line() + 1,
        column: lines.column() + 1,
        text: String::from_utf8_lossy(text).into_owned(),
    })
}

/// A file protox names by its path under an include directory, as the user can find it.
fn shown(name: &str, includes: &[PathBuf]) -> String {
    includes
        .iter()
        .map(|dir| dir.join(name))
        .find(|path| path.exists())
        .map_or_else(
            || name.to_owned(),
            |path| {
                path.strip_prefix(".")
                    .unwrap_or(&path)
                    .display()
                    .to_string()
            },
        )
}
