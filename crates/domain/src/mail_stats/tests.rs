#![expect(clippy::unwrap_used, reason = "tests")]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::*;
use crate::analytics::{LexRankOptions, Sequential, TimeWindow};
use crate::chat_stats::StatsSettings;
use crate::mail::{MailAccountId, MailAddress, MailMessageId, MessageBody, StoredMessage};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 12, 4, 12, 0, 0).unwrap()
}

fn message(minutes_ago: i64, from: &str, subject: &str, body: &str) -> StoredMessage {
    StoredMessage {
        id: MailMessageId::new(),
        account_id: MailAccountId::new(),
        provider_id: format!("m{minutes_ago}"),
        thread_key: "t".into(),
        folder_ids: Vec::new(),
        subject: subject.into(),
        from: Some(MailAddress { name: None, address: from.into() }),
        to: Vec::new(),
        cc: Vec::new(),
        received_at: now() - TimeDelta::minutes(minutes_ago),
        sent_at: None,
        unread: false,
        has_attachments: false,
        snippet: String::new(),
        internet_message_id: None,
        body: Some(MessageBody { text: Some(body.into()), html: None }),
        attachments: Vec::new(),
    }
}

/// A thread whose every reply quotes the first message in full: the quoted sentence is not
/// picked again from a reply, and nothing of a quote or a signature is.
#[test]
fn a_thread_summary_reads_what_each_author_wrote() {
    let first = "The firewall change goes live tonight. The old rules stay as a fallback.";
    let quote: String = first.lines().map(|l| format!("> {l}\n")).collect();
    let thread = [
        message(60, "a@x", "Firewall", &format!("{first}\n\nThanks,\nAda\n")),
        message(
            50,
            "b@x",
            "Re: Firewall",
            &format!(
                "The firewall change needs a rollback plan.\n\nOn Wed, Ada <a@x> wrote:\n{quote}"
            ),
        ),
        message(
            40,
            "c@x",
            "Re: Firewall",
            &format!(
                "The rollback plan for the firewall change is in the wiki.\n\n-- \nCyd\nSecret footer words\n\nFrom: Ada <a@x>\nSent: Wednesday\nTo: Team\nSubject: Firewall\n\n{first}"
            ),
        ),
    ];
    let options = LexRankOptions { count: 5, ..LexRankOptions::default() };
    let s = SummarizedThread::compute(&thread, &options, &Sequential);
    assert_eq!(s.messages, 3);
    let texts: Vec<&str> = s.sentences.iter().map(|x| x.text.as_str()).collect();
    assert!(!texts.is_empty());
    assert_eq!(
        texts.iter().filter(|t| t.contains("goes live tonight")).count(),
        texts.iter().filter(|t| t.contains("goes live tonight")).count().min(1),
        "a quoted sentence is picked at most once: {texts:?}"
    );
    for t in &texts {
        assert!(!t.contains('>') && !t.contains("wrote") && !t.contains("Secret footer"), "{t}");
    }
    for sentence in &s.sentences {
        let source = thread.iter().find(|m| m.id == sentence.message_id).unwrap();
        assert!(analysed_text(source).contains(&sentence.text), "{sentence:?}");
        assert_eq!(sentence.received_at, source.received_at);
    }
    assert_eq!(s.fingerprint, thread_fingerprint(&thread));
    assert_eq!(SummarizedThread::compute(&[], &options, &Sequential).sentences, []);
}

#[test]
fn a_digest_counts_the_window_and_maps_picks_back_to_their_messages() {
    let mut mail = Vec::new();
    for i in 0..4 {
        let body = format!(
            "The invoice approval for vendor {i} is waiting on the invoice approval queue."
        );
        mail.push(message(30 + i, "billing@x", "Invoice approval", &body));
    }
    mail.push(message(90, "Ops@X", "RE: Disk alert", "The disk alert on host nine cleared."));
    for day in 2..8 {
        mail.push(message(
            day * 24 * 60,
            "ops@x",
            "Disk alert",
            "The disk alert on host nine fired.",
        ));
    }
    let window = TimeWindow::ending_at(now(), TimeDelta::days(1));
    let digest = MailDigest::compute(&mail, window, &StatsSettings::default(), &Sequential);
    assert_eq!(digest.messages, 5);
    assert_eq!(
        digest.top_senders[0],
        TopSender { address: "billing@x".into(), name: String::new(), messages: 4 }
    );
    assert_eq!(digest.top_senders[1].address, "ops@x", "lowercase, and only the window's");
    assert_eq!(digest.top_senders[1].messages, 1);
    assert!(digest.hot_topics[0].starts_with("invoice approval"), "{:?}", digest.hot_topics);
    assert!(!digest.representative.is_empty());
    for picked in &digest.representative {
        let source = mail.iter().find(|m| m.id == picked.message_id).unwrap();
        assert!(window.contains(source.received_at));
        assert_eq!(picked.text, analysed_text(source));
        assert_eq!(picked.subject, source.subject);
    }
    let empty = MailDigest::compute(&[], window, &StatsSettings::default(), &Sequential);
    assert_eq!(empty, MailDigest::default());
}

#[test]
fn subjects_lose_reply_and_forward_prefixes_only() {
    assert_eq!(base_subject("Re: RE:Fwd:  TR: AW: Plan"), "Plan");
    assert_eq!(base_subject("Meeting: Monday"), "Meeting: Monday");
    assert_eq!(base_subject("Re:"), "");
}
