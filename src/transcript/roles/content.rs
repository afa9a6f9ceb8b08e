//! Who is who, from what people say: when the labels are names (or made up by a
//! diarisation tool), the learner is the one who speaks for an organisation
//! (greets on its behalf, offers help, asks for identity details, explains
//! policy, apologises for it, says what they will do) and the customer the one
//! who brings the problem (states it, complains, demands, talks of what they
//! bought and of "your company").
//!
//! Each act is a short phrase from fixed lists, found as whole words in the
//! opening turns; a speaker's acts are counted once each, weighted, and the
//! assignment that most of the evidence agrees with wins. When the evidence is
//! thin or split, no guess is made and the caller is asked, with the best guess
//! offered: a wrong learner scores the customer, which is worse than asking.

use aho_corasick::AhoCorasick;
use std::sync::LazyLock;

/// Greetings are looked for in the first turns only: a service greeting opens a call.
pub const GREETING_WINDOW: usize = 4;
/// Characters of a turn searched for a greeting.
const GREETING_CHARS: usize = 200;
/// Service greetings, lower-case, with straight apostrophes, as whole words.
const GREETINGS: &[&str] = &[
    "thank you for calling",
    "thanks for calling",
    "thank you for contacting",
    "thanks for contacting",
    "thank you for holding",
    "thanks for holding",
    "thank you for waiting",
    "how can i help",
    "how may i help",
    "how can i assist",
    "how may i assist",
    "how can we help",
    "how may we help",
    "what can i do for you",
    "what can i help you with",
    "you're through to",
    "you are through to",
    "you're speaking to",
    "you're speaking with",
    "you are speaking to",
    "you are speaking with",
    "you've reached",
    "you have reached",
    "welcome to",
];
/// The service greeting that opens `text`, if any: a phrase from
/// the fixed list of greetings, or a name followed by "speaking" at the end of a clause
/// ("Priya speaking.").
pub fn greeting_signal(text: &str) -> Option<&'static str> {
    let head: String = text.chars().take(GREETING_CHARS).collect();
    let normal = normalise(&head, GREETING_CHARS);
    if let Some(phrase) = GREETINGS
        .iter()
        .find(|phrase| normal.contains(&format!(" {phrase} ")))
    {
        return Some(phrase);
    }
    let lower = head.to_lowercase();
    let speaking = lower.match_indices("speaking").any(|(at, word)| {
        let before = &lower[..at];
        let after = lower[at + word.len()..].trim_start();
        before.ends_with(' ')
            && !before.trim().is_empty()
            && (after.is_empty() || after.starts_with(['.', ',', '!', ';', '-', '–', '—']))
    });
    speaking.then_some(SPEAKING)
}

/// The greeting signal of a name followed by "speaking".
const SPEAKING: &str = "… speaking";

/// Turns read for role signals: who is who shows in the opening exchanges, and
/// a bound keeps a long transcript's guess cheap.
const SIGNAL_TURNS: usize = 40;
/// Characters of a turn read for role signals.
const SIGNAL_CHARS: usize = 600;

/// Weight of a service greeting that opens the speaker's first turn.
const OPENING_GREETING: u32 = 3;
/// Agreeing evidence needed, in weight, over the disagreeing, to guess: two
/// (one firm sign, or two weak ones, all pointing one way); one weak sign is
/// never enough.
const MIN_MARGIN: u32 = 2;
/// Share of all role evidence that must agree with a guess.
const MIN_CONFIDENCE: f64 = 0.75;

