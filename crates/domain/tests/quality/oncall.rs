//! The on-call channel of a site-reliability team at a mid-size company, over 19 days: a
//! fourth generator, written without reading the ranking or the other generators' text. A third of
//! the team is in Lyon and often writes in French; the rest write in English. The channel
//! carries pasted alert lines, pager notifications, shift handovers, deploy notices, quoted
//! replies, greetings and thanks, a few standing subjects that come up every day, and
//! incidents or team matters that burst for a day (sometimes trickling in the day before and
//! fading the day after).
//!
//! Alert lines come from two bots (`alertmanager`, `pagerduty`); situational remarks are said
//! at most once a day; no one repeats another's sentence about a burst word for word; a
//! topic's other spellings (plural, abbreviated, misspelt) stay under a third of its mentions.
//!
//! Windows: each of the last 12 days, against the 7 days before it.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::analytics::TimeWindow;

use super::{Case, Post};

/// SplitMix64: small, deterministic, good enough for test data.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x0C0F_FEE0_5EED_0004)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// What a burst is about, which decides how people write about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A symptom seen in production.
    Incident,
    /// A piece of infrastructure or configuration.
    Thing,
    /// A team or process matter.
    People,
}

/// A topic that can burst: its usual spelling and the other ways people write it.
#[derive(Debug)]
struct Topic {
    main: &'static str,
    kind: Kind,
    others: &'static [&'static str],
}

