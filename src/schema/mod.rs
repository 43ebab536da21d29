//! Where a method's types come from: the built-in tutorial proto, `--proto` files parsed at run
//! time (protox, no protoc), `--protoset` files, or the server's reflection; and what they say:
//! the methods, their kinds, `list` and `describe`.

mod compile;
pub mod describe;
pub mod reflect;
pub mod upstream;

use std::{fmt, path::PathBuf, str::FromStr, sync::LazyLock};

use prost::Message;
use prost_reflect::{DescriptorPool, MethodDescriptor};

use crate::{error::Usage, proto, tutorial};

/// A method as users write it: `pkg.Service/Method` or `pkg.Service.Method` (grpcurl's forms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodName {
    pub service: String,
    pub method: String,
}

impl FromStr for MethodName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim_start_matches('/');
        let split = text.rsplit_once('/').or_else(|| text.rsplit_once('.'));
        match split {
            Some((service, method))
                if !service.is_empty() && !method.is_empty() && !service.contains('/') =>
            {
                Ok(MethodName {
                    service: service.to_owned(),
                    method: method.to_owned(),
                })
            }
            _ => Err(format!(
                "'{text}' is not a method: write it as pkg.Service/Method or pkg.Service.Method"
            )),
        }
    }
}

impl MethodName {
    /// Whether this is the tutorial's method, which needs no reflection.
    pub fn is_tutorial(&self) -> bool {
        self.service == tutorial::SERVICE && self.method == tutorial::CONVERSATIONS
    }
}

impl fmt::Display for MethodName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.service, self.method)
    }
}

/// Whether the tutorial's proto joins the files a schema is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tutorial {
    /// Only what the files define (serve --proto, list, describe).
    Apart,
    /// The tutorial's method too, as ask and bench call it by default.
    Joins,
}

/// How a method's calls go: which sides stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CallKind {
    Unary,
    ClientStreaming,
    ServerStreaming,
    Bidirectional,
}

impl CallKind {
    pub fn of(method: &MethodDescriptor) -> CallKind {
        match (method.is_client_streaming(), method.is_server_streaming()) {
            (false, false) => CallKind::Unary,
            (true, false) => CallKind::ClientStreaming,
            (false, true) => CallKind::ServerStreaming,
            (true, true) => CallKind::Bidirectional,
        }
    }
}

impl fmt::Display for CallKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CallKind::Unary => "unary",
            CallKind::ClientStreaming => "client-streaming",
            CallKind::ServerStreaming => "server-streaming",
            CallKind::Bidirectional => "bidirectional",
        })
    }
}

/// The files named on the command line.
#[derive(Clone, Debug, Default)]
pub struct SchemaFiles {
    pub protos: Vec<PathBuf>,
    pub import_paths: Vec<PathBuf>,
    pub protosets: Vec<PathBuf>,
}

impl SchemaFiles {
    pub fn is_empty(&self) -> bool {
        self.protos.is_empty() && self.protosets.is_empty()
    }
}

/// What grpc-convo knows of the server's types.
#[derive(Clone, Debug)]
pub struct Schema {
    pool: DescriptorPool,
}

impl Schema {
    /// The tutorial's proto, compiled into the binary.
    pub fn builtin() -> Schema {
        // Built once: a pool is shared by its clones. The file's options (go_package, for Go's
        // generator) are left out: resolving any option builds prost-reflect's pool of
        // well-known types, which cost `echo hi | ask` 0.7 ms of its 4.6.
        static BUILTIN: LazyLock<DescriptorPool> = LazyLock::new(|| {
            let mut set = prost_types::FileDescriptorSet::decode(proto::FILE_DESCRIPTOR_SET)
                .expect("the descriptors compiled into this binary decode");
            for file in &mut set.file {
                file.options = None;
            }
            DescriptorPool::from_file_descriptor_set(set)
                .expect("the descriptors compiled into this binary are valid")
        });
        Schema {
            pool: BUILTIN.clone(),
        }
    }

    /// `--protoset` and `--proto` files; with [`Tutorial::Joins`], the tutorial's proto joins
    /// them unless they define its service themselves, which then shadows it.
    pub fn from_files(files: &SchemaFiles, tutorial: Tutorial) -> Result<Schema, Usage> {
        let mut pool = DescriptorPool::new();
        for path in &files.protosets {
            let bytes = std::fs::read(path).map_err(|err| {
                Usage(format!(
                    "--protoset {}: cannot read it: {err}",
                    path.display()
                ))
            })?;
            let set = prost_types::FileDescriptorSet::decode(bytes.as_slice()).map_err(|err| {
                Usage(format!(
                    "--protoset {}: not a FileDescriptorSet: {err}",
                    path.display()
                ))
            })?;
            pool.add_file_descriptor_set(set)
                .map_err(|err| Usage(format!("--protoset {}: {err}", path.display())))?;
        }
        if !files.protos.is_empty() {
            let set = compile::compile(&files.protos, &files.import_paths)?;
            pool.add_file_descriptor_set(set)
                .map_err(|err| Usage(format!("--proto: {err}")))?;
        }
        let mut schema = Schema { pool };
        if tutorial == Tutorial::Joins {
            schema.add_builtin_unless_shadowed();
        }
        Ok(schema)
    }

