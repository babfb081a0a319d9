//! `serve` with `sandbox.enabled` (the development profile, `make run`): the fake Slack and
//! Mattermost in process, the chat configuration pointed at them, and the demo account
//! connected to both, with a banner saying how to sign in.

use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use switchboard_domain::chat::ChatProvider;
use switchboard_sandbox::{
    GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, MATTERMOST_TOKEN, MICROSOFT_CLIENT_ID,
    MICROSOFT_CLIENT_SECRET, RunningSandbox, SLACK_TOKEN, Sandbox,
};
use switchboard_services::{ConnectSource, DemoAccount, DemoService};

use crate::config::Config;
use crate::error::AppError;
use crate::ports::PgPorts;

/// How long the demo's first sync is watched before the banner gives up reporting on it.
const WATCH_LIMIT: Duration = Duration::from_secs(600);

/// Starts the sandbox when configured, and points `config`'s chat providers at it.
///
/// # Errors
/// [`AppError::Command`] when its address cannot be bound.
pub fn start(config: &mut Config) -> Result<Option<RunningSandbox>, AppError> {
    let settings = &config.sandbox;
    if !settings.enabled {
        return Ok(None);
    }
    let sandbox = Sandbox::builder()
        .seed(settings.seed)
        .posts_per_channel(settings.posts_per_channel)
        .build();
    let address = (settings.host.as_str(), settings.port);
    let listener = TcpListener::bind(address).map_err(|e| {
        AppError::Command(format!(
            "cannot bind the sandbox to {}:{}: {e} (set sandbox.port, or 0 for any)",
            settings.host, settings.port
        ))
    })?;
    let running = sandbox
        .start(listener)
        .map_err(|e| AppError::Command(format!("cannot start the sandbox: {e}")))?;
    let oauth = &mut config.chat.slack_oauth;
    if !oauth.client_id.is_empty() {
        running.add_slack_oauth_client(&oauth.client_id, oauth.client_secret.expose_secret());
        oauth.authorize_url = running.slack_authorize_url();
    }
    // The fake Microsoft identity platform plays the whole of Microsoft, its one app included.
    let microsoft = &mut config.mail.microsoft;
    if microsoft.client_id.is_empty() {
        microsoft.client_id = MICROSOFT_CLIENT_ID.to_owned();
        microsoft.client_secret = MICROSOFT_CLIENT_SECRET.to_owned().into();
    }
    microsoft.login_base_url = running.microsoft_login_base_url();
    microsoft.graph_base_url = running.graph_base_url();
    // The fake Google plays Google's OAuth 2.0 server and Gmail, its one client included.
    let google = &mut config.mail.google;
    if google.client_id.is_empty() {
        google.client_id = GOOGLE_CLIENT_ID.to_owned();
        google.client_secret = GOOGLE_CLIENT_SECRET.to_owned().into();
    }
    let oauth = running.google_oauth_base_url();
    google.authorize_url = format!("{oauth}/o/oauth2/v2/auth");
    google.token_url = running.google_token_url();
    google.revoke_url = format!("{oauth}/revoke");
    google.gmail_base_url = running.gmail_base_url();
    config.chat.slack_base_url = running.slack_base_url();
    config.chat.mattermost_base_url = running.mattermost_base_url();
    tracing::info!(
        slack = %running.slack_base_url(),
        mattermost = %running.mattermost_base_url(),
        admin = %running.admin_base_url(),
        posts = running.post_count(switchboard_sandbox::Provider::Slack)
            + running.post_count(switchboard_sandbox::Provider::Mattermost),
        generated_ms = u64::try_from(running.generation_time().as_millis()).unwrap_or(u64::MAX),
        "sandbox serving"
    );
    Ok(Some(running))
}

/// What the demo task needs.
#[derive(Debug)]
pub struct Demo {
    /// The account's use cases.
    pub service: DemoService<PgPorts>,
    /// Where the API listens.
    pub api: SocketAddr,
    /// The sandbox's base URLs, for the sources and the banner.
    pub slack_base_url: String,
    /// The fake Mattermost server.
    pub mattermost_base_url: String,
    /// The sandbox's admin API.
    pub sandbox_admin_url: String,
    /// The demo user's Outlook mailbox at the fake Microsoft 365 tenant, if it has one.
    pub outlook_mailbox: Option<String>,
    /// The demo user's Gmail mailbox at the fake Google, if it has one.
    pub gmail_mailbox: Option<String>,
    /// When `serve` started, for the time to first analytics.
    pub started: Instant,
}

impl Demo {
    /// The demo task's inputs for `running`.
    pub fn new(
        service: DemoService<PgPorts>,
        running: &RunningSandbox,
        api: SocketAddr,
        started: Instant,
    ) -> Self {
        Self {
            service,
            api,
            slack_base_url: running.slack_base_url(),
            mattermost_base_url: running.mattermost_base_url(),
            sandbox_admin_url: running.admin_base_url(),
            outlook_mailbox: running.mailboxes().first().map(|m| m.address.clone()),
            gmail_mailbox: running.gmail_mailboxes().first().map(|m| m.address.clone()),
            started,
        }
    }
}

