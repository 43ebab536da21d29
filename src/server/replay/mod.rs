//! `serve --replay`: a mock server from recordings. Every recorded method is served; a call is
//! matched to its method's recordings question by question (`play.rs`), and each recorded answer
//! goes once the question it followed is in. Reflection knows the recorded types.

mod play;

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, atomic::AtomicU64},
};

use prost::Message as _;
use prost_reflect::MethodDescriptor;
use prost_types::{FileDescriptorProto, FileDescriptorSet};

use crate::{
    error::Usage,
    recording::{FieldPath, Matcher, Recording, Side, Timing, read_paths},
    schema::CallKind,
};
pub(super) use play::replay;

/// The recordings served, by path.
pub struct Replays {
    paths: HashMap<String, Vec<Arc<Recorded>>>,
    timing: Timing,
    matcher: Matcher,
    files: FileDescriptorSet,
}

impl std::fmt::Debug for Replays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replays")
            .field("methods", &self.methods())
            .field("timing", &self.timing)
            .finish_non_exhaustive()
    }
}

/// One recording, its types, and how often it has answered (calls that match several take them
/// in turn).
struct Recorded {
    recording: Recording,
    method: Option<MethodDescriptor>,
    uses: AtomicU64,
}

impl Recorded {
    fn message(&self, side: Side) -> Option<prost_reflect::MessageDescriptor> {
        self.method.as_ref().map(|method| side.of(method))
    }
}

impl Replays {
    /// Reads every recording in `paths`; a field to ignore must be one of a recorded question's.
    pub fn load(
        paths: &[PathBuf],
        timing: Timing,
        ignore: Vec<FieldPath>,
    ) -> Result<Replays, Usage> {
        let mut by_path: HashMap<String, Vec<Arc<Recorded>>> = HashMap::new();
        let mut files = Vec::new();
        for recording in read_paths(paths)? {
            let method = recording.method_descriptor();
            for bytes in &recording.files {
                let file = FileDescriptorProto::decode(bytes.as_ref())
                    .map_err(|err| Usage(format!("{}: {err}", recording.place())))?;
                if !files
                    .iter()
                    .any(|known: &FileDescriptorProto| known.name == file.name)
                {
                    files.push(file);
                }
            }
            let path = recording.method.clone();
            let recorded = Recorded {
                recording,
                method,
                uses: AtomicU64::new(0),
            };
            by_path.entry(path).or_default().push(Arc::new(recorded));
        }
        for path in &ignore {
            let named = (by_path.values().flatten())
                .filter_map(|recorded| recorded.message(Side::Question))
                .any(|message| path.names_a_field_of(&message));
            if !named {
                return Err(Usage(format!(
                    "--match-ignore {path}: no recorded request has this field"
                )));
            }
        }
        Ok(Replays {
            paths: by_path,
            timing,
            matcher: Matcher { ignore },
            files: FileDescriptorSet { file: files },
        })
    }

    /// The recorded methods, as `pkg.Service/Method`, sorted.
    pub fn methods(&self) -> Vec<String> {
        let mut methods: Vec<String> = (self.paths.keys())
            .map(|path| path.trim_start_matches('/').to_owned())
            .collect();
        methods.sort();
        methods
    }

    /// How a recorded method's calls go, as its recordings say (their first that does).
    pub fn kind(&self, method: &str) -> Option<CallKind> {
        let recorded = self.recorded(&format!("/{method}"));
        recorded.iter().find_map(|recorded| recorded.recording.kind)
    }

    /// The services of the recorded methods, sorted.
    pub fn services(&self) -> Vec<String> {
        let mut services: Vec<String> = (self.methods().iter())
            .filter_map(|method| method.rsplit_once('/').map(|(s, _)| s.to_owned()))
            .collect();
        services.dedup();
        services
    }

    /// The recorded types, for reflection.
    pub fn files(&self) -> FileDescriptorSet {
        self.files.clone()
    }

    /// Whether every recorded method's types are known (reflection can describe them all).
    pub fn typed(&self) -> bool {
        (self.paths.values().flatten()).all(|recorded| recorded.method.is_some())
    }

    fn recorded(&self, path: &str) -> &[Arc<Recorded>] {
        self.paths.get(path).map(Vec::as_slice).unwrap_or_default()
    }
}
