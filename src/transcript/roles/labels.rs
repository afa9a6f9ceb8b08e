//! What a speaker label says about its speaker's role: role words in the label
//! ("Agent 1", "Customer Service Advisor", "Role-player", "Assessor").

use crate::transcript::Role;

/// Words and phrases that reveal a role inside a speaker label. Multi-word
/// phrases come before the single words they contain so that "customer service
/// advisor" reads as staff rather than as a customer.
const LABEL_TERMS: &[(&[&str], Role)] = &[
    // Staff job titles that contain a customer word.
    (&["customer", "service"], Role::Learner),
    (&["customer", "services"], Role::Learner),
    (&["customer", "support"], Role::Learner),
    (&["customer", "care"], Role::Learner),
    (&["customer", "success"], Role::Learner),
    (&["customer", "experience"], Role::Learner),
    (&["client", "service"], Role::Learner),
    (&["client", "services"], Role::Learner),
    (&["client", "support"], Role::Learner),
    (&["guest", "service"], Role::Learner),
    (&["guest", "services"], Role::Learner),
    (&["guest", "relations"], Role::Learner),
    (&["member", "services"], Role::Learner),
    (&["patient", "services"], Role::Learner),
    (&["patient", "care"], Role::Learner),
    (&["patient", "liaison"], Role::Learner),
    (&["user", "support"], Role::Learner),
    (&["front", "desk"], Role::Learner),
    (&["help", "desk"], Role::Learner),
    (&["call", "handler"], Role::Learner),
    (&["team", "leader"], Role::Other),
    (&["team", "lead"], Role::Other),
    // Staff.
    (&["agent"], Role::Learner),
    (&["advisor"], Role::Learner),
    (&["adviser"], Role::Learner),
    (&["learner"], Role::Learner),
    (&["trainee"], Role::Learner),
    (&["candidate"], Role::Learner),
    (&["apprentice"], Role::Learner),
    (&["staff"], Role::Learner),
    (&["rep"], Role::Learner),
    (&["representative"], Role::Learner),
    (&["colleague"], Role::Learner),
    (&["assistant"], Role::Learner),
    (&["associate"], Role::Learner),
    (&["csr"], Role::Learner),
    (&["cs"], Role::Learner),
    (&["operator"], Role::Learner),
    (&["receptionist"], Role::Learner),
    (&["clerk"], Role::Learner),
    (&["cashier"], Role::Learner),
    (&["server"], Role::Learner),
    (&["waiter"], Role::Learner),
    (&["waitress"], Role::Learner),
    (&["barista"], Role::Learner),
    (&["bartender"], Role::Learner),
    (&["attendant"], Role::Learner),
    (&["employee"], Role::Learner),
    (&["support"], Role::Learner),
    (&["helpdesk"], Role::Learner),
    (&["host"], Role::Learner),
    (&["concierge"], Role::Learner),
    (&["teller"], Role::Learner),
    (&["consultant"], Role::Learner),
    (&["coordinator"], Role::Learner),
    (&["co", "ordinator"], Role::Learner),
    (&["officer"], Role::Learner),
    (&["handler"], Role::Learner),
    // Customers. "student" is deliberately absent: in training role-plays the
    // student is usually the learner.
    (&["customer"], Role::Customer),
    (&["client"], Role::Customer),
    (&["caller"], Role::Customer),
    (&["guest"], Role::Customer),
    (&["member"], Role::Customer),
    (&["patient"], Role::Customer),
    (&["passenger"], Role::Customer),
    (&["visitor"], Role::Customer),
    (&["shopper"], Role::Customer),
    (&["buyer"], Role::Customer),
    (&["purchaser"], Role::Customer),
    (&["diner"], Role::Customer),
    (&["tenant"], Role::Customer),
    (&["resident"], Role::Customer),
    (&["user"], Role::Customer),
    (&["complainant"], Role::Customer),
    (&["consumer"], Role::Customer),
    // Whoever plays the customer in a training centre's role-play.
    (&["role", "player"], Role::Customer),
    (&["roleplayer"], Role::Customer),
    (&["actor"], Role::Customer),
    // People outside the learner/customer pair.
    (&["supervisor"], Role::Other),
    (&["manager"], Role::Other),
    (&["assessor"], Role::Other),
    (&["observer"], Role::Other),
    (&["narrator"], Role::Other),
    (&["trainer"], Role::Other),
    (&["tutor"], Role::Other),
    (&["invigilator"], Role::Other),
    (&["verifier"], Role::Other),
    (&["facilitator"], Role::Other),
    (&["examiner"], Role::Other),
];

