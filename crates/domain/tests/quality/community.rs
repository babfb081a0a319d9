//! The community channel of an open-source storage engine ("kelp"), a third generator written
//! apart from `office`, from the sandbox's and from the ranking: contributors in several time
//! zones greet each other, paste versions, file names, error codes and links, answer
//! newcomers' questions, and a bot announces pull requests and nightly builds. Messages come
//! in threads: an opener and its replies a few minutes apart, many of them one word ("+1",
//! "lgtm", "ty").
//!
//! Standing subjects (the CI pipeline, the docs site, ...) are talked about every day; on each
//! window day one to three incidents flare up (some loudly, some barely), are sometimes
//! foreshadowed by a stray message in the days before, and fade out the day after. Incidents
//! are written the way people write them: lowercase, capitalised, in the plural, with a typo,
//! as a branch slug, inside questions.
//!
//! Windows: each of the last 12 of 20 days, with the 7 days before it.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::analytics::TimeWindow;

use super::{Case, Post};

/// PCG32 (XSH-RR): yet another generator family than the other test data's.
#[derive(Debug)]
struct Pcg {
    state: u64,
    inc: u64,
}

impl Pcg {
    fn seeded(seed: u64) -> Self {
        let mut pcg = Self { state: 0, inc: (seed << 1) | 1 };
        pcg.step();
        pcg.state = pcg.state.wrapping_add(0x853C_49E6_748F_EA9B ^ seed.rotate_left(17));
        pcg.step();
        pcg
    }

