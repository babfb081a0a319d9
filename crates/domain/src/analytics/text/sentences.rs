//! Sentence splitting for extractive summaries.

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: [&str; 13] =
    ["e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "st", "cf", "approx", "p.ex", "mme"];

/// The sentences of a message, trimmed, as slices of `text`, without code blocks.
///
/// A sentence ends at a line end, or after `.`, `!`, `?` or `…` (and any closing quotes or
/// brackets) followed by whitespace, unless the word before the full stop is a single letter
/// or a known abbreviation (`e.g.`, `Dr.`). Fenced code blocks end a sentence and are left out.
/// Pieces without a letter or digit are dropped.
pub(crate) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (n, part) in text.split("```").enumerate() {
        // Odd parts are inside a fence.
        if n % 2 == 1 {
            continue;
        }
        for line in part.split('\n') {
            split_line(line, &mut out);
        }
    }
    out
}

fn split_line<'a>(line: &'a str, out: &mut Vec<&'a str>) {
    let mut start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, c)) = chars.peek() {
            if matches!(c, '.' | '!' | '?' | '…' | '"' | '\'' | ')' | ']' | '»' | '”' | '’')
            {
                end = j + c.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let followed_by_space = chars.peek().is_some_and(|&(_, c)| c.is_whitespace());
        if followed_by_space && !(c == '.' && is_abbreviation(&line[start..i])) {
            push(&line[start..end], out);
            start = end;
        }
    }
    push(&line[start..], out);
}

fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    word.chars().count() == 1 || ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

fn push<'a>(sentence: &'a str, out: &mut Vec<&'a str>) {
    let sentence = sentence.trim();
    if sentence.chars().any(char::is_alphanumeric) {
        out.push(sentence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_terminators_and_lines_but_not_abbreviations() {
        let text = "Deploy is done! Dr. Who checks it, e.g. tomorrow.\nNext: the v1.2 release… ok?";
        assert_eq!(
            sentences(text),
            [
                "Deploy is done!",
                "Dr. Who checks it, e.g. tomorrow.",
                "Next: the v1.2 release…",
                "ok?"
            ]
        );
    }

    #[test]
    fn drops_code_and_empty_pieces() {
        assert_eq!(sentences("Look:\n```\nlet x = 1;\n```\n🎉\nDone"), ["Look:", "Done"]);
        assert!(sentences("").is_empty());
        assert!(sentences("... !!!").is_empty());
    }
}
