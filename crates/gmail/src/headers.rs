//! A message's envelope headers (subject, addresses, date) read with `mail-parser`.
//!
//! Gmail's `format=full` and `format=metadata` give each header's value as one string, mostly
//! decoded already; a value can still arrive as the raw message had it (a server, or a sample
//! turned into Gmail's shape, that does not decode): `=?ISO-8859-1?Q?Caf=E9?=`, an address list with a group (`team: a@x.org, b@x.org;`) or
//! comments, or a `Date` with an obsolete zone (`EST`) or a trailing comment (`(CEST)`). The
//! values are written back as a header block and parsed by `mail-parser`, which knows all of
//! that (with its `full_encoding` feature, multi-byte charsets too: `=?ISO-2022-JP?B?…?=`);
//! decoding an already decoded value leaves it as it is.

use chrono::{DateTime, TimeZone, Utc};
use google_gmail1::api::MessagePart;
use mail_parser::{Addr, Address, MessageParser};
use switchboard_domain::mail::MailAddress;

/// The headers read from a part's value strings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Envelope {
    /// `Subject`, decoded; empty when there is none.
    pub subject: String,
    /// `From`'s first mailbox.
    pub from: Option<MailAddress>,
    /// `Reply-To`'s first mailbox.
    pub reply_to: Option<MailAddress>,
    /// `To`'s mailboxes, groups flattened.
    pub to: Vec<MailAddress>,
    /// `Cc`'s mailboxes, groups flattened.
    pub cc: Vec<MailAddress>,
    /// `Date`, when it is a valid date.
    pub date: Option<DateTime<Utc>>,
}

/// The headers [`Envelope`] reads; the others are not written into the block.
const READ: [&str; 6] = ["Subject", "From", "Reply-To", "To", "Cc", "Date"];

impl Envelope {
    /// The envelope of `part` (a message's root part).
    pub(crate) fn of(part: &MessagePart) -> Self {
        let mut block = String::new();
        for header in part.headers.iter().flatten() {
            let (Some(name), Some(value)) = (header.name.as_deref(), header.value.as_deref())
            else {
                continue;
            };
            if !READ.iter().any(|r| r.eq_ignore_ascii_case(name)) {
                continue;
            }
            // One line per header: a line break inside a value (a fold Gmail kept, or one
            // that is not a fold at all) must not start a header of its own.
            block.push_str(name);
            block.push_str(": ");
            block.extend(value.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }));
            block.push_str("\r\n");
        }
        block.push_str("\r\n");
        let Some(parsed) = MessageParser::new().parse_headers(block.as_bytes()) else {
            return Self::default();
        };
        Self {
            subject: parsed.subject().map(str::trim).unwrap_or_default().to_owned(),
            from: parsed.from().and_then(|a| mailboxes(a).into_iter().next()),
            reply_to: parsed.reply_to().and_then(|a| mailboxes(a).into_iter().next()),
            to: parsed.to().map(mailboxes).unwrap_or_default(),
            cc: parsed.cc().map(mailboxes).unwrap_or_default(),
            date: parsed
                .date()
                .filter(|d| d.is_valid())
                .and_then(|d| Utc.timestamp_opt(d.to_timestamp(), 0).single()),
        }
    }
}

/// The mailboxes of an address header, groups flattened, those without an address skipped.
fn mailboxes(list: &Address<'_>) -> Vec<MailAddress> {
    match list {
        Address::List(list) => joined(list),
        Address::Group(groups) => groups.iter().flat_map(|g| joined(&g.addresses)).collect(),
    }
}

