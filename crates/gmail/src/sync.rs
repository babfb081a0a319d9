//! Sync rounds over Gmail's one mailbox-wide cursor, the `historyId`
//! (<https://developers.google.com/workspace/gmail/api/guides/sync>):
//! - a first round lists `q=after:<epoch>` page by page, having read the profile's
//!   `historyId` *before* listing, so nothing that arrives meanwhile is missed (at worst
//!   read twice); it ends with that id;
//! - later rounds read `history.list` from the stored id: `messagesAdded` and label changes
//!   fetch the message again, `messagesDeleted` removes it; a 404 means the id is too old
//!   ([`MailError::CursorExpired`]: sync from the window again); it ends with the answer's
//!   `historyId`.
//!
//! The round's state travels in the opaque [`PageToken`]: `w <historyId> <after> <token>` or
//! `h <historyId> <token>`.

use std::collections::BTreeSet;

use futures_util::{StreamExt, stream};
use switchboard_domain::mail::ProviderMessage;
use switchboard_ports::mail::{ChangePage, MailError, PageToken, SyncCursor, SyncStep};

use crate::source::GmailSource;

/// Where a round goes on from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Round {
    /// A window listing: the cursor to end with, the `after:` bound, Gmail's page token.
    Window { cursor: u64, after: i64, page: Option<String> },
    /// A history reading from `start`, at Gmail's page token.
    History { start: u64, page: Option<String> },
}

impl Round {
    pub(crate) fn token(&self) -> Option<PageToken> {
        match self {
            Self::Window { cursor, after, page: Some(page) } => {
                Some(PageToken(format!("w {cursor} {after} {page}")))
            }
            Self::History { start, page: Some(page) } => {
                Some(PageToken(format!("h {start} {page}")))
            }
            _ => None,
        }
    }

    pub(crate) fn parse(token: &PageToken) -> Result<Self, MailError> {
        let bad = || MailError::InvalidResponse(format!("not a Gmail page token: {}", token.0));
        let mut parts = token.0.splitn(4, ' ');
        match parts.next() {
            Some("w") => {
                let cursor = parts.next().and_then(|c| c.parse().ok()).ok_or_else(bad)?;
                let after = parts.next().and_then(|a| a.parse().ok()).ok_or_else(bad)?;
                let page = parts.next().filter(|p| !p.is_empty()).ok_or_else(bad)?;
                Ok(Self::Window { cursor, after, page: Some(page.to_owned()) })
            }
            Some("h") => {
                let mut rest = token.0[2..].splitn(2, ' ');
                let start = rest.next().and_then(|c| c.parse().ok()).ok_or_else(bad)?;
                let page = rest.next().filter(|p| !p.is_empty()).ok_or_else(bad)?;
                Ok(Self::History { start, page: Some(page.to_owned()) })
            }
            _ => Err(bad()),
        }
    }
}

/// A stored cursor as a `historyId`.
pub(crate) fn history_id(cursor: &SyncCursor) -> Result<u64, MailError> {
    cursor.0.trim().parse().map_err(|_| MailError::CursorExpired)
}

impl GmailSource {
    /// One page of a round.
    pub(crate) async fn round(&self, round: Round) -> Result<ChangePage, MailError> {
        match round {
            Round::Window { cursor, after, page } => self.window_page(cursor, after, page).await,
            Round::History { start, page } => self.history_page(start, page).await,
        }
    }

    async fn window_page(
        &self,
        cursor: u64,
        after: i64,
        page: Option<String>,
    ) -> Result<ChangePage, MailError> {
        let (ids, next) = self.list_ids(after, page.as_deref()).await?;
        let (upserted, removed) = self.fetch_all(ids).await?;
        let next = match next {
            Some(page) => SyncStep::More(
                Round::Window { cursor, after, page: Some(page) }
                    .token()
                    .ok_or_else(|| MailError::InvalidResponse("empty page token".into()))?,
            ),
            None => SyncStep::Done(SyncCursor(cursor.to_string())),
        };
        Ok(ChangePage { upserted, removed, next })
    }

    async fn history_page(
        &self,
        start: u64,
        page: Option<String>,
    ) -> Result<ChangePage, MailError> {
        let answer = match self.history(start, page.as_deref()).await {
            Err(MailError::NotFound { .. }) => return Err(MailError::CursorExpired),
            other => other?,
        };
        let mut changed = BTreeSet::new();
        let mut removed = BTreeSet::new();
        for record in answer.history.iter().flatten() {
            let added = record.messages_added.iter().flatten().filter_map(|m| m.message.as_ref());
            let labelled = record.labels_added.iter().flatten().filter_map(|m| m.message.as_ref());
            let unlabelled =
                record.labels_removed.iter().flatten().filter_map(|m| m.message.as_ref());
            for id in added.chain(labelled).chain(unlabelled).filter_map(|m| m.id.clone()) {
                changed.insert(id);
            }
            for id in record
                .messages_deleted
                .iter()
                .flatten()
                .filter_map(|m| m.message.as_ref().and_then(|m| m.id.clone()))
            {
                removed.insert(id);
            }
        }
        changed.retain(|id| !removed.contains(id));
        let (upserted, gone) = self.fetch_all(changed.into_iter().collect()).await?;
        removed.extend(gone);
        let next = match answer.next_page_token.filter(|p| !p.is_empty()) {
            Some(page) => SyncStep::More(PageToken(format!("h {start} {page}"))),
            None => {
                let end = answer.history_id.unwrap_or(start);
                SyncStep::Done(SyncCursor(end.to_string()))
            }
        };
        Ok(ChangePage { upserted, removed: removed.into_iter().collect(), next })
    }

    /// The listed messages of `ids`, fetched `format=full` several at a time (the mailbox's
    /// budget bounds them), in order; ids gone meanwhile come back as removed.
    async fn fetch_all(
        &self,
        ids: Vec<String>,
    ) -> Result<(Vec<ProviderMessage>, Vec<String>), MailError> {
        let fetched: Vec<(String, Result<ProviderMessage, MailError>)> = stream::iter(ids)
            .map(|id| async move {
                let message = self.fetch(&id, false).await;
                (id, message)
            })
            .buffered(self.concurrency())
            .collect()
            .await;
        let mut upserted = Vec::with_capacity(fetched.len());
        let mut removed = Vec::new();
        for (id, message) in fetched {
            match message {
                Ok(message) => upserted.push(message),
                Err(MailError::NotFound { .. }) => removed.push(id),
                Err(e) => return Err(e),
            }
        }
        Ok((upserted, removed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_junk_is_refused() {
        for round in [
            Round::Window { cursor: 42, after: 1_700_000_000, page: Some("p 2".into()) },
            Round::History { start: 7, page: Some("abc".into()) },
        ] {
            let token = round.token().unwrap_or(PageToken(String::new()));
            assert_eq!(Round::parse(&token), Ok(round));
        }
        assert!(Round::parse(&PageToken("x 1".into())).is_err());
        assert!(Round::parse(&PageToken("w 1 2".into())).is_err());
        assert_eq!(history_id(&SyncCursor("12".into())), Ok(12));
        assert_eq!(history_id(&SyncCursor("x".into())), Err(MailError::CursorExpired));
    }
}