/// Acts of someone serving on behalf of an organisation, with their weight.
const STAFF_ACTS: &[(&str, u32)] = &[
    // Offering help, greeting for the organisation (anywhere after the opening).
    ("how can i help", 1),
    ("how may i help", 1),
    ("what can i do for you", 1),
    ("thank you for calling", 2),
    ("thanks for calling", 2),
    ("thanks for messaging", 2),
    ("thank you for messaging", 2),
    ("thanks for getting in touch", 2),
    ("thank you for getting in touch", 2),
    ("thanks for coming in", 2),
    ("thanks for joining", 1),
    ("returning your call", 2),
    ("you left a message", 2),
    ("you rang earlier", 2),
    ("you rang us", 2),
    ("you called us", 2),
    ("you reported", 1),
    ("you've been in touch", 1),
    ("you contacted us", 1),
    ("thank you for contacting", 2),
    ("thank you for holding", 2),
    ("thanks for holding", 2),
    ("thank you for waiting", 1),
    ("you're through to", 2),
    ("you're speaking to", 2),
    ("you're speaking with", 2),
    ("welcome to", 1),
    // Asking for identity or account details.
    ("can i take your", 2),
    ("could i take your", 2),
    ("can i take a", 1),
    ("can i have your", 2),
    ("could i have your", 2),
    ("can i get your", 2),
    ("could i get your", 2),
    ("can i grab your", 2),
    ("can i just take", 2),
    ("can i just get", 1),
    ("can i just check your", 2),
    ("can you confirm your", 2),
    ("could you confirm your", 2),
    ("can you confirm the", 2),
    ("could you confirm the", 2),
    ("can i confirm your", 2),
    ("just to confirm your", 2),
    ("what's your postcode", 2),
    ("your date of birth", 2),
    ("first line of your address", 2),
    ("your account number", 1),
    ("your order number", 1),
    ("your booking reference", 1),
    ("your reference number", 1),
    ("what's the order number", 2),
    ("what's the job number", 2),
    ("what's the reference", 2),
    ("what's your reference", 2),
    ("what's the booking reference", 2),
    ("what's the account number", 2),
    ("what's your account number", 2),
    ("what's your order number", 2),
    ("what's the name", 1),
    ("can i take the", 1),
    ("have you got your", 1),
    ("have you got the reference", 1),
    ("do you have your", 1),
    ("do you have the reference", 1),
    ("date of birth", 1),
    ("who am i speaking to", 2),
    ("who am i speaking with", 2),
    ("for security", 1),
    ("security questions", 1),
    // Looking into it, with the organisation's systems.
    ("let me check", 1),
    ("let me just check", 1),
    ("let me have a look", 1),
    ("let me look into", 1),
    ("let me pull up", 1),
    ("bear with me", 1),
    ("give me a second", 1),
    ("give me a moment", 1),
    ("give me a sec", 1),
    ("one moment", 1),
    ("have a seat", 1),
    ("take a seat", 1),
    ("come and sit down", 1),
    ("tell me what's happened", 1),
    ("tell me what happened", 1),
    ("let me get you up", 1),
    ("let me bring up", 1),
    ("on the system", 1),
    ("on your account", 1),
    ("i can see your", 1),
    ("i can see that your", 1),
    ("i've pulled up", 1),
    ("i've got your account", 1),
    ("i've got your order", 1),
    ("i've got your booking", 1),
    ("i've got your details", 1),
    // Policy and authority.
    ("our policy", 1),
    ("company policy", 1),
    ("our terms", 1),
    ("our procedure", 1),
    ("our process", 1),
    ("i'm not authorised", 1),
    ("i'm not able to authorise", 1),
    ("my manager", 1),
    ("my supervisor", 1),
    ("my team leader", 1),
    // Apologising for the organisation.
    ("i do apologise", 1),
    ("i apologise for", 1),
    ("on behalf of", 1),
    ("sorry for the inconvenience", 1),
    ("apologies for the inconvenience", 1),
    ("thank you for your patience", 1),
    ("thanks for your patience", 1),
    // Saying what will be done.
    ("what i can do", 1),
    ("i can offer", 1),
    ("i'm able to offer", 1),
    ("i can arrange", 1),
    ("i'll arrange", 1),
    ("i can refund", 1),
    ("i'll refund", 1),
    ("i've refunded", 1),
    ("i've booked", 1),
    ("i've arranged", 1),
    ("i've logged", 1),
    ("i'll log", 1),
    ("i've raised", 1),
    ("your reference is", 1),
    ("i'll sort", 1),
    ("is that right", 1),
    ("is that correct", 1),
    ("you'll get", 1),
    ("you'll receive", 1),
    ("you should get", 1),
    ("two options", 1),
    ("couple of options", 1),
    ("on us", 1),
    ("i'll get someone", 1),
    ("i'll send someone", 1),
    ("i can send", 1),
    ("we can send", 1),
    ("i'll email you", 1),
    ("i'll text you", 1),
    ("i'm on it", 1),
    ("i'll get that sorted", 1),
    ("i'll get this sorted", 1),
    ("let's get this sorted", 1),
    ("let's get it sorted", 1),
    ("i'll do everything i can", 1),
    ("i'm going to help you", 1),
    ("i can help with that", 1),
    ("i'll look into", 1),
    ("i'll find out", 1),
    ("i'll call you back", 1),
    ("i'll ring you back", 1),
    // The organisation's people and things, as "our".
    ("our engineer", 1),
    ("our engineers", 1),
    ("our team", 1),
    ("our driver", 1),
    ("our drivers", 1),
    ("our fitter", 1),
    ("our fitters", 1),
    ("our tester", 1),
    ("our testers", 1),
    ("our technician", 1),
    ("our technicians", 1),
    ("our staff", 1),
    ("our courier", 1),
    ("our customers", 1),
    ("our records", 1),
    ("our system", 1),
    ("our systems", 1),
    ("our warehouse", 1),
    ("our depot", 1),
    ("our end", 1),
    ("our side", 1),
    ("our fault", 1),
    ("our mistake", 1),
    ("that's on us", 1),
    // Closing a service call.
    ("anything else i can help", 2),
    ("anything else i can do", 2),
    ("is there anything else", 1),
];