    fn step(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(self.inc);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        xorshifted.rotate_right((old >> 59) as u32)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        ((u64::from(self.step()) * n.max(1) as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        f64::from(self.step()) / 4_294_967_296.0 < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Something the channel discusses.
#[derive(Debug)]
struct Thing {
    /// What a reader would call it, lowercase.
    label: &'static str,
    /// As written; repeats weight the usual spelling.
    spellings: &'static [&'static str],
    /// Details that come up with it.
    details: &'static [&'static str],
    /// Whether it is something going wrong (or a plan, a decision).
    bug: bool,
}

/// Incidents: each flares up on one window day.
const INCIDENTS: [Thing; 16] = [
    Thing {
        label: "memory leak",
        spellings: &[
            "memory leak",
            "memory leak",
            "memory leaks",
            "Memory leak",
            "memory leak",
            "MEMORY LEAK",
            "memory leak",
        ],
        details: &["heap profile", "rss", "jemalloc", "valgrind", "compaction"],
        bug: true,
    },
    Thing {
        label: "release candidate",
        spellings: &[
            "release candidate",
            "release candidate",
            "Release Candidate",
            "release candidates",
            "release candidate",
            "release candidate",
        ],
        details: &["changelog draft", "tag", "freeze", "smoke tests", "signing key"],
        bug: false,
    },
    Thing {
        label: "flaky test",
        spellings: &[
            "flaky test",
            "flaky tests",
            "flaky test",
            "Flaky test",
            "flaky test",
            "flakey test",
            "flaky tests",
        ],
        details: &["retry", "timing", "quarantine", "race", "nextest"],
        bug: true,
    },
    Thing {
        label: "connection pool",
        spellings: &[
            "connection pool",
            "connection pool",
            "Connection pool",
            "connection pools",
            "connection pool",
            "conn pool",
        ],
        details: &["max_connections", "idle timeout", "exhaustion", "checkout", "ECONNRESET"],
        bug: true,
    },
    Thing {
        label: "license change",
        spellings: &[
            "license change",
            "license change",
            "License change",
            "licence change",
            "license change",
            "license changes",
        ],
        details: &["apache", "bsl", "cla", "fork", "lawyers"],
        bug: false,
    },
    Thing {
        label: "arm64 build",
        spellings: &["arm64 build", "arm64 builds", "ARM64 build", "arm64 build", "arm64 build"],
        details: &["cross", "graviton", "raspberry pi", "qemu", "neon"],
        bug: true,
    },
    Thing {
        label: "docker image",
        spellings: &[
            "docker image",
            "Docker image",
            "docker image",
            "docker images",
            "docker image",
            "Docker Image",
        ],
        details: &["alpine", "distroless", "tag", "image size", "ghcr"],
        bug: false,
    },
    Thing {
        label: "tls handshake",
        spellings: &[
            "TLS handshake",
            "tls handshake",
            "TLS handshake",
            "tls handshakes",
            "TLS handshake",
        ],
        details: &["rustls", "cert chain", "sni", "openssl", "alpn"],
        bug: true,
    },
    Thing {
        label: "schema migration",
        spellings: &[
            "schema migration",
            "schema migrations",
            "Schema migration",
            "schema migration",
            "schema migration",
        ],
        details: &["rollback", "v12 format", "downtime", "backfill", "lock"],
        bug: false,
    },
    Thing {
        label: "rate limiter",
        spellings: &[
            "rate limiter",
            "rate limiter",
            "Rate limiter",
            "rate limiters",
            "rate limiter",
        ],
        details: &["token bucket", "burst", "429s", "per tenant", "refill"],
        bug: true,
    },
    Thing {
        label: "security advisory",
        spellings: &[
            "security advisory",
            "security advisory",
            "Security Advisory",
            "security advisories",
            "security advisory",
        ],
        details: &["cve", "embargo", "patch release", "disclosure", "severity"],
        bug: false,
    },
    Thing {
        label: "python bindings",
        spellings: &[
            "python bindings",
            "Python bindings",
            "python bindings",
            "python binding",
            "Python bindings",
        ],
        details: &["pyo3", "wheels", "maturin", "abi3", "pip"],
        bug: false,
    },
    Thing {
        label: "replication lag",
        spellings: &["replication lag", "Replication lag", "replication lag", "replication lag"],
        details: &["follower", "wal shipping", "catch up", "seconds behind", "leader"],
        bug: true,
    },
    Thing {
        label: "cold start",
        spellings: &["cold start", "cold starts", "cold start", "Cold start", "cold-start"],
        details: &["index load", "mmap", "warmup", "lazy loading", "startup time"],
        bug: true,
    },
    Thing {
        label: "config reload",
        spellings: &["config reload", "config reload", "Config reload", "config reloads"],
        details: &["sighup", "watcher", "hot reload", "kelp.toml", "validation"],
        bug: true,
    },
    Thing {
        label: "query planner",
        spellings: &["query planner", "query planner", "Query planner", "query planner's"],
        details: &["explain output", "cost model", "index scan", "join order", "statistics"],
        bug: true,
    },
];

/// Standing subjects: talked about every day, never an incident.
const STANDING: [Thing; 6] = [
    Thing {
        label: "ci pipeline",
        spellings: &["CI pipeline", "ci pipeline", "CI pipeline", "CI", "ci"],
        details: &["runners", "cache", "github actions", "matrix"],
        bug: true,
    },
    Thing {
        label: "docs site",
        spellings: &["docs site", "docs site", "Docs site", "docs", "documentation site"],
        details: &["mdbook", "search box", "dead links", "getting started page"],
        bug: false,
    },
    Thing {
        label: "plugin api",
        spellings: &["plugin API", "plugin api", "plugin API", "plugins api", "Plugin API"],
        details: &["traits", "semver", "wasm", "examples"],
        bug: false,
    },
    Thing {
        label: "windows support",
        spellings: &["windows support", "Windows support", "windows support", "windows port"],
        details: &["msvc", "paths", "long filenames", "installer"],
        bug: false,
    },
    Thing {
        label: "good first issue",
        spellings: &["good first issue", "good first issues", "good-first-issue", "gfi"],
        details: &["label", "mentoring", "newcomers", "triage"],
        bug: false,
    },
    Thing {
        label: "benchmark numbers",
        spellings: &["benchmark numbers", "benchmarks", "bench numbers", "benchmark results"],
        details: &["criterion", "throughput", "p99", "regression"],
        bug: false,
    },
];

/// Thread openers about a thing going wrong: `{t}` is how it is written, `{d}` a detail, and
/// the rest are filled from the channel's stock of versions, files, codes, links and people.
const OPEN_BUG: [&str; 16] = [
    "anyone else seeing the {t} on {v}?",
    "{t} is back :(",
    "ok so the {t} - i think it's the {d}",
    "fwiw the {t} only shows up with {d} turned on",
    "bisected the {t} down to {sha}",
    "still digging into the {t}, {d} looks suspicious",
    "{t} again?? :facepalm:",
    "i can reproduce the {t} on {os} with {v}",
    "the {t} thing is getting worse, {e} all over the logs",
    "hmm the {t} might be related to #{n}",
    "Q: does the {t} affect {os} too?",
    "pushed a branch: fix/{slug}",
    "added logging around the {t} in {f}",
    "ugh, {t}. there goes my afternoon",
    "hey, is anybody looking at the {t}? we hit it in prod last night",
    "Update on the {t}: {d} was a red herring",
];

/// Thread openers about anything: a plan, a decision, a piece of work.
const OPEN_ANY: [&str; 16] = [
    "opened #{n} for the {t}, details in {f}",
    "@{m} could you take a look at the {t}? {u}",
    "is the {t} a blocker for {v}?",
    "PR up for the {t}: {u}",
    "so... about the {t}",
    "pinned a thread about the {t}, please keep it there :pray:",
    "wrote up what i know about the {t} in {u}",
    "who owns the {t}? asking for a friend :sweat_smile:",
    "can we talk {t} in the call later?",
    "any news on the {t}?",
    "what's the status of the {t}",
    "i have opinions about the {t} :sweat_smile:",
    "left some comments on the {t} PR, mostly nits about {d}",
    "re: {t}, i'd rather sort out {d} first",
    "{t}: {d} or not {d}, that is the question",
    "quick poll on the {t} :thread:",
];

/// Replies that name a thing going wrong.
const REPLY_BUG: [&str; 8] = [
    "same here, {t} on {os}",
    "+1 on the {t}, getting {e}",
    "not sure the {t} is about {d} tbh",
    "so the {t} is fixed on main but not in {v}?",
    "tried reverting {sha}, {t} still there",
    "did the {t} start after {v}?",
    "our staging box has the {t} too",
    "{d} is my bet for the {t}",
];

/// Replies that name anything.
const REPLY_ANY: [&str; 8] = [
    "+1 to what @{m} said about the {t}",
    "i can help with the {t} after {v} is out",
    "the {t} should wait until {d} is settled imo",
    "fwiw i'm fine with the {t} as long as {d} stays",
    "linked the {t} issue here: {u}",
    "is there a doc for the {t}?",
    "ok so for the {t}: {d}, then a PR",
    "agree on the {t}",
];

/// Replies in a thread that do not name the thing.
const SHORT: [&str; 34] = [
    "+1",
    "lgtm",
    "LGTM :ship:",
    "thanks!",
    "thx",
    "ty",
    "ok",
    "ok!",
    "kk",
    "nice",
    ":eyes:",
    ":+1:",
    ":tada:",
    "looking",
    "on it",
    "same",
    "hmm",
    "good catch",
    "ack",
    "makes sense",
    "will check after lunch",
    "yep",
    "nope",
    "oh no",
    "lol",
    "ahh ok",
    "can confirm",
    "works for me",
    "cc @{m}",
    "which version are you on?",
    "can you paste the full log?",
    "approved",
    "merged, thanks!",
    "hah",
];

/// A thread's opener with no subject: greetings, farewells, errands.
const HELLO: [&str; 12] = [
    "gm",
    "morning all :wave:",
    "hey folks",
    "hi everyone, new here :wave:",
    "good morning from {city}",
    "hello hello",
    "o/",
    "morning :coffee:",
    "hey @{m}",
    "yo",
    "happy monday everyone",
    "hiya",
];

const BYE: [&str; 10] = [
    "night all",
    "heading out, cya tomorrow",
    "brb",
    "back",
    "afk for lunch",
    "lunch",
    "ok logging off :wave:",
    "gotta run, school pickup",
    "signing off for the weekend",
    "bbl",
];

const STANDUP: [&str; 8] = [
    "standup: yesterday reviewed PRs, today more reviews, no blockers",
    "yesterday: cleanup in {f}. today: same. blockers: none",
    "still ninety percent done on my branch lol",
    "as i mentioned yesterday, i'm out on friday",
    "today: triage the inbox, then pairing with @{m}",
    "y: meetings :( t: actually code. b: none",
    "working on #{n}, should have a PR by tomorrow",
    "no update, same as yesterday",
];

const OFFTOPIC: [&str; 14] = [
    "coffee time :coffee:",
    "anyone watching the game tonight?",
    "weather is awful here in {city}",
    "happy friday!",
    "congrats on the new job @{m}! :tada:",
    "my cat just walked over the keyboard, sorry",
    "what's everyone's favourite mechanical keyboard",
    "is it just me or is github slow today",
    "power cut here, on my phone",
    "so tired today",
    "lol that meme",
    "anyone going to the meetup in {city}?",
    "hot take: tabs > spaces",
    "my internet is being weird, ignore the double posts",
];

/// Newcomers' questions and the answers they get: every day, about nothing in particular.
const HELP: [&str; 16] = [
    "how do i build from source on {os}?",
    "which version should i use, {v} or main?",
    "try `cargo clean` and rebuild",
    "did you read the contributing guide? {u}",
    "where do i find the changelog?",
    "is there a forum or only this channel?",
    "thanks for the quick reply!",
    "np :)",
    "welcome! check the pinned messages",
    "getting {e} when i run the example, any idea?",
    "you need {v} or newer for that",
    "is there a way to run it without root?",
    "does {v} support {os}?",
    "sorry if this is a dumb question but",
    "that worked, thank you so much :pray:",
    "can you share your {f}?",
];

const BOT: [&str; 6] = [
    "{m} opened pull request #{n}",
    "nightly {sha} passed",
    "nightly {sha} failed, see {u}",
    "{m} merged #{n} into main",
    "new issue #{n} by {m}",
    "published {v} to crates.io",
];

const PEOPLE: [&str; 16] = [
    "mkowalski",
    "tjin",
    "ana_r",
    "oleg-dev",
    "sam",
    "priya.n",
    "ghostwriter",
    "rustacean42",
    "bea",
    "lukas",
    "yui",
    "c0ffee",
    "marisol",
    "dtran",
    "nkemdi",
    "hugo_b",
];

const VERSIONS: [&str; 8] =
    ["v2.3.1", "v2.3.0", "v2.4.0-beta.1", "2.2.9", "v2.3", "main", "v2.4.0-rc.1", "0.19.4"];
const FILES: [&str; 9] = [
    "src/storage/wal.rs",
    "kelp.toml",
    "Cargo.lock",
    "src/net/server.rs",
    "docker-compose.yml",
    "tests/it/restart.rs",
    "src/index/btree.rs",
    "Makefile",
    "bench/results.csv",
];
const ERRORS: [&str; 7] = [
    "E1042",
    "SIGSEGV",
    "exit code 137",
    "EADDRINUSE",
    "error[E0599]",
    "panicked at 'index out of bounds'",
    "status 503",
];
const LINKS: [&str; 5] = [
    "https://github.com/kelp-db/kelp/issues/{n}",
    "https://github.com/kelp-db/kelp/pull/{n}",
    "https://gist.github.com/{m}/3f9a2c",
    "https://kelp.dev/docs/{v}/guide",
    "https://pastebin.com/raw/Xk29aQ",
];
const SYSTEMS: [&str; 6] = ["macos", "ubuntu 22.04", "windows 11", "alpine", "nixos", "debian"];
const CITIES: [&str; 6] = ["berlin", "lagos", "são paulo", "osaka", "toronto", "pune"];

/// Hourly weight (UTC) of activity: a European morning and an American afternoon.
const HOURS: [usize; 24] =
    [1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 8, 8, 9, 10, 10, 9, 8, 6, 5, 4, 3, 2, 1];

const DAYS: i64 = 20;
const WINDOWS: i64 = 12;

/// Fills a template's slots; `thing` fills `{t}`, `{d}` and `{slug}`.
fn fill(rng: &mut Pcg, template: &str, thing: Option<&Thing>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let slot = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let value = match (slot, thing) {
            ("t", Some(t)) => (*rng.pick(t.spellings)).to_owned(),
            ("d", Some(t)) => (*rng.pick(t.details)).to_owned(),
            ("slug", Some(t)) => {
                let mut slug = t.label.replace(' ', "-");
                if rng.chance(0.5) {
                    slug.push_str(&format!("-{}", rng.between(1, 9)));
                }
                slug
            }
            ("v", _) => (*rng.pick(&VERSIONS)).to_owned(),
            ("f", _) => (*rng.pick(&FILES)).to_owned(),
            ("e", _) => (*rng.pick(&ERRORS)).to_owned(),
            ("n", _) => rng.between(3_100, 4_999).to_string(),
            ("m", _) => (*rng.pick(&PEOPLE)).to_owned(),
            ("os", _) => (*rng.pick(&SYSTEMS)).to_owned(),
            ("city", _) => (*rng.pick(&CITIES)).to_owned(),
            ("sha", _) => format!("{:07x}", rng.step() >> 4),
            ("u", _) => {
                let link = *rng.pick(&LINKS);
                fill(rng, link, None)
            }
            _ => String::new(),
        };
        out.push_str(&value);
    }
    out.push_str(rest);
    out
}

/// How people actually type: some messages all lowercase, some with a slip of the fingers,
/// a trailing "lol" or an extra "?".
fn scribble(rng: &mut Pcg, text: String) -> String {
    let mut text = if rng.chance(0.22) { text.to_lowercase() } else { text };
    if rng.chance(0.07) {
        let mut words: Vec<String> = text.split(' ').map(str::to_owned).collect();
        let long: Vec<usize> = (0..words.len())
            .filter(|&i| words[i].len() > 4 && words[i].chars().all(|c| c.is_ascii_lowercase()))
            .collect();
        if !long.is_empty() {
            let i = long[rng.below(long.len())];
            let mut chars: Vec<char> = words[i].chars().collect();
            let at = rng.between(1, chars.len() - 2);
            chars.swap(at, at + 1);
            words[i] = chars.into_iter().collect();
            text = words.join(" ");
        }
    }
    if rng.chance(0.04) {
        text.push_str(" lol");
    } else if rng.chance(0.04) && text.ends_with('?') {
        text.push_str("??");
    }
    text
}

/// The channel as it is written, post by post.
#[derive(Debug)]
struct Channel {
    rng: Pcg,
    start: DateTime<Utc>,
    posts: Vec<Post>,
}

impl Channel {
    /// A moment on `day`, weighted by the hours people are around.
    fn moment(&mut self, day: i64) -> i64 {
        let total: usize = HOURS.iter().sum();
        let mut roll = self.rng.below(total);
        let mut hour = 0;
        for (h, w) in HOURS.iter().enumerate() {
            if roll < *w {
                hour = h;
                break;
            }
            roll -= w;
        }
        day * 86_400 + hour as i64 * 3_600 + self.rng.below(3_600) as i64
    }