/// The demo account from configuration; a random password when none is configured.
///
/// # Errors
/// [`AppError::Command`] when no random password can be made.
pub fn account(config: &Config) -> Result<DemoAccount, AppError> {
    let demo = &config.sandbox.demo;
    let password = match demo.password.expose_secret() {
        "" => DemoAccount::random_password().map_err(|e| AppError::Command(e.to_string()))?,
        set => set.to_owned(),
    };
    Ok(DemoAccount { email: demo.email.clone(), password, display_name: demo.display_name.clone() })
}

/// Seeds the demo account, prints the banner, then watches the first sync and says when the
/// data is in. Failures are logged: the server goes on without a demo.
pub async fn run(demo: Demo, account: DemoAccount) {
    let sources = vec![
        ConnectSource {
            provider: ChatProvider::Slack,
            token: SLACK_TOKEN.to_owned(),
            base_url: Some(demo.slack_base_url.clone()),
            include_direct: None,
        },
        ConnectSource {
            provider: ChatProvider::Mattermost,
            token: MATTERMOST_TOKEN.to_owned(),
            base_url: Some(demo.mattermost_base_url.clone()),
            include_direct: None,
        },
    ];
    let seeded = match demo.service.seed(&account, sources).await {
        Ok(seeded) => seeded,
        Err(e) => {
            tracing::error!(error = %e, "cannot seed the demo account");
            return;
        }
    };
    tracing::info!(
        email = %seeded.user.email,
        created = seeded.created,
        sources = seeded.sources.len(),
        "demo account ready; first sync enqueued"
    );
    let mut linked = Vec::new();
    let mailboxes =
        [(Mailbox::Outlook, &demo.outlook_mailbox), (Mailbox::Gmail, &demo.gmail_mailbox)];
    for (kind, mailbox) in mailboxes {
        let Some(mailbox) = mailbox else { continue };
        match link_mailbox(demo.api, &account, mailbox).await {
            Ok(id) => linked.push(LinkedMailbox { kind, address: mailbox.clone(), id }),
            Err(e) => tracing::error!(error = %e, mailbox = %mailbox, "cannot link a demo mailbox"),
        }
    }
    println!("{}", banner(&demo, &account, &linked));
    let seeded_at = Instant::now();
    loop {
        let progress = match demo.service.progress(seeded.user.id).await {
            Ok(progress) => progress,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the demo sources");
                return;
            }
        };
        if progress.iter().all(|(_, done)| *done) {
            let summary: Vec<String> = progress
                .iter()
                .map(|(s, _)| {
                    format!(
                        "{} {} ({}/{} channels)",
                        s.provider,
                        s.status.as_str(),
                        s.backfill_done,
                        s.backfill_total
                    )
                })
                .collect();
            let since_start = demo.started.elapsed().as_secs_f64();
            let sync = seeded_at.elapsed().as_secs_f64();
            tracing::info!(
                since_start_ms = millis(demo.started.elapsed()),
                sync_ms = millis(seeded_at.elapsed()),
                sources = %summary.join(", "),
                "demo data ingested"
            );
            println!(
                "\n  Demo data ingested: {} — {sync:.1} s of sync, {since_start:.1} s after \
                 start.\n",
                summary.join(", ")
            );
            return;
        }
        if seeded_at.elapsed() > WATCH_LIMIT {
            tracing::warn!("the demo's first sync is still running; see GET /api/chat/sources");
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Which provider's demo mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mailbox {
    /// At the fake Microsoft 365 tenant.
    Outlook,
    /// At the fake Google.
    Gmail,
}

/// A demo mailbox linked to the demo user.
#[derive(Debug, Clone)]
pub struct LinkedMailbox {
    /// Its provider.
    pub kind: Mailbox,
    /// Its address.
    pub address: String,
    /// The mail account's id.
    pub id: String,
}

/// Links one of the demo user's mailboxes as a person in a browser would, over this server's
/// own API (which tells the provider from the address): sign in, `POST /api/mail/link`,
/// follow the fake provider's sign-in (it approves at once and redirects with a code), then
/// the callback with the browser-binding cookie. Answers the mail account's id.
async fn link_mailbox(
    api: SocketAddr,
    account: &DemoAccount,
    mailbox: &str,
) -> Result<String, String> {
    let api = format!("http://{api}");
    // No redirects followed: each hop is this function's, like a browser's address bar.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let fail = |step: &str, e: &dyn std::fmt::Display| format!("{step}: {e}");
    let login = serde_json::json!({"email": account.email, "password": account.password});
    let session: serde_json::Value = http
        .post(format!("{api}/api/auth/login"))
        .json(&login)
        .send()
        .await
        .map_err(|e| fail("login", &e))?
        .json()
        .await
        .map_err(|e| fail("login", &e))?;
    let token = session["data"]["access_token"].as_str().ok_or("login: no access token")?;
    let started = http
        .post(format!("{api}/api/mail/link"))
        .bearer_auth(token)
        .json(&serde_json::json!({"email": mailbox}))
        .send()
        .await
        .map_err(|e| fail("link", &e))?;
    let cookie = started
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .ok_or("link: no browser-binding cookie")?;
    let started: serde_json::Value = started.json().await.map_err(|e| fail("link", &e))?;
    let authorize =
        started["data"]["authorization_url"].as_str().ok_or("link: no authorization URL")?;
    let consent = http.get(authorize).send().await.map_err(|e| fail("authorize", &e))?;
    let callback = consent
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("authorize: answered {} without a redirect", consent.status()))?
        .to_owned();
    let linked: serde_json::Value = http
        .get(callback)
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .map_err(|e| fail("callback", &e))?
        .json()
        .await
        .map_err(|e| fail("callback", &e))?;
    linked["data"]["account"]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("callback: {}", linked["message"]))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The lines a newcomer copies: who to sign in as, and what to ask.
