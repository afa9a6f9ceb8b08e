//! Scenario briefs: amounts read from text, the scenario's own policies credited,
//! offers held against the authority limit, and escalation expected when the
//! customer asks for more than the limit.

mod support;

use rolemark::engine::internals::{amounts, Amount};
use rolemark::engine::{Assessment, CriterionResult, Outcome, Polarity, Scenario, Scorer};
use rolemark::transcript::{self, RoleHints};
use std::process::Command;
use support::registry;

#[test]
fn amounts_are_read_in_the_forms_people_say_them() {
    let found = |text: &str| -> Vec<u64> { amounts(text).iter().map(|(a, _, _)| a.0).collect() };
    assert_eq!(found("I can refund £50 today."), [5000]);
    assert_eq!(found("That's £49.99, or £1,200 in all."), [4999, 120_000]);
    assert_eq!(found("a 30 quid voucher and 20 pounds off"), [3000, 2000]);
    assert_eq!(found("€15 or $7.50"), [1500, 750]);
    // Numbers that are not money are not amounts.
    assert!(found("Order 12345 arrived on the 3rd, 2 days late.").is_empty());
    assert!(found("A4 paper and 50poundsworth").is_empty());
    let text = "Refund: £80.";
    let (_, start, end) = amounts(text)[0];
    let slice: String = text
        .chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect();
    assert_eq!(slice, "£80");
    assert_eq!(Amount(4999).to_string(), "£49.99");
}

fn brief() -> Scenario {
    Scenario {
        policies: vec!["Northway Promise".into()],
        authority_limit: Some("refunds up to £50".into()),
        ..Scenario::default()
    }
}

fn score(text: &str, scenario: Option<&Scenario>) -> Assessment {
    let rubric = registry().get("challenging-customers").unwrap();
    let transcript = transcript::parse(text, None, &RoleHints::default()).unwrap();
    Scorer::new(rubric)
        .with_scenario(scenario)
        .score(&transcript)
}

fn criterion<'a>(assessment: &'a Assessment, id: &str) -> &'a CriterionResult {
    assessment.criteria.iter().find(|c| c.id == id).unwrap()
}

const WITHIN: &str = "Customer: You've overcharged me and I'm furious.\n\
Agent: I'm really sorry. Under the Northway Promise I can refund £40 to your account today.";

#[test]
fn naming_the_scenario_policy_counts_as_applying_policy() {
    let without = score(WITHIN, None);
    let with = score(WITHIN, Some(&brief()));
    let (before, after) = (
        criterion(&without, "resolution-within-policy"),
        criterion(&with, "resolution-within-policy"),
    );
    // Without the brief the offer still earns part of the policy credit (one
    // concrete remedy); naming the scenario's own policy is what completes it.
    assert!(
        before.score.unwrap() < 1.0,
        "generic phrases miss the brand name: {before:#?}"
    );
    assert_eq!(after.outcome, Outcome::Met, "{after:#?}");
    assert_eq!(after.score, Some(1.0), "{after:#?}");
    assert!(
        after.evidence.iter().all(|e| e.polarity == Polarity::For),
        "£40 is within the limit"
    );
    assert_eq!(
        with.scenario.as_ref(),
        Some(&brief()),
        "the record keeps its brief"
    );
}

#[test]
fn an_offer_over_the_authority_limit_counts_against() {
    let over = score(&WITHIN.replace("£40", "£80"), Some(&brief()));
    let result = criterion(&over, "resolution-within-policy");
    assert_ne!(result.outcome, Outcome::Met);
    let against: Vec<_> = result
        .evidence
        .iter()
        .filter(|e| e.polarity == Polarity::Against)
        .collect();
    assert_eq!(against.len(), 1);
    assert_eq!(
        against[0].note.as_deref(),
        Some("offers £80, over the authority limit of £50")
    );
    assert!(against[0].quote.quote.contains("£80"));
}

const DEMAND: &str = "Customer: You've overcharged me for months and I'm furious. I want a £120 refund today.\n\
Agent: I'm really sorry, I can hear how frustrating this has been. I can credit £40 to your account today.";

#[test]
fn a_demand_over_the_limit_expects_escalation() {
    let missed = score(DEMAND, Some(&brief()));
    let result = criterion(&missed, "escalation-handover");
    assert_eq!(result.outcome, Outcome::NotMet);
    assert!(result
        .looked_for
        .iter()
        .any(|l| l.contains("once the customer asked for £120, over the authority limit of £50")));
    let escalated = format!(
        "{DEMAND}\nAgent: The rest is above what I can authorise, so I'll pass this to my team leader. \
         I've passed on all the details so you won't have to repeat yourself."
    );
    let done = score(&escalated, Some(&brief()));
    assert_eq!(
        criterion(&done, "escalation-handover").outcome,
        Outcome::Met
    );
    // The brief's own `customer_demand` stands when the customer names no sum;
    // without it, this calm exchange calls for no escalation at all.
    let quiet = DEMAND.replace(" I want a £120 refund today.", "");
    assert_eq!(
        criterion(&score(&quiet, Some(&brief())), "escalation-handover").outcome,
        Outcome::NotApplicable
    );
    let mut stated = brief();
    stated.customer_demand = Some("£120".into());
    assert_eq!(
        criterion(&score(&quiet, Some(&stated)), "escalation-handover").outcome,
        Outcome::NotMet
    );
}

#[test]
fn the_cli_reads_a_scenario_file_and_refuses_a_limit_without_an_amount() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let transcript =
        std::env::temp_dir().join(format!("rolemark-scenario-{}.txt", std::process::id()));
    std::fs::write(&transcript, DEMAND).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(["score", "--rubric", "challenging-customers", "--scenario"])
        .arg(root.join("examples/scenario-overcharge.toml"))
        .arg(&transcript)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let assessment: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(assessment["scenario"]["organisation"], "Northway Energy");

    let bad =
        std::env::temp_dir().join(format!("rolemark-bad-scenario-{}.toml", std::process::id()));
    std::fs::write(&bad, "authority_limit = \"whatever the manager says\"\n").unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_rolemark"))
        .args(["score", "--rubric", "challenging-customers", "--scenario"])
        .arg(&bad)
        .arg(&transcript)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("names no amount of money"), "{message}");
    assert_eq!(message.trim().lines().count(), 1);
}
