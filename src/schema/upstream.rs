//! One upstream, as web and proxy use it: a channel every conversation and page load shares
//! (connected when first needed; tonic reconnects it after it breaks), and the schemas found
//! there, each looked up once and kept for `FRESH`, so that a warm gateway's conversation costs
//! one stream and no round trips before its first question.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use tokio::sync::OnceCell;

use crate::{
    error::lock,
    net::Channel,
    net::{CallSetup, ConnectConfig, connect},
    schema::{MethodName, Schema, SchemaFiles, Tutorial, reflect},
};

/// How long a schema found by reflection is trusted: an upstream deployed again with changed
/// messages is asked again within this long, without a page load having to notice.
const FRESH: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct Upstream {
    connect: ConnectConfig,
    files: SchemaFiles,
    channel: OnceCell<Channel>,
    /// The files' schema, with the tutorial's proto joined (for calls) and apart (for the list).
    joined: OnceCell<Option<Schema>>,
    apart: OnceCell<Option<Schema>>,
    /// By service: the schema reflection gave, and when.
    reflected: Mutex<HashMap<String, (Schema, Instant)>>,
}

impl Upstream {
    pub fn new(connect: ConnectConfig, files: SchemaFiles) -> Upstream {
        Upstream {
            connect,
            files,
            channel: OnceCell::new(),
            joined: OnceCell::new(),
            apart: OnceCell::new(),
            reflected: Mutex::default(),
        }
    }

    /// The shared channel; a first connection that fails is tried again by the next caller.
    pub async fn channel(&self) -> anyhow::Result<Channel> {
        let connected = self.channel.get_or_try_init(|| async {
            let (channel, _) = connect(&self.connect).await?;
            anyhow::Ok(channel)
        });
        Ok(connected.await?.clone())
    }

    /// Every schema of what the upstream offers: the files' (the tutorial's proto apart), or
    /// each service's by reflection, asked again each time so that services added since are
    /// seen (each one's schema comes from the cache).
    pub async fn schemas(&self, call: &CallSetup) -> anyhow::Result<Vec<Schema>> {
        if let Some(schema) = self.files(Tutorial::Apart).await? {
            return Ok(vec![schema]);
        }
        let channel = self.channel().await?;
        let mut schemas = Vec::new();
        for service in reflect::services(&channel, call).await? {
            schemas.push(self.reflected(&service, call).await?);
        }
        Ok(schemas)
    }

    /// The files' schema, read once; `None` when none were given.
    pub async fn files(&self, tutorial: Tutorial) -> anyhow::Result<Option<Schema>> {
        let cell = match tutorial {
            Tutorial::Joins => &self.joined,
            Tutorial::Apart => &self.apart,
        };
        let read =
            cell.get_or_try_init(|| async { Schema::from_files_given(&self.files, tutorial) });
        Ok(read.await?.clone())
    }

    /// The schema that knows `method`, as ask finds it: the files' when given, else the
    /// built-in proto for the tutorial's method, else the upstream's reflection, asked once per
    /// service while it stays fresh.
    pub async fn schema(&self, method: &MethodName, call: &CallSetup) -> anyhow::Result<Schema> {
        if let Some(schema) = self.files(Tutorial::Joins).await? {
            return Ok(schema);
        }
        if method.is_tutorial() {
            return Ok(Schema::builtin());
        }
        self.reflected(&method.service, call).await
    }

    /// The schema reflection gives for `service`, asked once while it stays fresh.
    pub async fn reflected(&self, service: &str, call: &CallSetup) -> anyhow::Result<Schema> {
        if let Some((schema, at)) = lock(&self.reflected).get(service)
            && at.elapsed() < FRESH
        {
            return Ok(schema.clone());
        }
        let channel = self.channel().await?;
        let schema = reflect::schema_for_symbol(&channel, call, service).await?;
        let found = (schema.clone(), Instant::now());
        lock(&self.reflected).insert(service.to_owned(), found);
        Ok(schema)
    }
}