/// Acts of someone bringing a problem to an organisation, with their weight.
const CUSTOMER_ACTS: &[(&str, u32)] = &[
    // Complaining and demanding.
    ("i want to complain", 2),
    ("i want to make a complaint", 2),
    ("i'd like to make a complaint", 2),
    ("i'd like to complain", 2),
    ("i wish to complain", 2),
    ("i want a refund", 2),
    ("i want my money back", 2),
    ("i'd like a refund", 2),
    ("i'd like my money back", 2),
    ("your manager", 2),
    ("your supervisor", 2),
    ("your boss", 2),
    ("someone in charge", 1),
    ("who's in charge", 2),
    ("whoever's in charge", 2),
    ("i want a manager", 2),
    ("i want the manager", 2),
    ("get me a manager", 2),
    ("speak to a manager", 2),
    ("speak to the manager", 2),
    ("someone higher up", 1),
    ("someone more senior", 1),
    ("i'm not happy", 1),
    ("this is ridiculous", 1),
    ("this is unacceptable", 1),
    ("it's ridiculous", 1),
    ("it's unacceptable", 1),
    ("absolutely ridiculous", 1),
    ("this isn't good enough", 1),
    ("this is not good enough", 1),
    ("every time i ring", 1),
    ("every time i call", 1),
    ("i've been sat", 1),
    ("i've been stood", 1),
    ("why didn't anyone", 1),
    ("why didn't you", 1),
    ("why wasn't i", 1),
    ("i'm really worried", 1),
    ("i don't understand", 1),
    ("it's a joke", 1),
    ("i'm fed up", 1),
    ("i've had enough", 1),
    ("sort it out", 1),
    // Talking of "your" organisation.
    ("your company", 1),
    ("your lot", 1),
    ("you lot", 1),
    ("you people", 1),
    ("your website", 1),
    ("your shop", 1),
    ("your store", 1),
    ("your engineer", 1),
    ("your driver", 1),
    ("your staff", 1),
    ("your system", 1),
    ("your app", 1),
    ("your firm", 1),
    ("your office", 1),
    ("your customer service", 1),
    ("your colleague", 1),
    ("your fitter", 1),
    ("your people", 1),
    ("your technician", 1),
    ("your courier", 1),
    ("your team", 1),
    ("your branch", 1),
    ("your department", 1),
    ("your policy", 1),
    ("your terms", 1),
    ("your instructor", 1),
    ("you're all the same", 1),
    // Stating what happened to them.
    ("i've been waiting", 2),
    ("i have been waiting", 2),
    ("i ordered", 1),
    ("i bought", 1),
    ("i booked", 1),
    ("i paid", 1),
    ("i've paid", 1),
    ("i've been charged", 1),
    ("i was charged", 1),
    ("i was told", 1),
    ("i was promised", 1),
    ("i'm calling about", 2),
    ("i'm ringing about", 2),
    ("i'm phoning about", 2),
    ("i'm calling because", 2),
    ("i'm ringing because", 2),
    ("i'm calling to", 1),
    ("i'm ringing to", 1),
    ("i rang", 1),
    ("i phoned", 1),
    ("i called you", 1),
    ("i've called", 1),
    ("i've rung", 1),
    ("i've phoned", 1),
    ("i've emailed", 1),
    ("i emailed", 1),
    ("i've just had", 1),
    ("thanks for calling back", 2),
    ("thank you for calling back", 2),
    ("thanks for ringing back", 2),
    ("thanks for getting back to me", 2),
    ("thank you for getting back to me", 2),
    ("let me check my", 1),
    ("let me find my", 1),
    ("bear with me while i find", 1),
    ("off you", 1),
    ("your lads", 1),
    ("your men", 1),
    ("your guys", 1),
    ("your van", 1),
    ("your email", 1),
    ("your letter", 1),
    ("your text", 1),
    ("i brought", 1),
    ("i dropped", 1),
    ("i sent", 1),
    ("i returned", 1),
    ("nobody told me", 1),
    ("no one told me", 1),
    ("nobody said", 1),
    ("nobody's called", 1),
    ("nobody rang", 1),
    ("never turned up", 1),
    ("didn't turn up", 1),
    ("hasn't turned up", 1),
    ("never arrived", 1),
    ("still hasn't", 1),
    ("i've had no", 1),
    ("what's going on", 1),
    ("my order", 1),
    ("my booking", 1),
    ("my parcel", 1),
    ("my delivery", 1),
    ("my bill", 1),
    ("my refund", 1),
    ("my money", 1),
    ("my appointment", 1),
    ("my prescription", 1),
    ("my deposit", 1),
    ("my flight", 1),
    ("my car", 1),
    ("my phone", 1),
    ("my house", 1),
    ("my flat", 1),
    ("my home", 1),
    ("my son", 1),
    ("my daughter", 1),
    ("my husband", 1),
    ("my wife", 1),
    ("my mum", 1),
    ("my dad", 1),
    ("my kids", 1),
    ("my ticket", 1),
    ("my tickets", 1),
    ("my case", 1),
    ("my luggage", 1),
    ("my test", 1),
    ("my kitchen", 1),
    ("my boiler", 1),
    ("my package", 1),
    ("my claim", 1),
    ("my complaint", 1),
    ("my contract", 1),
    ("my payment", 1),
    ("my card", 1),
];

