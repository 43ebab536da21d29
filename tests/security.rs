//! TLS, mutual TLS and bearer tokens, with certificates made at test time (rcgen) and every
//! failure a user meets checked for its one-line message and exit code.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};

/// A throwaway PKI in a temporary directory: a CA, a server certificate for localhost and
/// 127.0.0.1, a client certificate, and some that are wrong on purpose.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn new(name: &str) -> Pki {
        let dir =
            std::env::temp_dir().join(format!("grpc-convo-pki-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pki = Pki { dir };
        let ca = pki.ca("ca");
        let stranger = pki.ca("stranger-ca");
        pki.leaf("server", &ca, &["localhost", "127.0.0.1"], false);
        pki.leaf("client", &ca, &["client"], false);
        pki.leaf("expired", &ca, &["localhost", "127.0.0.1"], true);
        pki.leaf("stranger-client", &stranger, &["client"], false);
        pki.leaf("named", &ca, &["grpc.example"], false);
        pki.self_signed("dev", &["localhost", "127.0.0.1"]);
        pki
    }

    fn ca(&self, name: &str) -> CertifiedIssuer<'static, KeyPair> {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, format!("grpc-convo test {name}"));
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        std::fs::write(self.path(&format!("{name}.pem")), ca.pem()).unwrap();
        ca
    }

    /// What `openssl req -x509 -addext subjectAltName=...` makes: a certificate signed by its
    /// own key, with CA:TRUE, used as a server's.
    fn self_signed(&self, name: &str, names: &[&str]) {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        std::fs::write(self.path(&format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(self.path(&format!("{name}.key")), key.serialize_pem()).unwrap();
    }

    fn leaf(
        &self,
        name: &str,
        ca: &CertifiedIssuer<'static, KeyPair>,
        names: &[&str],
        expired: bool,
    ) {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        if expired {
            params.not_before = rcgen::date_time_ymd(2019, 1, 1);
            params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        }
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, ca).unwrap();
        std::fs::write(self.path(&format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(self.path(&format!("{name}.key")), key.serialize_pem()).unwrap();
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    fn arg(&self, file: &str) -> String {
        self.path(file).to_str().unwrap().to_owned()
    }

    fn write(&self, file: &str, content: &str) -> String {
        std::fs::write(self.path(file), content).unwrap();
        self.arg(file)
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn tls_server(pki: &Pki, extra: &[&str]) -> Serve {
    let (cert, key) = (pki.arg("server.pem"), pki.arg("server.key"));
    let mut args = vec!["--tls-cert", &cert, "--tls-key", &key];
    args.extend(extra);
    Serve::start(&args)
}

fn assert_one_line(output: &std::process::Output, code: i32, fragments: &[&str]) {
    let stderr = stderr_text(output);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for fragment in fragments {
        assert!(
            stderr.contains(fragment),
            "{fragment:?} missing from {stderr}"
        );
    }
}

#[test]
fn a_conversation_over_tls() {
    let pki = Pki::new("conversation");
    let server = tls_server(&pki, &[]);
    let ca = pki.arg("ca.pem");
    let output = ask(&server.addr, &["--ca-cert", &ca, "secure"], b"");
    assert_eq!(stdout_lines(&output), [echo(1, "secure")]);
    assert!(output.status.success(), "{}", stderr_text(&output));

    // Any method over TLS: reflection goes through the same TLS as the call, then list too.
    let method = ["--ca-cert", &ca, "--method", "grpc.health.v1.Health/Check"];
    let output = ask(
        &server.addr,
        &[&method[..], &["--answer-field", "status", ""]].concat(),
        b"",
    );
    assert_eq!(
        stdout_lines(&output),
        ["SERVING"],
        "{}",
        stderr_text(&output)
    );
    let output = bin()
        .args(["list", "--addr", &server.addr, "--ca-cert", &ca])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("proto.Stream\n"));

    // By name, with the name to verify given separately from the address.
    let port = server.addr.rsplit_once(':').unwrap().1;
    let by_name = format!("localhost:{port}");
    let output = ask(
        &by_name,
        &["--ca-cert", &ca, "--tls-server-name", "localhost", "q"],
        b"",
    );
    assert!(output.status.success(), "{}", stderr_text(&output));
}

/// serve's TLS offers both HTTP/2 and HTTP/1.1 by ALPN: gRPC-Web and Connect reach it over
/// either.
#[test]
fn grpc_web_and_connect_over_tls_on_http2_and_http1() {
    let pki = Pki::new("web-protocols");
    let server = tls_server(&pki, &[]);
    let ca = pki.arg("ca.pem");
    for over in [
        &["--protocol", "grpc-web"][..],
        &["--protocol", "connect"],
        &["--protocol", "grpc-web", "--http1"],
        &["--protocol", "connect", "--http1"],
    ] {
        let args = [&["--ca-cert", &ca][..], over, &["--lockstep", "secure"]].concat();
        let output = ask(&server.addr, &args, b"");
        assert_eq!(
            stdout_lines(&output),
            [echo(1, "secure")],
            "{over:?}: {}",
            stderr_text(&output)
        );
    }
}

#[test]
fn mutual_tls_admits_a_client_with_a_certificate_from_the_ca_only() {
    let pki = Pki::new("mtls");
    let ca = pki.arg("ca.pem");
    let server = tls_server(&pki, &["--client-ca", &ca]);
    let (cert, key) = (pki.arg("client.pem"), pki.arg("client.key"));
    let output = ask(
        &server.addr,
        &["--ca-cert", &ca, "--cert", &cert, "--key", &key, "q"],
        b"",
    );
    assert!(output.status.success(), "{}", stderr_text(&output));

    let output = ask(&server.addr, &["--ca-cert", &ca, "q"], b"");
    assert_one_line(&output, 78, &["grpc-convo: ", "--cert and --key"]);

    let (cert, key) = (
        pki.arg("stranger-client.pem"),
        pki.arg("stranger-client.key"),
    );
    let output = ask(
        &server.addr,
        &["--ca-cert", &ca, "--cert", &cert, "--key", &key, "q"],
        b"",
    );
    assert_eq!(output.status.code(), Some(78), "{}", stderr_text(&output));
}

#[test]
fn plaintext_and_tls_mixed_up_are_named_as_such() {
    let pki = Pki::new("mixed");
    let server = tls_server(&pki, &[]);
    let output = ask(&server.addr, &["q"], b"");
    assert_one_line(
        &output,
        78,
        &["if the server uses TLS, add --tls or --ca-cert"],
    );

    let plain = Serve::start(&[]);
    let output = ask(&plain.addr, &["--ca-cert", &pki.arg("ca.pem"), "q"], b"");
    assert_one_line(&output, 78, &["leave out --tls and --ca-cert"]);
}

/// A server on a free port that answers HTTP/2's preface with `reply` on every connection.
fn answering(reply: &'static [u8]) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            use std::io::{Read, Write};
            let mut preface = [0u8; 24];
            let _ = stream.read_exact(&mut preface);
            let _ = stream.write_all(reply);
        }
    });
    addr
}

#[test]
fn an_http1_server_is_named_as_such_with_no_tls_hint() {
    // What a web server (here, the shape of Python's http.server) says to HTTP/2's preface.
    let addr =
        answering(b"HTTP/1.0 400 Bad request version ('HTTP/2.0')\r\nConnection: close\r\n\r\n");
    for args in [&["q"][..], &["--wait-ready", "q"]] {
        let output = ask(&addr, args, b"");
        assert_one_line(&output, 78, &["speaks HTTP/1.1, not gRPC"]);
        assert!(!stderr_text(&output).contains("--tls"), "{args:?}");
    }
    let output = run(&["list", "--addr", &addr]);
    assert_one_line(&output, 78, &["speaks HTTP/1.1, not gRPC"]);
}

/// A server that answers with a bare page, no status line (Python's http.server does so to
/// HTTP/2's preface): every client names what it met, in the same words and status.
#[test]
fn a_server_answering_in_bare_text_is_named_the_same_by_every_client() {
    let addr = answering(b"<!DOCTYPE HTML>\n<html lang=\"en\">\n<body>Bad request</body>\n");
    let words = "the server answered in text, not HTTP/2 (it began '<!DOCTYPE HTML>')";
    assert_one_line(&ask(&addr, &["q"], b""), 78, &[words]);
    for command in [
        &["list"][..],
        &["describe"],
        &["health"],
        &["bench", "-n", "1"],
    ] {
        let output = run(&[command, &["--addr", &addr]].concat());
        assert_one_line(&output, 78, &[words]);
        assert!(!stderr_text(&output).contains("--tls"), "{command:?}");
    }
}

#[test]
fn certificate_failures_are_one_line_each() {
    let pki = Pki::new("failures");
    let server = tls_server(&pki, &[]);
    let ca = pki.arg("ca.pem");

    let output = ask(
        &server.addr,
        &["--ca-cert", &pki.arg("stranger-ca.pem"), "q"],
        b"",
    );
    assert_one_line(&output, 78, &["UnknownIssuer", "--ca-cert names one"]);

    let output = ask(
        &server.addr,
        &[
            "--ca-cert",
            &ca,
            "--tls-server-name",
            "elsewhere.example",
            "q",
        ],
        b"",
    );
    assert_one_line(
        &output,
        78,
        &[
            "is for localhost, 127.0.0.1, not elsewhere.example",
            "--tls-server-name",
        ],
    );

    let (cert, key) = (pki.arg("expired.pem"), pki.arg("expired.key"));
    let expired = Serve::start(&["--tls-cert", &cert, "--tls-key", &key]);
    let output = ask(&expired.addr, &["--ca-cert", &ca, "q"], b"");
    assert_one_line(&output, 78, &["expired"]);
}

#[test]
fn bad_files_on_the_command_line_are_named_with_exit_2() {
    let pki = Pki::new("files");
    let (cert, key) = (pki.arg("server.pem"), pki.arg("server.key"));
    let missing = pki.arg("missing.pem");
    let garbage = pki.write("garbage.pem", "this is not PEM\n");
    let broken = pki.write(
        "broken.pem",
        "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n",
    );
    let other_key = pki.arg("client.key");
    for (args, fragments) in [
        (
            vec!["--tls-cert", &missing, "--tls-key", &key],
            vec![missing.as_str(), "cannot read it"],
        ),
        (
            vec!["--tls-cert", &garbage, "--tls-key", &key],
            vec![garbage.as_str(), "no PEM certificate"],
        ),
        (
            vec!["--tls-cert", &broken, "--tls-key", &key],
            vec![broken.as_str(), "not a valid PEM file"],
        ),
        (
            vec!["--tls-cert", &cert, "--tls-key", &garbage],
            vec![garbage.as_str(), "no PEM private key"],
        ),
        (
            vec!["--tls-cert", &cert, "--tls-key", &other_key],
            vec![other_key.as_str(), "does not belong to the certificate"],
        ),
    ] {
        let output = bin()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(&args)
            .output()
            .unwrap();
        assert_one_line(&output, 2, &fragments);
        assert!(
            !stderr_text(&output).contains("listening on"),
            "nothing listens"
        );
    }
    let output = bin()
        .args(["ask", "--ca-cert", &garbage, "q"])
        .output()
        .unwrap();
    assert_one_line(&output, 2, &[garbage.as_str(), "--ca-cert"]);
}

#[test]
fn a_token_is_required_right_and_its_value_is_never_shown() {
    let pki = Pki::new("token");
    let secret = "correct-horse-battery-staple";
    let wrong = "wrong-token-value-1234";
    let token = pki.write("token", &format!("{secret}\n"));
    let wrong_file = pki.write("wrong", wrong);
    let server = Serve::start(&["--token-file", &token]);

    let output = ask(&server.addr, &["--token-file", &token, "q"], b"");
    assert_eq!(stdout_lines(&output), [echo(1, "q")]);

    let output = ask(&server.addr, &["q"], b"");
    assert_one_line(&output, 80, &["UNAUTHENTICATED"]);

    let output = ask(&server.addr, &["--token-file", &wrong_file, "-v", "q"], b"");
    assert_one_line(&output, 80, &["UNAUTHENTICATED"]);

    // The token may come from the environment instead.
    let mut asking = bin();
    asking
        .args(["ask", "--addr", &server.addr, "q"])
        .env("GRPC_CONVO_TOKEN", secret);
    assert!(asking.output().unwrap().status.success());

    let mut server = server;
    server.signal("TERM");
    let everything = format!("{}{}", server.stderr_after_exit(), stderr_text(&output));
    for value in [secret, wrong] {
        assert!(
            !everything.contains(value),
            "a token leaked into the output:\n{everything}"
        );
    }
}

#[test]
fn health_stays_open_without_a_token() {
    let pki = Pki::new("health");
    let token = pki.write("token", "s3cret");
    let server = Serve::start(&["--token-file", &token]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        let mut health =
            tonic_health::pb::health_client::HealthClient::new(channel(&server.addr).await);
        let request = tonic_health::pb::HealthCheckRequest {
            service: "proto.Stream".into(),
        };
        health.check(request).await.unwrap().into_inner().status()
    });
    assert_eq!(
        status,
        tonic_health::pb::health_check_response::ServingStatus::Serving
    );
}

