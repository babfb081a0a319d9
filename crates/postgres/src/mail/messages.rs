//! Messages of linked mailboxes and their folder links.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::QueryFragment;
use diesel::sql_types::{Bool, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::mail::{
    MailAccountId, MailFolderId, MailMessageId, MessagePage, MessageQuery, StoredMessage,
};
use switchboard_ports::StoreError;

use super::filters::{
    Before, FolderIds, FromAddress, InFound, InWeek, Matches, OlderThanEdge, ReceivedUnindexed,
    Unread,
};
use super::rows::{MessageRow, SummaryRow};
use super::search::{MESSAGES, SEARCH_WINDOW};
use crate::PgTx;
use crate::error::store_error;
use crate::page_plan::{LimitRows, begin_generic_plan, end_generic_plan, page_rows, unplanned};
use crate::schema::{mail_accounts, mail_message_folders, mail_messages};
use crate::search_steps::{SearchPage, SearchSteps};

/// Rows per statement: PostgreSQL takes at most 65 535 bind parameters (18 per message).
const CHUNK: usize = 2_000;

pub(super) async fn upsert(
    tx: &mut PgTx,
    messages: &[StoredMessage],
) -> Result<Vec<MailMessageId>, StoreError> {
    let unique = super::last_of(messages, |m| (m.account_id, m.provider_id.as_str()));
    let mut ids: HashMap<(uuid::Uuid, String), uuid::Uuid> = HashMap::new();
    // Messages stored before this statement, whose old folder links go: a new message has none
    // to delete (and a first sync writes only new ones).
    let mut updated: Vec<uuid::Uuid> = Vec::new();
    for chunk in unique.chunks(CHUNK) {
        let rows = chunk.iter().map(|m| MessageRow::new(m)).collect::<Result<Vec<_>, _>>()?;
        let stored: Vec<(uuid::Uuid, uuid::Uuid, String, bool)> =
            diesel::insert_into(mail_messages::table)
                .values(rows)
                .on_conflict((mail_messages::account_id, mail_messages::provider_id))
                .do_update()
                .set((
                    mail_messages::thread_key.eq(excluded(mail_messages::thread_key)),
                    mail_messages::subject.eq(excluded(mail_messages::subject)),
                    mail_messages::from_name.eq(excluded(mail_messages::from_name)),
                    mail_messages::from_address.eq(excluded(mail_messages::from_address)),
                    mail_messages::to_addresses.eq(excluded(mail_messages::to_addresses)),
                    mail_messages::cc_addresses.eq(excluded(mail_messages::cc_addresses)),
                    mail_messages::received_at.eq(excluded(mail_messages::received_at)),
                    mail_messages::sent_at.eq(excluded(mail_messages::sent_at)),
                    mail_messages::unread.eq(excluded(mail_messages::unread)),
                    mail_messages::has_attachments.eq(excluded(mail_messages::has_attachments)),
                    mail_messages::snippet.eq(excluded(mail_messages::snippet)),
                    mail_messages::internet_message_id
                        .eq(excluded(mail_messages::internet_message_id)),
                    // A listing comes without bodies: keep those a full read stored.
                    mail_messages::body_text.eq(sql::<Nullable<Text>>(
                        "coalesce(excluded.body_text, mail_messages.body_text)",
                    )),
                    mail_messages::body_html.eq(sql::<Nullable<Text>>(
                        "coalesce(excluded.body_html, mail_messages.body_html)",
                    )),
                    // Nor does it describe the attachments it says are there.
                    mail_messages::attachments.eq(sql::<Jsonb>(
                        "CASE WHEN excluded.has_attachments AND excluded.attachments = '[]' \
                         THEN mail_messages.attachments ELSE excluded.attachments END",
                    )),
                ))
                .returning((
                    mail_messages::id,
                    mail_messages::account_id,
                    mail_messages::provider_id,
                    // The row was inserted, not updated: an updated row's new version carries
                    // the transaction that locked it on the conflict.
                    sql::<Bool>("mail_messages.xmax = 0"),
                ))
                .get_results(tx.conn())
                .await
                .map_err(store_error)?;
        for (id, account, provider, inserted) in stored {
            if !inserted {
                updated.push(id);
            }
            ids.insert((account, provider), id);
        }
    }
    let stored_id = |m: &StoredMessage| {
        let key = (m.account_id.as_uuid(), m.provider_id.clone());
        ids.get(&key).copied().unwrap_or_else(|| m.id.as_uuid())
    };
    let links: Vec<Link> = unique
        .iter()
        .flat_map(|m| {
            let (id, received_at, thread) = (stored_id(m), m.received_at, m.thread_key.as_str());
            m.folder_ids.iter().map(move |f| (id, f.as_uuid(), received_at, thread))
        })
        .collect();
    relink(tx, &updated, links).await?;
    Ok(messages.iter().map(|m| MailMessageId::from_uuid(stored_id(m))).collect())
}

/// A folder link: the message, the folder, and the message's receipt time, which the hourly
/// counts per folder read (kept by triggers on the links), and its conversation, which a
/// folder's threads are read by.
type Link<'a> = (uuid::Uuid, uuid::Uuid, DateTime<Utc>, &'a str);