/// The mailboxes of one list, with a display name split at its commas put back together.
///
/// Gmail decodes `From`, `To` and `Cc` for us and drops the quotes an encoded word needed:
/// `=?UTF-8?Q?Dupr=C3=A9=2C_Fran=C3=A7ois?= <f@x.fr>` arrives as `Dupré, François <f@x.fr>`,
/// which RFC 5322 reads as two elements, the name `Dupré` with no address and `François
/// <f@x.fr>`. A name with no address is no mailbox, so names without one followed by a named
/// mailbox are the start of that mailbox's name; an address with no name (`a@x.org, b@x.org`)
/// ends the run, so genuine lists stay lists.
fn joined(list: &[Addr<'_>]) -> Vec<MailAddress> {
    let mut found = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    for a in list {
        let name = a.name().map(str::trim).filter(|n| !n.is_empty());
        let address = a.address().map(str::trim).filter(|a| !a.is_empty());
        let Some(address) = address else {
            pending.extend(name);
            continue;
        };
        let name = name.map(|name| {
            pending.push(name);
            pending.join(", ")
        });
        pending.clear();
        found.push(MailAddress { name, address: address.to_owned() });
    }
    found
}

#[cfg(test)]
mod tests {
    use google_gmail1::api::{MessagePart, MessagePartHeader};

    use super::*;

    fn part(headers: &[(&str, &str)]) -> MessagePart {
        MessagePart {
            headers: Some(
                headers
                    .iter()
                    .map(|(n, v)| MessagePartHeader {
                        name: Some((*n).to_owned()),
                        value: Some((*v).to_owned()),
                    })
                    .collect(),
            ),
            ..MessagePart::default()
        }
    }

    fn shown(list: &[MailAddress]) -> Vec<(Option<&str>, &str)> {
        list.iter().map(|a| (a.name.as_deref(), a.address.as_str())).collect()
    }

    #[test]
    fn decoded_values_are_read_as_they_are() {
        let e = Envelope::of(&part(&[
            ("Subject", "Café – ünïcode ✓"),
            ("From", "\"Doe, Jane\" <jane@example.com>"),
            ("To", "bob@example.com,, Ann <a@x.org>"),
            ("Date", "Tue, 1 Jul 2003 10:52:37 +0200"),
        ]));
        assert_eq!(e.subject, "Café – ünïcode ✓");
        assert_eq!(shown(e.from.as_slice()), [(Some("Doe, Jane"), "jane@example.com")]);
        assert_eq!(shown(&e.to), [(None, "bob@example.com"), (Some("Ann"), "a@x.org")]);
        assert_eq!(e.date, Utc.with_ymd_and_hms(2003, 7, 1, 8, 52, 37).single());
        assert!(e.cc.is_empty() && e.reply_to.is_none());
    }

    #[test]
    fn encoded_words_groups_comments_and_obsolete_dates_are_understood() {
        let e = Envelope::of(&part(&[
            ("subject", "=?ISO-8859-1?Q?Caf=E9?= =?UTF-8?B?4pyT?= notes"),
            ("FROM", "=?UTF-8?Q?Jos=C3=A9_P=C3=A9rez?= <jose@example.es> (sales)"),
            ("Cc", "team: a@x.org, \"B\" <b@x.org>;, c@x.org"),
            ("Reply-To", "<replies@example.es>"),
            ("Date", "Tue, 1 Jul 2003 10:52:37 -0500 (EST)"),
        ]));
        assert_eq!(e.subject, "Café✓ notes");
        assert_eq!(e.from.as_ref().map(|a| a.address.as_str()), Some("jose@example.es"));
        assert!(
            e.from
                .as_ref()
                .and_then(|a| a.name.as_deref())
                .is_some_and(|n| n.contains("José Pérez"))
        );
        assert_eq!(shown(&e.cc), [(None, "a@x.org"), (Some("B"), "b@x.org"), (None, "c@x.org")]);
        assert_eq!(shown(e.reply_to.as_slice()), [(None, "replies@example.es")]);
        assert_eq!(e.date, Utc.with_ymd_and_hms(2003, 7, 1, 15, 52, 37).single());
    }

    #[test]
    fn japanese_encoded_words_are_decoded_from_iso_2022_jp() {
        // 議事録 ("minutes") and 山田太郎, in the charset Japanese mail uses for headers.
        let e = Envelope::of(&part(&[
            ("Subject", "=?iso-2022-jp?b?GyRCNUQ7dk8/GyhC?="),
            ("From", "=?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <taro@example.jp>"),
        ]));
        assert_eq!(e.subject, "議事録");
        assert_eq!(shown(e.from.as_slice()), [(Some("山田太郎"), "taro@example.jp")]);
    }

    #[test]
    fn a_decoded_name_with_a_comma_stays_one_mailbox() {
        let e = Envelope::of(&part(&[
            ("From", "Dupré, François <francois.dupre@example.fr>"),
            ("To", "Smith, Dr. John <j@x.org>, bob@x.org, Doe, Jane <jane@x.org>"),
            ("Cc", "a@x.org, \"B\" <b@x.org>, Nobody, <c@x.org>"),
            ("Reply-To", "team: Lee, Ann <ann@x.org>, d@x.org;"),
        ]));
        assert_eq!(
            shown(e.from.as_slice()),
            [(Some("Dupré, François"), "francois.dupre@example.fr")]
        );
        assert_eq!(
            shown(&e.to),
            [
                (Some("Smith, Dr. John"), "j@x.org"),
                (None, "bob@x.org"),
                (Some("Doe, Jane"), "jane@x.org")
            ]
        );
        // A genuine list stays a list; a name with no mailbox named after it names nothing.
        assert_eq!(shown(&e.cc), [(None, "a@x.org"), (Some("B"), "b@x.org"), (None, "c@x.org")]);
        assert_eq!(shown(e.reply_to.as_slice()), [(Some("Lee, Ann"), "ann@x.org")]);
    }

    #[test]
    fn a_line_break_in_a_value_starts_no_header_and_nonsense_is_no_date() {
        let e = Envelope::of(&part(&[
            ("Subject", "first line\r\nFrom: mallory@evil.test"),
            ("Date", "yesterday-ish"),
            ("X-Other", "ignored"),
        ]));
        assert!(e.subject.starts_with("first line"));
        assert_eq!(e.from, None);
        assert_eq!(e.date, None);
        assert_eq!(Envelope::of(&MessagePart::default()), Envelope::default());
    }
}
