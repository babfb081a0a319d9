//! The post pages' SQL that diesel's DSL cannot spell (a row comparison under a collation,
//! full-text search on the indexed expression, a lateral join), as fragments and one statement
//! with fixed SQL and bind parameters, so PostgreSQL prepares each once per connection: the
//! statement cache keys a boxed query by its SQL text, and [`ThreadActivity`] by its type.
//! Diesel's `sql()` and `sql_query` would mark the statement unsafe to cache instead.
//!
//! Every expression here is written as the migration `chat_posts_reads` indexes it (the
//! provider id `COLLATE "C"`, `to_tsvector('simple', text)`), or PostgreSQL would not use the
//! index.

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel::expression::is_aggregate::Never;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz, Uuid};

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
        out.push_sql("(chat_posts.posted_at, chat_posts.external_id COLLATE \"C\") < (");
        out.push_bind_param::<Timestamptz, _>(&self.posted_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.external_id)?;
        out.push_sql(")");
        Ok(())
    }
}

/// Posts whose words match a web-style search (`"a phrase"`, `or`, `-word`), in the `simple`
/// configuration of the search index.
#[derive(Debug, Clone)]
pub(super) struct Matches(pub(super) String);

fragment!(Matches, Bool);

impl QueryFragment<Pg> for Matches {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("to_tsvector('simple', chat_posts.text) @@ websearch_to_tsquery('simple', ");
        out.push_bind_param::<Text, _>(&self.0)?;
        out.push_sql(")");
        Ok(())
    }
}

/// The reply counts, latest reply times and latest replies of a page's thread roots, in one
/// statement: for each root, the count and the newest `replies` read from the
/// `chat_posts_live_replies` index. A root without live replies gives no row.
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
            "SELECT root.id, counted.replies, counted.latest, r.external_id, r.author_id, \
                    r.author_name, left(r.text, ",
        );
        out.push_bind_param::<Integer, _>(&self.chars)?;
        out.push_sql("), r.posted_at, r.edited_at FROM unnest(");
        out.push_bind_param::<Array<Text>, _>(&self.roots)?;
        out.push_sql(
            ") AS root(id) \
             CROSS JOIN LATERAL (SELECT count(*) AS replies, max(c.posted_at) AS latest \
                                   FROM chat_posts c \
                                  WHERE c.channel_id = ",
        );
        out.push_bind_param::<Uuid, _>(&self.channel)?;
        out.push_sql(
            " AND c.thread_root = root.id AND NOT c.deleted) AS counted \
             CROSS JOIN LATERAL (SELECT c.external_id, c.author_id, c.author_name, c.text, \
                                        c.posted_at, c.edited_at \
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
