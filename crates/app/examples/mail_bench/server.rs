//! What every part shares: the sandbox, a fresh database, the app's mail service and its HTTP
//! server in this process, and one signed-in user.

use std::net::TcpListener;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use switchboard_app::commands::serve::SharedDeps;
use switchboard_app::config::{Config, Profile};
use switchboard_app::ports::PgPorts;
use switchboard_domain::UserId;
use switchboard_domain::identity::{EmailAddress, Role, Scopes, SessionId, User};
use switchboard_domain::mail::MailAccountId;
use switchboard_http::ServerOptions;
use switchboard_postgres::{PgJobQueue, PgUnitOfWork};
use switchboard_sandbox::{
    GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET, NewMail,
    RunningSandbox, Sandbox,
};
use switchboard_services::{MailService, Principal, PrincipalKind};
use switchboard_test_support::TestDb;

/// The subject of the message carrying the large attachment.
pub const LARGE_SUBJECT: &str = "Quarterly archive (large attachment)";

/// Where a link started over HTTP returns the client (never reached: the bench reads the
/// redirect's one-time code).
pub const RETURN_TO: &str = "http://127.0.0.1:9/mail-linked";

/// The bench's world.
pub struct World {
    /// Kept for the run: dropping it drops the database.
    pub db: TestDb,
    pub sandbox: RunningSandbox,
    pub mail: MailService<PgPorts>,
    /// The store, for writing messages directly.
    pub uow: PgUnitOfWork,
    pub caller: Principal,
    /// The caller's access token.
    pub token: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub http: reqwest::Client,
    /// The large mailbox's address.
    pub mailbox: String,
    /// The large Gmail mailbox's address.
    pub gmail: String,
}

impl World {
    /// Generates the mailbox, migrates a database, starts the server and signs a user up.
    pub async fn start(messages: usize, attachment_bytes: u64) -> Self {
        // The chat workspaces are generated too: keep them small, they are not measured here.
        let sandbox = Sandbox::builder()
            .now(Utc::now())
            .posts_per_channel(10)
            .mailboxes(1)
            .messages_per_mailbox(messages)
            .build()
            .start_local()
            .unwrap();
        let mailbox = sandbox.mailboxes()[0].address.clone();
        let gmail = sandbox.gmail_mailboxes()[0].address.clone();
        sandbox
            .add_mail(NewMail {
                mailbox: mailbox.clone(),
                subject: LARGE_SUBJECT.to_owned(),
                body: "The archive is attached.".to_owned(),
                attachment_bytes: Some(attachment_bytes),
                ..NewMail::default()
            })
            .unwrap();
        let db = TestDb::migrated().await;
        let mut config = Config::load(Profile::Test, None).unwrap();
        // The HTTP server as `serve` runs it out of the box (the test profile's single worker
        // and four connections suit parallel tests, not a load): a worker per core and the
        // default pool.
        let served = Config::load(Profile::Development, None).unwrap();
        config.server.workers = served.server.workers;
        config.database.pool_size = served.database.pool_size;
        let microsoft = &mut config.mail.microsoft;
        microsoft.client_id = MICROSOFT_CLIENT_ID.to_owned();
        microsoft.client_secret = MICROSOFT_CLIENT_SECRET.to_owned().into();
        microsoft.login_base_url = sandbox.microsoft_login_base_url();
        microsoft.graph_base_url = sandbox.graph_base_url();
        let google = &mut config.mail.google;
        google.client_id = GOOGLE_CLIENT_ID.to_owned();
        google.client_secret = GOOGLE_CLIENT_SECRET.to_owned().into();
        google.authorize_url = format!("{}/o/oauth2/v2/auth", sandbox.google_oauth_base_url());
        google.token_url = sandbox.google_token_url();
        google.revoke_url = format!("{}/revoke", sandbox.google_oauth_base_url());
        google.gmail_base_url = sandbox.gmail_base_url();
        config.mail.allowed_redirect_uris.push(RETURN_TO.to_owned());

        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        config.mail.callback_uri = format!("{base}/api/mail/link/callback");
        let identity = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
        let mail =
            switchboard_app::ports::mail(&identity, &config, &config.mail.callback_uri).unwrap();
        let (queue, job_listener) = PgJobQueue::new(db.pool(), db.url());
        tokio::spawn(job_listener.run());
        // As `serve` builds it: one pool per server worker.
        let options = ServerOptions { workers: config.workers(), shutdown_timeout: Duration::ZERO };
        let per_worker = config.database.pool_size.div_ceil(options.workers.max(1)).max(1);
        let shared = SharedDeps::new(&config, db.pool(), queue).unwrap();
        tokio::spawn(shared.watch_identity(db.url()));
        let make_deps = shared.per_worker(db.url().to_owned(), per_worker, db.pool());
        tokio::spawn(switchboard_http::serve(listener, make_deps, options).unwrap());

        let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();
        let (token, caller) = sign_up(&http, &base).await;
        Self {
            uow: PgUnitOfWork::new(db.pool()),
            db,
            sandbox,
            mail,
            caller,
            token,
            base,
            http,
            mailbox,
            gmail,
        }
    }

