//! How stored mail is ordered for clients, the same whichever store read it: folders as a
//! tree, thread pages with their next cursor.

use std::collections::{BTreeMap, HashSet};

use super::{MailFolder, MailFolderId, ThreadCursor, ThreadPage, ThreadSummary};

/// An account's folders in tree order: each parent before its children, siblings by name
/// (then id). A folder whose parent is not among them is shown at the top.
///
/// ```
/// use switchboard_domain::mail::{FolderKind, MailAccountId, MailFolder, MailFolderId, tree_order};
///
/// let account = MailAccountId::new();
/// let folder = |name: &str, parent: Option<MailFolderId>| MailFolder {
///     id: MailFolderId::new(), account_id: account, provider_id: name.into(), parent_id: parent,
///     name: name.into(), kind: FolderKind::Folder, role: None, total: None, unread: None,
///     sync_cursor: None,
/// };
/// let inbox = folder("Inbox", None);
/// let work = folder("Work", Some(inbox.id));
/// let archive = folder("Archive", None);
/// let names: Vec<String> = tree_order(vec![work.clone(), inbox.clone(), archive.clone()])
///     .into_iter().map(|f| f.name).collect();
/// assert_eq!(names, ["Archive", "Inbox", "Work"]);
/// ```
pub fn tree_order(folders: Vec<MailFolder>) -> Vec<MailFolder> {
    let ids: HashSet<MailFolderId> = folders.iter().map(|f| f.id).collect();
    let mut children: BTreeMap<Option<MailFolderId>, Vec<MailFolder>> = BTreeMap::new();
    for folder in folders {
        let parent = folder.parent_id.filter(|p| ids.contains(p) && *p != folder.id);
        children.entry(parent).or_default().push(folder);
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
    }
    let mut ordered = Vec::with_capacity(ids.len());
    // Depth first with an explicit stack: a provider's tree may be deep.
    let mut stack: Vec<MailFolder> = children.remove(&None).unwrap_or_default();
    stack.reverse();
    while let Some(folder) = stack.pop() {
        if let Some(mut kids) = children.remove(&Some(folder.id)) {
            kids.reverse();
            stack.extend(kids);
        }
        ordered.push(folder);
    }
    // Folders caught in a parent cycle never reach the top: show them last rather than lose them.
    ordered.extend(children.into_values().flatten());
    ordered
}

/// A page of `found`, fetched with one item more than `limit` asked: that extra one only
/// tells that a next page exists, which starts after the page's last item.
pub(super) fn keyset_page<T, C>(
    mut found: Vec<T>,
    limit: u32,
    after: impl Fn(&T) -> C,
) -> (Vec<T>, Option<C>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = found.len() > limit;
    found.truncate(limit);
    let next = if more { found.last().map(after) } else { None };
    (found, next)
}

impl ThreadPage {
    /// The page of `found` (newest activity first), fetched with one thread more than `limit`
    /// asked: that extra one only tells that a next page exists.
    pub fn from_fetched(found: Vec<ThreadSummary>, limit: u32) -> Self {
        let (threads, next) = keyset_page(found, limit, ThreadCursor::after);
        Self { threads, next }
    }
}

impl ThreadCursor {
    /// The cursor just past `thread`.
    pub fn after(thread: &ThreadSummary) -> Self {
        Self { latest_at: thread.latest_at, thread_key: thread.thread_key.clone() }
    }
}