pub fn banner(demo: &Demo, account: &DemoAccount, mailboxes: &[LinkedMailbox]) -> String {
    let api = format!("http://{}", demo.api);
    let (email, password) = (&account.email, &account.password);
    let login = format!(r#"{{"email":"{email}","password":"{password}"}}"#);
    let compat = format!(r#"{{"username":"{email}","password":"{password}"}}"#);
    format!(
        r#"
  ──────────────────────────────────────────────────────────────────────────────
  Switchboard demo: fake Slack and Mattermost, ~57k posts, syncing now
    Demo user       {email}
    Password        {password}
    Fake Slack      {slack}
    Fake Mattermost {mattermost}
    Sandbox admin   {admin}/clock   (POST {admin}/slack/posts to add a message)

  Sign in, then look at the channels and the analytics:
    TOKEN=$(curl -s -X POST {api}/api/auth/login -H 'Content-Type: application/json' \
      -d '{login}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
    curl -s {api}/api/chat/sources  -H "Authorization: Bearer $TOKEN"
    curl -s {api}/api/chat/channels -H "Authorization: Bearer $TOKEN"
    curl -s {api}/api/stats/pulse   -H "Authorization: Bearer $TOKEN"
  (compat login: curl -s -X POST {api}/api/auth -H 'Content-Type: application/json' -d '{compat}')
  Connect Slack by OAuth against the sandbox (follows every redirect):
    curl -sL -c /dev/null '{api}/api/chat/oauth/slack/start?redirect=true' -H "Authorization: Bearer $TOKEN"
{mail}  API docs: {api}/docs/
  ──────────────────────────────────────────────────────────────────────────────"#,
        slack = demo.slack_base_url,
        mattermost = demo.mattermost_base_url,
        admin = demo.sandbox_admin_url,
        mail = mailboxes.iter().map(|m| mail_banner(&api, demo, m)).collect::<String>(),
    )
}

/// The banner's lines for one linked mailbox: what to ask about it, and how to change it at
/// the fake provider.
fn mail_banner(api: &str, demo: &Demo, linked: &LinkedMailbox) -> String {
    let (mailbox, id) = (&linked.address, &linked.id);
    let admin = &demo.sandbox_admin_url;
    let (name, word, change) = match linked.kind {
        Mailbox::Outlook => (
            "Outlook",
            "deadline",
            format!(
                r#"  Change it at the fake Graph, then sync:
    curl -s -X POST {admin}/microsoft/messages -H 'Content-Type: application/json' \
      -d '{{"mailbox":"{mailbox}","folder":"inbox","subject":"Hello from the sandbox","from_name":"Ada","from_address":"ada@example.org","body":"A new message."}}'"#
            ),
        ),
        Mailbox::Gmail => (
            "Gmail",
            "deadline",
            format!(
                r#"  Change it at the fake Gmail, then sync:
    curl -s -X POST {admin}/google/messages -H 'Content-Type: application/json' \
      -d '{{"mailbox":"{mailbox}","subject":"Hello from the sandbox","from_name":"Ada","from_address":"ada@example.org","body":"A new message."}}'"#
            ),
        ),
    };
    format!(
        r#"  {name} mailbox {mailbox} linked (account {id}), syncing:
    curl -s {api}/api/mail/accounts/{id} -H "Authorization: Bearer $TOKEN"
    curl -s '{api}/api/mail/messages?account_id={id}&limit=5' -H "Authorization: Bearer $TOKEN"
    curl -s '{api}/api/mail/messages?account_id={id}&q={word}' -H "Authorization: Bearer $TOKEN"
{change}
    curl -s -X POST {api}/api/mail/accounts/{id}/sync -H "Authorization: Bearer $TOKEN"
"#
    )
}