    /// Links `mailbox` as a user does, over HTTP: `POST /api/mail/link`, the provider's
    /// consent (the sandbox's authorize endpoint answers at once), the callback, and the
    /// one-time code completed. The linked account's id.
    pub async fn link_over_http(&self, mailbox: &str) -> MailAccountId {
        let body = json!({"email": mailbox, "redirect_uri": RETURN_TO});
        let res = self.http.post(format!("{}/api/mail/link", self.base)).bearer_auth(&self.token);
        let started: Value = res.json(&body).send().await.unwrap().json().await.unwrap();
        let url = started["data"]["authorization_url"].as_str().expect("an authorization URL");
        let browser =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let follow = |res: reqwest::Response| {
            res.headers()["location"].to_str().expect("a redirect").to_owned()
        };
        let callback = follow(browser.get(url).send().await.unwrap());
        let back = follow(browser.get(&callback).send().await.unwrap());
        let back = url::Url::parse(&back).unwrap();
        let code = back.query_pairs().find(|(k, _)| k == "code").expect("a one-time code").1;
        let res = self.http.post(format!("{}/api/mail/link/complete", self.base));
        let res = res.bearer_auth(&self.token).json(&json!({"code": code})).send().await;
        let linked: Value = res.unwrap().json().await.unwrap();
        let id = linked["data"]["account"]["id"].as_str().expect("the linked account");
        id.parse().unwrap()
    }

    /// `GET {path}` as the user: the status and the JSON body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let res =
            self.http.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await;
        let res = res.unwrap();
        (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
    }
}

/// Registers a user over HTTP: its access token and the principal the service sees.
async fn sign_up(http: &reqwest::Client, base: &str) -> (String, Principal) {
    let email = "mail-bench@example.org";
    let body = json!({"email": email, "password": "mail bench password"});
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let res = http.post(format!("{base}/api/auth/register")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201, "register: {}", res.text().await.unwrap_or_default());
    let res = http.post(format!("{base}/api/auth/login")).json(&body).send().await.unwrap();
    let login: Value = res.json().await.unwrap();
    let token = login["data"]["access_token"].as_str().expect("an access token").to_owned();
    let res = http.get(format!("{base}/api/me")).bearer_auth(&token).send().await.unwrap();
    let me: Value = res.json().await.unwrap();
    let id: UserId = me["data"]["id"].as_str().expect("the user's id").parse().unwrap();
    let caller = Principal {
        user_id: id,
        role: Role::Member,
        scopes: Scopes::all(),
        kind: PrincipalKind::Session(SessionId::new()),
        user: User {
            id,
            email: EmailAddress::parse(email).unwrap(),
            display_name: "Mail bench".to_owned(),
            role: Role::Member,
            disabled: false,
            password_hash: String::new(),
            created_at: Utc::now(),
        },
    };
    (token, caller)
}