const fn topic(main: &'static str, kind: Kind, others: &'static [&'static str]) -> Topic {
    Topic { main, kind, others }
}

const TOPICS: &[Topic] = &[
    topic("retry storm", Kind::Incident, &["retry storms", "retry-storm", "retyr storm"]),
    topic("memory leak", Kind::Incident, &["memory leaks", "mem leak", "memroy leak"]),
    topic("clock skew", Kind::Incident, &["clock skews", "NTP clock skew", "clock-skew"]),
    topic("back pressure", Kind::Incident, &["backpressure", "back-pressure", "Back Pressure"]),
    topic("consumer lag", Kind::Incident, &["Kafka consumer lag", "consumer lags", "consumer-lag"]),
    topic("split brain", Kind::Incident, &["split-brain", "splitbrain", "Split Brain"]),
    topic("cache stampede", Kind::Incident, &["cache stampedes", "cache stampeed"]),
    topic("disk pressure", Kind::Incident, &["DiskPressure", "disk-pressure", "Disk Pressure"]),
    topic("noisy neighbour", Kind::Incident, &["noisy neighbor", "noisy neighbours"]),
    topic(
        "TLS handshake failures",
        Kind::Incident,
        &["tls handshake failure", "TLS handshake fails", "TLS handshake errors"],
    ),
    topic("DNS timeouts", Kind::Incident, &["dns timeout", "DNS time-outs", "dns timeouts"]),
    topic(
        "connection pool exhaustion",
        Kind::Incident,
        &["conn pool exhaustion", "connection pool exhausted", "DB connection pool exhaustion"],
    ),
    topic("thundering herd", Kind::Incident, &["thundering herds", "Thundering Herd"]),
    topic("packet loss", Kind::Incident, &["packet-loss", "packet losses", "pkt loss"]),
    topic("slow queries", Kind::Incident, &["slow query", "slow SQL queries", "slow querys"]),
    topic("status page", Kind::Thing, &["statuspage", "Status Page", "status pages"]),
    topic("dead letter queue", Kind::Thing, &["DLQ", "dead-letter queue", "dead letter queues"]),
    topic("feature flag", Kind::Thing, &["feature flags", "feature-flag", "FF"]),
    topic("cert renewal", Kind::Thing, &["certificate renewal", "cert renewals", "cert renewel"]),
    topic("log retention", Kind::Thing, &["log-retention", "logs retention", "Log Retention"]),
    topic("rate limits", Kind::Thing, &["rate limit", "rate-limits", "ratelimits"]),
    topic("node drain", Kind::Thing, &["node drains", "draining the nodes", "node-drain"]),
    topic(
        "escalation policy",
        Kind::Thing,
        &["escalation policies", "escalation polcy", "Escalation Policy"],
    ),
    topic("load balancer", Kind::Thing, &["LB", "load balancers", "load-balancer"]),
    topic("backup restore", Kind::Thing, &["backup restores", "backup/restore", "backup-restore"]),
    topic("cron jobs", Kind::Thing, &["cron job", "CronJobs", "cronjobs"]),
    topic("secret rotation", Kind::Thing, &["secrets rotation", "secret rotations"]),
    topic("time off", Kind::People, &["time-off", "some time off", "Time Off"]),
    topic("shift swap", Kind::People, &["shift swaps", "swap shifts", "shift-swap"]),
    topic("holiday cover", Kind::People, &["holiday coverage", "Holiday Cover", "holiday covr"]),
    topic(
        "new hire onboarding",
        Kind::People,
        &["new-hire onboarding", "new hires onboarding", "onboarding of the new hire"],
    ),
    topic("game day", Kind::People, &["GameDay", "game days", "gameday"]),
    topic("change freeze", Kind::People, &["change freezes", "change-freeze", "Change Freeze"]),
    topic("pager fatigue", Kind::People, &["pager-fatigue", "pagr fatigue", "Pager Fatigue"]),
    topic(
        "capacity planning",
        Kind::People,
        &["cap planning", "capacity plan", "capacity-planning"],
    ),
    topic("war room", Kind::People, &["war-room", "warroom", "War Room"]),
    topic("first responder", Kind::People, &["first responders", "1st responder"]),
    topic("training budget", Kind::People, &["training budgets", "Training Budget"]),
    topic("team offsite", Kind::People, &["team off-site", "Team Offsite", "team offsites"]),
    topic("night shift", Kind::People, &["night shifts", "nightshift", "Night Shift"]),
    topic(
        "postmortem review",
        Kind::People,
        &["post-mortem review", "postmortem reviews", "PM review"],
    ),
];

/// Subjects that come up every day, a few times.
const STANDING: &[(&str, &[&str])] = &[
    ("error budget", &["error budgets", "Error Budget"]),
    ("replica lag", &["replication lag", "Replica Lag"]),
    ("deploy pipeline", &["CD pipeline", "Deploy Pipeline"]),
    ("terraform drift", &["tf drift", "Terraform drift"]),
    ("k8s upgrade", &["kubernetes upgrade", "k8s 1.29 upgrade"]),
];

#[derive(Debug)]
struct Person {
    name: &'static str,
    french: bool,
    /// How often they post, relative to the others.
    weight: usize,
}

const PEOPLE: &[Person] = &[
    Person { name: "priya", french: false, weight: 5 },
    Person { name: "tom", french: false, weight: 4 },
    Person { name: "jess", french: false, weight: 3 },
    Person { name: "dmitri", french: false, weight: 4 },
    Person { name: "kofi", french: false, weight: 2 },
    Person { name: "sam", french: false, weight: 3 },
    Person { name: "hannah", french: false, weight: 2 },
    Person { name: "raj", french: false, weight: 3 },
    Person { name: "mei", french: false, weight: 2 },
    Person { name: "camille", french: true, weight: 4 },
    Person { name: "julien", french: true, weight: 3 },
    Person { name: "lea", french: true, weight: 2 },
    Person { name: "mathieu", french: true, weight: 2 },
];

const SERVICES: &[&str] = &[
    "api-gateway",
    "checkout-svc",
    "payments-api",
    "search-indexer",
    "auth-service",
    "notifications-worker",
    "ledger-db",
    "redis-cache",
    "kafka-broker-2",
    "ingress-nginx",
    "orders-api",
];

const ALERTS: &[&str] = &[
    "HighLatency",
    "HighErrorRate",
    "PodCrashLooping",
    "KubeNodeNotReady",
    "DiskSpaceLow",
    "TargetDown",
    "SLOBurnRateHigh",
    "KubeHpaMaxedOut",
    "PostgresTooManyConnections",
];

const REGIONS: &[&str] = &["eu-west-1", "eu-central-1", "us-east-1"];

const INCIDENT_EN: &[&str] = &[
    "anyone else seeing {t} on {svc}?",
    "{T} again on {svc} 😩",
    "pretty sure the {t} is what tripped {alert} at {time}",
    "{T} is back, opened INC-{inc}",
    "INC-{inc}: {t} on {svc}, mitigated for now, root cause TBD",
    "Long one, sorry. We spent the morning on the {t} with {p}. Short version: {svc} started degrading around {time}, the dashboards show it clearly, and we still can't say whether it's cause or symptom. Rolled back {svc} to {ver}, error rate went from {pct}% to under 1%. I'll write it up in INC-{inc} before handover.",
    "is the {t} related to yesterday's deploy or is that a coincidence?",
    "graphs for the {t}: p99 {ms}ms, was ~{ms2}ms last week",
    "{p} can you take a look at the {t}? I'm stuck in another call",
    "status: {t} mitigated, keeping an eye on it 👀",
    "do we have a runbook for {t}? couldn't find one",
    "ok so the {t} only happens when {svc} scales past {num} pods",
    "{t} 🔥🔥🔥",
    "added a panel for the {t} to the {svc} dashboard",
    "the fix for the {t} is in review: PR #{pr}",
    "ETA on the {t} fix? CS is asking, two enterprise customers opened tickets",
    "I'll keep watching the {t} tonight, ping me if it pages",
    "Not the {t} this time, it was a bad config push on {svc}",
    "Is it just me or is the {t} worse since {time}? {svc} p99 is at {ms}ms",
];

const INCIDENT_FR: &[&str] = &[
    "on a encore du {t} sur {svc} 😩",
    "quelqu'un regarde le {t} ? moi je suis en réunion",
    "le {t} de ce matin vient de repartir, j'ouvre INC-{inc}",
    "je pense que le {t} explique l'alerte {alert} de {timefr}",
    "pour le {t}, ETA 20 min",
    "est-ce qu'on a un runbook pour le {t} ? je n'ai rien trouvé",
    "Bon, résumé pour ceux qui arrivent : le {t} a commencé vers {timefr} sur {svc}, on a fait un rollback vers {ver} et ça va mieux, mais on ne sait toujours pas pourquoi. Je mets tout dans INC-{inc}.",
    "{p} tu as vu le {t} sur {svc} ? ça recommence",
];

const THING_EN: &[&str] = &[
    "who owns the {t} for {svc}?",
    "{T} change is live, shout if you see anything odd",
    "heads up: touching the {t} config at {time}, should be a no-op",
    "can someone review my PR for the {t}? #{pr}",
    "the {t} for {svc} is misconfigured, that's why INC-{inc} paged",
    "{T}: done for {svc}, {num} services left",
    "we need to talk about the {t}, it bit us twice today",
    "Quick summary on the {t} situation: {svc} and {svc2} were both affected, the {t} settings were copied from staging months ago and nobody noticed. I've opened INC-{inc} to track the cleanup, and {p} will pair with me tomorrow.",
    "{p} did you update the docs for the {t}?",
    "rolling back the {t} change, sorry for the noise",
    "is the {t} in the runbook yet?",
    "{t} looks good now ✅",
    "why does {svc} have its own {t}? 🤔",
    "> {t}\nyes, that one. it's been wrong since the migration",
];

const THING_FR: &[&str] = &[
    "qui s'occupe du {t} pour {svc} ?",
    "j'ai modifié le {t}, dites-moi si vous voyez un souci",
    "{p} tu peux relire ma PR sur le {t} ? #{pr}",
    "le {t} est mal configuré sur {svc}, d'où INC-{inc}",
    "{T} : c'est fait pour {svc} ✅",
    "je regarde le {t} après le déjeuner",
];

const PEOPLE_EN: &[&str] = &[
    "reminder: the {t} sign-up sheet is in the wiki",
    "{p} could we do a {t} next week? I'm away Thursday",
    "who's handling {t} for December?",
    "{T} question: do we need manager approval or just the rota?",
    "I'd like to raise {t} at the retro, it keeps coming up",
    "Honest take on {t}: the last month has been rough, {num} pages a week on average, most of them at night, and people are tired. Can we put it on the agenda for Thursday and actually decide something this time?",
    "{t} update: {p} and I sorted it, rota updated",
    "anything I should know about {t} before Friday?",
    "+1 on {t}, long overdue",
    "{T} doc is here, comments welcome 🙏",
    "is {t} still on for tomorrow?",
    "sorry, missed the thread, where did we land on {t}?",
    "{p} re {t}, I've put my name down",
];

const PEOPLE_FR: &[&str] = &[
    "{p} est-ce qu'on peut faire un {t} la semaine prochaine ?",
    "rappel : pour le {t}, il faut remplir le tableau sur le wiki",
    "je voudrais qu'on parle du {t} à la rétro",
    "{T} : c'est réglé avec {p}, le planning est à jour",
    "le {t} est toujours prévu demain ?",
    "pour le {t}, je suis dispo mardi et mercredi",
];

const STANDING_EN: &[&str] = &[
    "{S} update: {svc} at {pct}% for the month",
    "any news on the {s}?",
    "{s} is on track for next week",
    "the {s} is fine today, nothing to report",
    "who's looking at the {s} this sprint?",
    "quick note on the {s}: no change since yesterday",
];

const STANDING_FR: &[&str] =
    &["point sur le {s} : rien de neuf", "le {s} avance, on en reparle jeudi"];

const FILLER_EN: &[&str] = &[
    "morning all ☕",
    "morning!",
    "hi team",
    "thanks {p}!",
    "thx",
    "ty 🙏",
    "ack",
    "on it",
    "looking",
    "👀",
    "👍",
    "lgtm",
    "brb, coffee",
    "back",
    "lunch, back in 30",
    "anyone around?",
    "can someone ack the page? I'm driving",
    "acked",
    "nvm, sorted",
    "who's on call this weekend?",
    "signing off, have a good evening 👋",
    "deploying {svc} {ver}",
    "{svc} {ver} is out",
    "deploy of {svc} done, watching dashboards",
    "silencing {alert} for 1h while we deploy",
    "silence expired, alerts re-enabled",
    "INC-{n} closed",
    "INC-{n} resolved, false alarm",
    "that alert is flapping again",
    "standup in 5",
    "can't make standup, notes in the doc",
    "ok",
    "sounds good",
    "will do",
    "no worries",
    "haha",
    "😂",
    "nice one {p}",
    "{p} ping",
    "{p} got a minute?",
    "will be 10 min late to the sync",
    "what's the dashboard link again?",
    "{alert} on {svc} fired but recovered on its own after {num} min",
    "false positive, ignore",
    "pager is quiet today, enjoying it while it lasts",
    "gonna grab food, ping me if needed",
    "I'm on call until {time} UTC",
    "back from lunch, catching up on the channel",
];

const FILLER_FR: &[&str] = &[
    "bonjour à tous",
    "salut !",
    "merci {p} !",
    "merci 🙏",
    "je regarde",
    "je prends",
    "c'est bon de mon côté",
    "pause déj, je reviens dans 30 min",
    "ok pour moi",
    "d'accord",
    "je suis d'astreinte cette nuit, n'hésitez pas",
    "quelqu'un a vu l'alerte {alert} sur {svc} ?",
    "fausse alerte, on peut ignorer",
    "je déploie {svc} {ver}",
    "déploiement de {svc} terminé",
    "à demain",
    "{p} tu as deux minutes ?",
];

/// Said at most once a day.
const ONE_OFF_EN: &[&str] = &[
    "has anyone seen my charger? left it in the meeting room",
    "wifi on the 3rd floor is awful today",
    "reminder to fill in your timesheets",
    "pizza in the kitchen 🍕",
    "is the VPN slow for anyone else or just me",
    "Jira is down again lol",
    "sorry, wrong channel",
    "Friday deploy? no thanks 😅",
    "long day, see you all tomorrow",
    "{p} can you cover for me for an hour this afternoon? dentist",
    "Does anyone know who approved the {svc} deploy at {time}? Not blaming, I just want to know whether the alerts that followed were expected or whether we should roll back.",
    "great work everyone, quiet night for once 🎉",
    "fire alarm test at 11, ignore it",
    "the coffee machine on 4 is broken again",
    "who left the {svc} grafana dashboard in edit mode? 😅",
];

/// Said at most once a day.
const ONE_OFF_FR: &[&str] = &[
    "le VPN rame chez vous aussi ?",
    "bon week-end !",
    "super, merci pour le coup de main",
    "je serai en retard au point de 10h",
    "il y a des croissants à la cuisine 🥐",
    "quelqu'un a un chargeur USB-C à me prêter ?",
];

/// Posted by the alerting bots.
const ALERT_LINES: &[&str] = &[
    "[FIRING:{k}] {alert} {svc} ({region})",
    "[RESOLVED] {alert} {svc}",
    "[FIRING:1] HighLatency {svc} p99>{sec}s",
    "[FIRING:{k}] KubeNodeNotReady ip-10-{a}-{b}-{c}.{region}.compute.internal",
    "PagerDuty: INC-{n} triggered - {alert} on {svc}",
    "PagerDuty: INC-{n} acknowledged by {name}",
    "PagerDuty: INC-{n} resolved",
];

const HANDOVER_EN: &[&str] = &[
    "handing over to {p} 🫡",
    "Handover: {num} pages overnight, all auto-resolved. {alert} on {svc} twice ({time}, {time2}), nothing open. Have a good one 👋",
    "Handover for {p}: quiet shift, one false positive on {alert}, INC-{n} closed. Pager is yours.",
    "signing off, {p} has the pager",
];

const HANDOVER_FR: &[&str] = &[
    "fin de garde pour moi, rien à signaler, {p} prend la suite",
    "je passe la main à {p}, bonne soirée 👋",
    "Passation : {num} alertes cette nuit, toutes résolues toutes seules. Rien d'ouvert. Bonne journée à tous !",
    "fin d'astreinte, {p} prend le relais",
];

const REPLY_EN: &[&str] = &[
    "+1",
    "same here",
    "agreed",
    "yep",
    "thanks, looking",
    "good catch",
    "not sure, let me check",
    "that was me, sorry 😅",
    "done",
    "I can take it",
    "let's discuss after standup",
    "can confirm",
    "ugh",
    "🙏",
];

const REPLY_FR: &[&str] =
    &["+1", "pareil ici", "d'accord", "bien vu", "je vérifie", "c'est fait", "je m'en occupe"];

/// What a slot of the day will be rendered as.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Filler,
    Alert,
    Reply,
    Standing(usize),
    Handover,
    /// A mention of a burst: the topic's index and its incident number.
    Burst(usize, u32),
}