/// Where a role signal came from: the fixed lists, never the transcript.
#[derive(Clone, Copy)]
enum Act {
    Staff(usize),
    Customer(usize),
}

/// One automaton over both lists, on the normalised text of a turn.
static ACTS: LazyLock<(AhoCorasick, Vec<Act>)> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut acts = Vec::new();
    for (index, (phrase, _)) in STAFF_ACTS.iter().enumerate() {
        patterns.push(format!(" {phrase} "));
        acts.push(Act::Staff(index));
    }
    for (index, (phrase, _)) in CUSTOMER_ACTS.iter().enumerate() {
        patterns.push(format!(" {phrase} "));
        acts.push(Act::Customer(index));
    }
    let automaton = AhoCorasick::new(&patterns).expect("fixed role phrases build an automaton");
    (automaton, acts)
});

/// Lower case, straight apostrophes, and a single space for anything else that
/// is not a letter or digit, with a space at each end, so phrases match as
/// whole words.
fn normalise(text: &str, max_chars: usize) -> String {
    let mut normal = String::with_capacity(text.len().min(max_chars) + 2);
    normal.push(' ');
    for c in text.chars().take(max_chars).flat_map(char::to_lowercase) {
        let c = match c {
            '’' | '‘' | '`' => '\'',
            c if c.is_alphanumeric() || c == '\'' => c,
            _ => ' ',
        };
        if !(c == ' ' && normal.ends_with(' ')) {
            normal.push(c);
        }
    }
    if !normal.ends_with(' ') {
        normal.push(' ');
    }
    normal
}

/// What one speaker's opening turns say about their role.
#[derive(Debug, Clone, Default)]
pub(super) struct RoleEvidence {
    /// Weight of the staff acts found.
    staff: u32,
    /// Weight of the customer acts found.
    customer: u32,
    /// The staff acts found, each once, from the fixed lists.
    staff_acts: Vec<&'static str>,
    /// The customer acts found, each once, from the fixed lists.
    customer_acts: Vec<&'static str>,
    /// Characters said, to break ties between silent bystanders and a customer.
    said: usize,
    /// "your" less "my" in the opening turns (see [`pronoun_balance`]).
    pronouns: i64,
}

impl RoleEvidence {
    /// Staff evidence less customer evidence: how much this speaker sounds like
    /// the one serving.
    fn net_staff(&self) -> i64 {
        i64::from(self.staff) - i64::from(self.customer)
    }

    fn add_staff(&mut self, act: &'static str, weight: u32) {
        if !self.staff_acts.contains(&act) {
            self.staff_acts.push(act);
            self.staff += weight;
        }
    }