    fn post(&mut self, at: i64, author: &str, text: String) {
        let text = scribble(&mut self.rng, text);
        self.posts.push(Post {
            author: author.to_owned(),
            text,
            posted_at: self.start + TimeDelta::seconds(at),
        });
    }

    /// A thread on `day`: the opener, then `replies` lines by others, each drawn by `reply`.
    fn thread(
        &mut self,
        day: i64,
        opener: String,
        replies: usize,
        mut reply: impl FnMut(&mut Pcg) -> String,
    ) {
        let day_end = (day + 1) * 86_400 - 1;
        let mut at = self.moment(day);
        let first = *self.rng.pick(&PEOPLE);
        self.post(at, first, opener);
        for _ in 0..replies {
            at = (at + 20 + self.rng.below(400) as i64).min(day_end);
            let who = *self.rng.pick(&PEOPLE);
            let text = reply(&mut self.rng);
            self.post(at, who, text);
        }
    }

    /// A thread about `thing`: about `mention` of its replies name it, the rest are short
    /// replies and questions.
    fn discuss(&mut self, day: i64, thing: &Thing, replies: usize, mention: f64) {
        // Something going wrong is mostly talked about as such, and sometimes as work to do.
        let about = |rng: &mut Pcg, bug: &[&'static str], any: &[&'static str]| -> &'static str {
            let pool = if thing.bug && rng.chance(0.65) { bug } else { any };
            pool[rng.below(pool.len())]
        };
        let opener = {
            let template = about(&mut self.rng, &OPEN_BUG, &OPEN_ANY);
            fill(&mut self.rng, template, Some(thing))
        };
        self.thread(day, opener, replies, |rng| {
            let template = if rng.chance(mention) {
                about(rng, &REPLY_BUG, &REPLY_ANY)
            } else {
                *rng.pick(&SHORT)
            };
            fill(rng, template, Some(thing))
        });
    }