/// Reads a role from a speaker or role label such as `Agent 1`, `Customer_2`,
/// `Service Advisor`, `CSR` or `Customer Service Rep`.
///
/// Matching is by whole word, case-insensitive; `learner`, `customer` and
/// `other` name their role directly. A label whose words point at different
/// roles (`Assistant Manager`) yields `None`, leaving the decision to the other
/// rules rather than guessing.
pub fn role_from_label(label: &str) -> Option<Role> {
    if let Some(role) = Role::parse(label) {
        return Some(role);
    }
    let words = label_words(label);
    let mut found: Option<Role> = None;
    let mut i = 0;
    while i < words.len() {
        let rest = &words[i..];
        let term = LABEL_TERMS.iter().find(|(phrase, _)| {
            phrase.len() <= rest.len() && phrase.iter().zip(rest).all(|(p, w)| *p == w.as_str())
        });
        match term {
            Some((phrase, role)) => {
                if found.is_some_and(|seen| seen != *role) {
                    return None;
                }
                found = Some(*role);
                i += phrase.len();
            }
            None => i += 1,
        }
    }
    found
}

/// Lower-cased words of a label, split at anything that is not a letter or
/// digit and between letters and digits, so `Agent1` and `Customer_2` both
/// expose their role word.
fn label_words(label: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut current_is_digit = false;
    for c in label.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let is_digit = c.is_numeric();
        if !current.is_empty() && is_digit != current_is_digit {
            words.push(std::mem::take(&mut current));
        }
        current_is_digit = is_digit;
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::{Customer as C, Learner as L, Other as O};

    #[test]
    fn role_from_label_reads_role_words() {
        let cases: &[(&str, Option<Role>)] = &[
            ("Agent", Some(L)),
            ("agent", Some(L)),
            ("Agent 1", Some(L)),
            ("Agent1", Some(L)),
            ("Customer_2", Some(C)),
            ("Customer2", Some(C)),
            ("Service Advisor", Some(L)),
            ("Service Adviser", Some(L)),
            ("CSR", Some(L)),
            ("CS", Some(L)),
            ("Sales Rep", Some(L)),
            ("Customer Service Advisor", Some(L)),
            ("Customer Service", Some(L)),
            ("customer-support", Some(L)),
            ("Front Desk", Some(L)),
            ("Learner", Some(L)),
            ("Trainee", Some(L)),
            ("Customer", Some(C)),
            ("CUSTOMER", Some(C)),
            ("The Customer", Some(C)),
            ("Customer's wife", Some(C)),
            ("Caller", Some(C)),
            ("Hotel Guest", Some(C)),
            ("Patient", Some(C)),
            ("Client", Some(C)),
            ("Supervisor", Some(O)),
            ("Store Manager", Some(O)),
            ("Team Leader", Some(O)),
            ("Narrator", Some(O)),
            ("other", Some(O)),
            // Both staff and non-staff words: no guess.
            ("Assistant Manager", None),
            ("Support User", None),
            // Role words only count as whole words.
            ("Agentur", None),
            ("Customers", None),
            ("Repton", None),
            ("Hostess Clara", None),
            ("Sam", None),
            ("Student", None),
            ("", None),
        ];
        for (label, expected) in cases {
            assert_eq!(role_from_label(label), *expected, "label {label:?}");
        }
    }

    #[test]
    fn label_words_split_at_punctuation_and_digits() {
        assert_eq!(label_words("Agent1"), vec!["agent", "1"]);
        assert_eq!(label_words("Customer_2 (B)"), vec!["customer", "2", "b"]);
        assert_eq!(label_words("  Dr. O'Neil "), vec!["dr", "o", "neil"]);
        assert!(label_words("--").is_empty());
    }
}
