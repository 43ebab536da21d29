//! The types of the methods serve answers, by path: a Connect call in JSON is turned into
//! protobuf and back with them. Made once, from the descriptors reflection serves.

use std::collections::HashMap;

use prost_reflect::{DescriptorPool, MethodDescriptor};

use crate::{schema::Schema, server::Config};

/// Each served method's descriptor, by its path (`/pkg.Service/Method`).
#[derive(Debug, Default)]
pub(in crate::server) struct Schemas(HashMap<String, MethodDescriptor>);

impl Schemas {
    /// The methods of every service in `pools`; the first pool to define a path wins.
    fn new(pools: impl IntoIterator<Item = DescriptorPool>) -> Schemas {
        let mut methods = HashMap::new();
        for pool in pools {
            for service in pool.services() {
                for method in service.methods() {
                    let path = format!("/{}/{}", service.full_name(), method.name());
                    methods.entry(path).or_insert(method);
                }
            }
        }
        Schemas(methods)
    }

    /// The methods `config` serves, with health's and reflection's.
    pub(in crate::server) fn of(config: &Config) -> Schemas {
        let encoded = [
            tonic_health::pb::FILE_DESCRIPTOR_SET,
            tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET,
        ];
        let builtin = encoded.map(DescriptorPool::decode).into_iter().flatten();
        let served = match (&config.replay, &config.bridges) {
            (Some(replays), _) => DescriptorPool::from_file_descriptor_set(replays.files()).ok(),
            (None, Some(bridges)) => {
                DescriptorPool::from_file_descriptor_set(bridges.files.clone()).ok()
            }
            (None, None) => Some(Schema::builtin().pool().clone()),
        };
        Schemas::new(served.into_iter().chain(builtin))
    }

    pub(super) fn method(&self, path: &str) -> Option<&MethodDescriptor> {
        self.0.get(path)
    }
}