#[test]
fn a_token_never_goes_out_in_plaintext_to_another_machine_unless_allowed() {
    let pki = Pki::new("plaintext");
    let token = pki.write("token", "s3cret");
    // A documentation address (TEST-NET-1): refused before any connection is tried.
    let output = ask("192.0.2.1:8000", &["--token-file", &token, "q"], b"");
    assert_one_line(
        &output,
        2,
        &["refusing to send the token in plaintext to 192.0.2.1:8000"],
    );
    // Every client, and TLS that verifies nothing, likewise. (That --allow-plaintext-token lets
    // it go is a unit test: it would send packets off this machine.)
    for command in ["bench", "list", "health"] {
        let output = run(&[command, "--addr", "192.0.2.1:8000", "--token-file", &token]);
        assert_one_line(&output, 2, &["refusing to send the token in plaintext"]);
    }
    let output = ask(
        "192.0.2.1:8000",
        &["--token-file", &token, "--insecure", "q"],
        b"",
    );
    let stderr = stderr_text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("refusing to send the token over TLS that --insecure leaves unverified"),
        "{stderr}"
    );
}

#[test]
fn a_self_signed_development_certificate_is_explained_and_can_be_trusted_as_it_is() {
    let pki = Pki::new("self-signed");
    let (cert, key) = (pki.arg("dev.pem"), pki.arg("dev.key"));
    let server = Serve::start(&["--tls-cert", &cert, "--tls-key", &key]);
    let warning = server.wait_for_log("CA:TRUE");
    assert!(
        warning.contains("--tls-cert") && warning.contains("WARN"),
        "{warning}"
    );

    let output = ask(&server.addr, &["--ca-cert", &cert, "q"], b"");
    assert_one_line(
        &output,
        78,
        &[
            "CA:TRUE",
            "-addext basicConstraints=critical,CA:FALSE",
            "or have a CA sign a server certificate",
        ],
    );
    assert!(!stderr_text(&output).contains("OtherError"));

    let output = ask(&server.addr, &["--insecure", "q"], b"");
    assert_eq!(stdout_lines(&output), [echo(1, "q")]);
    assert_one_line(
        &output,
        0,
        &["warning: --insecure: the server's certificate is not verified"],
    );

    // A certificate fit to serve draws no warning.
    let good = tls_server(&pki, &[]);
    let output = ask(&good.addr, &["--ca-cert", &pki.arg("ca.pem"), "q"], b"");
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert!(!good.stderr().contains("WARN"), "{}", good.stderr());
}

