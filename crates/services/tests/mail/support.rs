//! The mail service over the in-memory store, against the sandbox's fake Microsoft identity
//! platform and Graph through the real adapters (`switchboard-graph`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{SubsecRound, Utc};
use secrecy::SecretString;
use switchboard_crypto::{AeadSecretBox, Argon2Hasher, JwtTokens, SecretBoxKey};
use switchboard_domain::UserId;
use switchboard_domain::identity::{EmailAddress, Role, Scopes, SessionId, User};
use switchboard_domain::mail::{MailAccount, MailProvider};
use switchboard_graph::{GraphConfig, GraphSources, MicrosoftAuth, MicrosoftAuthConfig};
use switchboard_memory::{
    FixedMx, ManualClock, MemoryPorts, MemoryState, MemoryStore, NoChatSources,
};
use switchboard_ports::mail_auth::{AuthorizationRequest, VerifiedAssertion};
use switchboard_ports::{
    MailAdapters, MailAuth, MailAuthError, ProviderTokens, RetryPolicy, UnitOfWork, UserStore,
};
use switchboard_sandbox::{MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET, RunningSandbox, Sandbox};
use switchboard_services::mail::{LinkCallback, LinkFinished, LinkStart, LinkStarted};
use switchboard_services::{MailPolicy, MailService, Principal, PrincipalKind};

/// The Microsoft client, counting the refreshes it makes.
#[derive(Clone)]
pub struct CountingAuth {
    inner: Arc<MicrosoftAuth>,
    pub refreshes: Arc<AtomicUsize>,
}

impl MailAuth for CountingAuth {
    fn supports(&self, provider: MailProvider) -> bool {
        self.inner.supports(provider)
    }

    fn scopes(&self, provider: MailProvider, write: bool, send: bool) -> Vec<String> {
        MailAuth::scopes(&*self.inner, provider, write, send)
    }

    fn authorization_url(
        &self,
        provider: MailProvider,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError> {
        MailAuth::authorization_url(&*self.inner, provider, request)
    }

    async fn exchange_code(
        &self,
        provider: MailProvider,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        MailAuth::exchange_code(&*self.inner, provider, code, verifier, redirect_uri).await
    }

    async fn refresh(
        &self,
        provider: MailProvider,
        refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        MailAuth::refresh(&*self.inner, provider, refresh_token).await
    }

    async fn verify_assertion(
        &self,
        provider: MailProvider,
        assertion: &str,
    ) -> Result<VerifiedAssertion, MailAuthError> {
        MailAuth::verify_assertion(&*self.inner, provider, assertion).await
    }

    async fn on_behalf_of(
        &self,
        provider: MailProvider,
        assertion: &str,
        scopes: &[String],
    ) -> Result<ProviderTokens, MailAuthError> {
        MailAuth::on_behalf_of(&*self.inner, provider, assertion, scopes).await
    }

    async fn revoke(
        &self,
        provider: MailProvider,
        tokens: &ProviderTokens,
    ) -> Result<bool, MailAuthError> {
        MailAuth::revoke(&*self.inner, provider, tokens).await
    }
}

/// Microsoft's OAuth client and Graph over the sandbox, and a fixed MX table.
#[derive(Clone)]
pub struct SandboxMail {
    pub auth: CountingAuth,
    sources: GraphSources,
    mx: FixedMx,
}

impl MailAdapters for SandboxMail {
    type Auth = CountingAuth;
    type Sources = GraphSources;
    type Mx = FixedMx;

    fn auth(&self) -> &CountingAuth {
        &self.auth
    }

    fn sources(&self) -> &GraphSources {
        &self.sources
    }

