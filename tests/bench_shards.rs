//! bench past one machine: N workers with `--shard K/N --start-at T --save FILE` make the load of
//! one bench, and `bench merge` adds their records into the report that bench would have
//! printed, percentiles exact (histograms added, never averaged).

mod common;

use std::{
    path::{Path, PathBuf},
    process::{Child, Output, Stdio},
    time::{Duration, SystemTime},
};

use base64::{Engine as _, engine::general_purpose::STANDARD as BASE64};
use common::*;
use hdrhistogram::{Histogram, serialization::Deserializer};
use serde_json::Value;

/// A scratch directory for one test's records.
struct Records(PathBuf);

impl Records {
    fn new(name: &str) -> Records {
        let dir =
            std::env::temp_dir().join(format!("grpc-convo-shards-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Records(dir)
    }

    fn path(&self, k: usize) -> String {
        self.0.join(format!("shard-{k}.json")).display().to_string()
    }
}

impl Drop for Records {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Unix seconds two seconds from now: time for every worker to connect first.
fn soon() -> String {
    let at = SystemTime::now() + Duration::from_secs(2);
    let seconds = at.duration_since(SystemTime::UNIX_EPOCH).unwrap();
    format!("{:.3}", seconds.as_secs_f64())
}

fn spawn_bench(args: &[&str]) -> Child {
    bin()
        .arg("bench")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// N workers of `args` at once, each saving its record; their outputs.
fn shards(args: &[&str], count: usize, records: &Records) -> Vec<Output> {
    let start = soon();
    let workers: Vec<Child> = (0..count)
        .map(|k| {
            let shard = format!("{k}/{count}");
            let save = records.path(k);
            let mine = ["--shard", &shard, "--start-at", &start, "--save", &save];
            spawn_bench(&[args, &mine].concat())
        })
        .collect();
    workers.into_iter().map(output_limited).collect()
}

fn merge(records: &Records, count: usize, extra: &[&str]) -> Output {
    let paths: Vec<String> = (0..count).map(|k| records.path(k)).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    run(&[&["bench", "merge"], &paths[..], extra].concat())
}

fn json(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout)
        .unwrap_or_else(|err| panic!("{err}: {stdout}\n{}", stderr_text(output)))
}

fn decode(text: &str) -> Histogram<u64> {
    let bytes = BASE64.decode(text).unwrap();
    Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .unwrap()
}

fn saved(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn four_shards_make_one_run_and_merge_into_its_report_with_exact_percentiles() {
    let server = Serve::start(&[]);
    let records = Records::new("counts");
    let flags = [
        "--addr",
        &server.addr,
        "-c",
        "8",
        "-n",
        "150",
        "--connections",
        "3",
    ];
    for worker in shards(&flags, 4, &records) {
        assert!(worker.status.success(), "{}", stderr_text(&worker));
        assert!(String::from_utf8_lossy(&worker.stdout).contains("shard  "));
    }
    let merged = merge(&records, 4, &["-o", "json"]);
    assert!(merged.status.success(), "{}", stderr_text(&merged));
    let merged = json(&merged);
    let single = run(&[&["bench"], &flags[..], &["-o", "json"]].concat());
    let single = json(&single);
    for figure in ["questions", "answers", "conversations", "connections"] {
        assert_eq!(merged[figure], single[figure], "{figure}");
    }
    assert_eq!(merged["answers"], 1200);
    assert_eq!(merged["shards"], "4 of 4, merged");

    // The merged histogram is the four added: every percentile the same.
    let mut added = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
    for k in 0..4 {
        let record = saved(&records.path(k));
        assert_eq!(record["shard"], serde_json::json!({"index": k, "count": 4}));
        let latency = record["latency"].as_str().unwrap();
        assert!(latency.starts_with("HISTF"), "{latency}");
        added.add(decode(latency)).unwrap();
    }
    assert_eq!(added.len(), 1200);
    let us = |q: f64| added.value_at_quantile(q) as f64 / 1000.0;
    let latency = &merged["latency_us"];
    for (name, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99_9", 0.999)] {
        assert_eq!(latency[name].as_f64(), Some(us(q)), "{name}");
    }
    assert_eq!(latency["max"].as_f64(), Some(added.max() as f64 / 1000.0));
}

#[test]
fn calls_of_a_unary_method_add_up_as_well() {
    let kinds = KindsServer::start(&[]);
    let proto = kinds_proto();
    let records = Records::new("calls");
    let flags = [
        "--addr",
        &kinds.addr,
        "--proto",
        &proto,
        "--method",
        "kinds.Kinds/Echo",
        "-c",
        "5",
        "-n",
        "40",
    ];
    for worker in shards(&flags, 2, &records) {
        assert!(worker.status.success(), "{}", stderr_text(&worker));
    }
    let merged = json(&merge(&records, 2, &["-o", "json"]));
    assert_eq!(merged["calls"], 200);
    assert_eq!(merged["kind"], "unary");
}

#[test]
fn four_shards_together_hold_the_rate() {
    let server = Serve::start(&[]);
    let records = Records::new("rate");
    let flags = [
        "--addr",
        &server.addr,
        "-c",
        "8",
        "--rate",
        "400",
        "--duration",
        "3s",
        "--interval",
        "1s",
    ];
    for worker in shards(&flags, 4, &records) {
        assert!(worker.status.success(), "{}", stderr_text(&worker));
    }
    let merged = json(&merge(&records, 4, &["-o", "json"]));
    let questions = merged["questions"].as_f64().unwrap();
    assert!(
        (1140.0..=1260.0).contains(&questions),
        "{questions} questions in 3 s at 400/s"
    );
    // The workers' intervals line up on time (three or four of them, not one set per worker),
    // and every answer any worker's intervals counted is in the merged ones.
    let intervals = merged["intervals"].as_array().unwrap();
    assert!((3..=4).contains(&intervals.len()), "{intervals:?}");
    let merged_count: u64 = intervals
        .iter()
        .map(|i| i["answers"].as_u64().unwrap())
        .sum();
    let workers_count: u64 = (0..4)
        .flat_map(|k| {
            saved(&records.path(k))["intervals"]
                .as_array()
                .unwrap()
                .clone()
        })
        .map(|interval| decode(interval["latency"].as_str().unwrap()).len())
        .sum();
    assert_eq!(merged_count, workers_count);
    assert!(merged_count > 0);
}

#[test]
fn records_of_different_runs_are_refused_and_a_missing_shard_is_named() {
    let server = Serve::start(&[]);
    let records = Records::new("refused");
    let base = ["--addr", &server.addr, "-c", "4", "-n", "20"];
    shards(&base, 2, &records);
    let missing = merge(&records, 1, &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&missing.stdout)
            .contains("shards         1 of 2, merged; missing 1/2")
    );
    assert!(
        stderr_text(&missing).contains("shard 1/2 missing"),
        "{}",
        stderr_text(&missing)
    );

    // Shard 1 of another run: 30 questions each.
    let other = spawn_bench(&[
        "--addr",
        &server.addr,
        "-c",
        "4",
        "-n",
        "30",
        "--shard",
        "1/2",
        "--save",
        &records.path(1),
    ]);
    assert!(output_limited(other).status.success());
    let refused = merge(&records, 2, &[]);
    let stderr = stderr_text(&refused);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("are not shards of one run: length is {\"Count\":20} in one, {\"Count\":30}"),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty());

    let not_a_record = records.0.join("notes.txt");
    std::fs::write(&not_a_record, "hello\n").unwrap();
    let refused = run(&["bench", "merge", not_a_record.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr_text(&refused).contains("not a bench --save record"));
}

#[test]
fn a_start_in_the_past_and_a_shard_out_of_range_are_refused() {
    for args in [
        &["--start-at", "2020-01-01T00:00:00Z"][..],
        &["--shard", "4/4"],
        &["--shard", "one"],
    ] {
        let output = run(&[&["bench", "--addr", &unused_addr()], args].concat());
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr_text(&output)
        );
    }
    let past = run(&[
        "bench",
        "--addr",
        &unused_addr(),
        "--start-at",
        "1000000000",
    ]);
    assert!(
        stderr_text(&past).contains("is past"),
        "{}",
        stderr_text(&past)
    );
}

#[test]
fn the_kubernetes_job_runs_a_bench_each_pod_can_start() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/bench-job.yaml");
    let yaml = std::fs::read_to_string(path).unwrap();
    let number = |key: &str| -> usize {
        let line = yaml
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap();
        line.split(':')
            .nth(1)
            .unwrap()
            .split('#')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let pods = number("completions:");
    assert_eq!(number("parallelism:"), pods, "every shard runs at once");
    assert!(yaml.contains("completionMode: Indexed"));
    // The container's args, a YAML list of plain or quoted strings.
    let args: Vec<String> = yaml
        .lines()
        .skip_while(|l| l.trim() != "args:")
        .skip(1)
        .map_while(|l| l.trim().strip_prefix("- "))
        .map(|arg| {
            arg.split(" #")
                .next()
                .unwrap()
                .trim()
                .trim_matches('"')
                .to_owned()
        })
        .collect();
    let shard = args.iter().position(|a| a == "--shard").expect("--shard");
    assert_eq!(args[shard + 1], format!("$(JOB_COMPLETION_INDEX)/{pods}"));
    let soon = humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(60));
    for k in 0..pods {
        let pod: Vec<String> = args
            .iter()
            .map(|a| a.replace("$(JOB_COMPLETION_INDEX)", &k.to_string()))
            .map(|a| a.replace("START", &soon.to_string()))
            .collect();
        let parsed = <grpc_convo::cli::Cli as clap::Parser>::try_parse_from(
            std::iter::once("grpc-convo".to_owned()).chain(pod.iter().cloned()),
        );
        let Ok(grpc_convo::cli::Cli {
            command: grpc_convo::cli::Command::Bench(bench),
            ..
        }) = parsed
        else {
            panic!("pod {k}: {pod:?} is not a bench command line: {parsed:?}");
        };
        assert_eq!(bench.shard.map(|s| (s.index, s.count)), Some((k, pods)));
        assert!(bench.start_at.is_some() && bench.save.is_some());
    }
}
