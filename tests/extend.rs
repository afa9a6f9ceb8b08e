//! Rubrics that extend another: added phrases and examples, overridden and
//! switched-off criteria, and both rubrics named in every result.

mod support;

use rolemark::engine::{CompileLimits, Rubric, Scorer};
use rolemark::rubrics::Registry;
use rolemark::transcript::{self, RoleHints};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::Command;
use support::registry;

const EXTENSION: &str = r#"
id = "my-heat"
title = "HEAT at my centre"
version = "2.0.0"
extends = "heat"

[lexicons.apology]
phrases = ["we are gutted"]
must_match = ["We are gutted this happened."]

[lexicons.charter]
phrases = ["our service charter"]

[[criteria]]
id = "apologise"
weight = 4.0
references = ["KSB S6"]

[[criteria]]
id = "heat-order"
enabled = false

[[criteria]]
id = "cites-charter"
title = "Cites the service charter"
rule = { says = ["charter"] }
must_match = ["Customer: It broke.\nAgent: Under our service charter I can replace it."]
"#;

fn compiled(source: &str) -> Result<Rubric, rolemark::engine::RubricError> {
    registry().compile(source, CompileLimits::default())
}

#[test]
fn an_extension_adds_overrides_and_switches_off_without_copying() {
    let base = registry().get("heat").unwrap();
    let rubric = compiled(EXTENSION).unwrap();
    assert_eq!(rubric.id(), "my-heat");
    assert_eq!(rubric.version(), "2.0.0");
    let ids: Vec<&str> = rubric.criteria().iter().map(|c| c.id.as_str()).collect();
    let mut expected: Vec<&str> = base
        .criteria()
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| *id != "heat-order")
        .collect();
    expected.push("cites-charter");
    assert_eq!(ids, expected);
    let apologise = rubric
        .criteria()
        .iter()
        .find(|c| c.id == "apologise")
        .unwrap();
    assert_eq!(apologise.weight, 4.0);
    assert_eq!(apologise.references, ["KSB S6"]);
    let base_apologise = base
        .criteria()
        .iter()
        .find(|c| c.id == "apologise")
        .unwrap();
    assert_eq!(
        apologise.title, base_apologise.title,
        "what is not named stays"
    );
    // Phrases and examples are added to the base lexicon's, not put in their place.
    let apology = rubric
        .lexicons()
        .iter()
        .find(|l| l.name == "apology")
        .unwrap();
    let base_apology = base
        .lexicons()
        .iter()
        .find(|l| l.name == "apology")
        .unwrap();
    assert_eq!(apology.must_match.len(), base_apology.must_match.len() + 1);
    assert!(rolemark::rubrics::check_examples(&rubric)
        .failures
        .is_empty());

    let transcript = transcript::parse(
        "Customer: My boiler broke.\nAgent: We are gutted this happened. Under our service charter I can replace it today.",
        None,
        &RoleHints::default(),
    )
    .unwrap();
    let assessment = Scorer::new(&rubric).score(&transcript);
    let outcome = |id: &str| {
        assessment
            .criteria
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .outcome
    };
    assert_eq!(outcome("apologise").as_str(), "met");
    assert_eq!(outcome("cites-charter").as_str(), "met");
    // Both rubrics are named, each with the sha256 of its own source.
    let named = &assessment.rubric;
    assert_eq!(
        named.sha256,
        format!("{:x}", Sha256::digest(EXTENSION.as_bytes()))
    );
    let base_ref = named.extends.as_ref().unwrap();
    assert_eq!(
        (base_ref.id.as_str(), base_ref.sha256.as_str()),
        ("heat", base.sha256())
    );
}

