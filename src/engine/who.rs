//! Whose turns a rule looks at: shared by the rules, the scenario rules and
//! the rubric format, so that none of them imports another for it.

use crate::transcript::Role;
use serde::{Deserialize, Serialize};

/// Whose turns a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Who {
    Learner,
    Customer,
    Other,
    Anyone,
}

impl Who {
    pub fn admits(self, role: Role) -> bool {
        match self {
            Who::Anyone => true,
            Who::Learner => role == Role::Learner,
            Who::Customer => role == Role::Customer,
            Who::Other => role == Role::Other,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Who::Learner => "the learner",
            Who::Customer => "the customer",
            Who::Other => "another speaker",
            Who::Anyone => "anyone",
        }
    }
}
