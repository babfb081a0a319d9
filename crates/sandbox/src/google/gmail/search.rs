//! Gmail's search box, the `q` of `messages.list`
//! (<https://support.google.com/mail/answer/7190>): `after:`/`before:` (`YYYY/MM/DD`, taken as
//! UTC midnight, or epoch seconds), `older_than:`/`newer_than:` (`Nd`), `in:` (`inbox`,
//! `sent`, `drafts`, `trash`, `spam`, `starred`, `anywhere`), `label:`, `is:`
//! (`unread`, `read`, `starred`, `important`), `from:`, `to:`, `subject:`,
//! `has:attachment`, a leading `-` to negate, `"quoted phrases"` and plain words (in the
//! subject, the sender or the text, case-insensitive). Spam and trash are left out unless
//! asked for, as in Gmail.

use chrono::{NaiveDate, TimeZone, Utc};

use super::GmailError;
use super::model::{GmailBox, GmailMessage};

#[derive(Debug, Clone)]
enum Term {
    After(i64),
    Before(i64),
    Label(Option<String>),
    From(String),
    To(String),
    Subject(String),
    Attachment,
    Word(String),
    Anywhere,
}

/// A parsed `q`, with the `labelIds` and `includeSpamTrash` of the request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Search {
    terms: Vec<(bool, Term)>,
    label_ids: Vec<String>,
    spam_trash: bool,
}

/// Splits on spaces, keeping `"quoted phrases"` (and `op:"quoted value"`) whole.
fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `YYYY/MM/DD` (or with dashes) at UTC midnight, or epoch seconds; in milliseconds.
fn date_ms(value: &str) -> Result<i64, GmailError> {
    if let Ok(seconds) = value.parse::<i64>() {
        return Ok(seconds * 1000);
    }
    let normalized = value.replace('-', "/");
    NaiveDate::parse_from_str(&normalized, "%Y/%m/%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t).timestamp_millis())
        .ok_or_else(|| GmailError::invalid(format!("Invalid search query: {value}")))
}

/// `Nd`, `Nm`, `Ny` before `now_ms`.
fn relative_ms(value: &str, now_ms: i64) -> Result<i64, GmailError> {
    let invalid = || GmailError::invalid(format!("Invalid search query: {value}"));
    let (n, unit) = value.split_at(value.len().saturating_sub(1));
    let n: i64 = n.parse().map_err(|_| invalid())?;
    let days = match unit {
        "d" => n,
        "m" => n * 30,
        "y" => n * 365,
        _ => return Err(invalid()),
    };
    Ok(now_ms - days * 86_400_000)
}

impl Search {
    /// Parses `q` against `mailbox`'s labels; `now_ms` anchors `older_than`/`newer_than`.
    pub(crate) fn parse(
        q: Option<&str>,
        label_ids: Vec<String>,
        spam_trash: bool,
        mailbox: &GmailBox,
        now_ms: i64,
    ) -> Result<Self, GmailError> {
        let mut search = Self {
            spam_trash: spam_trash || label_ids.iter().any(|l| l == "SPAM" || l == "TRASH"),
            label_ids,
            terms: Vec::new(),
        };
        for token in tokens(q.unwrap_or("")) {
            let (negated, token) = match token.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest.to_owned()),
                _ => (false, token),
            };
            let term = match token.split_once(':') {
                Some((op, value)) if !value.is_empty() => match op.to_ascii_lowercase().as_str() {
                    "after" => Term::After(date_ms(value)?),
                    "before" => Term::Before(date_ms(value)?),
                    "newer_than" => Term::After(relative_ms(value, now_ms)?),
                    "older_than" => Term::Before(relative_ms(value, now_ms)?),
                    "in" | "label" | "is" => match value.to_ascii_lowercase().as_str() {
                        "anywhere" => Term::Anywhere,
                        "read" => {
                            search.terms.push((!negated, Term::Label(Some("UNREAD".to_owned()))));
                            continue;
                        }
                        "drafts" => Term::Label(Some("DRAFT".to_owned())),
                        name => {
                            if matches!(name, "spam" | "trash") {
                                search.spam_trash = true;
                            }
                            Term::Label(mailbox.label_by_name(name))
                        }
                    },
                    "from" => Term::From(value.to_lowercase()),
                    "to" => Term::To(value.to_lowercase()),
                    "subject" => Term::Subject(value.to_lowercase()),
                    "has" if value.eq_ignore_ascii_case("attachment") => Term::Attachment,
                    _ => Term::Word(token.to_lowercase()),
                },
                _ => Term::Word(token.to_lowercase()),
            };
            if matches!(term, Term::Anywhere) {
                search.spam_trash = true;
            }
            search.terms.push((negated, term));
        }
        Ok(search)
    }

    /// Whether the message is a hit.
    pub(crate) fn matches(&self, m: &GmailMessage) -> bool {
        if !self.spam_trash && (m.labels.contains("SPAM") || m.labels.contains("TRASH")) {
            return false;
        }
        if !self.label_ids.iter().all(|l| m.labels.contains(l)) {
            return false;
        }
        self.terms.iter().all(|(negated, term)| term_matches(term, m) != *negated)
    }
}

fn term_matches(term: &Term, m: &GmailMessage) -> bool {
    let message = &m.message;
    let has = |haystack: &str, needle: &str| haystack.to_lowercase().contains(needle);
    match term {
        Term::After(ms) => m.internal_date_ms() >= *ms,
        Term::Before(ms) => m.internal_date_ms() < *ms,
        Term::Label(label) => label.as_ref().is_some_and(|l| m.labels.contains(l)),
        Term::From(who) => has(&message.from.address, who) || has(&message.from.name, who),
        Term::To(who) => {
            message.to.iter().chain(&message.cc).any(|a| has(&a.address, who) || has(&a.name, who))
        }
        Term::Subject(word) => has(&message.subject, word),
        Term::Attachment => !message.attachments.is_empty(),
        Term::Word(word) => {
            has(&message.subject, word)
                || has(&message.from.name, word)
                || has(&message.from.address, word)
                || has(&message.text_body(), word)
        }
        Term::Anywhere => true,
    }
}