    /// The pronoun balance as one act: a lean of two either way is a sign,
    /// of four a firm one.
    fn weigh_pronouns(&mut self) {
        let weight = match self.pronouns.unsigned_abs() {
            0..=1 => return,
            2..=3 => 1,
            _ => 2,
        };
        if self.pronouns > 0 {
            self.add_staff("speaks of \"your\" things", weight);
        } else {
            self.add_customer("speaks of \"my\" things", weight);
        }
    }

    fn add_customer(&mut self, act: &'static str, weight: u32) {
        if !self.customer_acts.contains(&act) {
            self.customer_acts.push(act);
            self.customer += weight;
        }
    }
}

/// Reads every speaker's opening turns for staff and customer acts.
/// `turns` gives each turn's speaker index and text, in order.
pub(super) fn read_speakers<'a>(
    turns: impl Iterator<Item = (usize, &'a str)>,
    speakers: usize,
) -> Vec<RoleEvidence> {
    let (automaton, acts) = &*ACTS;
    let mut evidence = vec![RoleEvidence::default(); speakers];
    let mut spoken = vec![false; speakers];
    for (turn, (speaker, text)) in turns.enumerate() {
        let found = &mut evidence[speaker];
        found.said += text.len();
        if turn >= SIGNAL_TURNS {
            continue;
        }
        if !std::mem::replace(&mut spoken[speaker], true) && turn < GREETING_WINDOW {
            if let Some(greeting) = greeting_signal(text) {
                // "Pete speaking." also answers a phone at home: a weaker sign.
                let weight = if greeting == SPEAKING {
                    1
                } else {
                    OPENING_GREETING
                };
                found.add_staff(greeting, weight);
            }
        }
        let normal = normalise(text, SIGNAL_CHARS);
        let words: Vec<&str> = normal.split_whitespace().collect();
        found.pronouns += pronoun_balance(&words);
        if turn < GREETING_WINDOW && introduces_from_organisation(&words) {
            found.add_staff("it's <name> from <organisation>", 2);
        }
        let hits: Vec<_> = automaton.find_overlapping_iter(&normal).collect();
        // A phrase inside a longer one found at the same place is the longer
        // one's: "thanks for calling back" is the customer's, not a greeting.
        let inside_another = |hit: &aho_corasick::Match| {
            hits.iter().any(|other| {
                other.start() <= hit.start() && other.end() >= hit.end() && other.len() > hit.len()
            })
        };
        for hit in hits.iter().filter(|hit| !inside_another(hit)) {
            match acts[hit.pattern().as_usize()] {
                Act::Staff(index) => {
                    let (phrase, weight) = STAFF_ACTS[index];
                    found.add_staff(phrase, weight);
                }
                Act::Customer(index) => {
                    let (phrase, weight) = CUSTOMER_ACTS[index];
                    found.add_customer(phrase, weight);
                }
            }
        }
    }
    for found in &mut evidence {
        found.weigh_pronouns();
    }
    evidence
}

/// Words after "from" that place a person at home rather than at work.
const HOME_PLACES: &[&str] = &["flat", "number", "no", "house", "apartment", "home", "room"];

/// "It's Shauna at Swift Move", "this is Dan from the lettings team", "I'm Zara
/// with Northway": a name, then the organisation it speaks for.
fn introduces_from_organisation(words: &[&str]) -> bool {
    (0..words.len()).any(|i| {
        let after_name = match words[i..] {
            ["it's" | "i'm", _, ..] => i + 2,
            ["this", "is", _, ..] => i + 3,
            _ => return false,
        };
        let rest = &words[after_name.min(words.len())..];
        let rest = match rest {
            ["calling", tail @ ..] | ["ringing", tail @ ..] => tail,
            _ => rest,
        };
        matches!(rest, ["from" | "at" | "with", place, ..] if !HOME_PLACES.contains(place))
    })
}

/// "my" words that staff use of themselves as often as customers do.
const STAFF_MY: &[&str] = &[
    "name",
    "manager",
    "colleague",
    "colleagues",
    "supervisor",
    "team",
    "apologies",
    "pleasure",
    "screen",
    "system",
    "end",
    "side",
];

/// "your" less "my": the one serving speaks of the other's account, order and
/// booking, the one served of their own things.
fn pronoun_balance(words: &[&str]) -> i64 {
    let mut balance = 0;
    for (i, word) in words.iter().enumerate() {
        match *word {
            "your" | "yours" => balance += 1,
            "my" | "mine" => {
                let next = words.get(i + 1).copied().unwrap_or("");
                if !STAFF_MY.contains(&next) {
                    balance -= 1;
                }
            }
            _ => {}
        }
    }
    balance
}