/// Deletes the folder links of the `updated` messages, then inserts `links` in chunks.
/// Never an update of a link: the hourly counts follow inserts and deletes only.
async fn relink(
    tx: &mut PgTx,
    updated: &[uuid::Uuid],
    mut links: Vec<Link<'_>>,
) -> Result<(), StoreError> {
    if !updated.is_empty() {
        diesel::delete(
            mail_message_folders::table.filter(mail_message_folders::message_id.eq_any(updated)),
        )
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    }
    links.sort_unstable();
    links.dedup_by_key(|(message, folder, _, _)| (*message, *folder));
    // Four parameters a link: 16,000 links take 64,000 of the 65,535.
    for chunk in links.chunks(CHUNK * 8) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(message, folder, received_at, thread)| {
                (
                    mail_message_folders::message_id.eq(*message),
                    mail_message_folders::folder_id.eq(*folder),
                    mail_message_folders::received_at.eq(*received_at),
                    mail_message_folders::thread_key.eq(*thread),
                )
            })
            .collect();
        diesel::insert_into(mail_message_folders::table)
            .values(rows)
            .execute(tx.conn())
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

pub(super) async fn remove(
    tx: &mut PgTx,
    account: MailAccountId,
    provider_ids: &[String],
) -> Result<u64, StoreError> {
    // Their folder links go with them (ON DELETE CASCADE).
    let removed = diesel::delete(
        mail_messages::table
            .filter(mail_messages::account_id.eq(account.as_uuid()))
            .filter(mail_messages::provider_id.eq_any(provider_ids)),
    )
    .execute(tx.conn())
    .await
    .map_err(store_error)?;
    Ok(u64::try_from(removed).unwrap_or(u64::MAX))
}

/// The stored messages of `rows`, each with its folders, read in one more statement.
/// The folders of each of `ids`, in one query.
async fn folders_of(
    tx: &mut PgTx,
    ids: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, Vec<MailFolderId>>, StoreError> {
    let links: Vec<(uuid::Uuid, uuid::Uuid)> = mail_message_folders::table
        .filter(mail_message_folders::message_id.eq_any(ids))
        .order((mail_message_folders::message_id, mail_message_folders::folder_id))
        .select((mail_message_folders::message_id, mail_message_folders::folder_id))
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    let mut folders: HashMap<uuid::Uuid, Vec<MailFolderId>> = HashMap::new();
    for (message, folder) in links {
        folders.entry(message).or_default().push(MailFolderId::from_uuid(folder));
    }
    Ok(folders)
}

pub(super) async fn with_folders(
    tx: &mut PgTx,
    rows: Vec<MessageRow>,
) -> Result<Vec<StoredMessage>, StoreError> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let mut folders = folders_of(tx, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let of = folders.remove(&r.id).unwrap_or_default();
            r.message(of)
        })
        .collect()
}

/// `$select` narrowed to the page's account (`$user`'s), the `$query`'s thread, sender,
/// flags, time bounds and cursor (not its folder nor its words), its time bounds on the column
/// `$time` and its cursor on the columns `$cursor` ([`Before`]): those of the index the page
/// walks. A macro rather than a function: a mailbox's pages select from its messages and a
/// folder's from the folder's links joined to them, and diesel's boxed queries of two tables
/// share a function only through a bound per filter.
macro_rules! narrowed {
    ($select:expr, $user:expr, $query:expr, $time:path, $cursor:expr) => {{
        let (user, query): (UserId, &MessageQuery) = ($user, $query);
        let owned = mail_accounts::table
            .filter(mail_accounts::id.eq(query.account.as_uuid()))
            .filter(mail_accounts::user_id.eq(user.as_uuid()))
            .select(mail_accounts::id);
        // A scalar subquery (an InitPlan): neither plan knows the account, so the generic plan
        // costs the same as a custom one and PostgreSQL keeps it (see `page_plan.rs`).
        let mut select =
            $select.filter(mail_messages::account_id.nullable().eq(owned.single_value()));
        if let Some(thread) = &query.thread {
            select =
                select.filter(mail_messages::thread_key.eq(unplanned::<Text, _>(thread.clone())));
        }
        if let Some(from) = &query.from {
            select = select.filter(FromAddress(from.clone()));
        }
        if let Some(unread) = query.unread {
            select = select.filter(Unread(unread));
        }
        if let Some(has) = query.has_attachments {
            select = select.filter(mail_messages::has_attachments.eq(unplanned::<Bool, _>(has)));
        }
        if let Some(since) = query.since {
            select = select.filter($time.ge(unplanned::<Timestamptz, _>(since)));
        }
        if let Some(until) = query.until {
            select = select.filter($time.lt(unplanned::<Timestamptz, _>(until)));
        }
        if let Some(after) = query.after {
            let (received_at, id) = (after.received_at, after.id.as_uuid());
            select = select.filter(Before { columns: $cursor, received_at, id });
        }
        select
    }};
}