/// A burst: a topic that is hot on `day`.
#[derive(Debug)]
struct Burst {
    topic: usize,
    day: i64,
    inc: u32,
}

/// A burst's day: the templates not yet used (so nobody repeats another word for word) and how
/// often it was written another way.
#[derive(Debug, Default)]
struct Deck {
    topic: usize,
    english: Vec<&'static str>,
    french: Vec<&'static str>,
    mentions: usize,
    variants: usize,
}

/// What a placeholder is filled with.
#[derive(Debug, Default)]
struct Fill<'a> {
    author: usize,
    topic: Option<&'a str>,
    subject: Option<&'a str>,
    inc: u32,
    /// Whom `{p}` names, when it is not anyone.
    to: Option<usize>,
}

fn time(rng: &mut Rng) -> String {
    format!("{:02}:{:02}", rng.below(24), rng.below(60))
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn mention(rng: &mut Rng, author: usize) -> String {
    let mut other = rng.below(PEOPLE.len());
    if other == author {
        other = (other + 1) % PEOPLE.len();
    }
    format!("@{}", PEOPLE[other].name)
}

fn render(rng: &mut Rng, template: &str, fill: &Fill<'_>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let key = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let value = match key {
            "t" => fill.topic.unwrap_or_default().to_string(),
            "T" => capitalise(fill.topic.unwrap_or_default()),
            "s" => fill.subject.unwrap_or_default().to_string(),
            "S" => capitalise(fill.subject.unwrap_or_default()),
            "p" => match fill.to {
                Some(to) => format!("@{}", PEOPLE[to].name),
                None => mention(rng, fill.author),
            },
            "name" => PEOPLE[rng.below(PEOPLE.len())].name.to_string(),
            "svc" | "svc2" => rng.pick(SERVICES).to_string(),
            "alert" => rng.pick(ALERTS).to_string(),
            "region" => rng.pick(REGIONS).to_string(),
            "n" => rng.range(3000, 5999).to_string(),
            "inc" => fill.inc.to_string(),
            "time" | "time2" => time(rng),
            "timefr" => format!("{}h{:02}", rng.below(24), rng.below(60)),
            "ver" => format!("v{}.{}.{}", rng.range(1, 4), rng.below(30), rng.below(12)),
            "pct" => rng.range(2, 99).to_string(),
            "ms" => rng.range(900, 4800).to_string(),
            "ms2" => rng.range(120, 450).to_string(),
            "num" => rng.range(2, 14).to_string(),
            "pr" => rng.range(1200, 2999).to_string(),
            "k" => rng.range(1, 6).to_string(),
            "sec" => rng.range(1, 5).to_string(),
            "a" | "b" | "c" => rng.range(1, 254).to_string(),
            other => format!("{{{other}}}"),
        };
        out.push_str(&value);
    }
    out.push_str(rest);
    out
}