/// The learner (and customer) the words point to, and how sure that is.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ContentGuess {
    /// Index of the speaker taken as the learner.
    pub learner: usize,
    /// Index of the speaker taken as the customer, when one was guessed.
    pub customer: Option<usize>,
    /// Share of the role evidence that agrees with the guess, from 0 to 1.
    pub confidence: f64,
    /// Whether the evidence is strong and one-sided enough to act on.
    pub sure: bool,
}

/// Guesses the learner among `candidates` (speakers whose role no label or
/// hint settled) and, when `with_customer`, the customer among the rest.
/// `None` when no candidate says anything that points either way.
pub(super) fn guess(
    evidence: &[RoleEvidence],
    candidates: &[usize],
    with_customer: bool,
) -> Option<ContentGuess> {
    // The most staff-like speaker; ties go to the one who spoke first.
    let learner = *candidates
        .iter()
        .max_by_key(|&&s| (evidence[s].net_staff(), std::cmp::Reverse(s)))?;
    let rest: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&s| s != learner)
        .collect();
    let customer = if with_customer {
        most_customer_like(evidence, &rest)
    } else {
        None
    };
    let l = &evidence[learner];
    // Evidence for the guess: the learner's staff acts and the customer's
    // customer acts. Against it: the learner's customer acts and the staff acts
    // of everyone else who could have been the learner.
    let mut agree = l.staff;
    let mut disagree = l.customer;
    let strongest_rival = rest.iter().map(|&s| evidence[s].staff).max().unwrap_or(0);
    if let Some(c) = customer {
        agree += evidence[c].customer;
        disagree += evidence[c].staff.max(strongest_rival);
    } else {
        disagree += strongest_rival;
    }
    if agree == 0 {
        return None;
    }
    let confidence = f64::from(agree) / f64::from(agree + disagree);
    Some(ContentGuess {
        learner,
        customer,
        confidence: (confidence * 100.0).round() / 100.0,
        sure: agree >= disagree + MIN_MARGIN && confidence >= MIN_CONFIDENCE,
    })
}

/// The speaker among `candidates` who most sounds like the one with the
/// problem; ties go to whoever said most (a bystander says little), then to
/// who spoke first.
pub(super) fn most_customer_like(evidence: &[RoleEvidence], candidates: &[usize]) -> Option<usize> {
    candidates.iter().copied().max_by_key(|&s| {
        (
            -evidence[s].net_staff(),
            evidence[s].said,
            std::cmp::Reverse(s),
        )
    })
}

/// The acts that carried a guess: the learner's staff acts and the customer's
/// customer acts, fixed phrases from the lists, never transcript text.
pub(super) fn carrying_acts<'e>(
    evidence: &'e [RoleEvidence],
    guess: &ContentGuess,
) -> (&'e [&'static str], &'e [&'static str]) {
    let customer = guess
        .customer
        .map_or(&[][..], |c| &evidence[c].customer_acts[..]);
    (&evidence[guess.learner].staff_acts, customer)
}

/// The same acts for clients, each naming whose it is: `learner: "<act>"`,
/// `customer: "<act>"`.
pub(super) fn reasons(evidence: &[RoleEvidence], guess: &ContentGuess) -> Vec<String> {
    let (staff, customer) = carrying_acts(evidence, guess);
    staff
        .iter()
        .map(|act| format!("learner: \"{act}\""))
        .chain(customer.iter().map(|act| format!("customer: \"{act}\"")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_are_found_at_the_start_of_a_turn() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Thank you for calling Northway, how can I help?",
                Some("thank you for calling"),
            ),
            (
                "Good morning, you’re through to Brightline. Megan speaking.",
                Some("you're through to"),
            ),
            ("Hello, Jordan speaking.", Some("… speaking")),
            ("Crossway Trains, Jordan speaking", Some("… speaking")),
            ("Hi there, HOW MAY I HELP you?", Some("how may i help")),
            ("Welcome to Peak Cycles!", Some("welcome to")),
            ("Speaking.", None),
            ("I'm speaking to you about my refund.", None),
            ("Hello? Is anyone there?", None),
            ("Thanks for nothing.", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(greeting_signal(text), *expected, "{text:?}");
        }
        // Only the head of a long turn is searched.
        let late = format!("{} how can I help", "word ".repeat(60));
        assert_eq!(greeting_signal(&late), None);
    }
}
