//! The post pages' SQL that diesel's DSL cannot spell (a row comparison under a collation,
//! full-text search, a lateral join, a search page's steps), as fragments and statements
//! with fixed SQL and bind parameters, so PostgreSQL prepares each once per connection: the
//! statement cache keys a boxed query (and a [`SearchPage`] made of them) by its SQL text, and
//! [`ThreadActivity`] by its type.
//! Diesel's `sql()` and `sql_query` would mark the statement unsafe to cache instead.
//!
//! Every expression here is written as the migrations `chat_posts_reads` and
//! `chat_posts_search` index it (the provider id `COLLATE "C"`, the stored `search` words), or
//! PostgreSQL would not use the index.

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel::expression::is_aggregate::Never;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz, Uuid};

use crate::search_steps::SearchTable;
#[cfg(doc)]
use crate::search_steps::{SearchPage, SearchSteps};

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

#[diesel::declare_sql_function]
extern "SQL" {
    /// The first `n` characters of `text`.
    fn left(text: Text, n: Integer) -> Text;
}

/// The provider id compared byte by byte, as the indexes order it.
#[derive(Debug, Clone, Copy)]
pub(super) struct ExternalIdBytes;

fragment!(ExternalIdBytes, Text);

impl QueryFragment<Pg> for ExternalIdBytes {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("chat_posts.external_id COLLATE \"C\"");
        Ok(())
    }
}

/// Posts strictly older than a cursor, newest first: `(posted_at, external_id) < (…, …)`, so
/// the index walk starts there.
#[derive(Debug, Clone)]
pub(super) struct Before {
    pub(super) posted_at: DateTime<Utc>,
    pub(super) external_id: String,
}

fragment!(Before, Bool);

impl QueryFragment<Pg> for Before {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // A subquery, so no plan knows the cursor (see `page_plan.rs`).
        out.push_sql("(chat_posts.posted_at, chat_posts.external_id COLLATE \"C\") < (SELECT ");
        out.push_bind_param::<Timestamptz, _>(&self.posted_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.external_id)?;
        out.push_sql(")");
        Ok(())
    }
}

/// Posts whose words match a web-style search (`"a phrase"`, `or`, `-word`), in the `simple`
/// configuration of the stored `search` column.
#[derive(Debug, Clone)]
pub(super) struct Matches(pub(super) String);

fragment!(Matches, Bool);

impl QueryFragment<Pg> for Matches {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // A subquery, so the query is parsed once per statement (an InitPlan): a prepared
        // statement's generic plan would otherwise parse it again for every row it tests.
        out.push_sql("chat_posts.search @@ (SELECT websearch_to_tsquery('simple', ");
        out.push_bind_param::<Text, _>(&self.0)?;
        out.push_sql("))");
        Ok(())
    }
}

/// Posts older than the `edge` of a [`SearchPage`]: the ones its walk did not reach.
#[derive(Debug, Clone, Copy)]
pub(super) struct OlderThanEdge;

fragment!(OlderThanEdge, Bool);

impl QueryFragment<Pg> for OlderThanEdge {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // The time as an expression no index holds: PostgreSQL would otherwise AND the day's
        // matches with a bitmap of the time index over every older post.
        out.push_sql(
            "(chat_posts.posted_at + interval '0', chat_posts.external_id COLLATE \"C\") < \
             (SELECT e.posted_at, e.external_id COLLATE \"C\" FROM edge e)",
        );
        Ok(())
    }
}

/// Posts of the day a [`SearchPage`]'s `older` step is at (`period.n`, a key of the
/// `(search_day, search)` word index).
#[derive(Debug, Clone, Copy)]
pub(super) struct InDay;

fragment!(InDay, Bool);

impl QueryFragment<Pg> for InDay {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("chat_posts.search_day = period.n");
        Ok(())
    }
}

/// The post time as an expression no index holds, to sort a day's matches: PostgreSQL would
/// otherwise walk the time index testing each post.
#[derive(Debug, Clone, Copy)]
pub(super) struct PostedUnindexed;

fragment!(PostedUnindexed, Timestamptz);

impl QueryFragment<Pg> for PostedUnindexed {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("chat_posts.posted_at + interval '0'");
        Ok(())
    }
}

