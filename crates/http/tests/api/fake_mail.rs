//! A stand-in for Microsoft, enough to drive the mail routes in process: its consent page is
//! a URL carrying the state, the code [`GOOD_CODE`] is granted and any other refused, and
//! assertions are judged by their text ([`VALID_ASSERTION`] is granted, [`NEEDS_CONSENT`] a
//! valid token Microsoft wants consent for, anything else forged). The mailbox behind every
//! grant is Ada's, with one message and one PDF attachment; what is sent or marked is
//! recorded. The real adapters are tested against the sandbox over HTTP.

use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use switchboard_domain::mail::{
    AttachmentMeta, MailAddress, MailIdentity, MailProvider, MessageBody, OutgoingMessage,
    ProviderMessage, RemoteFolder,
};
use switchboard_memory::FixedMx;
use switchboard_ports::mail::{
    AttachmentContent, ChangePage, MailError, MailSource, SyncCursor, SyncFrom, SyncScope, SyncStep,
};
use switchboard_ports::mail_auth::{AuthorizationRequest, VerifiedAssertion};
use switchboard_ports::{MailAdapters, MailAuth, MailAuthError, MailSourceFactory, ProviderTokens};

/// The code the fake grants.
pub const GOOD_CODE: &str = "good-code";
/// The assertion the fake exchanges.
pub const VALID_ASSERTION: &str = "valid-assertion";
/// The mailbox behind every grant.
pub const MAILBOX: &str = "ada@contoso.example";
/// The attachment's bytes, in the chunks the fake sends.
pub const PDF_CHUNKS: [&[u8]; 3] = [b"%PDF-1.7\n", b"\x00\xff binary body\n", b"%%EOF"];

/// The consent page the fake answers.
pub const AUTHORIZE: &str = "https://login.example/authorize";
/// The assertion Microsoft wants the user's consent for.
pub const NEEDS_CONSENT: &str = "needs-consent";
/// The claims challenge that comes with it.
pub const CLAIMS: &str = r#"{"access_token":{"xms_cc":{"values":["cp1"]}}}"#;

/// Microsoft's OAuth client and mailbox (fakes), and MX answers from a table.
#[derive(Debug, Clone, Default)]
pub struct FakeMail {
    pub mx: FixedMx,
    pub sources: FakeSources,
}

/// Builds [`FakeSource`]s that all record into the same lists.
#[derive(Debug, Clone, Default)]
pub struct FakeSources {
    /// Messages sent, in order.
    pub sent: Arc<Mutex<Vec<OutgoingMessage>>>,
    /// Read states written back: provider id, unread.
    pub marked: Arc<Mutex<Vec<(String, bool)>>>,
}

/// Ada's mailbox.
#[derive(Debug, Clone)]
pub struct FakeSource(FakeSources);

#[derive(Debug, Clone, Copy, Default)]
pub struct FakeMailAuth;

impl MailAdapters for FakeMail {
    type Auth = FakeMailAuth;
    type Sources = FakeSources;
    type Mx = FixedMx;

    fn auth(&self) -> &FakeMailAuth {
        &FakeMailAuth
    }

    fn sources(&self) -> &FakeSources {
        &self.sources
    }

    fn mx(&self) -> &FixedMx {
        &self.mx
    }
}

fn granted() -> ProviderTokens {
    ProviderTokens {
        access_token: "access".to_owned(),
        refresh_token: Some("refresh".to_owned()),
        expires_at: Utc::now() + chrono::Duration::days(1),
        scopes: ["offline_access", "Mail.Read", "Mail.ReadWrite", "Mail.Send"]
            .map(str::to_owned)
            .to_vec(),
    }
}

fn refused() -> MailAuthError {
    MailAuthError::InvalidGrant {
        code: "AADSTS70008".to_owned(),
        description: "the code has expired".to_owned(),
    }
}

impl MailAuth for FakeMailAuth {
    fn supports(&self, provider: MailProvider) -> bool {
        provider == MailProvider::Microsoft
    }

    fn scopes(&self, _provider: MailProvider, _write: bool, _send: bool) -> Vec<String> {
        vec!["offline_access".to_owned(), "Mail.Read".to_owned()]
    }