#[test]
fn extension_mistakes_are_clear_errors() {
    let cases = [
        (
            EXTENSION.replace("extends = \"heat\"", "extends = \"nope\""),
            "extends `nope`, which is not a rubric here",
        ),
        (
            EXTENSION.replace("id = \"heat-order\"", "id = \"no-such\""),
            "`criteria` `no-such` is switched off, but the base rubric has none",
        ),
        (
            EXTENSION.replace("version = \"2.0.0\"\n", ""),
            "needs its own `version`",
        ),
        (
            EXTENSION.replace("rule = { says = [\"charter\"] }", ""),
            "merged with `heat`",
        ),
    ];
    for (source, expected) in cases {
        let error = compiled(&source).unwrap_err().to_string();
        assert!(
            error.contains(expected),
            "{error}\n  should contain {expected}"
        );
    }
    let alone = Rubric::compile(EXTENSION).unwrap_err().to_string();
    assert!(alone.contains("this rubric extends `heat`"), "{alone}");
}

#[test]
fn a_directory_may_hold_extensions_of_extensions() {
    let dir = std::env::temp_dir().join(format!("rolemark-extend-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Files load in name order, so the chain's last link comes first.
    std::fs::write(
        dir.join("a-second.toml"),
        "id = \"second\"\ntitle = \"Second\"\nversion = \"1\"\nextends = \"my-heat\"\n[[criteria]]\nid = \"hear\"\nenabled = false\n",
    )
    .unwrap();
    std::fs::write(dir.join("b-first.toml"), EXTENSION).unwrap();
    let mut loaded = Registry::embedded().unwrap();
    loaded.load_dir(&dir).unwrap();
    let second = loaded.get("second").unwrap();
    assert_eq!(second.extends().unwrap().id, "my-heat");
    assert!(second.criteria().iter().all(|c| c.id != "hear"));
    assert!(second.criteria().iter().any(|c| c.id == "cites-charter"));

    std::fs::write(
        dir.join("c-orphan.toml"),
        "id = \"orphan\"\ntitle = \"O\"\nversion = \"1\"\nextends = \"missing\"\n",
    )
    .unwrap();
    let error = Registry::embedded()
        .unwrap()
        .load_dir(&dir)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("c-orphan.toml") && error.contains("extends `missing`"),
        "{error}"
    );
}

#[test]
fn the_readme_example_extension_checks_and_scores() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rubric = root.join("examples/my-centre.toml");
    let check = Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(["rubrics", "check", rubric.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let score = Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(["score", "--rubric", rubric.to_str().unwrap()])
        .arg(root.join("examples/angry-customer.txt"))
        .output()
        .unwrap();
    assert!(
        score.status.success(),
        "{}",
        String::from_utf8_lossy(&score.stderr)
    );
    let assessment: serde_json::Value = serde_json::from_slice(&score.stdout).unwrap();
    assert_eq!(assessment["rubric"]["id"], "northway-challenging-customers");
    assert_eq!(
        assessment["rubric"]["extends"]["id"],
        "challenging-customers"
    );
    assert!(assessment["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["id"] != "records-complaint"));
}

#[test]
fn a_criterion_given_a_new_rule_keeps_only_the_extensions_examples() {
    let base = registry().get("heat").unwrap();
    let hear = base.criteria().iter().find(|c| c.id == "hear").unwrap();
    assert!(!hear.must_match.is_empty());
    let source = "id = \"x\"\ntitle = \"X\"\nversion = \"1\"\nextends = \"heat\"\n\
        [[criteria]]\nid = \"hear\"\nrule = { says = [\"apology\"] }\n\
        must_match = [\"Customer: It broke.\\nAgent: I'm so sorry.\"]\n\
        [[criteria]]\nid = \"apologise\"\nweight = 2.0\n";
    let rubric = compiled(source).unwrap();
    let find = |id: &str| rubric.criteria().iter().find(|c| c.id == id).unwrap();
    assert_eq!(
        find("hear").must_match.len(),
        1,
        "the base's examples describe its rule"
    );
    let apologise = base
        .criteria()
        .iter()
        .find(|c| c.id == "apologise")
        .unwrap();
    assert_eq!(
        find("apologise").must_match,
        apologise.must_match,
        "a new weight keeps them"
    );
    assert!(rolemark::rubrics::check_examples(&rubric)
        .failures
        .is_empty());
}
