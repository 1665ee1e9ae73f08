//! The sequence diagram's two renderings, compared with reviewed files in
//! tests/fixtures/sequence/ (four of the page's presets and two world presets), and the
//! SVG checked as XML holding only SVG elements and no script, style or link.
//!
//! After a deliberate change: `UPDATE_GOLDEN=1 cargo test --test sequence`, then look
//! at the files (open the .svg in a browser) before committing them.

use std::path::PathBuf;

use esmtp_playground::loopback::{self, Scenario};
use esmtp_playground::sequence::{self, Diagram};
use serde_json::json;

/// The page's presets (www/js/presets.js) as patches on the default scenario.
fn presets() -> Vec<(&'static str, serde_json::Value)> {
    let auth = |mechanism: &str| json!({"client": {"auth": {"mechanism": mechanism, "user": "alice", "password": "S3cret-pw"}}});
    vec![
        ("esmtp", json!({})),
        ("cram-md5", auth("CRAM-MD5")),
        (
            "lock-step",
            json!({"client": {"pipelining": "off", "message": {"to": ["bob@example.org", "carol@example.org"]}}}),
        ),
        (
            "chunking",
            json!({"server": {"extensions": {"chunking": true}}, "client": {"chunkSize": 150}}),
        ),
    ]
}

fn scenario(patch: serde_json::Value) -> Scenario {
    let mut value = serde_json::to_value(Scenario::default()).expect("serialises");
    merge(&mut value, patch);
    serde_json::from_value(value).expect("a valid scenario")
}

fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                merge(base.entry(key).or_insert(serde_json::Value::Null), value);
            }
        }
        (base, patch) => *base = patch,
    }
}

fn diagram_of(patch: serde_json::Value) -> Diagram {
    let scenario = scenario(patch);
    let timeline = loopback::run(&scenario).expect("the preset runs");
    sequence::single::diagram(&timeline, scenario.start_time)
}

fn world_diagram(name: &str) -> Diagram {
    let scenario = esmtp_playground::world::preset(name).expect("a world preset");
    let timeline = esmtp_playground::world::run_world(&scenario).expect("it runs");
    sequence::world::diagram(&timeline)
}

fn all_diagrams() -> Vec<(String, Diagram)> {
    let mut out: Vec<(String, Diagram)> = presets()
        .into_iter()
        .map(|(name, patch)| (name.to_owned(), diagram_of(patch)))
        .collect();
    out.push(("world-etrn".to_owned(), world_diagram("etrn")));
    out.push((
        "world-mx-backup-etrn".to_owned(),
        world_diagram("mx-backup-etrn"),
    ));
    out
}

/// Compares `actual` with the reviewed file, or writes it with UPDATE_GOLDEN=1.
fn golden(file: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sequence")
        .join(file);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("writes the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert!(
        expected == actual,
        "{file} differs from the reviewed file; if the change is meant, rerun with UPDATE_GOLDEN=1 and review it"
    );
}

#[test]
fn svg_and_text_match_the_reviewed_files() {
    for (name, diagram) in all_diagrams() {
        golden(&format!("{name}.svg"), &sequence::svg::render(&diagram));
        golden(&format!("{name}.txt"), &sequence::text::render(&diagram));
    }
}

#[test]
fn rendering_is_deterministic() {
    let first: Vec<String> = all_diagrams()
        .iter()
        .map(|(_, d)| sequence::svg::render(d))
        .collect();
    let second: Vec<String> = all_diagrams()
        .iter()
        .map(|(_, d)| sequence::svg::render(d))
        .collect();
    assert_eq!(first, second);
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const SVG_ELEMENTS: [&str; 10] = [
    "svg", "title", "desc", "g", "rect", "line", "path", "text", "tspan", "polygon",
];

/// Parses `svg` and checks that it holds only SVG elements, no script, no style, no
/// link and no event handler; returns the text of every `<text>`.
fn checked_svg(svg: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let children: Vec<&str> = root
        .children()
        .filter(|n| n.is_element())
        .take(2)
        .map(|n| n.tag_name().name())
        .collect();
    assert_eq!(children, ["title", "desc"], "title and desc come first");
    for node in document.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name();
        assert_eq!(tag.namespace(), Some(SVG_NS), "{tag:?} is an SVG element");
        assert!(
            SVG_ELEMENTS.contains(&tag.name()),
            "unexpected <{}>",
            tag.name()
        );
        for attribute in node.attributes() {
            let name = attribute.name();
            assert!(
                !name.starts_with("on")
                    && name != "style"
                    && name != "href"
                    && attribute.namespace().is_none(),
                "<{}> has attribute {name}",
                tag.name()
            );
        }
    }
    document
        .descendants()
        .filter(|n| n.has_tag_name((SVG_NS, "text")))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect()
        })
        .collect()
}

#[test]
fn the_svg_is_xml_with_only_svg_elements() {
    for (name, diagram) in all_diagrams() {
        let texts = checked_svg(&sequence::svg::render(&diagram));
        for arrow in &diagram.arrows {
            assert!(
                texts.contains(&arrow.full_label()),
                "{name}: the label {:?} is drawn as text",
                arrow.full_label()
            );
        }
    }
}

#[test]
fn hostile_protocol_text_stays_text() {
    let hostile = "<script>x</script><i onclick=y>&amp;";
    let patch = json!({"script": [
        {"send": format!("EHLO {hostile}\r\n")},
        {"sendOctets": [0, 27, 255, 60, 10]},
        {"send": "QUIT\r\n"}
    ]});
    let diagram = diagram_of(patch);
    let texts = checked_svg(&sequence::svg::render(&diagram));
    assert!(
        texts.iter().any(|t| t == &format!("EHLO {hostile}")),
        "{texts:?}"
    );
    let text = sequence::text::render(&diagram);
    assert!(text.contains(&format!("EHLO {hostile}")));
}

#[test]
fn a_huge_run_draws_a_bounded_number_of_arrows() {
    let script: Vec<serde_json::Value> = (0..600)
        .map(|_| json!({"send": "NOOP\r\n"}))
        .chain([json!({"wait": 1})])
        .collect();
    let diagram = diagram_of(json!({"server": {"maxErrors": 1000}, "script": script}));
    assert_eq!(diagram.arrows.len(), sequence::MAX_ARROWS);
    assert!(diagram.omitted > 0);
    let svg = sequence::svg::render(&diagram);
    assert!(svg.contains(&format!("… {} more writes not drawn", diagram.omitted)));
    checked_svg(&svg);
}

/// Every key and tag the page reads is camelCase (the naming rule of src/wasm.rs).
#[test]
fn names_crossing_to_javascript_are_camel_case() {
    fn check(value: &serde_json::Value, names: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    names.push(key.clone());
                    check(value, names);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| check(v, names)),
            _ => {}
        }
    }
    let camel = |name: &str| {
        name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric())
    };
    for (_, diagram) in all_diagrams() {
        let value = serde_json::to_value(&diagram).expect("serialises");
        let mut names = Vec::new();
        check(&value, &mut names);
        for arrow in value["arrows"].as_array().expect("arrows") {
            names.push(arrow["sender"].as_str().expect("a sender").to_owned());
        }
        for phase in value["phases"].as_array().expect("phases") {
            names.push(phase["kind"].as_str().expect("a kind").to_owned());
        }
        assert!(names.iter().all(|n| camel(n)), "{names:?}");
        assert!(names.contains(&"moreLines".to_owned()) && names.contains(&"bodyTop".to_owned()));
    }
}