    fn authorization_url(
        &self,
        provider: MailProvider,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError> {
        if !self.supports(provider) {
            return Err(MailAuthError::Unsupported(provider));
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("state", request.state)
            .append_pair("login_hint", request.login_hint)
            .append_pair("code_challenge", request.code_challenge)
            .finish();
        Ok(format!("{AUTHORIZE}?{query}"))
    }

    async fn exchange_code(
        &self,
        _provider: MailProvider,
        code: &str,
        _code_verifier: &str,
        _redirect_uri: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        if code == GOOD_CODE { Ok(granted()) } else { Err(refused()) }
    }

    async fn refresh(
        &self,
        _provider: MailProvider,
        _refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        Err(refused())
    }

    fn verify_assertion(
        &self,
        _provider: MailProvider,
        assertion: &str,
    ) -> impl Future<Output = Result<VerifiedAssertion, MailAuthError>> + Send {
        let answer = if assertion == NEEDS_CONSENT || assertion == VALID_ASSERTION {
            Ok(VerifiedAssertion {
                object_id: "oid-1".to_owned(),
                tenant_id: "tid-1".to_owned(),
                username: Some(MAILBOX.to_owned()),
                name: Some("Ada".to_owned()),
                expires_at: Utc::now() + chrono::Duration::hours(1),
            })
        } else {
            Err(MailAuthError::InvalidAssertion("bad signature".to_owned()))
        };
        async move { answer }
    }

    async fn on_behalf_of(
        &self,
        _provider: MailProvider,
        assertion: &str,
        _scopes: &[String],
    ) -> Result<ProviderTokens, MailAuthError> {
        if assertion == VALID_ASSERTION {
            return Ok(granted());
        }
        Err(MailAuthError::InteractionRequired {
            error: "consent_required".to_owned(),
            claims: Some(CLAIMS.to_owned()),
            description: "AADSTS65001: the user has not consented".to_owned(),
        })
    }

    async fn revoke(
        &self,
        _provider: MailProvider,
        _tokens: &ProviderTokens,
    ) -> Result<bool, MailAuthError> {
        Ok(false)
    }
}

impl MailSourceFactory for FakeSources {
    type Source = FakeSource;

    fn source(
        &self,
        _provider: MailProvider,
        _mailbox: &str,
        _access_token: &str,
    ) -> Result<FakeSource, MailError> {
        Ok(FakeSource(self.clone()))
    }
}

fn received() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap()
}

/// The one attachment Ada's messages have.
pub fn pdf() -> AttachmentMeta {
    AttachmentMeta {
        id: "att-pdf".to_owned(),
        name: "budget 2026 – ü.pdf".to_owned(),
        content_type: "application/pdf".to_owned(),
        size: PDF_CHUNKS.iter().map(|c| c.len() as u64).sum(),
        inline: false,
    }
}

impl MailSource for FakeSource {
    type Chunks = futures_util::stream::Iter<std::vec::IntoIter<Result<Vec<u8>, MailError>>>;

    fn provider(&self) -> MailProvider {
        MailProvider::Microsoft
    }

    fn sync_scope(&self) -> SyncScope {
        SyncScope::PerFolder
    }

    async fn identity(&self) -> Result<MailIdentity, MailError> {
        Ok(MailIdentity {
            provider: MailProvider::Microsoft,
            account_id: "oid-1".to_owned(),
            address: MAILBOX.to_owned(),
            display_name: Some("Ada Lovelace".to_owned()),
        })
    }

    async fn folders(&self) -> Result<Vec<RemoteFolder>, MailError> {
        Ok(Vec::new())
    }

    async fn changes(
        &self,
        _folder: Option<&str>,
        _from: SyncFrom<'_>,
    ) -> Result<ChangePage, MailError> {
        Ok(ChangePage {
            upserted: Vec::new(),
            removed: Vec::new(),
            next: SyncStep::Done(SyncCursor("done".to_owned())),
        })
    }

    /// Every message, read in full, has the same bodies and the PDF.
    async fn message(&self, id: &str) -> Result<ProviderMessage, MailError> {
        Ok(ProviderMessage {
            id: id.to_owned(),
            thread_id: "t-budget".to_owned(),
            folder_ids: vec!["f-Inbox".to_owned()],
            subject: "Quarterly budget".to_owned(),
            from: Some(MailAddress { name: None, address: "grace@navy.example".to_owned() }),
            to: vec![MailAddress { name: None, address: MAILBOX.to_owned() }],
            cc: Vec::new(),
            received_at: received(),
            sent_at: None,
            unread: true,
            has_attachments: true,
            snippet: "From the provider".to_owned(),
            internet_message_id: None,
            body: Some(MessageBody {
                text: Some("Read from the provider.".to_owned()),
                html: None,
            }),
            attachments: vec![pdf()],
        })
    }

    async fn attachment(
        &self,
        _message_id: &str,
        attachment_id: &str,
    ) -> Result<AttachmentContent<Self::Chunks>, MailError> {
        if attachment_id != pdf().id {
            return Err(MailError::NotFound { what: attachment_id.to_owned() });
        }
        let chunks: Vec<Result<Vec<u8>, MailError>> =
            PDF_CHUNKS.iter().map(|c| Ok(c.to_vec())).collect();
        Ok(AttachmentContent {
            content_type: "application/pdf".to_owned(),
            length: Some(pdf().size),
            chunks: futures_util::stream::iter(chunks),
        })
    }

    async fn set_unread(&self, id: &str, unread: bool) -> Result<(), MailError> {
        self.0.marked.lock().unwrap().push((id.to_owned(), unread));
        Ok(())
    }

    async fn send(&self, message: &OutgoingMessage) -> Result<(), MailError> {
        self.0.sent.lock().unwrap().push(message.clone());
        Ok(())
    }
}
