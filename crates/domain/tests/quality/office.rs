//! An office-chat generator written apart from the sandbox's and from `corpus`: a product
//! team's channel over 19 days, with chatter whose mix drifts from day to day, a few
//! standing subjects, and topics that burst for a day or two (some trickle in beforehand).
//! Topics are written the way people write them: capitalised or not, in the plural, with a
//! word after them ("design review timeline"), inside questions and replies.
//!
//! Windows: each of the last 12 days, against the 7 days before it, as the service asks.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta};
use switchboard_domain::analytics::TimeWindow;

use super::{Case, Post};

/// xorshift64*: a different generator from the other test data's SplitMix64.
struct Dice(u64);

impl Dice {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn upto(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn real(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn one<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.upto(items.len())]
    }
}

/// A subject people talk about: how it is written, and what is said about it.
struct Subject {
    /// The canonical phrase (what a reader would call it), lowercase.
    name: &'static str,
    /// How posts write it: mostly its name, sometimes a variant (plural, a word more, an
    /// abbreviation).
    forms: &'static [&'static str],
    /// Words that come up around it.
    around: &'static [&'static str],
}

const SUBJECTS: [Subject; 16] = [
    Subject {
        name: "design review",
        forms: &[
            "design review",
            "Design Review",
            "design review",
            "design reviews",
            "design review timeline",
            "design review deck",
            "design review",
        ],
        around: &["mockups", "figma", "spacing", "stakeholders", "feedback"],
    },
    Subject {
        name: "load balancer",
        forms: &[
            "load balancer",
            "Load Balancer",
            "load balancer",
            "load balancers",
            "load balancer config",
            "load balancer",
        ],
        around: &["timeouts", "health checks", "nginx", "traffic", "certs"],
    },
    Subject {
        name: "pricing page",
        forms: &[
            "pricing page",
            "Pricing page",
            "pricing page",
            "pricing pages",
            "pricing page copy",
            "pricing page",
        ],
        around: &["tiers", "annual plan", "discount", "conversion", "checkout"],
    },
    Subject {
        name: "reorg",
        forms: &["reorg", "Reorg", "reorg", "reorg announcement", "reorg", "REORG"],
        around: &["managers", "teams", "reporting lines", "headcount", "rumours"],
    },
    Subject {
        name: "hackathon",
        forms: &[
            "hackathon",
            "Hackathon",
            "hackathon",
            "hackathon projects",
            "HACKATHON",
            "hackathon",
        ],
        around: &["prizes", "demo day", "pizza", "judges", "ideas"],
    },
    Subject {
        name: "customer churn report",
        forms: &[
            "customer churn report",
            "Customer Churn Report",
            "customer churn report",
            "customer churn reports",
            "churn report",
            "customer churn report draft",
            "customer churn report",
        ],
        around: &["cohorts", "retention", "spreadsheet", "accounts", "renewals"],
    },
    Subject {
        name: "expense reports",
        forms: &[
            "expense reports",
            "Expense Reports",
            "expense reports",
            "expense report",
            "expense reports portal",
            "expense reports",
        ],
        around: &["receipts", "finance", "reimbursement", "travel", "approvals"],
    },
    Subject {
        name: "api gateway",
        forms: &[
            "api gateway",
            "API gateway",
            "API Gateway",
            "api gateway latency",
            "api gateway",
            "api gateways",
        ],
        around: &["rate limits", "routes", "auth", "p99", "throttling"],
    },
    Subject {
        name: "holiday party",
        forms: &[
            "holiday party",
            "Holiday Party",
            "holiday party",
            "holiday party venue",
            "holiday parties",
            "holiday party",
        ],
        around: &["rsvp", "dj", "catering", "secret santa", "dress code"],
    },
    Subject {
        name: "vendor contract",
        forms: &[
            "vendor contract",
            "Vendor Contract",
            "vendor contract",
            "vendor contracts",
            "vendor contract renewal",
            "vendor contract",
        ],
        around: &["legal", "redlines", "procurement", "signature", "terms"],
    },
    Subject {
        name: "dark mode",
        forms: &["dark mode", "Dark Mode", "dark mode", "dark mode toggle", "dark mode"],
        around: &["contrast", "theme", "icons", "accessibility", "css"],
    },
    Subject {
        name: "data retention policy",
        forms: &[
            "data retention policy",
            "Data Retention Policy",
            "data retention policy",
            "data retention policies",
            "retention policy",
            "data retention policy",
        ],
        around: &["gdpr", "backups", "deletion", "compliance", "audit log"],
    },
    Subject {
        name: "kubernetes upgrade",
        forms: &[
            "kubernetes upgrade",
            "Kubernetes upgrade",
            "kubernetes upgrade",
            "k8s upgrade",
            "kubernetes upgrades",
            "kubernetes upgrade",
        ],
        around: &["node pools", "helm charts", "downtime", "cluster", "drain"],
    },
    Subject {
        name: "onboarding docs",
        forms: &[
            "onboarding docs",
            "Onboarding Docs",
            "onboarding docs",
            "onboarding doc",
            "onboarding docs repo",
            "onboarding docs",
        ],
        around: &["new hires", "laptop setup", "wiki", "checklist", "buddy"],
    },
    Subject {
        name: "invoices",
        forms: &["invoices", "Invoices", "invoices", "invoice", "invoices backlog", "invoices"],
        around: &["billing", "stripe", "overdue", "pdf", "customers"],
    },
    Subject {
        name: "mobile release",
        forms: &[
            "mobile release",
            "Mobile Release",
            "mobile release",
            "mobile releases",
            "mobile release candidate",
            "mobile release",
        ],
        around: &["app store", "testflight", "crash rate", "build", "android"],
    },
];