    fn mx(&self) -> &FixedMx {
        &self.mx
    }
}

pub type Ports = MemoryPorts<Argon2Hasher, JwtTokens, AeadSecretBox, NoChatSources, SandboxMail>;

pub const CALLBACK: &str = "http://127.0.0.1:9/api/mail/link/callback";
pub const CLIENT_PAGE: &str = "https://app.example/mail/linked";

pub struct World {
    pub sandbox: RunningSandbox,
    pub store: MemoryStore,
    pub clock: ManualClock,
    pub mail: MailService<Ports>,
    pub adapters: SandboxMail,
    pub secrets: AeadSecretBox,
    /// The demo mailbox's address.
    pub demo: String,
}

pub fn secrets() -> AeadSecretBox {
    AeadSecretBox::new(&[SecretBoxKey {
        kid: "s1".into(),
        key: SecretString::from("dev-insecure-secret-box-key-one-AAAAAAAAAAA"),
    }])
    .unwrap()
}

pub fn start() -> World {
    start_with(|_| {})
}

/// The sandbox, started at the real time (the Microsoft client dates its tokens by it).
pub fn sandbox() -> RunningSandbox {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    Sandbox::builder()
        .seed(11)
        .now(Utc::now().trunc_subsecs(0))
        .posts_per_channel(10)
        .people(5)
        .messages_per_mailbox(240)
        .build()
        .start_local()
        .unwrap()
}

/// Microsoft's client and Graph over `sandbox`, and an MX table that places its tenant's
/// domain at Microsoft 365.
pub fn adapters(sandbox: &RunningSandbox) -> SandboxMail {
    let mut config = MicrosoftAuthConfig::new(
        sandbox.microsoft_login_base_url(),
        "organizations",
        MICROSOFT_CLIENT_ID,
        SecretString::from(MICROSOFT_CLIENT_SECRET),
    );
    config.timeout = Duration::from_secs(10);
    let auth = MicrosoftAuth::new(config).unwrap();
    let retry = RetryPolicy {
        max_retries: 2,
        base_backoff: Duration::ZERO,
        max_wait: Duration::from_secs(1),
    };
    let sources = GraphSources::new(GraphConfig {
        retry,
        page_size: 50,
        ..GraphConfig::new(sandbox.graph_base_url())
    })
    .unwrap();
    let demo = sandbox.mailboxes()[0].address.clone();
    let (_, tenant_domain) = demo.rsplit_once('@').unwrap();
    let exchange = [format!("{}.mail.protection.outlook.com", tenant_domain.replace('.', "-"))];
    let exchange: Vec<&str> = exchange.iter().map(String::as_str).collect();
    SandboxMail {
        auth: CountingAuth { inner: Arc::new(auth), refreshes: Arc::default() },
        sources,
        mx: FixedMx::new([
            ("contoso.example", &["contoso-example.mail.protection.outlook.com"][..]),
            (tenant_domain, &exchange[..]),
        ]),
    }
}

/// The policy of the tests: the callback and client page below, then `change`.
pub fn policy(change: impl FnOnce(&mut MailPolicy)) -> MailPolicy {
    let mut policy = MailPolicy {
        callback_uri: CALLBACK.to_owned(),
        allowed_redirect_uris: vec![CLIENT_PAGE.to_owned()],
        ..MailPolicy::default()
    };
    change(&mut policy);
    policy
}

/// A world whose mail policy `change` adjusts.
pub fn start_with(change: impl FnOnce(&mut MailPolicy)) -> World {
    let sandbox = sandbox();
    let store = MemoryStore::new();
    let clock = ManualClock::new(sandbox.now());
    let adapters = adapters(&sandbox);
    let secrets = secrets();
    let mail = MailService::new(
        store.clone(),
        clock.clone(),
        secrets.clone(),
        adapters.clone(),
        policy(change),
    );
    let demo = sandbox.mailboxes()[0].address.clone();
    World { sandbox, store, clock, mail, adapters, secrets, demo }
}

/// A signed-in user, stored through `uow`.
pub async fn user<U>(uow: &U, email: &str) -> Principal
where
    U: UnitOfWork<Tx: UserStore>,
{
    let id = UserId::new();
    let user = User {
        id,
        email: EmailAddress::parse(email).unwrap(),
        display_name: "Member".to_owned(),
        role: Role::Member,
        disabled: false,
        password_hash: String::new(),
        created_at: Utc::now(),
    };
    let saved = user.clone();
    uow.transact(move |tx| Box::pin(async move { tx.insert_user(&saved).await })).await.unwrap();
    Principal {
        user_id: id,
        role: Role::Member,
        scopes: Scopes::all(),
        kind: PrincipalKind::Session(SessionId::new()),
        user,
    }
}

/// Starts linking `mailbox` for `caller`, with the client page or not.
pub async fn start_link<P: switchboard_ports::Ports>(
    mail: &MailService<P>,
    caller: &Principal,
    mailbox: &str,
    page: bool,
) -> LinkStarted {
    let request = LinkStart {
        email: mailbox.to_owned(),
        provider: None,
        redirect_uri: page.then(|| CLIENT_PAGE.to_owned()),
    };
    mail.start_link(caller, request).await.unwrap()
}

/// Follows the authorization URL at the sandbox (which signs in as the login hint) and
/// answers the callback's `state` and `code`.
pub async fn authorize(started: &LinkStarted) -> (String, String) {
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answer = client.get(&started.authorization_url).send().await.unwrap();
    assert!(answer.status().is_redirection(), "{}", answer.status());
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(CALLBACK), "{location}");
    let url = url::Url::parse(&location).unwrap();
    let arg = |name: &str| {
        url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap()
    };
    (arg("state"), arg("code"))
}

/// Links `mailbox` for `caller` from the starting browser.
pub async fn link<P: switchboard_ports::Ports>(
    mail: &MailService<P>,
    caller: &Principal,
    mailbox: &str,
) -> MailAccount {
    let started = start_link(mail, caller, mailbox, false).await;
    let (state, code) = authorize(&started).await;
    let finished = mail
        .finish_link(&state, LinkCallback::Code(code), None, Some(&started.binding))
        .await
        .unwrap();
    match finished {
        LinkFinished::Linked { account, .. } => account,
        other => panic!("not linked: {other:?}"),
    }
}

impl World {
    pub async fn state(&self) -> MemoryState {
        self.store.snapshot().await
    }

    /// A signed-in user, stored.
    pub async fn user(&self, email: &str) -> Principal {
        user(&self.store, email).await
    }

    pub fn refreshes(&self) -> usize {
        self.adapters.auth.refreshes.load(Ordering::SeqCst)
    }

    /// Starts linking `mailbox` for `caller`, with the client page or not.
    pub async fn start_link(&self, caller: &Principal, mailbox: &str, page: bool) -> LinkStarted {
        start_link(&self.mail, caller, mailbox, page).await
    }

    /// See [`authorize`].
    pub async fn authorize(&self, started: &LinkStarted) -> (String, String) {
        authorize(started).await
    }

    /// Links `mailbox` for `caller` from the starting browser.
    pub async fn link(&self, caller: &Principal, mailbox: &str) -> MailAccount {
        link(&self.mail, caller, mailbox).await
    }
}
