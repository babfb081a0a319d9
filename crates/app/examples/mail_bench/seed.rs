//! Part 2's data: realistic messages for one account, written through the store in batches.

use chrono::{Duration, Utc};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use switchboard_domain::mail::{
    AttachmentMeta, FolderKind, FolderRole, MailAccount, MailAccountId, MailAccountStatus,
    MailAddress, MailFolder, MailFolderId, MailMessageId, MailProvider, MessageBody, StoredMessage,
    SyncProgress,
};
use switchboard_ports::{MailStore, StoreError, UnitOfWork};

use crate::server::World;

/// A word found in about 1 % of the messages (and nowhere else in the vocabulary).
pub const RARE_WORD: &str = "kestrel";

/// A word of the vocabulary, so in about half of the messages.
pub const COMMON_WORD: &str = "budget";

/// One message in this many is in the small folder too ("Receipts", 0.5 %).
const SMALL_FOLDER_EVERY: usize = 200;

/// One message in this many is in the middle-sized folder too ("Projects", 5 %: a thread in
/// about seven has a message there).
const MIDDLE_FOLDER_EVERY: usize = 20;

/// Messages written per batch.
const BATCH: usize = 1_000;

const WORDS: &[&str] = &[
    "budget",
    "review",
    "meeting",
    "project",
    "launch",
    "roadmap",
    "invoice",
    "contract",
    "deadline",
    "design",
    "customer",
    "release",
    "report",
    "quarter",
    "forecast",
    "hiring",
    "offsite",
    "travel",
    "agenda",
    "minutes",
    "proposal",
    "feedback",
    "migration",
    "database",
    "server",
    "latency",
    "incident",
    "postmortem",
    "security",
    "audit",
    "compliance",
    "policy",
    "training",
    "workshop",
    "onboarding",
    "benefits",
    "payroll",
    "expenses",
    "approval",
    "vendor",
    "pricing",
    "discount",
    "renewal",
    "support",
    "ticket",
    "escalation",
    "priority",
    "schedule",
    "calendar",
    "lunch",
    "dinner",
    "conference",
    "keynote",
    "slides",
    "draft",
    "final",
    "update",
    "status",
    "weekly",
    "monthly",
    "annual",
    "summary",
    "analysis",
    "metrics",
    "dashboard",
    "growth",
    "revenue",
    "margin",
    "costs",
    "savings",
    "office",
    "remote",
    "holiday",
    "vacation",
    "reminder",
    "urgent",
    "question",
    "answer",
    "thanks",
    "welcome",
    "congratulations",
    "team",
    "partner",
    "shipment",
    "warehouse",
    "order",
    "delivery",
    "refund",
    "warranty",
    "feature",
    "bug",
    "fix",
    "test",
    "deploy",
    "backup",
    "network",
    "laptop",
    "license",
    "renewal",
    "legal",
    "signature",
    "document",
    "spreadsheet",
    "figures",
    "tomorrow",
    "friday",
    "morning",
    "afternoon",
];
const FIRST: &[&str] = &[
    "ada", "ben", "chloe", "dmitri", "elena", "farid", "grace", "hiro", "ines", "jonas", "kemal",
    "lena", "marco", "nadia", "oskar", "priya", "quentin", "rosa", "sven", "tomas", "ursula",
    "vera", "wen", "ximena", "yusuf",
];
const LAST: &[&str] =
    &["berg", "costa", "dupont", "ito", "kowalski", "larsen", "moreau", "novak", "okafor", "silva"];
const DOMAINS: &[&str] =
    &["example.org", "contoso.example", "fabrikam.example", "northwind.example", "halden.example"];

/// What the load part needs to know about the seeded account.
pub struct Seeded {
    pub account: MailAccountId,
    /// A sender of about 1 in 250 messages.
    pub sender: String,
    /// The inbox, holding every message.
    pub inbox: MailFolderId,
    /// A folder holding 1 message in [`SMALL_FOLDER_EVERY`].
    pub small_folder: MailFolderId,
    /// A folder holding 1 message in [`MIDDLE_FOLDER_EVERY`].
    pub middle_folder: MailFolderId,
}

/// The account's inbox (every message), a small folder and a middle-sized one, as a provider
/// lists them.
fn folders(account: MailAccountId, count: usize) -> [MailFolder; 3] {
    let folder = |provider_id: &str, role: Option<FolderRole>, total: usize| MailFolder {
        id: MailFolderId::new(),
        account_id: account,
        provider_id: provider_id.to_owned(),
        parent_id: None,
        name: provider_id.to_owned(),
        kind: if role.is_some() { FolderKind::System } else { FolderKind::Folder },
        role,
        total: Some(total as u64),
        unread: None,
        sync_cursor: None,
    };
    [
        folder("Inbox", Some(FolderRole::Inbox), count),
        folder("Receipts", None, count / SMALL_FOLDER_EVERY),
        folder("Projects", None, count / MIDDLE_FOLDER_EVERY),
    ]
}

