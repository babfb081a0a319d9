//! The message page's conditions and columns that diesel's DSL cannot spell (a row
//! comparison, full-text search, a match on an expression index, an array subquery, a search
//! page's steps) as SQL
//! fragments PostgreSQL can prepare once per connection.
//!
//! Written by hand because diesel's `sql()` literal marks a whole statement as unsafe to cache,
//! so every page with a cursor or a search was parsed and planned again; these fragments have
//! fixed SQL with bind parameters, so the statement cache keys them by their SQL text.

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel::expression::is_aggregate::Never;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Text, Timestamptz, Uuid};

/// Implements what a boolean (or ordering) fragment needs to appear in a boxed select.
macro_rules! fragment {
    ($name:ident, $sql_type:ty) => {
        impl Expression for $name {
            type SqlType = $sql_type;
        }
        impl<QS> AppearsOnTable<QS> for $name {}
        impl<QS> SelectableExpression<QS> for $name {}
        impl ValidGrouping<()> for $name {
            type IsAggregate = Never;
        }
        impl QueryId for $name {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }
    };
}

/// Messages strictly older than a cursor, as `(time, key) < (…, …)` over the columns of
/// the index the page walks: a mailbox's `(account_id, received_at DESC, id DESC)`
/// ([`Before::MESSAGES`]) or a folder's `(folder_id, received_at DESC, message_id DESC)`
/// ([`Before::LINKS`]), so that index starts there.
#[derive(Debug, Clone)]
pub(super) struct Before {
    /// The columns compared, `time, key`.
    pub(super) columns: &'static str,
    pub(super) received_at: DateTime<Utc>,
    pub(super) id: uuid::Uuid,
}

impl Before {
    /// A message's time and id.
    pub(super) const MESSAGES: &str = "mail_messages.received_at, mail_messages.id";
    /// A folder link's copy of them.
    pub(super) const LINKS: &str =
        "mail_message_folders.received_at, mail_message_folders.message_id";
}

fragment!(Before, Bool);

impl QueryFragment<Pg> for Before {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // A subquery, so no plan knows the cursor (see `page_plan.rs`).
        out.push_sql(&format!("({}) < (SELECT ", self.columns));
        out.push_bind_param::<Timestamptz, _>(&self.received_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Uuid, _>(&self.id)?;
        out.push_sql(")");
        Ok(())
    }
}

/// Messages whose words match a web-style search ('simple' configuration, as the generated
/// `search` column: no stemming for mail in any language).
#[derive(Debug, Clone)]
pub(super) struct Matches(pub(super) String);

fragment!(Matches, Bool);

impl QueryFragment<Pg> for Matches {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // A subquery, so the query is parsed once per statement (an InitPlan): a prepared
        // statement's generic plan would otherwise parse it again for every row it tests.
        out.push_sql("mail_messages.search @@ (SELECT websearch_to_tsquery('simple', ");
        out.push_bind_param::<Text, _>(&self.0)?;
        out.push_sql("))");
        Ok(())
    }
}

/// Unread (`true`) or read (`false`) messages, the state written as a literal: a generic plan
/// then uses the `(account_id, received_at DESC, id DESC) WHERE unread` index for unread mail,
/// which a bound `unread = $n` cannot prove it may.
#[derive(Debug, Clone, Copy)]
pub(super) struct Unread(pub(super) bool);

fragment!(Unread, Bool);

impl QueryFragment<Pg> for Unread {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(if self.0 { "mail_messages.unread" } else { "NOT mail_messages.unread" });
        Ok(())
    }
}

/// Messages from an address, compared case-insensitively, as the
/// `(account_id, lower(from_address), …)` index is written, so it serves this.
#[derive(Debug, Clone)]
pub(super) struct FromAddress(pub(super) String);

fragment!(FromAddress, Bool);

impl QueryFragment<Pg> for FromAddress {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // A subquery, so no plan knows the address (see `page_plan.rs`).
        out.push_sql("lower(mail_messages.from_address) = (SELECT lower(");
        out.push_bind_param::<Text, _>(&self.0)?;
        out.push_sql("))");
        Ok(())
    }
}

/// Messages older than the `edge` of a search page: the ones its walk did not reach.
///
/// The receipt time is compared as an expression no index holds: PostgreSQL otherwise ANDs
/// the word index's matches with a bitmap of the time index over every older message (10 ms
/// over 100,000 of them) instead of testing each match's time.
#[derive(Debug, Clone, Copy)]
pub(super) struct OlderThanEdge;

fragment!(OlderThanEdge, Bool);

impl QueryFragment<Pg> for OlderThanEdge {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "(mail_messages.received_at + interval '0', mail_messages.id) < \
             (SELECT e.received_at, e.id FROM edge e)",
        );
        Ok(())
    }
}

/// Messages of the week a search page's `older` step is at (`period.n`, a key of the
/// `(search_week, search)` word index).
#[derive(Debug, Clone, Copy)]
pub(super) struct InWeek;

fragment!(InWeek, Bool);

impl QueryFragment<Pg> for InWeek {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("mail_messages.search_week = period.n");
        Ok(())
    }
}

/// The receipt time as an expression no index holds, to sort a week's matches: PostgreSQL
/// would otherwise walk the time index testing each message (see `search.rs`).
#[derive(Debug, Clone, Copy)]
pub(super) struct ReceivedUnindexed;

fragment!(ReceivedUnindexed, Timestamptz);

impl QueryFragment<Pg> for ReceivedUnindexed {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("mail_messages.received_at + interval '0'");
        Ok(())
    }
}

/// Messages a search page found (its `found` step).
#[derive(Debug, Clone, Copy)]
pub(super) struct InFound;

fragment!(InFound, Bool);

impl QueryFragment<Pg> for InFound {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("mail_messages.id IN (SELECT f.id FROM found f)");
        Ok(())
    }
}

/// A message's folders, in folder order, read with the message: the page needs no second
/// statement for them (one round trip and one statement fewer per page).
#[derive(Debug, Clone, Copy)]
pub(super) struct FolderIds;

fragment!(FolderIds, Array<Uuid>);

impl QueryFragment<Pg> for FolderIds {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "ARRAY(SELECT l.folder_id FROM mail_message_folders l \
             WHERE l.message_id = mail_messages.id ORDER BY l.folder_id)",
        );
        Ok(())
    }
}