/// How the topic is written this time: mostly its usual spelling, sometimes another, so long
/// as the others stay under a third of the day's mentions (so the usual one names the topic).
fn surface(rng: &mut Rng, topic: &Topic, deck: &mut Deck) -> String {
    deck.mentions += 1;
    if rng.chance(0.28) && (deck.variants + 1) * 3 <= deck.mentions {
        deck.variants += 1;
        return rng.pick(topic.others).to_string();
    }
    let main = topic.main;
    if rng.chance(0.12) { capitalise(main) } else { main.to_string() }
}

fn templates(kind: Kind, french: bool) -> &'static [&'static str] {
    match (kind, french) {
        (Kind::Incident, false) => INCIDENT_EN,
        (Kind::Incident, true) => INCIDENT_FR,
        (Kind::Thing, false) => THING_EN,
        (Kind::Thing, true) => THING_FR,
        (Kind::People, false) => PEOPLE_EN,
        (Kind::People, true) => PEOPLE_FR,
    }
}

/// The first line of `text`, cut at a word near 70 characters.
fn quote(text: &str) -> String {
    let line = text.lines().find(|l| !l.starts_with('>')).unwrap_or_default();
    if line.chars().count() <= 70 {
        return line.to_string();
    }
    let cut: String = line.chars().take(70).collect();
    match cut.rfind(' ') {
        Some(space) => format!("{}…", &cut[..space]),
        None => format!("{cut}…"),
    }
}

