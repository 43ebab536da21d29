//! The method ask (or bench) calls and how its messages map to lines: found in the built-in
//! proto, in the files named on the command line, or by asking the server (reflection).

use prost_reflect::{MessageDescriptor, MethodDescriptor};
use tonic::codegen::http::uri::PathAndQuery;

use crate::net::CallSetup;
use crate::{
    error::Usage,
    mapping::{self, MappingArgs, ToLine, ToMessage},
    net::Channel,
    schema::{self, CallKind, MethodName, Schema, SchemaFiles, Tutorial},
};

/// Everything about the method that a call needs.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub(crate) path: PathAndQuery,
    pub(crate) kind: CallKind,
    pub(crate) requests: ToMessage,
    pub(crate) answers: ToLine,
    /// The request message, for whole requests in JSON beside lines (web's `request`).
    pub(crate) request_type: MessageDescriptor,
    /// The method, for the transcript's types.
    pub(crate) method: MethodDescriptor,
}

/// What the user named.
#[derive(Clone, Debug)]
pub struct MethodArgs {
    pub method: MethodName,
    pub files: SchemaFiles,
    pub mapping: MappingArgs,
}

/// The method's target, with `bidirectional_only` as in [`target`].
pub(crate) async fn resolve(
    args: &MethodArgs,
    channel: &Channel,
    call: &CallSetup,
    bidirectional_only: &[(&str, bool)],
) -> anyhow::Result<Target> {
    let schema = schema(args, channel, call).await?;
    Ok(in_schema(&schema, args, bidirectional_only)?)
}

/// The method's target when its types need no server (files, or the built-in proto), so that
/// what cannot be meant is refused before connecting; `None` when only reflection knows it.
pub(crate) fn resolve_locally(
    args: &MethodArgs,
    bidirectional_only: &[(&str, bool)],
) -> anyhow::Result<Option<Target>> {
    let Some(schema) = local_schema(args)? else {
        return Ok(None);
    };
    Ok(Some(in_schema(&schema, args, bidirectional_only)?))
}

/// The schema that knows the method: the files if any were named, else the built-in proto for
/// the tutorial's method, else the server's reflection.
async fn schema(args: &MethodArgs, channel: &Channel, call: &CallSetup) -> anyhow::Result<Schema> {
    match local_schema(args)? {
        Some(schema) => Ok(schema),
        None => schema::reflect::schema_for_symbol(channel, call, &args.method.service).await,
    }
}

fn local_schema(args: &MethodArgs) -> anyhow::Result<Option<Schema>> {
    let files = Schema::from_files_given(&args.files, Tutorial::Joins)?;
    Ok(files.or_else(|| args.method.is_tutorial().then(Schema::builtin)))
}

/// The method and its mappings, in `schema`. `--lockstep` and `--keep-open` are named by
/// `bidirectional_only` when given: only a bidirectional method can honour them.
pub(crate) fn in_schema(
    schema: &Schema,
    args: &MethodArgs,
    bidirectional_only: &[(&str, bool)],
) -> Result<Target, Usage> {
    let method = schema.method(&args.method)?;
    let kind = CallKind::of(&method);
    if let Some((flag, _)) = bidirectional_only.iter().find(|(_, on)| *on)
        && kind != CallKind::Bidirectional
    {
        return Err(Usage(format!(
            "{flag} is for bidirectional methods; {} is {kind}",
            args.method
        )));
    }
    let path = format!("/{}/{}", method.parent_service().full_name(), method.name());
    let path =
        PathAndQuery::try_from(path).map_err(|err| Usage(format!("{}: {err}", args.method)))?;
    Ok(Target {
        path,
        kind,
        requests: mapping::to_message(&method.input(), &args.mapping)?,
        answers: mapping::to_line(&method.output(), &args.mapping)?,
        request_type: method.input(),
        method,
    })
}