/// Subjects talked about every day, never planted.
const STANDING: [Subject; 3] = [
    Subject {
        name: "sprint board",
        forms: &["sprint board", "Sprint board", "sprint board"],
        around: &["tickets", "story points", "backlog", "jira"],
    },
    Subject {
        name: "staging environment",
        forms: &["staging environment", "staging", "Staging environment"],
        around: &["deploys", "seed data", "flaky", "env vars"],
    },
    Subject {
        name: "customer calls",
        forms: &["customer calls", "customer call", "Customer calls"],
        around: &["notes", "zoom", "follow ups", "crm"],
    },
];

/// Posts about a subject: `{s}` is the subject as written, `{w}` a word around it, `{p}` a
/// colleague, `{n}` a number.
const ABOUT: [&str; 22] = [
    "{s} is happening today, right?",
    "has anyone seen the latest on the {s}",
    "I pinged {p} about the {s}, waiting to hear back",
    "ok so the {s}: {w} still needs an owner",
    "{s} update: {w} is sorted, {n} items left",
    "are we blocked on the {s}? {p} said {w} was the issue",
    "the {s} thread is getting long lol",
    "can we timebox the {s} to 30 min",
    "Re {s} — I added notes on {w} in the doc",
    "my two cents on the {s}: let's not overthink the {w}",
    "who is running point on {s}?",
    "{p} is the {s} still on for this afternoon",
    "I'd rather push the {s} to next week honestly",
    "more {w} questions for the {s}, dropping them here",
    "{s}!!! finally",
    "quick poll: {s} before or after the offsite? :thinking_face:",
    "fwiw the {s} looks way better than last time",
    "the {w} part of the {s} worries me a bit",
    "did the {s} go ok? missed it",
    "sharing my screen for the {s} in 5",
    "{w} for the {s} — see https://docs.example.com/{n}",
    "nobody told me the {s} moved :upside_down_face:",
];

/// Replies that keep a thread going without naming its subject.
const SHORT: [&str; 16] = [
    "+1",
    "agreed",
    "same",
    "on it",
    "nice",
    "ty!",
    "yep",
    "makes sense",
    "hmm not sure",
    "will do",
    "good call",
    "lgtm",
    "ack",
    "sgtm",
    "👍",
    "haha",
];

/// Chatter: nothing to do with any subject. Some lines are in fashion some days.
const CHATTER: [&str; 32] = [
    "brb",
    "brb, grabbing coffee",
    "lunch?",
    "anyone up for lunch",
    "going for lunch, back in 20",
    "back from lunch",
    "as {p} mentioned earlier, let's sync tomorrow",
    "like I mentioned, I'm out friday",
    "we're about ninety percent done",
    "ninety percent done, just polishing",
    "don't start without me, running late",
    "start without me, I'll join in 10",
    "good morning all",
    "morning!",
    "heading out, see you tomorrow",
    "wifi is terrible today",
    "who's in the office today?",
    "happy friday :tada:",
    "can someone send me the zoom link",
    "ping me if you need anything",
    "omw",
    "sorry, was in a meeting",
    "running 5 min late",
    "thanks everyone!",
    "lol",
    "did anyone else get that weird email",
    "the kitchen is out of oat milk again",
    "reminder to fill in the timesheet",
    "ooo tomorrow, text me if urgent",
    "is the printer working for anyone",
    "my laptop just restarted for updates again",
    "coffee run, anyone want something?",
];

const PEOPLE: [&str; 9] = ["kim", "raj", "sofia", "tomasz", "ines", "dele", "mei", "omar", "lena"];