/// `$columns` of the messages of `$folder` read along the folder's links, newest first, and
/// `narrowed!` as the page asks: a page costs its rows whatever share of the mailbox the
/// folder holds. A macro for the reason `narrowed!` is one (a page's rows and a search's walk
/// select different columns).
macro_rules! in_folder {
    ($columns:expr, $folder:expr, $user:expr, $query:expr) => {{
        let folder: MailFolderId = $folder;
        let links = mail_message_folders::table
            .inner_join(mail_messages::table)
            .select($columns)
            .filter(mail_message_folders::folder_id.eq(unplanned::<SqlUuid, _>(folder.as_uuid())))
            .into_boxed();
        narrowed!(links, $user, $query, mail_message_folders::received_at, Before::LINKS).order((
            mail_message_folders::received_at.desc(),
            mail_message_folders::message_id.desc(),
        ))
    }};
}

pub(super) async fn page(
    tx: &mut PgTx,
    user: UserId,
    query: &MessageQuery,
) -> Result<MessagePage, StoreError> {
    let fetch = page_rows(query.limit);
    let newest = (mail_messages::received_at.desc(), mail_messages::id.desc());
    let columns = || mail_messages::table.select((SummaryRow::as_select(), FolderIds)).into_boxed();
    let rows: Vec<(SummaryRow, Vec<uuid::Uuid>)> = match &query.q {
        None => match query.folder {
            None => LimitRows { query: scoped(columns(), user, query).order(newest), rows: fetch }
                .load(tx.conn())
                .await
                .map_err(store_error)?,
            Some(folder) => {
                let links = in_folder!((SummaryRow::as_select(), FolderIds), folder, user, query);
                LimitRows { query: links, rows: fetch }
                    .load(tx.conn())
                    .await
                    .map_err(store_error)?
            }
        },
        Some(q) => {
            let keys =
                || mail_messages::table.select((mail_messages::received_at, mail_messages::id));
            // The newest messages the search tests one by one: a folder's along its links (a
            // folder holding 0.5 % of the mail walked 6,000 of the mailbox's for 30 of its
            // own: 16 ms), else the mailbox's.
            let recent: Box<dyn QueryFragment<Pg> + Send> = match query.folder {
                Some(folder) => {
                    let columns =
                        (mail_message_folders::received_at, mail_messages::id, Matches(q.clone()));
                    Box::new(in_folder!(columns, folder, user, query))
                }
                None => Box::new(
                    scoped(
                        mail_messages::table
                            .select((
                                mail_messages::received_at,
                                mail_messages::id,
                                Matches(q.clone()),
                            ))
                            .into_boxed(),
                        user,
                        query,
                    )
                    .order(newest),
                ),
            };
            let statement = SearchPage {
                steps: SearchSteps {
                    table: &MESSAGES,
                    scope: query.account.as_uuid(),
                    recent,
                    older: scoped(keys().into_boxed(), user, query)
                        .filter(InWeek)
                        .filter(Matches(q.clone()))
                        .filter(OlderThanEdge)
                        .order((ReceivedUnindexed.desc(), mail_messages::id.desc())),
                    window: SEARCH_WINDOW,
                    fetch,
                },
                page: LimitRows { query: columns().filter(InFound).order(newest), rows: fetch },
            };
            begin_generic_plan(tx.conn()).await.map_err(store_error)?;
            let rows = statement.load(tx.conn()).await;
            end_generic_plan(tx.conn(), rows).await.map_err(store_error)?
        }
    };
    let found = rows
        .into_iter()
        .map(|(r, folders)| r.summary(folders.into_iter().map(MailFolderId::from_uuid).collect()))
        .collect();
    Ok(MessagePage::from_fetched(found, query.limit))
}

