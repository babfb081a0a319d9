//! What the author of a message wrote, without what it quotes: the input of every mail
//! analytic, so a thread's summary is not its first message repeated once per reply.

/// The text the author of `body` (a plain-text body) wrote: quoted replies, forwarded or
/// replied-to header blocks and the signature removed, line ends normalised to `\n`, blank
/// lines at both ends trimmed.
///
/// # Rules
/// Read line by line:
/// - an attribution line ends the text: `On <date>, <name> wrote:` (also wrapped over two
///   lines as Gmail does), `Le <date>, <nom> a écrit :`, `Am <Datum> schrieb <Name>:`;
/// - so does a forward or reply separator: `-----Original Message-----`,
///   `---------- Forwarded message ---------`, `Begin forwarded message:`, or Outlook's line
///   of underscores;
/// - so does Outlook's header block: a `From:` line (or `De :`, `Von:`) followed within four
///   lines by a `Sent:`/`Date:` line (`Envoyé :`, `Gesendet:`), or by `To:` and `Subject:`
///   lines (a forward keeps only what the forwarder wrote above it);
/// - lines starting with `>` are quotes and dropped wherever they are (text written between
///   inline quotes is kept);
/// - a signature delimiter `-- ` (or `--`) alone on its line ends the text, and so do
///   `Sent from my …` and `Get Outlook for …` lines;
/// - a sign-off (`Thanks,`, `Best regards,`, `Cheers`, `Cordialement,` …) alone on its line
///   ends the text when at most six non-blank lines (the name, a title, a phone number) follow
///   it.
///
/// A body that is all quote gives the empty string.
///
/// ```
/// use switchboard_domain::mail::fresh_text;
///
/// let body = "Sounds good, ship it.\n\nOn Tue, 3 Dec 2024 at 09:12, Ada <ada@example.com> wrote:\n> Can we release today?\n";
/// assert_eq!(fresh_text(body), "Sounds good, ship it.");
/// ```
pub fn fresh_text(body: &str) -> String {
    // Lines are read only as far as the text goes (plus a few ahead): a reply quoting a long
    // thread costs its own length, not the thread's.
    let mut ahead = body.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut lines: Vec<&str> = Vec::new();
    let mut end = 0;
    loop {
        fill(&mut lines, &mut ahead, end + LOOKAHEAD);
        if end >= lines.len() || ends_text(&mut lines, &mut ahead, end) {
            break;
        }
        end += 1;
    }
    let kept: Vec<&str> = lines[..end]
        .iter()
        .map(|l| l.trim_end())
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect();
    let kept = collapse_blank_runs(&kept);
    kept.join("\n").trim_matches('\n').trim().to_owned()
}

/// Lines a rule looks at from the current one (a header block's five).
const LOOKAHEAD: usize = 5;
/// The most non-blank lines a signature after a sign-off may have.
const SIGNATURE_LINES: usize = 6;

/// Reads lines from `ahead` until `lines` holds `n` (or `ahead` is exhausted).
fn fill<'a>(lines: &mut Vec<&'a str>, ahead: &mut impl Iterator<Item = &'a str>, n: usize) {
    while lines.len() < n {
        let Some(line) = ahead.next() else { return };
        lines.push(line);
    }
}

/// Whether the text ends before line `i` (`lines` is read further from `ahead` as needed).
fn ends_text<'a>(
    lines: &mut Vec<&'a str>,
    ahead: &mut impl Iterator<Item = &'a str>,
    i: usize,
) -> bool {
    let line = lines[i].trim();
    let next = lines.get(i + 1).map_or("", |l| l.trim());
    if is_attribution(line)
        || (is_attribution_start(line) && next.ends_with("wrote:"))
        || is_separator(line)
        || is_header_block(lines, i)
        || is_signature(line)
    {
        return true;
    }
    if !is_sign_off(line) {
        return false;
    }
    // A sign-off ends the text when what follows is short: read until one line too many.
    let mut j = i + 1;
    let mut non_blank = 0;
    while non_blank <= SIGNATURE_LINES {
        fill(lines, ahead, j + 1);
        let Some(l) = lines.get(j) else { return true };
        non_blank += usize::from(!l.trim().is_empty());
        j += 1;
    }
    false
}

