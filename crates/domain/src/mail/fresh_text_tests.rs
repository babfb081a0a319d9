use super::fresh_text;

#[test]
fn gmail_reply_drops_the_attribution_and_the_quote() {
    let body = "Yes, Thursday works for the budget review.\r\n\r\nOn Tue, Dec 3, 2024 at 9:12\u{202f}AM Grace Hopper <grace@navy.example> wrote:\r\n\r\n> Could we move the budget review to Thursday?\r\n> The numbers are not final yet.\r\n>\r\n> Grace\r\n";
    assert_eq!(fresh_text(body), "Yes, Thursday works for the budget review.");
}

#[test]
fn gmail_attribution_wrapped_over_two_lines() {
    let body = "Agreed.\n\nOn Tue, 3 Dec 2024 at 09:12, Grace Hopper via Budget <budget@lists.example>\nwrote:\n\n> Could we move the review?\n";
    assert_eq!(fresh_text(body), "Agreed.");
}

#[test]
fn outlook_reply_drops_the_header_block_and_everything_below() {
    let body = "Hi Alan,\r\n\r\nThe invoice is attached, please approve by Friday.\r\n\r\nAda\r\n\r\n________________________________\r\nFrom: Alan Turing <alan@bletchley.example>\r\nSent: Monday, December 2, 2024 4:05 PM\r\nTo: Ada Lovelace <ada@example.com>\r\nSubject: Invoice for the analytical engine\r\n\r\nCould you send the invoice?\r\n";
    assert_eq!(
        fresh_text(body),
        "Hi Alan,\n\nThe invoice is attached, please approve by Friday.\n\nAda"
    );
}

#[test]
fn outlook_header_block_without_separator_and_in_french() {
    let body = "Merci, c'est noté pour la migration.\n\nDe : Jean Dupont <jean@exemple.fr>\nEnvoyé : lundi 2 décembre 2024 10:00\nÀ : Ada <ada@example.com>\nObjet : Migration\n\nLa migration commence lundi.\n";
    assert_eq!(fresh_text(body), "Merci, c'est noté pour la migration.");
}

#[test]
fn outlook_original_message_separator() {
    let body = "See below.\n\n-----Original Message-----\nFrom: Alan <alan@bletchley.example>\nSent: Monday\nTo: Ada\nSubject: Re: x\n\nold text\n";
    assert_eq!(fresh_text(body), "See below.");
}

#[test]
fn gmail_forward_keeps_what_the_forwarder_wrote() {
    let body = "FYI, the vendor answered about the rack delivery.\n\n---------- Forwarded message ---------\nFrom: Vendor Support <support@vendor.example>\nDate: Mon, Dec 2, 2024 at 3:00 PM\nSubject: Rack delivery\nTo: <ada@example.com>\n\nYour racks ship on Monday.\n";
    assert_eq!(fresh_text(body), "FYI, the vendor answered about the rack delivery.");
}

#[test]
fn outlook_forward_header_block_with_to_and_subject_only() {
    let body = "Forwarding for the record.\n\nFrom: Vendor <v@vendor.example>\nTo: Ada <ada@example.com>\nSubject: Quote\n\nThe quote is 4,000 EUR.\n";
    assert_eq!(fresh_text(body), "Forwarding for the record.");
}

#[test]
fn inline_replies_keep_the_text_between_quotes() {
    let body = "> Is the server up?\nYes, since 9:00.\n> And the backups?\nRunning nightly.\n";
    assert_eq!(fresh_text(body), "Yes, since 9:00.\nRunning nightly.");
}

#[test]
fn signature_delimiter_ends_the_text() {
    let body =
        "The deploy is done.\n\n-- \nAda Lovelace\nAnalytical Engines Ltd\n+44 20 7946 0000\n";
    assert_eq!(fresh_text(body), "The deploy is done.");
}

#[test]
fn sign_offs_end_the_text_when_only_a_short_signature_follows() {
    let body = "Please review the contract draft before Friday.\n\nBest regards,\nAda Lovelace\nHead of Engineering\nAnalytical Engines Ltd\n";
    assert_eq!(fresh_text(body), "Please review the contract draft before Friday.");
    let body = "Can you check the logs?\n\nThanks!\nAlan\n";
    assert_eq!(fresh_text(body), "Can you check the logs?");
    let body = "Le devis est validé.\n\nCordialement,\nJean Dupont\n";
    assert_eq!(fresh_text(body), "Le devis est validé.");
}

#[test]
fn a_sign_off_word_followed_by_much_text_is_not_a_signature() {
    let body = "Thanks\none\ntwo\nthree\nfour\nfive\nsix\nseven\n";
    assert_eq!(fresh_text(body), body.trim_end());
}

#[test]
fn mobile_footers_end_the_text() {
    assert_eq!(fresh_text("On my way.\n\nSent from my iPhone\n"), "On my way.");
    assert_eq!(fresh_text("Approved.\n\nGet Outlook for Android\n"), "Approved.");
}

#[test]
fn a_body_that_is_all_quote_is_empty_and_text_without_quotes_is_kept() {
    assert_eq!(fresh_text("> only a quote\n> here\n"), "");
    assert_eq!(fresh_text(""), "");
    let plain = "Line one.\n\nLine two, with a > inside it.";
    assert_eq!(fresh_text(plain), plain);
}

#[test]
fn words_that_look_like_headers_inside_text_are_kept() {
    let body = "From: the team, with thanks.\nWe shipped it today.";
    assert_eq!(fresh_text(body), body, "a From: line without Sent/To/Subject after it");
    let body = "On Monday we ship.\nEveryone agreed.";
    assert_eq!(fresh_text(body), body, "a sentence starting with On");
}
