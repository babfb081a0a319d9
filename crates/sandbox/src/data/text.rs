//! Message text: templates filled with a channel topic, a mention, a number, a day.
//! About a third of the chatter carries no topic at all, as in a real channel; some
//! messages carry URLs, mentions, inline code and emoji, which analytics must cope with.

use super::rng::Rng;
use super::specs::Lang;

const EN_TOPIC: &[&str] = &[
    "Has anyone looked at the {t} yet?",
    "Quick update on the {t}: we are about {n}% done.",
    "I can take the {t} this week if nobody else wants it.",
    "{p} can you check the {t} before {d}?",
    "Reminder: the {t} discussion moved to {d} at {h}:00.",
    "The {t} is still not sorted, I opened a ticket.",
    "Notes on the {t} are in the shared drive: https://wiki.halden.example/{s}",
    "Thanks {p} for sorting out the {t}! :tada:",
    "Is the {t} related to what we saw last {d}?",
    "I ran `check --verbose` on the {t} and got {n} warnings.",
    "Can we add the {t} to the agenda for {d}?",
    "Following up on the {t}: looks good on my side.",
    "The {t} took {n} minutes today, much better than last week.",
    "Who owns the {t} now that {p} is away?",
    "Heads up, the {t} is going to be tight this month.",
    "I wrote a short summary of the {t} problem, comments welcome.",
    "Do we have a plan B for the {t}?",
    "New numbers for the {t}: {n} samples processed so far.",
];

const EN_FILLER: &[&str] = &[
    "Good morning everyone!",
    "I'll be working from home tomorrow.",
    "Lunch at noon?",
    "Thanks!",
    "+1",
    "Sounds good to me.",
    "Back in 10 minutes.",
    "Does anyone have a spare USB-C charger?",
    "The printer on the second floor is jammed again.",
    "Happy Friday :smile:",
    "Sorry, missed this, reading now.",
    "Let's discuss it in the meeting.",
    "Can someone send me the link again?",
    "Great work everyone.",
    "I'm out next week, ping {p} if urgent.",
    "Cake in the kitchen, {p} is celebrating :birthday:",
];

const EN_REPLY: &[&str] = &[
    "Agreed.",
    "I can help with the {t}.",
    "Done, see above.",
    "Not yet, will check after lunch.",
    "Same here.",
    "Good catch {p}.",
    "Let me look into the {t}.",
    "Fixed now, thanks.",
    "Could you share the logs for the {t}?",
    "I think {p} knows more about the {t}.",
];

const FR_TOPIC: &[&str] = &[
    "Quelqu'un a des nouvelles pour {t} ?",
    "Point rapide sur {t} : on en est à {n} %.",
    "Qui s'occupe de {t} cette semaine ?",
    "{p} tu peux vérifier {t} avant {d} ?",
    "Rappel : on parle de {t} {d} à {h}h.",
    "Les notes sur {t} sont dans le dossier partagé : https://wiki.halden.example/{s}",
    "Merci {p} pour {t} ! :tada:",
    "Est-ce que {t} est lié au problème de {d} dernier ?",
    "Pour {t}, il faut encore valider avec {p}.",
    "Souci avec {t} ce matin, j'ai ouvert un ticket.",
    "On peut ajouter {t} à l'ordre du jour de {d} ?",
    "Nouveaux chiffres pour {t} : {n} échantillons traités.",
];

const FR_FILLER: &[&str] = &[
    "Bonjour à tous !",
    "Je suis en télétravail demain.",
    "On déjeune à midi ?",
    "Merci !",
    "D'accord.",
    "Je reviens dans 10 minutes.",
    "Bon week-end :smile:",
    "Désolé, je lis ça maintenant.",
    "On en parle à la réunion.",
    "Je suis absent la semaine prochaine, voir avec {p} si urgent.",
];

const FR_REPLY: &[&str] = &[
    "D'accord.",
    "Je peux aider pour {t}.",
    "C'est fait, voir plus haut.",
    "Pas encore, je regarde après le déjeuner.",
    "Bien vu {p}.",
    "Je regarde {t} tout de suite.",
    "Réglé, merci.",
];

const EN_DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
const FR_DAYS: &[&str] = &["lundi", "mardi", "mercredi", "jeudi", "vendredi"];

/// What a message is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape<'a> {
    /// Mentions `topic`.
    Topic(&'a str),
    /// Chatter without a topic.
    Filler,
    /// A thread reply, about the thread's topic when it had one.
    Reply(Option<&'a str>),
}

/// A message in `lang`; `mention` is the provider's mention of another person.
pub(crate) fn compose(rng: &mut Rng, lang: Lang, shape: Shape<'_>, mention: &str) -> String {
    let (topic_t, filler_t, reply_t, days) = match lang {
        Lang::En => (EN_TOPIC, EN_FILLER, EN_REPLY, EN_DAYS),
        Lang::Fr => (FR_TOPIC, FR_FILLER, FR_REPLY, FR_DAYS),
    };
    let (template, topic) = match shape {
        Shape::Topic(topic) => (rng.pick_copy(topic_t), topic),
        Shape::Filler => (rng.pick_copy(filler_t), ""),
        Shape::Reply(Some(topic)) => (rng.pick_copy(reply_t), topic),
        Shape::Reply(None) => {
            // A reply template without the topic placeholder.
            let plain: Vec<&str> = reply_t.iter().copied().filter(|t| !t.contains("{t}")).collect();
            (rng.pick_copy(&plain), "")
        }
    };
    fill(rng, template, topic, mention, days)
}

fn fill(rng: &mut Rng, template: &str, topic: &str, mention: &str, days: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let key = rest.as_bytes().get(start + 1).copied();
        rest = rest.get(start + 3..).unwrap_or("");
        match key {
            Some(b't') => out.push_str(topic),
            Some(b'p') => out.push_str(mention),
            Some(b'n') => out.push_str(&(2 + rng.below(97)).to_string()),
            Some(b'h') => out.push_str(&(9 + rng.below(9)).to_string()),
            Some(b'd') => out.push_str(rng.pick_copy(days)),
            Some(b's') => out.push_str(&slug(topic)),
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

fn slug(topic: &str) -> String {
    topic.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}