#[test]
fn serve_warns_of_an_expired_certificate_and_one_without_names() {
    let pki = Pki::new("warnings");
    let (cert, key) = (pki.arg("expired.pem"), pki.arg("expired.key"));
    let expired = Serve::start(&["--tls-cert", &cert, "--tls-key", &key]);
    expired.wait_for_log("it is not valid now (valid from");
    let output = ask(&expired.addr, &["--ca-cert", &pki.arg("ca.pem"), "q"], b"");
    assert_one_line(&output, 78, &["expired at 2020-01-01T00:00:00Z"]);

    pki.leaf("nameless", &pki.ca("nameless-ca"), &[], false);
    let (cert, key) = (pki.arg("nameless.pem"), pki.arg("nameless.key"));
    let nameless = Serve::start(&["--tls-cert", &cert, "--tls-key", &key]);
    nameless.wait_for_log("it has no subjectAltName");
}

#[test]
fn authority_names_the_virtual_host_and_the_certificate_to_verify() {
    let pki = Pki::new("authority");
    let (cert, key, ca) = (
        pki.arg("named.pem"),
        pki.arg("named.key"),
        pki.arg("ca.pem"),
    );
    let server = Serve::start(&["--tls-cert", &cert, "--tls-key", &key]);
    let output = ask(&server.addr, &["--ca-cert", &ca, "q"], b"");
    assert_one_line(&output, 78, &["grpc.example", "--authority"]);
    let output = ask(
        &server.addr,
        &["--ca-cert", &ca, "--authority", "grpc.example:443", "q"],
        b"",
    );
    assert_eq!(
        stdout_lines(&output),
        [echo(1, "q")],
        "{}",
        stderr_text(&output)
    );
    // --tls-server-name still decides the name to verify.
    let output = ask(
        &server.addr,
        &[
            "--ca-cert",
            &ca,
            "--authority",
            "grpc.example",
            "--tls-server-name",
            "other.example",
            "q",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(78));

    // What the server is told, in plaintext: the :authority of the request.
    let (addr, told) = authority_listener();
    let output = ask(&addr, &["--authority", "convo.internal:8000", "q"], b"");
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert_eq!(told.recv().unwrap(), "convo.internal:8000");
    let refused = ask(&addr, &["--authority", "a b", "q"], b"");
    assert_eq!(refused.status.code(), Some(2));
}

/// An HTTP/2 server that reports the :authority of the first request it gets and ends the call
/// OK at once.
fn authority_listener() -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (tell, told) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let (socket, _) = listener.accept().await.unwrap();
            let mut connection = h2::server::handshake(socket).await.unwrap();
            let (request, mut respond) = connection.accept().await.unwrap().unwrap();
            let authority = request.uri().authority().map(|a| a.to_string());
            let _ = tell.send(authority.unwrap_or_default());
            let response = tonic::codegen::http::Response::builder()
                .header("content-type", "application/grpc")
                .header("grpc-status", "0")
                .body(())
                .unwrap();
            let _ = respond.send_response(response, true);
            // Serve the connection until the client has what it needs and goes.
            while connection.accept().await.is_some() {}
        });
    });
    (addr, told)
}