fn fill(dice: &mut Dice, template: &str, subject: Option<&Subject>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let key = rest.as_bytes().get(i + 1).copied();
        rest = rest.get(i + 3..).unwrap_or("");
        match (key, subject) {
            (Some(b's'), Some(s)) => out.push_str(dice.one(s.forms)),
            (Some(b'w'), Some(s)) => out.push_str(dice.one(s.around)),
            (Some(b'p'), _) => {
                out.push('@');
                out.push_str(dice.one(&PEOPLE));
            }
            (Some(b'n'), _) => out.push_str(&(2 + dice.upto(60)).to_string()),
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

/// Who posts: some people much more than others.
fn author(dice: &mut Dice) -> &'static str {
    let weights = [9, 7, 6, 5, 4, 3, 2, 2, 1];
    let total: usize = weights.iter().sum();
    let mut roll = dice.upto(total);
    for (person, w) in PEOPLE.iter().zip(weights) {
        if roll < w {
            return person;
        }
        roll -= w;
    }
    PEOPLE[0]
}

const DAYS: i64 = 19;
const WINDOWS: i64 = 12;

/// A burst: a subject talked about a lot on `day` (and a little the day after), maybe after a
/// trickle in the days before.
struct Burst {
    subject: usize,
    day: i64,
    posts: usize,
    trickle: bool,
}

/// 12 daily windows of one channel for `seed`.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut dice = Dice::new(seed);
    let start = DateTime::from_timestamp(1_717_200_000, 0).unwrap_or_default();
    let mut order: Vec<usize> = (0..SUBJECTS.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, dice.upto(i + 1));
    }
    // One or two subjects burst each window day, never one that burst in the week before.
    let mut bursts: Vec<Burst> = Vec::new();
    for day in (DAYS - WINDOWS)..DAYS {
        for _ in 0..1 + dice.upto(2) {
            let fresh: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&s| !bursts.iter().any(|b| b.subject == s && day - b.day < 8))
                .collect();
            if fresh.is_empty() {
                break;
            }
            let subject = fresh[dice.upto(fresh.len())];
            bursts.push(Burst {
                subject,
                day,
                posts: 6 + dice.upto(25),
                trickle: dice.real() < 0.5,
            });
        }
    }
    let mut posts: Vec<Post> = Vec::new();
    let mut push = |dice: &mut Dice, day: i64, text: String, author: &str| {
        let second = 7 * 3600 + dice.upto(12 * 3600) as i64;
        posts.push(Post {
            author: author.to_owned(),
            text,
            posted_at: start + TimeDelta::days(day) + TimeDelta::seconds(second),
        });
    };
    for day in 0..DAYS {
        let weekend = day % 7 >= 5;
        let scale = if weekend { 0.3 } else { 1.0 };
        // Chatter: a base rate, with some lines in fashion today.
        let fashion: Vec<f64> = CHATTER
            .iter()
            .map(|_| if dice.real() < 0.2 { 3.0 } else { 0.6 + dice.real() })
            .collect();
        for (i, line) in CHATTER.iter().enumerate() {
            let expected = 2.2 * fashion[i] * scale;
            let count = (expected + dice.real() * 2.0 - 1.0).round().max(0.0) as usize;
            for _ in 0..count {
                let text = fill(&mut dice, line, None);
                let who = author(&mut dice);
                push(&mut dice, day, text, who);
            }
        }
        for s in &STANDING {
            let count = ((6.0 + dice.real() * 6.0) * scale) as usize;
            for _ in 0..count {
                let template = dice.one(&ABOUT);
                let text = fill(&mut dice, template, Some(s));
                let who = author(&mut dice);
                push(&mut dice, day, text, who);
            }
        }
        for burst in &bursts {
            let count = if burst.day == day {
                burst.posts
            } else if burst.day + 1 == day {
                burst.posts / 4
            } else if burst.trickle && day < burst.day && burst.day - day <= 6 && day % 2 == 0 {
                1
            } else {
                0
            };
            let subject = &SUBJECTS[burst.subject];
            for _ in 0..count {
                let template = dice.one(&ABOUT);
                let text = fill(&mut dice, template, Some(subject));
                let who = author(&mut dice);
                push(&mut dice, day, text, who);
                // A short reply or two under it.
                for _ in 0..dice.upto(3) {
                    let reply = dice.one(&SHORT).to_owned();
                    let who = author(&mut dice);
                    push(&mut dice, day, reply, who);
                }
            }
        }
    }
    let mut chatter: HashSet<String> = HashSet::new();
    for line in CHATTER.iter().chain(&SHORT).chain(&ABOUT) {
        chatter.extend(
            line.split(|c: char| !(c.is_alphanumeric() || c == '\''))
                .filter(|w| !w.is_empty() && *w != "s" && *w != "w" && *w != "p" && *w != "n")
                .map(str::to_lowercase),
        );
    }
    let subject_words: HashSet<String> = SUBJECTS
        .iter()
        .chain(&STANDING)
        .flat_map(|s| s.forms.iter().chain(s.around))
        .flat_map(|f| f.split(' '))
        .map(str::to_lowercase)
        .collect();
    chatter.retain(|w| !subject_words.contains(w));
    ((DAYS - WINDOWS)..DAYS)
        .map(|day| {
            let window =
                TimeWindow::new(start + TimeDelta::days(day), start + TimeDelta::days(day + 1));
            let mut planted: Vec<String> = bursts
                .iter()
                .filter(|b| b.day == day)
                .map(|b| SUBJECTS[b.subject].name.to_owned())
                .collect();
            planted.dedup();
            Case::of_window(format!("seed {seed} day {day}"), &posts, window, planted, &chatter)
        })
        .collect()
}