/// Between `min` and `min + spread - 1` words of the vocabulary.
fn words(rng: &mut ChaCha8Rng, min: usize, spread: usize) -> Vec<&'static str> {
    let n = min + rng.next_u32() as usize % spread;
    (0..n).map(|_| WORDS[rng.next_u32() as usize % WORDS.len()]).collect()
}

fn person(rng: &mut ChaCha8Rng) -> MailAddress {
    let (i, j) = (rng.next_u32() as usize % FIRST.len(), rng.next_u32() as usize % LAST.len());
    let (first, last) = (FIRST[i], LAST[j]);
    let domain = DOMAINS[(i + j) % DOMAINS.len()];
    MailAddress {
        name: Some(format!("{first} {last}")),
        address: format!("{first}.{last}@{domain}"),
    }
}

fn message(
    rng: &mut ChaCha8Rng,
    account: MailAccountId,
    [inbox, small, middle]: [MailFolderId; 3],
    i: usize,
) -> StoredMessage {
    let mut subject = words(rng, 3, 6);
    let mut body = words(rng, 40, 80);
    if i % 100 == 42 {
        let at = rng.next_u32() as usize % body.len();
        body.insert(at, RARE_WORD);
    }
    if let Some(first) = subject.first_mut() {
        *first = if i.is_multiple_of(7) { "Re:" } else { first };
    }
    let text = body.join(" ");
    let received_at = Utc::now() - Duration::seconds(i64::from(rng.next_u32() % (90 * 86_400)));
    let has_attachments = i % 10 == 3;
    StoredMessage {
        id: MailMessageId::new(),
        account_id: account,
        provider_id: format!("bench-{i:07}"),
        thread_key: format!("thread-{}", i / 3),
        folder_ids: if i % SMALL_FOLDER_EVERY == 17 {
            vec![inbox, small]
        } else if i % MIDDLE_FOLDER_EVERY == 5 {
            vec![inbox, middle]
        } else {
            vec![inbox]
        },
        subject: subject.join(" "),
        from: Some(person(rng)),
        to: vec![person(rng)],
        cc: if i.is_multiple_of(4) { vec![person(rng)] } else { Vec::new() },
        received_at,
        sent_at: Some(received_at - Duration::seconds(5)),
        unread: rng.next_u32().is_multiple_of(100),
        has_attachments,
        snippet: text.chars().take(120).collect(),
        internet_message_id: Some(format!("<bench-{i}@example.org>")),
        body: Some(MessageBody { text: Some(text), html: None }),
        attachments: if has_attachments {
            vec![AttachmentMeta {
                id: format!("att-{i}"),
                name: format!("{}.pdf", WORDS[i % WORDS.len()]),
                content_type: "application/pdf".to_owned(),
                size: 20_000 + u64::from(rng.next_u32() % 2_000_000),
                inline: false,
            }]
        } else {
            Vec::new()
        },
    }
}

/// A second account of the user, holding `count` messages.
pub async fn messages(world: &World, count: usize) -> Seeded {
    let account = MailAccount {
        id: MailAccountId::new(),
        user_id: world.caller.user_id,
        provider: MailProvider::Microsoft,
        provider_account_id: "bench-seeded".to_owned(),
        address: "seeded@bench.example".to_owned(),
        display_name: "Seeded".to_owned(),
        status: MailAccountStatus::Active,
        progress: SyncProgress { stored: count as u64, total: Some(count as u64) },
        last_sync_at: Some(Utc::now()),
        last_error: None,
        created_at: Utc::now(),
    };
    let id = world
        .uow
        .transact(move |tx| Box::pin(async move { tx.save_mail_account(&account).await }))
        .await
        .unwrap();
    let listed = folders(id, count);
    let stored = world
        .uow
        .transact(move |tx| Box::pin(async move { tx.upsert_mail_folders(&listed).await }))
        .await
        .unwrap();
    let folder_ids = [stored[0].id, stored[1].id, stored[2].id];
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let started = std::time::Instant::now();
    for start in (0..count).step_by(BATCH) {
        let batch: Vec<StoredMessage> = (start..(start + BATCH).min(count))
            .map(|i| message(&mut rng, id, folder_ids, i))
            .collect();
        world
            .uow
            .transact(move |tx| {
                Box::pin(async move { tx.upsert_mail_messages(&batch).await.map(|_| ()) })
            })
            .await
            .map_err(|e: StoreError| e)
            .unwrap();
    }
    // The steady state of a store that filled up over time: autovacuum has merged the search
    // index's pending list, set the hint bits of the messages and of the rollups their
    // triggers wrote, and the planner has statistics; the writes are checkpointed, so no
    // checkpoint runs inside a measurement, nor the write-back of what it wrote.
    let client = world.db.client().await;
    for sql in ["VACUUM ANALYZE", "CHECKPOINT"] {
        client.batch_execute(sql).await.unwrap();
    }
    crate::settle::write_back().await;
    println!(
        "  {count} messages written through the store in batches of {BATCH} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let first = FIRST[0];
    let last = LAST[0];
    Seeded {
        account: id,
        sender: format!("{first}.{last}@{}", DOMAINS[0]),
        inbox: folder_ids[0],
        small_folder: folder_ids[1],
        middle_folder: folder_ids[2],
    }
}