/// A minute of the day: mostly office hours, some at night (it is an on-call channel).
fn minute(rng: &mut Rng) -> i64 {
    if rng.chance(0.75) { rng.range(7 * 60, 19 * 60) as i64 } else { rng.below(24 * 60) as i64 }
}

fn author(rng: &mut Rng) -> usize {
    let total: usize = PEOPLE.iter().map(|p| p.weight).sum();
    let mut at = rng.below(total);
    for (i, p) in PEOPLE.iter().enumerate() {
        if at < p.weight {
            return i;
        }
        at -= p.weight;
    }
    0
}

/// Posts over the 19 days for `seed`, and the bursts planted.
fn channel(seed: u64, start: DateTime<Utc>) -> (Vec<Post>, Vec<Burst>) {
    let mut rng = Rng::new(seed);
    let mut order: Vec<usize> = (0..TOPICS.len()).collect();
    rng.shuffle(&mut order);
    let mut order = order.into_iter();
    let mut bursts = Vec::new();
    for day in 0..DAYS {
        // One burst a day in the history, one to three in the windows, as the pool allows.
        let n = if day < 7 {
            1
        } else {
            match rng.below(20) {
                0..=4 => 1,
                5..=15 => 2,
                _ => 3,
            }
        };
        for _ in 0..n {
            if let Some(topic) = order.next() {
                bursts.push(Burst { topic, day, inc: rng.range(4100, 4999) as u32 });
            }
        }
    }

    // Filler templates drift: each day weighs them differently.
    let mut posts = Vec::new();
    let mut oncall = rng.below(PEOPLE.len());
    for day in 0..DAYS {
        let day_start = start + TimeDelta::days(day);
        let weekend = matches!(day % 7, 5 | 6);
        let volume = rng.range(90, 150) * if weekend { 55 } else { 100 } / 100;
        let filler_mix: Vec<usize> = (0..FILLER_EN.len()).map(|_| rng.range(1, 6)).collect();
        let mut slots: Vec<(i64, usize, Slot)> = Vec::new();
        for _ in 0..volume {
            let slot = match rng.below(100) {
                0..=8 => Slot::Alert,
                9..=21 => Slot::Reply,
                22..=30 => Slot::Standing(rng.below(STANDING.len())),
                _ => Slot::Filler,
            };
            let minute = minute(&mut rng);
            let who = if matches!(slot, Slot::Alert) { BOT } else { author(&mut rng) };
            slots.push((minute * 60 + rng.below(60) as i64, who, slot));
        }
        // Handovers, morning and evening, from the one leaving to the one coming.
        let next = (oncall + 1 + rng.below(3)) % PEOPLE.len();
        slots.push(((8 * 60 + rng.range(0, 40) as i64) * 60, oncall, Slot::Handover));
        if rng.chance(0.6) {
            slots.push(((20 * 60 + rng.range(0, 50) as i64) * 60, oncall, Slot::Handover));
        }
        // The bursts: hot today, a trickle the day or two before, a tail the day after.
        for burst in &bursts {
            let mentions = match day - burst.day {
                0 => rng.range(8, 18),
                -1 if rng.chance(0.35) => rng.range(1, 2),
                -2 if rng.chance(0.15) => 1,
                1 if rng.chance(0.5) => rng.range(1, 3),
                _ => 0,
            };
            let centre = rng.range(2 * 60, 21 * 60) as i64;
            for _ in 0..mentions {
                let minute = if rng.chance(0.7) {
                    let spread = rng.range(0, 180) as i64 - rng.range(0, 180) as i64;
                    (centre + spread).clamp(0, 24 * 60 - 1)
                } else {
                    minute(&mut rng)
                };
                let slot = Slot::Burst(burst.topic, burst.inc);
                slots.push((minute * 60 + rng.below(60) as i64, author(&mut rng), slot));
            }
        }
        slots.sort_by_key(|s| s.0);

        // Each day's one-off remarks, and each burst's templates, are drawn without repeats.
        let mut one_off_en: Vec<&str> = ONE_OFF_EN.to_vec();
        let mut one_off_fr: Vec<&str> = ONE_OFF_FR.to_vec();
        rng.shuffle(&mut one_off_en);
        rng.shuffle(&mut one_off_fr);
        let mut decks: Vec<Deck> = Vec::new();
        let mut rendered: Vec<(String, bool)> = Vec::new();
        for (second, who, slot) in slots {
            if who == BOT {
                let template = *rng.pick(ALERT_LINES);
                let fill = Fill { author: 0, ..Fill::default() };
                let text = render(&mut rng, template, &fill);
                let bot = if text.starts_with("PagerDuty") { "pagerduty" } else { "alertmanager" };
                posts.push(Post {
                    author: bot.to_string(),
                    text: text.clone(),
                    posted_at: day_start + TimeDelta::seconds(second),
                });
                rendered.push((text, false));
                continue;
            }
            let person = &PEOPLE[who];
            let french = person.french && rng.chance(0.7);
            let mut fill = Fill { author: who, ..Fill::default() };
            let (text, about_topic) = match slot {
                Slot::Filler => {
                    let one_off = if french { &mut one_off_fr } else { &mut one_off_en };
                    let template = if rng.chance(0.12) && !one_off.is_empty() {
                        one_off.remove(0)
                    } else if french {
                        *rng.pick(FILLER_FR)
                    } else {
                        // The day's mix: draw by weight.
                        let total: usize = filler_mix.iter().sum();
                        let mut at = rng.below(total);
                        let mut chosen = FILLER_EN[0];
                        for (template, w) in FILLER_EN.iter().zip(&filler_mix) {
                            if at < *w {
                                chosen = template;
                                break;
                            }
                            at -= w;
                        }
                        chosen
                    };
                    (render(&mut rng, template, &fill), false)
                }
                Slot::Alert => (String::new(), false),
                Slot::Handover => {
                    fill.to = Some(next);
                    let template =
                        if french { rng.pick(HANDOVER_FR) } else { rng.pick(HANDOVER_EN) };
                    (render(&mut rng, template, &fill), false)
                }
                Slot::Standing(i) => {
                    let (main, others) = STANDING[i];
                    let subject = if rng.chance(0.25) { *rng.pick(others) } else { main };
                    fill.subject = Some(subject);
                    let template =
                        if french { rng.pick(STANDING_FR) } else { rng.pick(STANDING_EN) };
                    (render(&mut rng, template, &fill), false)
                }
                Slot::Reply => {
                    let reply = if french { rng.pick(REPLY_FR) } else { rng.pick(REPLY_EN) };
                    let recent = &rendered[rendered.len().saturating_sub(8)..];
                    let topical: Vec<&(String, bool)> = recent.iter().filter(|r| r.1).collect();
                    let quoted = if !topical.is_empty() && rng.chance(0.5) {
                        Some(*rng.pick(&topical))
                    } else if recent.is_empty() {
                        None
                    } else {
                        Some(rng.pick(recent))
                    };
                    match quoted {
                        Some((q, t)) => (format!("> {}\n{reply}", quote(q)), *t),
                        None => (reply.to_string(), false),
                    }
                }
                Slot::Burst(index, inc) => {
                    let topic = &TOPICS[index];
                    let deck = match decks.iter().position(|d| d.topic == index) {
                        Some(at) => at,
                        None => {
                            decks.push(Deck { topic: index, ..Deck::default() });
                            decks.len() - 1
                        }
                    };
                    let deck = &mut decks[deck];
                    let written = surface(&mut rng, topic, deck);
                    fill.topic = Some(&written);
                    fill.inc = inc;
                    let cards = if french { &mut deck.french } else { &mut deck.english };
                    if cards.is_empty() {
                        cards.extend_from_slice(templates(topic.kind, french));
                        rng.shuffle(cards);
                    }
                    let template = cards.pop().unwrap_or_default();
                    (render(&mut rng, template, &fill), true)
                }
            };
            posts.push(Post {
                author: person.name.to_string(),
                text: text.clone(),
                posted_at: day_start + TimeDelta::seconds(second),
            });
            rendered.push((text, about_topic));
        }
        oncall = next;
    }
    (posts, bursts)
}