    /// The files' schema if any file was named; `None` means the server's reflection must say.
    pub fn from_files_given(
        files: &SchemaFiles,
        tutorial: Tutorial,
    ) -> Result<Option<Schema>, Usage> {
        match files.is_empty() {
            true => Ok(None),
            false => Schema::from_files(files, tutorial).map(Some),
        }
    }

    /// From descriptors a server sent.
    pub(crate) fn from_pool(pool: DescriptorPool) -> Schema {
        Schema { pool }
    }

    fn add_builtin_unless_shadowed(&mut self) {
        let service = tutorial::SERVICE;
        if self.pool.get_service_by_name(service).is_none() {
            let builtin = Schema::builtin().pool;
            let files = builtin
                .files()
                .map(|file| file.file_descriptor_proto().clone());
            // A file of the same name as the built-in one but other content is the user's.
            let _ = self.pool.add_file_descriptor_protos(files);
        }
    }

    pub fn pool(&self) -> &DescriptorPool {
        &self.pool
    }

    /// The method, or a usage error naming it and what there is instead: the service's methods
    /// when the service is there, else the services.
    pub fn method(&self, name: &MethodName) -> Result<MethodDescriptor, Usage> {
        let Some(service) = self.pool.get_service_by_name(&name.service) else {
            return Err(Usage(format!(
                "no method {name} here; the services are: {}",
                self.services().join(", ")
            )));
        };
        let found = service.methods().find(|m| m.name() == name.method);
        found.ok_or_else(|| {
            let methods: Vec<String> = service.methods().map(|m| m.name().to_owned()).collect();
            Usage(format!(
                "no method {name} here; the methods of {} are: {}",
                name.service,
                methods.join(", ")
            ))
        })
    }

    /// The methods of `service` as `pkg.Service.Method`, in the order the service declares them.
    pub fn methods_of(&self, service: &str) -> Result<Vec<String>, Usage> {
        let found = self
            .pool
            .get_service_by_name(service.trim_start_matches('.'));
        let service = found.ok_or_else(|| {
            Usage(format!(
                "no service {service}; the services are: {}",
                self.services().join(", ")
            ))
        })?;
        Ok(service
            .methods()
            .map(|m| m.full_name().to_owned())
            .collect())
    }

    /// Every service, sorted by full name.
    pub fn services(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .pool
            .services()
            .map(|s| s.full_name().to_owned())
            .collect();
        names.sort();
        names
    }
}

/// `--proto` files parsed by protox. Each file's own directory is searched after the
/// `--import-path`s, so that a file beside its imports needs no flag.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorials_method_is_known_in_both_forms() {
        for form in [tutorial::METHOD, "proto.Stream.Conversations"] {
            assert!(form.parse::<MethodName>().unwrap().is_tutorial(), "{form}");
        }
        assert!(
            !"proto.Stream/Other"
                .parse::<MethodName>()
                .unwrap()
                .is_tutorial()
        );
    }

    #[test]
    fn methods_take_both_of_grpcurls_forms() {
        let want = MethodName {
            service: "pkg.Svc".into(),
            method: "Do".into(),
        };
        assert_eq!("pkg.Svc/Do".parse::<MethodName>(), Ok(want.clone()));
        assert_eq!("pkg.Svc.Do".parse::<MethodName>(), Ok(want.clone()));
        assert_eq!("/pkg.Svc/Do".parse::<MethodName>(), Ok(want));
        for bad in ["", "Do", "pkg.Svc/", "/Do", "a/b/c"] {
            assert!(bad.parse::<MethodName>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_builtin_schema_knows_the_tutorial_method_as_bidirectional() {
        let schema = Schema::builtin();
        let method = schema.method(&tutorial::METHOD.parse().unwrap()).unwrap();
        assert_eq!(CallKind::of(&method), CallKind::Bidirectional);
        let missing = schema
            .method(&"proto.Stream/Nope".parse().unwrap())
            .unwrap_err();
        assert_eq!(
            missing.to_string(),
            "no method proto.Stream/Nope here; the methods of proto.Stream are: Conversations"
        );
        let missing = schema.method(&"no.Such/Nope".parse().unwrap()).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "no method no.Such/Nope here; the services are: proto.Stream"
        );
    }
}
