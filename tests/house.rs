//! The house's one rule about rooms, checked on every `cargo test`: no folder of `src/` uses a
//! folder that uses it back, so each room can be read (and, one day, moved) on its own floor.
//! A room's uses are the `crate::ROOM` paths in its files, grouped `use crate::{...}` included.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

use regex::Regex;

/// For each folder of src/, the other folders its files name.
fn rooms() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let folders: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let mut uses = BTreeMap::new();
    for room in &folders {
        let mut named = BTreeSet::new();
        for file in files(&src.join(room)) {
            named.extend(named_rooms(&std::fs::read_to_string(file).unwrap()));
        }
        named.retain(|other| other != room && folders.contains(other));
        uses.insert(room.clone(), named);
    }
    uses
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
    found
}

/// The first segments after `crate::`, and after `crate::{` at the group's top level.
fn named_rooms(text: &str) -> BTreeSet<String> {
    let single = Regex::new(r"crate::(\w+)").unwrap();
    let mut named: BTreeSet<String> = single
        .captures_iter(text)
        .map(|c| c[1].to_owned())
        .collect();
    for (at, _) in text.match_indices("crate::{") {
        let mut depth = 0;
        let mut item = String::new();
        for c in text[at + "crate::{".len()..].chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    named.extend(first_segment(&item));
                    item.clear();
                    continue;
                }
                _ => {}
            }
            item.push(c);
        }
        named.extend(first_segment(&item));
    }
    named
}

fn first_segment(item: &str) -> Option<String> {
    let name: String = item
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

#[test]
fn no_room_uses_a_room_that_uses_it_back() {
    let rooms = rooms();
    assert!(
        rooms.len() >= 5,
        "the rooms of src/ were not found: {rooms:?}"
    );
    // A circle of any length: a room reaches itself through the others.
    for start in rooms.keys() {
        let mut seen = BTreeSet::new();
        let mut path = vec![start.clone()];
        assert!(
            !reaches(&rooms, start, start, &mut seen, &mut path),
            "rooms in a circle: {}",
            path.join(" -> ")
        );
    }
}

fn reaches(
    rooms: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    target: &str,
    seen: &mut BTreeSet<String>,
    path: &mut Vec<String>,
) -> bool {
    for next in &rooms[from] {
        path.push(next.clone());
        if next == target {
            return true;
        }
        if seen.insert(next.clone()) && reaches(rooms, next, target, seen, path) {
            return true;
        }
        path.pop();
    }
    false
}

#[test]
fn grouped_uses_name_each_room_they_open() {
    let text =
        "use crate::{\n    net::{CallSetup, connect},\n    error::Usage,\n};\nx = crate::bench::y;";
    let named: Vec<String> = named_rooms(text).into_iter().collect();
    assert_eq!(named, ["bench", "error", "net"]);
}
