//! A message's `text` as Slack sends it, made plain where Slack escaped it
//! (<https://api.slack.com/reference/surfaces/formatting#escaping>).
//!
//! Slack writes `&`, `<` and `>` typed in a message as `&amp;`, `&lt;` and `&gt;` — those three
//! only — so that a raw `<` … `>` is always one of its control sequences: a mention
//! (`<@U123>`), a channel (`<#C123|general>`), a special mention (`<!here>`) or a link
//! (`<https://example.com|label>`). Posts keep those sequences verbatim, as Slack sent them (the
//! analytics recognise them as markup, and their parts keep Slack's escaping for whoever parses
//! them); the text between them is decoded. The sequences are found by the raw brackets first,
//! then the entities outside them decoded in one pass, so `&amp;lt;` (a typed `&lt;`) comes out
//! as `&lt;`, and a typed `<` never turns into a control sequence's start.

/// `text` with Slack's three entities decoded outside its control sequences.
pub(crate) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let (before, from_open) = rest.split_at(open);
        decode_into(&mut out, before);
        // Slack closes every sequence; a stray `<` is kept with the text after it decoded.
        let Some(close) = from_open.find('>') else {
            out.push('<');
            rest = &from_open[1..];
            continue;
        };
        let (sequence, after) = from_open.split_at(close + 1);
        out.push_str(sequence);
        rest = after;
    }
    decode_into(&mut out, rest);
    out
}

/// Appends `escaped` to `out` with `&amp;`, `&lt;` and `&gt;` decoded, anything else (other
/// entities included: Slack sends none) as it is.
fn decode_into(out: &mut String, escaped: &str) {
    let mut rest = escaped;
    while let Some(amp) = rest.find('&') {
        let (before, from_amp) = rest.split_at(amp);
        out.push_str(before);
        let entity = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>')]
            .into_iter()
            .find(|(entity, _)| from_amp.starts_with(entity));
        match entity {
            Some((entity, plain)) => {
                out.push(plain);
                rest = &from_amp[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &from_amp[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_entities_are_decoded_once_and_nothing_else() {
        assert_eq!(plain("R&amp;D &lt;3 a &gt; b"), "R&D <3 a > b");
        // A typed `&lt;` arrives as `&amp;lt;`: decoded once, it is what was typed.
        assert_eq!(plain("write &amp;lt; for &lt;"), "write &lt; for <");
        assert_eq!(plain("&quot;hi&quot; &#39; & &amp"), "&quot;hi&quot; &#39; & &amp");
        assert_eq!(plain("no escapes, 🎉 é"), "no escapes, 🎉 é");
        assert_eq!(plain(""), "");
    }

    #[test]
    fn control_sequences_are_kept_as_slack_sent_them() {
        assert_eq!(
            plain("&lt;b&gt; <@U123> &amp; <#C1|general> <!here>"),
            "<b> <@U123> & <#C1|general> <!here>"
        );
        // A link's URL and label keep their escaping: they are the sequence's.
        assert_eq!(
            plain("see <https://x.io/?a=1&amp;b=2|Tom &amp; Jerry> &amp; more"),
            "see <https://x.io/?a=1&amp;b=2|Tom &amp; Jerry> & more"
        );
        assert_eq!(plain("<@U1>&amp;<@U2>"), "<@U1>&<@U2>");
        assert_eq!(plain("stray < then &amp;"), "stray < then &");
    }
}
