//! The operations that change a channel, with each provider's documented side effects.

use super::{Channel, Post};

impl Channel {
    /// Appends a post created at `created_us`, later than every post already there.
    /// A reply also touches its root's `update_at`, as Mattermost does.
    pub(crate) fn append(
        &mut self,
        id: String,
        user: usize,
        created_us: i64,
        text: String,
        root: Option<usize>,
    ) -> usize {
        let index = self.posts.len();
        self.by_id.insert(id.clone(), index);
        self.posts.push(Post {
            id,
            user,
            created_us,
            updated_us: created_us,
            edited: None,
            deleted_us: None,
            text,
            root,
            replies: Vec::new(),
            origin: super::Origin::Person,
            revisions: Vec::new(),
            attachments: Vec::new(),
            files: Vec::new(),
        });
        if let Some(root) = root.and_then(|r| self.posts.get_mut(r)) {
            root.replies.push(index);
            root.updated_us = root.updated_us.max(created_us);
        }
        index
    }

    /// Replaces a post's text, keeping the version replaced.
    pub(crate) fn edit(&mut self, index: usize, text: String, editor: usize, at_us: i64) {
        if let Some(post) = self.posts.get_mut(index).filter(|p| p.is_live()) {
            post.revisions.push(super::Revision { edited: post.edited, replaced_us: at_us });
            post.text = text;
            post.edited = Some((at_us, editor));
            post.updated_us = at_us;
        }
    }

    /// Deletes a post; with `cascade` (Mattermost) a root takes its replies with it.
    pub(crate) fn delete(&mut self, index: usize, at_us: i64, cascade: bool) {
        let replies = match self.posts.get_mut(index) {
            Some(post) if post.is_live() => {
                post.deleted_us = Some(at_us);
                post.updated_us = at_us;
                if cascade { post.replies.clone() } else { Vec::new() }
            }
            _ => return,
        };
        for reply in replies {
            self.delete(reply, at_us, false);
        }
    }

    /// The live replies of the post at `index`.
    pub(crate) fn live_replies(&self, index: usize) -> impl Iterator<Item = &Post> {
        self.posts
            .get(index)
            .map(|p| p.replies.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|&i| self.posts.get(i))
            .filter(|p| p.is_live())
    }

    /// Index of the first post created at or after `us`.
    pub(crate) fn first_at_or_after(&self, us: i64) -> usize {
        self.posts.partition_point(|p| p.created_us < us)
    }

    pub(crate) fn is_member(&self, user: usize) -> bool {
        self.members.binary_search(&user).is_ok()
    }
}
