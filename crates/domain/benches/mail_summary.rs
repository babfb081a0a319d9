//! The summary of a 200-message thread whose replies quote what came before them, with
//! signatures (target: 50 ms or less), and the cleaning it starts with; the text of an HTML
//! body (a newsletter laid out in tables, and markup nested past any mail's).

use std::hint::black_box;

use chrono::{DateTime, TimeDelta};
use criterion::{Criterion, criterion_main};
use switchboard_domain::analytics::LexRankOptions;
use switchboard_domain::mail::{
    MailAccountId, MailAddress, MailMessageId, MessageBody, StoredMessage, fresh_text, html_as_text,
};
use switchboard_domain::mail_stats::SummarizedThread;

const TOPICS: [&str; 8] = [
    "the rack delivery slipped to Monday because the vendor lost the customs papers",
    "the database migration needs a rollback script before we touch production",
    "the quarterly budget still misses the cloud storage line and the travel costs",
    "the new hire starts on the fifth and needs a laptop and badge access",
    "the incident review found the certificate expired on the load balancer",
    "the customer asked for the invoice in euros with the purchase order number",
    "the design review moved to Thursday so legal can read the contract draft",
    "the backup job runs nightly but restores were never tested end to end",
];

/// Message `i` of the thread: a reply of two or three sentences above the quoted previous
/// message (Gmail or Outlook style, alternating), with a signature.
fn thread(n: usize) -> Vec<StoredMessage> {
    let account_id = MailAccountId::new();
    let start = DateTime::from_timestamp(1_733_000_000, 0).unwrap_or_default();
    let mut previous = String::new();
    (0..n)
        .map(|i| {
            let sender = format!("person{}@example.com", i % 9);
            let own = format!(
                "About point {i}: {}. I think {} Let us decide by Friday.",
                TOPICS[i % TOPICS.len()],
                TOPICS[(i * 5 + 3) % TOPICS.len()],
            );
            let quote: String = previous.lines().map(|l| format!("> {l}\n")).collect();
            let body = if i % 2 == 0 {
                format!("{own}\n\nBest regards,\nPerson {}\n\nOn Mon, 2 Dec 2024 at 10:{:02}, Someone <x@example.com> wrote:\n{quote}", i % 9, i % 60)
            } else {
                format!("{own}\n\n-- \nPerson {}\n+1 555 0100\n\n________________________________\nFrom: Someone <x@example.com>\nSent: Monday, December 2, 2024 10:00 AM\nTo: Team <team@example.com>\nSubject: Re: Plans\n\n{previous}", i % 9)
            };
            previous = body.clone();
            StoredMessage {
                id: MailMessageId::new(),
                account_id,
                provider_id: format!("m{i}"),
                thread_key: "t".to_owned(),
                folder_ids: Vec::new(),
                subject: "Re: Plans".to_owned(),
                from: Some(MailAddress { name: Some(format!("Person {}", i % 9)), address: sender }),
                to: Vec::new(),
                cc: Vec::new(),
                received_at: start + TimeDelta::minutes(i64::try_from(i).unwrap_or(0) * 7),
                sent_at: None,
                unread: false,
                has_attachments: false,
                snippet: String::new(),
                internet_message_id: None,
                body: Some(MessageBody { text: Some(body), html: None }),
                attachments: Vec::new(),
            }
        })
        .collect()
}

fn mail_summary(c: &mut Criterion) {
    // Bodies quote only the previous message (as mail clients do when trimming), so a thread
    // of 200 stays a few megabytes rather than quadratic.
    let messages = thread(200);
    let options = LexRankOptions::default();
    let Ok(pool) = rayon::ThreadPoolBuilder::new().build() else {
        return;
    };
    let mut group = c.benchmark_group("thread_200");
    group.sample_size(20);
    group.bench_function("summary", |b| {
        b.iter(|| SummarizedThread::compute(black_box(&messages), &options, &pool));
    });
    let bodies: Vec<&str> =
        messages.iter().filter_map(|m| m.body.as_ref().and_then(|b| b.text.as_deref())).collect();
    group.bench_function("fresh_text", |b| {
        b.iter(|| bodies.iter().map(|body| fresh_text(black_box(body)).len()).sum::<usize>());
    });
    group.finish();
}

/// A newsletter as mail tools write one: nested layout tables with inline styles, an image
/// and a link per story, a footer; about 60 KB.
fn newsletter() -> String {
    let story = |i: usize| {
        format!(
            "<tr><td style=\"padding:12px 24px;font-family:Arial,sans-serif;color:#333\">\
             <table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr>\
             <td width=\"120\"><img src=\"https://cdn.example.com/s{i}.png\" width=\"120\"></td>\
             <td style=\"padding-left:16px\"><h2 style=\"margin:0;font-size:18px\">Story {i}: \
             {}</h2><p style=\"margin:8px 0\">{} &mdash; read the full report &amp; the \
             numbers.</p><a href=\"https://example.com/s/{i}?utm_source=mail\" \
             style=\"color:#06c\">Read more&nbsp;&rarr;</a></td></tr></table></td></tr>",
            TOPICS[i % TOPICS.len()],
            TOPICS[(i * 3 + 1) % TOPICS.len()],
        )
    };
    let stories: String = (0..80).map(story).collect();
    format!(
        "<!DOCTYPE html><html><head><style>body{{margin:0}} .x{{color:red}}</style></head>\
         <body><table width=\"600\" align=\"center\">{stories}<tr><td><p>You receive this \
         because you subscribed. <a href=\"https://example.com/u\">Unsubscribe</a></p>\
         </td></tr></table></body></html>"
    )
}

fn html_body(c: &mut Criterion) {
    let newsletter = newsletter();
    let deep = format!("{}Deep{}", "<ul><li>".repeat(8_000), "</li></ul>".repeat(8_000));
    let mut group = c.benchmark_group("html_as_text");
    group.bench_function("newsletter_60kb", |b| b.iter(|| html_as_text(black_box(&newsletter))));
    group.bench_function("nested_16000_deep", |b| b.iter(|| html_as_text(black_box(&deep))));
    group.finish();
}

// criterion_group! defines a pub fn; a private module keeps it out of the documented surface.
mod group {
    use criterion::criterion_group;
    criterion_group!(benches, super::mail_summary, super::html_body);
}
criterion_main!(group::benches);