const DAYS: i64 = 19;

/// The author slot of the alerting bots.
const BOT: usize = usize::MAX;

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    let whole = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase);
    let parts =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase);
    whole.chain(parts)
}

/// Words of the chatter: every template but the topic and subject, rendered many times.
fn chatter_words(used: &[usize]) -> HashSet<String> {
    let mut rng = Rng::new(7_777);
    let mut set = HashSet::new();
    let all: [&[&str]; 17] = [
        FILLER_EN,
        FILLER_FR,
        ONE_OFF_EN,
        ONE_OFF_FR,
        ALERT_LINES,
        HANDOVER_EN,
        HANDOVER_FR,
        REPLY_EN,
        REPLY_FR,
        STANDING_EN,
        STANDING_FR,
        INCIDENT_EN,
        INCIDENT_FR,
        THING_EN,
        THING_FR,
        PEOPLE_EN,
        PEOPLE_FR,
    ];
    for _ in 0..40 {
        for group in all {
            for template in group {
                let fill = Fill { author: rng.below(PEOPLE.len()), ..Fill::default() };
                set.extend(words(&render(&mut rng, template, &fill)));
            }
        }
    }
    let topical: HashSet<String> = used
        .iter()
        .flat_map(|&i| std::iter::once(TOPICS[i].main).chain(TOPICS[i].others.iter().copied()))
        .chain(STANDING.iter().flat_map(|(m, o)| std::iter::once(*m).chain(o.iter().copied())))
        .flat_map(|t| words(t).collect::<Vec<_>>())
        .collect();
    set.retain(|w| !topical.contains(w));
    set
}

/// Twelve windows for `seed`: each of the last 12 days against the 7 days before it.
pub fn cases(seed: u64) -> Vec<Case> {
    let start = DateTime::from_timestamp(1_730_678_400, 0).unwrap_or_default();
    let (posts, bursts) = channel(seed, start);
    let used: Vec<usize> = bursts.iter().map(|b| b.topic).collect();
    let chatter = chatter_words(&used);
    (7..DAYS)
        .map(|day| {
            let window =
                TimeWindow::new(start + TimeDelta::days(day), start + TimeDelta::days(day + 1));
            let planted = bursts
                .iter()
                .filter(|b| b.day == day)
                .map(|b| TOPICS[b.topic].main.to_lowercase())
                .collect();
            Case::of_window(
                format!("oncall seed {seed} day {day}"),
                &posts,
                window,
                planted,
                &chatter,
            )
        })
        .collect()
}
