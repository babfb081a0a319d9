//! Deterministic mailboxes from a seed and a clock: threads with replies (`RE:`, In-Reply-To
//! chains, one conversation id), HTML and plain bodies, several languages and scripts, a
//! read/unread mix that leans unread in the last days, attachments, and folders: the
//! well-known ones plus a small tree under the inbox.

use std::collections::HashMap;

use super::compose::Gen;
use super::ids::MailIds;
use super::text::{self, HOT_TOPICS, Lang, TOPICS};
use super::{Address, Attachment, Folder, Mailbox, Tenant};
use crate::data::generate::times;
use crate::data::people::{FIRST_NAMES, LAST_NAMES, ascii_slug};
use crate::data::{DAY_US, Rng};

const HISTORY_DAYS: i64 = 90;
pub(super) const HOUR_US: i64 = 3_600_000_000;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MailConfig {
    pub seed: u64,
    pub now_us: i64,
    pub mailboxes: usize,
    pub messages_per_mailbox: usize,
    /// Size of the one large attachment in the first mailbox.
    pub large_attachment_bytes: u64,
    /// Whose mailboxes these are.
    pub org: Org,
}

/// An organisation's mail domain and its demo user's address.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Org {
    /// The domain of everyone but the demo user (colleagues and the other mailboxes).
    pub domain: &'static str,
    /// The demo user's address (the first mailbox).
    pub demo_address: &'static str,
}

/// The Microsoft 365 tenant.
pub(crate) const MICROSOFT: Org =
    Org { domain: "halden.onmicrosoft.com", demo_address: "demo@halden.onmicrosoft.com" };

/// The Google side: the demo user on gmail.com, colleagues on a Workspace domain.
pub(crate) const GOOGLE: Org =
    Org { domain: "halden.example", demo_address: "demo.halden@gmail.com" };

/// Correspondents outside the lab: other scripts, accents, other languages.
const EXTERNAL: &[(&str, &str, Lang)] = &[
    ("王芳", "wang.fang@pku.example", Lang::Zh),
    ("山田 太郎", "taro.yamada@kyoto-u.example", Lang::Ja),
    ("Élodie Faure", "elodie.faure@cnrs.example", Lang::Fr),
    ("Søren Kjær", "soren.kjaer@dtu.example", Lang::En),
    ("José Núñez", "jose.nunez@uam.example", Lang::En),
];

const NEWSLETTERS: &[(&str, &str, &str)] = &[
    ("Nature Briefing", "briefing@nature.example", "Nature Briefing: {t} and more"),
    ("GitHub", "noreply@github.example", "[halden/pipeline] Run failed: {t} checks"),
    ("Halden IT Service Desk", "it-help@halden.onmicrosoft.com", "Planned work: {t}"),
];

/// The tenant: `config.mailboxes` mailboxes (at least one; the first is the demo user's).
pub(crate) fn generate(config: &MailConfig) -> Tenant {
    let mut ids = MailIds::new(config.seed, 0x6d61_696c);
    let tenant_id = ids.guid();
    let count = config.mailboxes.max(1);
    let mut owners = Vec::with_capacity(count);
    let mut rng = Rng::new(config.seed, 0x6f77_6e72);
    let offset = rng.below(FIRST_NAMES.len());
    for i in 0..count {
        let (first, last) = if i == 0 {
            ("Demo".to_owned(), "User".to_owned())
        } else {
            (
                FIRST_NAMES[(offset + i * 5) % FIRST_NAMES.len()].to_owned(),
                LAST_NAMES[(offset + i * 3) % LAST_NAMES.len()].to_owned(),
            )
        };
        let address = if i == 0 {
            config.org.demo_address.to_owned()
        } else {
            format!("{}.{}@{}", ascii_slug(&first), ascii_slug(&last), config.org.domain)
        };
        owners.push((ids.guid(), first, last, address));
    }
    let mailboxes = (0..count).map(|i| mailbox(config, i, &owners)).collect();
    Tenant {
        id: tenant_id,
        domain: config.org.domain.to_owned(),
        mailboxes,
        ids: MailIds::new(config.seed, 0x6e65_7773),
    }
}

pub(super) struct Person {
    pub address: Address,
    pub first: String,
    pub lang: Lang,
}