/// `select` narrowed to the page's scope: `user`'s account, the query's folder, thread,
/// sender, flags, time bounds and cursor (not its words), along the mailbox's time index.
fn scoped<'a, ST: 'static>(
    select: mail_messages::BoxedQuery<'a, Pg, ST>,
    user: UserId,
    query: &MessageQuery,
) -> mail_messages::BoxedQuery<'a, Pg, ST> {
    let mut select = select;
    if let Some(folder) = query.folder {
        let linked = mail_message_folders::table
            .filter(mail_message_folders::folder_id.eq(unplanned::<SqlUuid, _>(folder.as_uuid())))
            .select(mail_message_folders::message_id);
        select = select.filter(mail_messages::id.eq_any(linked));
    }
    narrowed!(select, user, query, mail_messages::received_at, Before::MESSAGES)
}

pub(super) async fn of_user_by_id(
    tx: &mut PgTx,
    user: UserId,
    id: MailMessageId,
) -> Result<Option<StoredMessage>, StoreError> {
    let owned = mail_accounts::table
        .filter(mail_accounts::user_id.eq(user.as_uuid()))
        .select(mail_accounts::id);
    let rows: Vec<MessageRow> = mail_messages::table
        .find(id.as_uuid())
        .filter(mail_messages::account_id.eq_any(owned))
        .select(MessageRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(with_folders(tx, rows).await?.pop())
}

pub(super) async fn by_ids(
    tx: &mut PgTx,
    account: MailAccountId,
    ids: &[MailMessageId],
) -> Result<Vec<StoredMessage>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.as_uuid()).collect();
    let rows: Vec<MessageRow> = mail_messages::table
        .filter(mail_messages::id.eq_any(&ids))
        .filter(mail_messages::account_id.eq(account.as_uuid()))
        .select(MessageRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    with_folders(tx, rows).await
}

pub(super) async fn by_provider_ids(
    tx: &mut PgTx,
    account: MailAccountId,
    provider_ids: &[String],
) -> Result<Vec<StoredMessage>, StoreError> {
    if provider_ids.is_empty() {
        return Ok(Vec::new());
    }
    // The (account_id, provider_id) unique index answers it.
    let rows: Vec<MessageRow> = mail_messages::table
        .filter(mail_messages::account_id.eq(account.as_uuid()))
        .filter(mail_messages::provider_id.eq_any(provider_ids))
        .select(MessageRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    with_folders(tx, rows).await
}

/// The provider ids of `account`'s messages received at or after `since`, those linked to
/// `folder` when given. A folder's: its links by their folder index, then those messages by
/// primary key (`id = ANY(…)`), so each folder costs its own size, not the mailbox's. One
/// statement joining the two ran in 6 s for a mailbox of 20,000 messages synced moments
/// before: statistics not yet knowing its rows, the plan walked the folder's links again for
/// each message.
pub(super) async fn provider_ids_since(
    tx: &mut PgTx,
    account: MailAccountId,
    folder: Option<MailFolderId>,
    since: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let recent =
        mail_messages::account_id.eq(account.as_uuid()).and(mail_messages::received_at.ge(since));
    let Some(folder) = folder else {
        return mail_messages::table
            .filter(recent)
            .select(mail_messages::provider_id)
            .load(tx.conn())
            .await
            .map_err(store_error);
    };
    // Along the folder's time index: the folder's recent links, not all of them.
    mail_message_folders::table
        .inner_join(mail_messages::table)
        .filter(mail_message_folders::folder_id.eq(folder.as_uuid()))
        .filter(mail_message_folders::received_at.ge(since))
        .filter(mail_messages::account_id.eq(account.as_uuid()))
        .select(mail_messages::provider_id)
        .load(tx.conn())
        .await
        .map_err(store_error)
}

pub(super) async fn count(tx: &mut PgTx, account: MailAccountId) -> Result<u64, StoreError> {
    let count: i64 = mail_messages::table
        .filter(mail_messages::account_id.eq(account.as_uuid()))
        .count()
        .get_result(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(u64::try_from(count).unwrap_or_default())
}

pub(super) async fn thread(
    tx: &mut PgTx,
    user: UserId,
    account: Option<MailAccountId>,
    thread_key: &str,
    limit: u32,
) -> Result<Vec<StoredMessage>, StoreError> {
    let mut owned =
        mail_accounts::table.filter(mail_accounts::user_id.eq(user.as_uuid())).into_boxed();
    if let Some(account) = account {
        owned = owned.filter(mail_accounts::id.eq(account.as_uuid()));
    }
    let rows: Vec<MessageRow> = mail_messages::table
        .filter(mail_messages::account_id.eq_any(owned.select(mail_accounts::id)))
        .filter(mail_messages::thread_key.eq(thread_key))
        .order((mail_messages::received_at, mail_messages::id))
        .limit(i64::from(limit))
        .select(MessageRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    with_folders(tx, rows).await
}