    /// Lines from `pool`, one thread opener and `replies` short replies.
    fn small_talk(&mut self, day: i64, pool: &[&str], replies: usize, reply_pool: &[&str]) {
        let opener = {
            let template = *self.rng.pick(pool);
            fill(&mut self.rng, template, None)
        };
        self.thread(day, opener, replies, |rng| {
            let template = *rng.pick(reply_pool);
            fill(rng, template, None)
        });
    }
}

/// One incident: which, on which window day, how loud, and whether it was foreshadowed.
#[derive(Debug)]
struct Flare {
    thing: usize,
    day: i64,
    threads: usize,
    foreshadowed: bool,
}

/// The 12 windows of one generated channel.
pub fn cases(seed: u64) -> Vec<Case> {
    let mut rng = Pcg::seeded(seed ^ 0x6B65_6C70);
    // Incidents per window day: one to three, none repeating within 8 days.
    let mut flares: Vec<Flare> = Vec::new();
    for day in (DAYS - WINDOWS)..DAYS {
        let count = match rng.below(10) {
            0..=3 => 1,
            4..=8 => 2,
            _ => 3,
        };
        for _ in 0..count {
            let free: Vec<usize> = (0..INCIDENTS.len())
                .filter(|&i| !flares.iter().any(|f| f.thing == i && day - f.day < 8))
                .collect();
            if free.is_empty() {
                break;
            }
            // Loud or quiet: some incidents are a couple of threads only.
            let threads = if rng.chance(0.25) { rng.between(2, 3) } else { rng.between(4, 9) };
            flares.push(Flare {
                thing: free[rng.below(free.len())],
                day,
                threads,
                foreshadowed: rng.chance(0.4),
            });
        }
    }
    let mut channel = Channel {
        rng,
        start: DateTime::from_timestamp(1_725_000_000, 0).unwrap_or_default(),
        posts: Vec::new(),
    };
    let bye_replies = ["night!", "cya", "o/", ":wave:", "later!", "enjoy"];
    let hello_replies = ["morning!", "gm", "hey :wave:", "o/", "hi!", "welcome!", "hey @{m}"];
    for day in 0..DAYS {
        // Day 0 is a Friday; Saturday and Sunday are quiet.
        let weekend = matches!(day % 7, 1 | 2);
        let busy = |n: usize| if weekend { n.div_ceil(3) } else { n };
        // A chatter line in fashion today (a release party, a holiday, a running joke).
        let fashion = {
            let pools: [&[&str]; 3] = [&OFFTOPIC, &SHORT, &HELLO];
            let pool = pools[channel.rng.below(3)];
            *channel.rng.pick(pool)
        };
        let fashion_posts = channel.rng.between(0, 7);
        for _ in 0..fashion_posts {
            channel.small_talk(day, &[fashion], 0, &SHORT);
        }
        for _ in 0..busy(channel.rng.between(4, 8)) {
            let replies = channel.rng.below(4);
            channel.small_talk(day, &HELLO, replies, &hello_replies);
        }
        for _ in 0..busy(channel.rng.between(3, 7)) {
            let replies = channel.rng.below(2);
            channel.small_talk(day, &BYE, replies, &bye_replies);
        }
        if !weekend {
            let replies = channel.rng.between(2, 5);
            channel.small_talk(day, &STANDUP, replies, &STANDUP);
        }
        for _ in 0..busy(channel.rng.between(4, 9)) {
            let replies = channel.rng.between(1, 4);
            channel.small_talk(day, &HELP, replies, &[&HELP[..], &SHORT[..]].concat());
        }
        for _ in 0..busy(channel.rng.between(5, 10)) {
            let replies = channel.rng.below(3);
            channel.small_talk(day, &OFFTOPIC, replies, &SHORT);
        }
        for _ in 0..busy(channel.rng.between(6, 14)) {
            let at = channel.moment(day);
            let template = *channel.rng.pick(&BOT);
            let text = fill(&mut channel.rng, template, None);
            channel.posts.push(Post {
                author: "kelp-bot".to_owned(),
                text,
                posted_at: channel.start + TimeDelta::seconds(at),
            });
        }
        for thing in &STANDING {
            for _ in 0..busy(channel.rng.between(2, 5)) {
                let replies = channel.rng.between(1, 5);
                channel.discuss(day, thing, replies, 0.5);
            }
        }
        for flare in &flares {
            let thing = &INCIDENTS[flare.thing];
            if flare.day == day {
                for _ in 0..flare.threads {
                    let replies = channel.rng.between(2, 7);
                    channel.discuss(day, thing, replies, 0.55);
                }
            } else if flare.day + 1 == day {
                // The tail: a thread or two the morning after.
                for _ in 0..channel.rng.between(1, 2) {
                    let replies = channel.rng.between(1, 3);
                    channel.discuss(day, thing, replies, 0.4);
                }
            } else if flare.foreshadowed && day < flare.day && flare.day - day <= 4 {
                // A stray early report nobody picked up.
                if channel.rng.chance(0.4) {
                    channel.discuss(day, thing, 0, 0.0);
                }
            }
        }
    }
    let posts = channel.posts;

    // Chatter: the words of every template with nothing about a thing in it, and of the stock
    // that fills them, less any word a thing is written with.
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let stock = [
        &OPEN_BUG[..],
        &OPEN_ANY[..],
        &REPLY_BUG[..],
        &REPLY_ANY[..],
        &SHORT[..],
        &HELLO[..],
        &BYE[..],
        &STANDUP[..],
        &OFFTOPIC[..],
        &HELP[..],
        &BOT[..],
        &PEOPLE[..],
        &VERSIONS[..],
        &FILES[..],
        &ERRORS[..],
        &LINKS[..],
        &SYSTEMS[..],
        &CITIES[..],
        &bye_replies[..],
        &hello_replies[..],
    ]
    .concat();
    let mut chatter: HashSet<String> = HashSet::new();
    for line in stock {
        let mut line = line.to_owned();
        for slot in [
            "{t}", "{d}", "{slug}", "{v}", "{f}", "{e}", "{n}", "{m}", "{os}", "{city}", "{sha}",
            "{u}",
        ] {
            line = line.replace(slot, " ");
        }
        chatter.extend(words(&line));
    }
    let topic_words: HashSet<String> = INCIDENTS
        .iter()
        .chain(&STANDING)
        .flat_map(|t| t.spellings.iter().chain(t.details).chain(std::iter::once(&t.label)))
        .flat_map(|s| words(s))
        .collect();
    chatter.retain(|w| !topic_words.contains(w));

    ((DAYS - WINDOWS)..DAYS)
        .map(|day| {
            let from = channel.start + TimeDelta::days(day);
            let window = TimeWindow::new(from, from + TimeDelta::days(1));
            let mut planted: Vec<String> = flares
                .iter()
                .filter(|f| f.day == day)
                .map(|f| INCIDENTS[f.thing].label.to_owned())
                .collect();
            planted.dedup();
            Case::of_window(
                format!("community seed {seed} day {day}"),
                &posts,
                window,
                planted,
                &chatter,
            )
        })
        .collect()
}
