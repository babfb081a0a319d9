//! Subjects and bodies of the generated mail, and the conversions Graph applies when a client
//! asks for the other body type (`Prefer: outlook.body-content-type`).

use crate::data::Rng;

/// Topics a mailbox's threads revolve around; each mailbox takes four, rotated by its index.
pub(super) const TOPICS: &[&str] = &[
    "quarterly budget",
    "conference travel",
    "paper revision",
    "cluster maintenance",
    "grant report",
    "lab safety training",
    "visa paperwork",
    "student recruitment",
];

/// Topics that appear only in the last two days, one per mailbox.
pub(super) const HOT_TOPICS: &[&str] = &["server room flooding", "reviewer deadline"];

const SUBJECTS: &[&str] = &[
    "{T}: next steps",
    "Question about the {t}",
    "{T} update",
    "Draft for the {t}",
    "Reminder: {t} on {d}",
    "Moving the {t} meeting",
    "Numbers for the {t}",
    "{T} 🎉 done",
    "Help needed with the {t}",
    "Notes from today's {t} call",
];

const SENTENCES_EN: &[&str] = &[
    "Could you have a look at the {t} before {d}?",
    "I attached what I have so far on the {t}.",
    "The {t} is about {n}% done; the rest should follow next week.",
    "We still need two signatures for the {t}.",
    "Let's discuss the {t} at the group meeting on {d}.",
    "I spoke to finance about the {t} and they are fine with it.",
    "Nothing urgent, but the {t} deadline is getting close.",
    "Thanks for the quick turnaround on the {t}!",
    "Do you know who owns the {t} now?",
    "I've updated the shared sheet with {n} new rows.",
];

const SENTENCES_FR: &[&str] = &[
    "Peux-tu relire le document sur {t} avant {d} ?",
    "J'ai mis à jour le tableau : {n} lignes de plus.",
    "Pour {t}, il faut encore l'accord du directeur.",
    "Merci pour ton aide, c'est très apprécié.",
];

const SENTENCES_ZH: &[&str] = &["您好，附件是本周的实验数据。", "关于{t}，我们下周三再讨论。"];
const SENTENCES_JA: &[&str] = &["お疲れ様です。資料を共有します。", "{t}の件、来週確認します。"];

const REPLIES: &[&str] = &[
    "Thanks, that works for me.",
    "Sounds good — I'll take care of the {t}.",
    "Agreed. Can we move it to {d}?",
    "I'm out until {d}, back then.",
    "Done, see the updated version.",
    "Good point, I had missed that.",
];

const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

/// The language a correspondent writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    En,
    Fr,
    Zh,
    Ja,
}

pub(super) fn subject(rng: &mut Rng, topic: &str) -> String {
    fill(rng, SUBJECTS, topic)
}

/// A body: greeting, two or three sentences about `topic`, a signature.
pub(super) fn body(
    rng: &mut Rng,
    lang: Lang,
    topic: &str,
    to_first: &str,
    from: &str,
    reply: bool,
) -> Vec<String> {
    let mut lines = Vec::new();
    let greeting = match lang {
        Lang::Fr => format!("Bonjour {to_first},"),
        Lang::Zh | Lang::Ja | Lang::En => format!("Hi {to_first},"),
    };
    lines.push(greeting);
    if reply {
        lines.push(fill(rng, REPLIES, topic));
    }
    let extra = match lang {
        Lang::Fr => Some(SENTENCES_FR),
        Lang::Zh => Some(SENTENCES_ZH),
        Lang::Ja => Some(SENTENCES_JA),
        Lang::En => None,
    };
    if let Some(native) = extra {
        lines.push(fill(rng, native, topic));
    }
    for _ in 0..(1 + rng.below(2)) {
        lines.push(fill(rng, SENTENCES_EN, topic));
    }
    lines.push(match lang {
        Lang::Fr => format!("Bien à toi,\n{from}"),
        _ => format!("Best,\n{from}"),
    });
    lines
}

/// One of `templates`, filled in.
fn fill(rng: &mut Rng, templates: &[&str], topic: &str) -> String {
    let template = rng.pick_copy(templates);
    let title: String = {
        let mut chars = topic.chars();
        chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
    };
    template
        .replace("{T}", &title)
        .replace("{t}", topic)
        .replace("{d}", rng.pick_copy(DAYS))
        .replace("{n}", &(5 + rng.below(90)).to_string())
}

/// Paragraphs as an Outlook HTML body.
pub(super) fn paragraphs_to_html(paragraphs: &[String]) -> String {
    let mut out = String::from(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body>",
    );
    for paragraph in paragraphs {
        out.push_str("<p>");
        out.push_str(&escape(paragraph).replace('\n', "<br>"));
        out.push_str("</p>");
    }
    out.push_str("</body></html>");
    out
}

/// Plain text wrapped in HTML as Outlook does when asked for HTML of a text message.
pub(crate) fn text_to_html(text: &str) -> String {
    let lines: Vec<String> = text.split('\n').map(escape).collect();
    format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><div dir=\"ltr\">{}</div></body></html>",
        lines.join("<br>")
    )
}

/// HTML reduced to text: paragraphs and line breaks kept, tags dropped, entities decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    let body = html.split_once("<body>").map_or(html, |(_, rest)| rest);
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else { break };
        let tag = rest[start + 1..start + end].to_ascii_lowercase();
        if tag.starts_with("br") || tag == "/p" || tag == "/div" {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.trim_end().to_owned()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_text_convert_both_ways() {
        let html = paragraphs_to_html(&["Hi Zoé,".to_owned(), "R&D <now>\nBest".to_owned()]);
        assert!(html.contains("R&amp;D &lt;now&gt;<br>Best"));
        assert_eq!(html_to_text(&html), "Hi Zoé,\nR&D <now>\nBest");
        assert_eq!(html_to_text(&text_to_html("a & b\nc")), "a & b\nc");
    }
}
