//! Every `toml` example in the rubric format guide compiles and its examples
//! pass, and the README's scenario brief is a valid brief.

mod support;

use rayon::prelude::*;
use rolemark::engine::{CompileLimits, Scenario};
use std::path::PathBuf;
use support::registry;

fn toml_blocks(file: &str) -> Vec<(usize, String)> {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (number, line) in text.lines().enumerate() {
        match (&mut current, line.trim_end()) {
            (None, "```toml") => current = Some((number + 2, String::new())),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some((_, block)), line) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

fn has_top_level(block: &str, key: &str) -> bool {
    block
        .lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .any(|l| {
            l.trim_start().starts_with(&format!("{key} "))
                || l.trim_start().starts_with(&format!("{key}="))
        })
}

#[test]
fn every_rubric_example_in_the_format_guide_compiles_and_passes() {
    let blocks = toml_blocks("rubrics/README.md");
    assert!(blocks.len() >= 10, "found only {} examples", blocks.len());
    let failures: Vec<String> = blocks
        .par_iter()
        .filter_map(|(line, block)| {
            // A part of a rubric is read as an extension of a seed rubric, which
            // supplies what it does not say.
            let whole = has_top_level(block, "id") && block.contains("[[criteria]]");
            let source = if has_top_level(block, "extends") || whole {
                block.clone()
            } else if has_top_level(block, "id") {
                format!("extends = \"challenging-customers\"\n{block}")
            } else {
                format!(
                    "id = \"guide\"\ntitle = \"Guide\"\nversion = \"1\"\nextends = \"challenging-customers\"\n{block}"
                )
            };
            let rubric = match registry().compile(&source, CompileLimits::default()) {
                Ok(rubric) => rubric,
                Err(e) => return Some(format!("rubrics/README.md:{line}: {e}")),
            };
            let report = rolemark::rubrics::check_examples(&rubric);
            (!report.failures.is_empty()).then(|| {
                let lines: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
                format!("rubrics/README.md:{line}: {}", lines.join("; "))
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_readme_scenario_brief_is_valid() {
    let blocks = toml_blocks("README.md");
    assert_eq!(
        blocks.len(),
        1,
        "the README holds one toml example: a scenario brief"
    );
    let scenario: Scenario = toml::from_str(&blocks[0].1).unwrap();
    scenario.validate().unwrap();
    assert!(scenario.limit().is_some() && scenario.demand().is_some());
}
