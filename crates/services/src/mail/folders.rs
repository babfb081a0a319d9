//! A mailbox's folders as the provider lists them: stored parents first (so a child finds its
//! parent's id), each keeping its id and sync cursor, and those no longer listed removed.

use std::collections::{HashMap, HashSet};

use switchboard_domain::mail::{MailAccount, MailFolder, MailFolderId, RemoteFolder};
use switchboard_ports::{MailStore, Ports, UnitOfWork};

use super::{MailService, MailServiceError};

impl<P: Ports> MailService<P> {
    /// Upserts the provider's folders (parents first, so children find their parents' ids)
    /// and deletes those it no longer lists; answers the stored folders.
    pub(super) async fn save_folders(
        &self,
        account: &MailAccount,
        remote: &[RemoteFolder],
    ) -> Result<Vec<MailFolder>, MailServiceError> {
        let id = account.id;
        let remote = parents_first(remote);
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let known = tx.mail_folders(id).await?;
                    let mut ours: HashMap<String, (MailFolderId, Option<String>)> =
                        known.into_iter().map(|f| (f.provider_id, (f.id, f.sync_cursor))).collect();
                    let mut folders = Vec::with_capacity(remote.len());
                    for r in &remote {
                        let (folder_id, cursor) = ours
                            .entry(r.id.clone())
                            .or_insert_with(|| (MailFolderId::new(), None))
                            .clone();
                        let parent = r.parent_id.as_ref().and_then(|p| ours.get(p)).map(|p| p.0);
                        folders.push(MailFolder {
                            id: folder_id,
                            account_id: id,
                            provider_id: r.id.clone(),
                            parent_id: parent,
                            name: r.name.clone(),
                            kind: r.kind,
                            role: r.role,
                            total: r.total,
                            unread: r.unread,
                            sync_cursor: cursor,
                        });
                    }
                    let saved = tx.upsert_mail_folders(&folders).await?;
                    let keep: Vec<String> = remote.iter().map(|r| r.id.clone()).collect();
                    tx.retain_mail_folders(id, &keep).await?;
                    Ok::<_, MailServiceError>(saved)
                })
            })
            .await
    }
}

/// `folders` with every parent before its children (a parent missing from the list does not
/// hold its children back).
fn parents_first(folders: &[RemoteFolder]) -> Vec<RemoteFolder> {
    let mut placed: HashSet<&str> = HashSet::new();
    let listed: HashSet<&str> = folders.iter().map(|f| f.id.as_str()).collect();
    let mut ordered = Vec::with_capacity(folders.len());
    let mut left: Vec<&RemoteFolder> = folders.iter().collect();
    while !left.is_empty() {
        let before = left.len();
        left.retain(|f| {
            let ready =
                f.parent_id.as_deref().is_none_or(|p| !listed.contains(p) || placed.contains(p));
            if ready {
                placed.insert(f.id.as_str());
                ordered.push((*f).clone());
            }
            !ready
        });
        if left.len() == before {
            // A cycle: keep the provider's order for the rest.
            ordered.extend(left.drain(..).cloned());
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use switchboard_domain::mail::FolderKind;

    use super::*;

    fn folder(id: &str, parent: Option<&str>) -> RemoteFolder {
        RemoteFolder {
            id: id.to_owned(),
            parent_id: parent.map(str::to_owned),
            name: id.to_owned(),
            kind: FolderKind::Folder,
            role: None,
            total: None,
            unread: None,
        }
    }

    #[test]
    fn parents_come_before_their_children_whatever_the_providers_order() {
        let listed = [
            folder("grandchild", Some("child")),
            folder("child", Some("inbox")),
            folder("orphan", Some("not-listed")),
            folder("inbox", None),
        ];
        let ids: Vec<String> = parents_first(&listed).into_iter().map(|f| f.id).collect();
        assert_eq!(ids, ["orphan", "inbox", "child", "grandchild"]);
        let cycle = [folder("a", Some("b")), folder("b", Some("a"))];
        assert_eq!(parents_first(&cycle).len(), 2, "a cycle loses no folder");
    }
}
