//! Placing an address at its provider: named, consumer domain, then MX hosts.

use switchboard_domain::identity::EmailAddress;
use switchboard_domain::mail::MailProvider;
use switchboard_memory::FixedMx;
use switchboard_services::mail::{DetectError, detect_provider};

fn email(raw: &str) -> EmailAddress {
    EmailAddress::parse(raw).unwrap_or_else(|_| panic!("{raw} is an address"))
}

fn table() -> FixedMx {
    FixedMx::new([
        ("contoso.com", &["contoso-com.mail.protection.outlook.com."][..]),
        ("fabrikam.org", &["mx.fabrikam.org", "alt2.aspmx.l.google.com"][..]),
        ("example.net", &["mx.example.net"][..]),
    ])
    .failing_for("flaky.example")
}

#[tokio::test]
async fn consumer_domains_and_named_providers_need_no_lookup() {
    // Every lookup fails: only answers that need none can succeed.
    let dns = FixedMx::default().failing_for("outlook.com").failing_for("gmail.com");
    let found = detect_provider(&dns, &email("ada@Outlook.com"), None).await;
    assert_eq!(found, Ok(MailProvider::Microsoft));
    let found = detect_provider(&dns, &email("ada@gmail.com"), None).await;
    assert_eq!(found, Ok(MailProvider::Google));
    let (dns, ada) = (table(), email("ada@example.net"));
    let named = detect_provider(&dns, &ada, Some(MailProvider::Google)).await;
    assert_eq!(named, Ok(MailProvider::Google), "the user's word beats the MX hosts");
}

#[tokio::test]
async fn other_domains_are_placed_by_their_mx_hosts() {
    let dns = table();
    let found = detect_provider(&dns, &email("bo@contoso.com"), None).await;
    assert_eq!(found, Ok(MailProvider::Microsoft));
    let found = detect_provider(&dns, &email("cy@fabrikam.org"), None).await;
    assert_eq!(found, Ok(MailProvider::Google), "the first host that names a provider decides");
}

#[tokio::test]
async fn an_unknown_domain_asks_for_the_provider_and_a_failed_lookup_says_so() {
    let dns = table();
    let unknown = detect_provider(&dns, &email("di@example.net"), None).await;
    assert_eq!(unknown, Err(DetectError::Unknown { domain: "example.net".into() }));
    let none = detect_provider(&dns, &email("ed@no-mx.example"), None).await;
    assert_eq!(none, Err(DetectError::Unknown { domain: "no-mx.example".into() }));
    let failed = detect_provider(&dns, &email("fa@flaky.example"), None).await;
    assert!(matches!(failed, Err(DetectError::Lookup(_))), "{failed:?}");
}