fn folders(ids: &mut MailIds) -> Vec<Folder> {
    let top: &[(&str, Option<&'static str>)] = &[
        ("Inbox", Some("inbox")),
        ("Drafts", Some("drafts")),
        ("Sent Items", Some("sentitems")),
        ("Deleted Items", Some("deleteditems")),
        ("Junk Email", Some("junkemail")),
        ("Archive", Some("archive")),
    ];
    let mut folders: Vec<Folder> = top
        .iter()
        .map(|(name, well_known)| Folder {
            id: ids.folder(),
            display_name: (*name).to_owned(),
            well_known: *well_known,
            parent: None,
        })
        .collect();
    for (name, parent) in [("Projects", 0), ("Newsletters", 0), ("Grants", 6)] {
        folders.push(Folder {
            id: ids.folder(),
            display_name: name.to_owned(),
            well_known: None,
            parent: Some(parent),
        });
    }
    folders
}

pub(super) const INBOX: usize = 0;
pub(super) const DRAFTS: usize = 1;
pub(super) const SENT: usize = 2;
pub(super) const DELETED: usize = 3;
pub(super) const JUNK: usize = 4;
pub(super) const ARCHIVE: usize = 5;
pub(super) const PROJECTS: usize = 6;
pub(super) const NEWSLETTER_FOLDER: usize = 7;
pub(super) const GRANTS: usize = 8;

fn mailbox(
    config: &MailConfig,
    index: usize,
    owners: &[(String, String, String, String)],
) -> Mailbox {
    let mut ids = MailIds::new(config.seed, 100 + index as u64);
    let rng = Rng::new(config.seed, 200 + index as u64);
    let (user_id, first, last, address) = &owners[index];
    let me = Address { name: format!("{first} {last}"), address: address.clone() };
    let mut people: Vec<Person> = owners
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, (_, f, l, a))| Person {
            address: Address { name: format!("{f} {l}"), address: a.clone() },
            first: f.clone(),
            lang: Lang::En,
        })
        .collect();
    for k in 0..6 {
        let first = FIRST_NAMES[(index * 7 + k * 11 + 3) % FIRST_NAMES.len()];
        let last = LAST_NAMES[(index * 5 + k * 13 + 1) % LAST_NAMES.len()];
        let lang = if matches!(first, "Maëlle" | "Zoé" | "Cyril" | "Bastien") {
            Lang::Fr
        } else {
            Lang::En
        };
        people.push(Person {
            address: Address {
                name: format!("{first} {last}"),
                address: format!(
                    "{}.{}@{}",
                    ascii_slug(first),
                    ascii_slug(last),
                    config.org.domain
                ),
            },
            first: first.to_owned(),
            lang,
        });
    }
    for (name, addr, lang) in EXTERNAL {
        let first = name.split(' ').next().unwrap_or(name).to_owned();
        people.push(Person {
            address: Address { name: (*name).to_owned(), address: (*addr).to_owned() },
            first,
            lang: *lang,
        });
    }
    let topics: Vec<String> =
        (0..4).map(|k| TOPICS[(index * 2 + k) % TOPICS.len()].to_owned()).collect();
    let hot = HOT_TOPICS[index % HOT_TOPICS.len()].to_owned();
    let mut mailbox = Mailbox {
        user_id: user_id.clone(),
        address: address.clone(),
        display_name: me.name.clone(),
        given_name: first.clone(),
        surname: last.clone(),
        folders: folders(&mut ids),
        messages: Vec::with_capacity(config.messages_per_mailbox),
        by_id: HashMap::with_capacity(config.messages_per_mailbox),
        removals: Vec::new(),
        seq: 0,
        topics: topics.clone(),
        hot_topics: vec![hot.clone()],
    };
    let now = config.now_us;
    let mut g = Gen { ids, rng, me, domain: config.org.domain };
    if index == 0 && config.messages_per_mailbox > 0 {
        // The one large attachment: a scanned notebook from a colleague, ten days ago.
        let from = &people[people.len().saturating_sub(EXTERNAL.len() + 1)];
        let at = now - 10 * DAY_US + 3 * HOUR_US;
        let mut message = g.message(
            from.address.clone(),
            vec![g.me.clone()],
            "Scanned lab notebook (full PDF)",
            &[
                "Hi Demo,".to_owned(),
                "Here is the whole notebook as one PDF, sorry for the size.".to_owned(),
                format!("Best,\n{}", from.address.name),
            ],
            true,
            at,
            None,
        );
        let attachment = Attachment {
            id: g.ids.attachment(),
            name: "lab-notebook-scan.pdf".to_owned(),
            content_type: "application/pdf",
            size: config.large_attachment_bytes,
            seed: g.ids.seed(),
            inline: false,
        };
        message.attachments.push(attachment);
        message.folder = Some(INBOX);
        message.is_read = false;
        mailbox.add(message);
    }
    for (k, draft_at) in [(0, now - 2 * DAY_US), (1, now - 5 * HOUR_US), (2, now - 20 * DAY_US)] {
        if mailbox.messages.len() >= config.messages_per_mailbox {
            break;
        }
        let to = &people[k % people.len()];
        let topic = &topics[k % topics.len()];
        let subject = text::subject(&mut g.rng, topic);
        let lines = text::body(&mut g.rng, to.lang, topic, &to.first, &g.me.name, false);
        let mut draft = g.message(
            g.me.clone(),
            vec![to.address.clone()],
            &subject,
            &lines,
            true,
            draft_at,
            None,
        );
        draft.is_draft = true;
        draft.is_read = true;
        draft.folder = Some(DRAFTS);
        mailbox.add(draft);
    }
    // A conversation start gives about 1.9 messages on average (threads of one to five,
    // newsletters and spam of one), so this many starts fill most of the mailbox over the
    // whole window; newsletters at random times make up the rest.
    let count = (config.messages_per_mailbox * 10 / 20).max(1);
    let starts = times(&mut g.rng, now - HISTORY_DAYS * DAY_US, now - HOUR_US, count);
    for start in starts.into_iter().rev() {
        if mailbox.messages.len() >= config.messages_per_mailbox {
            break;
        }
        let roll = g.rng.unit();
        if roll < 0.10 {
            newsletter(&mut g, &mut mailbox, &topics, start, now);
        } else if roll < 0.13 {
            let from = Address {
                name: "Prize Center 🎁".to_owned(),
                address: "winner@prizes.example".to_owned(),
            };
            let lines = vec![
                "You have been selected!".to_owned(),
                "Claim your reward within 24 hours.".to_owned(),
            ];
            let mut message = g.message(
                from,
                vec![g.me.clone()],
                "Congratulations! You won a gift card 🎁",
                &lines,
                false,
                start,
                None,
            );
            message.folder = Some(JUNK);
            message.is_read = g.rng.chance(0.3);
            mailbox.add(message);
        } else {
            let person = g.rng.below(people.len());
            let topic = if start >= now - 2 * DAY_US && g.rng.chance(0.5) {
                hot.clone()
            } else {
                let k = match g.rng.below(10) {
                    0..=3 => 0,
                    4..=6 => 1,
                    7..=8 => 2,
                    _ => 3,
                };
                topics[k].clone()
            };
            g.thread(
                &mut mailbox,
                &people[person],
                &people,
                &topic,
                start,
                now,
                config.messages_per_mailbox,
            );
        }
    }
    while mailbox.messages.len() < config.messages_per_mailbox {
        let at = g.rng.range(now - HISTORY_DAYS * DAY_US, now - HOUR_US);
        newsletter(&mut g, &mut mailbox, &topics, at, now);
    }
    mailbox
}

/// A newsletter about one of the mailbox's topics, filed in Inbox/Newsletters.
fn newsletter(g: &mut Gen, mailbox: &mut Mailbox, topics: &[String], at: i64, now: i64) {
    let (name, addr, template) = g.rng.pick_copy(NEWSLETTERS);
    let topic = g.rng.pick(topics).clone();
    let subject = template.replace("{t}", &topic);
    let lines = vec![
        format!("This week: {topic}."),
        "Read more on our site. Unsubscribe at any time.".to_owned(),
    ];
    let from = Address { name: name.to_owned(), address: addr.to_owned() };
    let mut message = g.message(from, vec![g.me.clone()], &subject, &lines, true, at, None);
    message.folder = Some(NEWSLETTER_FOLDER);
    message.is_read = g.read(at, now);
    mailbox.add(message);
}
