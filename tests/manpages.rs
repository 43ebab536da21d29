//! The man pages in `man/` must be what the current CLI definition renders: one for grpc-convo
//! and one for each command, as clap_mangen writes them.

use std::{fs, path::Path};

use clap::CommandFactory;
use grpc_convo::cli::Cli;

const REFRESH: &str = "UPDATE_COMPLETIONS=1 cargo test --test completions --test manpages";

/// Every page: the command's name as `man` knows it, and its roff text.
fn pages() -> Vec<(String, Vec<u8>)> {
    let cli = Cli::command();
    let mut pages = vec![("grpc-convo".to_owned(), render(cli.clone()))];
    for sub in cli.get_subcommands() {
        // clap takes command names as &'static str; a test may leak a few.
        let name: &'static str = format!("grpc-convo-{}", sub.get_name()).leak();
        let sub = sub.clone().name(name).version(env!("CARGO_PKG_VERSION"));
        pages.push((name.to_owned(), render(sub)));
    }
    pages
}

fn render(command: clap::Command) -> Vec<u8> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page).unwrap();
    page
}

#[test]
fn committed_man_pages_match_the_cli() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (name, page) in pages() {
        let path = dir.join(format!("{name}.1"));
        if update {
            fs::create_dir_all(&dir).unwrap();
            fs::write(&path, &page).unwrap();
        } else if fs::read(&path).ok().as_deref() != Some(&page[..]) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "man/{}.1 differ from what the CLI renders; refresh them with `{REFRESH}`",
        stale.join(".1, man/")
    );
}

#[test]
fn the_main_page_names_every_command() {
    let page = String::from_utf8(pages().remove(0).1).unwrap();
    for command in ["serve", "ask", "bench", "completions"] {
        assert!(
            page.contains(command),
            "{command} missing from grpc-convo.1"
        );
    }
}