/// Where a chat search reads: a channel's live posts, day by day.
pub(super) static POSTS: SearchTable = SearchTable {
    table: "chat_posts",
    scope: "channel_id",
    live: " AND NOT s.deleted",
    time: "posted_at",
    key: "external_id",
    key_order: " COLLATE \"C\"",
    period_of: "chat_search_day",
};

/// The page of a channel's search: the posts of `found f` read by key, newest first
/// (the [`SearchSteps`] over [`POSTS`], their `older` filtered by [`OlderThanEdge`] and
/// [`InDay`], come before it in the statement).
pub(super) struct FoundPosts {
    /// The channel.
    pub(super) channel: uuid::Uuid,
    /// Characters of each post's text read.
    pub(super) chars: i32,
    /// Rows to read, the steps' `fetch`.
    pub(super) rows: i64,
}

impl Query for FoundPosts {
    type SqlType =
        (Text, Text, Nullable<Text>, Text, Timestamptz, Nullable<Timestamptz>, Nullable<Text>);
}

impl QueryFragment<Pg> for FoundPosts {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "SELECT chat_posts.external_id, chat_posts.author_id, chat_posts.author_name, \
                    left(chat_posts.text, ",
        );
        out.push_bind_param::<Integer, _>(&self.chars)?;
        out.push_sql(
            "), chat_posts.posted_at, chat_posts.edited_at, chat_posts.thread_root \
             FROM found f JOIN chat_posts ON chat_posts.channel_id = ",
        );
        out.push_bind_param::<Uuid, _>(&self.channel)?;
        out.push_sql(&format!(
            " AND chat_posts.external_id = f.external_id \
             ORDER BY f.posted_at DESC, f.external_id COLLATE \"C\" DESC LIMIT {}",
            self.rows
        ));
        Ok(())
    }
}

/// The reply counts, latest reply times and latest replies of a page's thread roots, in one
/// statement: for each root, one walk of the `chat_posts_live_replies` index gives its newest
/// `replies` with the count and latest time of all of them (window aggregates, computed
/// before the limit: a second walk per root for the count cost a third of the statement). A
/// root without live replies gives no row.
#[derive(Debug, Clone)]
pub(super) struct ThreadActivity {
    pub(super) channel: uuid::Uuid,
    pub(super) roots: Vec<String>,
    pub(super) replies: i64,
    pub(super) chars: i32,
}

/// A row of [`ThreadActivity`]: the root, its count and latest time, then one reply.
pub(super) type ActivityRow = (
    String,
    i64,
    DateTime<Utc>,
    String,
    String,
    Option<String>,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

impl QueryId for ThreadActivity {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for ThreadActivity {
    type SqlType = (
        Text,
        BigInt,
        Timestamptz,
        Text,
        Text,
        Nullable<Text>,
        Text,
        Timestamptz,
        Nullable<Timestamptz>,
    );
}

impl QueryFragment<Pg> for ThreadActivity {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "SELECT root.id, r.replies, r.latest, r.external_id, r.author_id, \
                    r.author_name, left(r.text, ",
        );
        out.push_bind_param::<Integer, _>(&self.chars)?;
        out.push_sql("), r.posted_at, r.edited_at FROM unnest(");
        out.push_bind_param::<Array<Text>, _>(&self.roots)?;
        out.push_sql(
            ") AS root(id) \
             CROSS JOIN LATERAL (SELECT c.external_id, c.author_id, c.author_name, c.text, \
                                        c.posted_at, c.edited_at, \
                                        count(*) OVER () AS replies, \
                                        max(c.posted_at) OVER () AS latest \
                                   FROM chat_posts c \
                                  WHERE c.channel_id = ",
        );
        out.push_bind_param::<Uuid, _>(&self.channel)?;
        out.push_sql(
            " AND c.thread_root = root.id AND NOT c.deleted \
                                  ORDER BY c.posted_at DESC, c.external_id COLLATE \"C\" DESC \
                                  LIMIT ",
        );
        out.push_bind_param::<BigInt, _>(&self.replies)?;
        out.push_sql(") AS r ORDER BY root.id, r.posted_at DESC, r.external_id COLLATE \"C\" DESC");
        Ok(())
    }
}