#[test]
fn a_token_file_that_cannot_be_used_is_a_usage_error() {
    let pki = Pki::new("token-files");
    let empty = pki.write("empty", "\n");
    for args in [
        vec!["serve", "--token-file", "/no/such/token"],
        vec!["serve", "--token-file", &empty],
        vec!["ask", "--token-file", "/no/such/token", "q"],
    ] {
        let output = bin().args(&args).output().unwrap();
        assert_one_line(&output, 2, &["--token-file"]);
    }
}

#[test]
fn tls_and_a_token_together_over_a_unix_socket() {
    let pki = Pki::new("unix");
    let socket = format!("unix:{}", pki.path("convo.sock").display());
    let token = pki.write("token", "s3cret");
    let (cert, key, ca) = (
        pki.arg("server.pem"),
        pki.arg("server.key"),
        pki.arg("ca.pem"),
    );
    let _server = Serve::start_at(
        &socket,
        &[
            "--tls-cert",
            &cert,
            "--tls-key",
            &key,
            "--token-file",
            &token,
        ],
    );
    let output = ask(
        &socket,
        &["--ca-cert", &ca, "--token-file", &token, "both"],
        b"",
    );
    assert_eq!(stdout_lines(&output), [echo(1, "both")]);
    assert!(Path::new(&pki.path("convo.sock")).exists());
}