fn lower(line: &str) -> String {
    line.to_lowercase()
}

fn is_attribution(line: &str) -> bool {
    let l = lower(line);
    (l.starts_with("on ") && l.ends_with("wrote:"))
        || (l.starts_with("le ") && (l.ends_with("a écrit :") || l.ends_with("a écrit:")))
        || (l.starts_with("am ") && l.contains("schrieb") && l.ends_with(':'))
}

/// Gmail wraps long attributions: `On Tue, 3 Dec 2024 at 09:12, Ada Lovelace <ada@…>` then
/// `wrote:` on the next line.
fn is_attribution_start(line: &str) -> bool {
    let l = lower(line);
    l.starts_with("on ") && (l.contains('@') || l.chars().any(|c| c.is_ascii_digit()))
}

fn is_separator(line: &str) -> bool {
    let l = lower(line);
    let bare = l.trim_matches(|c: char| c == '-' || c == '_' || c.is_whitespace());
    (line.len() >= 10 && line.chars().all(|c| c == '_'))
        || (l.starts_with("-----") && matches!(bare, "original message" | "message d'origine"))
        || (l.starts_with("-----") && bare.starts_with("forwarded message"))
        || (l.starts_with("-----") && bare.starts_with("message transféré"))
        || l == "begin forwarded message:"
}

fn header(line: &str, names: &[&str]) -> bool {
    let l = lower(line);
    let l = l.trim_start_matches('*');
    names.iter().any(|n| {
        l.strip_prefix(n)
            .is_some_and(|rest| rest.trim_start_matches([' ', '\u{a0}']).starts_with(':'))
    })
}

const FROM: &[&str] = &["from", "de", "von"];
const SENT: &[&str] = &["sent", "date", "envoyé", "gesendet", "datum"];
const TO: &[&str] = &["to", "à", "an"];
const SUBJECT: &[&str] = &["subject", "objet", "betreff"];

/// Outlook's quoted header block: `From:` then, within four lines, `Sent:` (or `Date:`), or
/// both `To:` and `Subject:`.
fn is_header_block(lines: &[&str], i: usize) -> bool {
    if !header(lines[i].trim(), FROM) {
        return false;
    }
    let after: Vec<&str> = lines[i + 1..].iter().take(4).map(|l| l.trim()).collect();
    let has = |names: &[&str]| after.iter().any(|l| header(l, names));
    has(SENT) || (has(TO) && has(SUBJECT))
}

fn is_signature(line: &str) -> bool {
    let l = lower(line);
    line == "--"
        || line == "-- "
        || line.trim_end() == "--"
        || l.starts_with("sent from my ")
        || l.starts_with("get outlook for ")
        || l.starts_with("envoyé de mon ")
}

const SIGN_OFFS: &[&str] = &[
    "thanks",
    "thank you",
    "many thanks",
    "thanks again",
    "thanks in advance",
    "cheers",
    "regards",
    "best",
    "best regards",
    "kind regards",
    "warm regards",
    "best wishes",
    "all the best",
    "sincerely",
    "yours sincerely",
    "yours truly",
    "talk soon",
    "cordialement",
    "bien cordialement",
    "bien à vous",
    "merci",
    "bonne journée",
    "viele grüße",
    "mit freundlichen grüßen",
];

fn is_sign_off(line: &str) -> bool {
    let l = lower(line);
    let bare = l.trim_end_matches([',', '!', '.', ' ']).trim();
    SIGN_OFFS.contains(&bare)
}

/// Runs of blank lines (left where quotes were removed) become one.
fn collapse_blank_runs<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::with_capacity(lines.len());
    for &line in lines {
        let blank = line.trim().is_empty();
        if blank && out.last().is_some_and(|l: &&str| l.trim().is_empty()) {
            continue;
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
#[path = "fresh_text_tests.rs"]
mod tests;
