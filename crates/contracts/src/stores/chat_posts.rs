//! Reading stored posts: keyset pages of a channel's live posts, their filters, nested pages
//! and a post with its thread, the same from every store.

use switchboard_domain::UserId;
use switchboard_domain::chat::ChatPost;
use switchboard_domain::chat_posts::{
    NESTED_REPLIES, PostKey, PostListing, PostQuery, PostThread, SUMMARY_CHARS, Threads,
};
use switchboard_domain::chat_sources::ChannelId;
use switchboard_ports::{ChatStore, UnitOfWork};

use super::chat::upsert;
use super::{StoreHarness, at, post, seeded};

async fn page<H: StoreHarness>(store: &H, owner: UserId, query: PostQuery) -> PostListing {
    store
        .uow()
        .read(move |tx| Box::pin(async move { tx.chat_post_page(owner, &query).await }))
        .await
        .unwrap()
}

async fn thread<H: StoreHarness>(
    store: &H,
    owner: UserId,
    key: PostKey,
    replies: u32,
) -> Option<PostThread> {
    store
        .uow()
        .read(move |tx| Box::pin(async move { tx.chat_post_thread(owner, &key, replies).await }))
        .await
        .unwrap()
}

fn ids(listing: &PostListing) -> Vec<&str> {
    listing.posts.iter().map(|p| p.external_id.as_str()).collect()
}

/// Every page of `query`, following the cursors: the ids in order.
async fn walk<H: StoreHarness>(store: &H, owner: UserId, mut query: PostQuery) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..100 {
        let listing = page(store, owner, query.clone()).await;
        assert!(listing.posts.len() <= query.limit as usize);
        seen.extend(listing.posts.iter().map(|p| p.external_id.clone()));
        match listing.next {
            Some(next) => query.after = Some(next),
            None => return seen,
        }
    }
    panic!("more than 100 pages")
}

fn by(author: &str, mut p: ChatPost) -> ChatPost {
    p.author_id = author.to_owned();
    p
}

fn saying(text: &str, mut p: ChatPost) -> ChatPost {
    p.text = text.to_owned();
    p
}

fn gone(mut p: ChatPost) -> ChatPost {
    p.deleted = true;
    p
}

/// A channel's live posts page newest first, ties broken by the provider id in byte order
/// (`B` before `a`), without duplicates or gaps; deleted posts are never listed; a long text
/// is cut in pages and whole in the thread.
pub async fn post_pages_run_newest_first_without_duplicates_or_gaps<H: StoreHarness>(store: &H) {
    let ada = seeded(&store.uow(), "ada@example.org").await;
    let channel = ada.channel.id;
    let long = "é".repeat(SUMMARY_CHARS + 5);
    let posts = vec![
        post("p1", 1, None),
        post("p2", 2, None),
        post("r1", 3, Some("p1")),
        // Three posts of one time: pages break ties by id, bytes descending.
        post("a", 4, None),
        post("B", 4, None),
        post("b", 4, None),
        gone(post("x", 5, None)),
        saying(&long, post("p6", 6, None)),
        post("p7", 7, None),
    ];
    upsert(store, channel, posts).await;
    let all = walk(store, ada.owner.id, PostQuery::of(channel, 3)).await;
    assert_eq!(all, ["p7", "p6", "b", "a", "B", "r1", "p2", "p1"]);
    assert_eq!(walk(store, ada.owner.id, PostQuery::of(channel, 8)).await, all);
    let first = page(store, ada.owner.id, PostQuery::of(channel, 8)).await;
    assert_eq!(first.next, None, "exactly a page: no next");
    let long_one = &first.posts[1];
    assert_eq!(
        (long_one.text.chars().count(), long_one.truncated),
        (SUMMARY_CHARS, true),
        "a page shows a summary"
    );
    assert!(!first.posts[0].truncated);
    assert_eq!(first.posts[0].author_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(first.posts[0].posted_at, at(7));
    assert_eq!(first.posts[5].thread_root.as_deref(), Some("p1"));
    assert!(first.posts.iter().all(|p| p.thread.is_none() && p.channel == channel), "flat");

    let key = |id: &str| PostKey { channel, external_id: id.to_owned() };
    let whole = thread(store, ada.owner.id, key("p6"), 10).await.unwrap();
    assert_eq!(whole.post.text, long, "the post in full");
    assert_eq!(thread(store, ada.owner.id, key("x"), 10).await, None, "a deleted post");
    assert_eq!(thread(store, ada.owner.id, key("nope"), 10).await, None);
}

/// Time, author, thread and word filters narrow pages; words match whole, ignoring case.
pub async fn post_filters_narrow_pages<H: StoreHarness>(store: &H) {
    let ada = seeded(&store.uow(), "ada@example.org").await;
    let (owner, channel) = (ada.owner.id, ada.channel.id);
    let posts = vec![
        by("U2", saying("Deploy the release today", post("p1", 10, None))),
        saying("release notes are ready", post("p2", 20, None)),
        by("U2", saying("the RELEASE went out", post("r1", 30, Some("p1")))),
        saying("releases are weekly", post("r2", 40, Some("p1"))),
        by("U2", gone(saying("release rollback", post("r3", 50, Some("p1"))))),
        saying("coffee?", post("p3", 60, None)),
    ];
    upsert(store, channel, posts).await;
    let query = |f: &dyn Fn(&mut PostQuery)| {
        let mut q = PostQuery::of(channel, 10);
        f(&mut q);
        q
    };
    let listed = |q: PostQuery| async move { walk(store, owner, q).await };
    assert_eq!(listed(query(&|q| q.since = Some(at(20)))).await, ["p3", "r2", "r1", "p2"]);
    assert_eq!(listed(query(&|q| q.until = Some(at(20)))).await, ["p1"], "until is exclusive");
    let window = query(&|q| {
        q.since = Some(at(20));
        q.until = Some(at(40));
    });
    assert_eq!(listed(window).await, ["r1", "p2"]);
    assert_eq!(listed(query(&|q| q.author = Some("U2".into()))).await, ["r1", "p1"]);
    assert_eq!(listed(query(&|q| q.thread = Some("p1".into()))).await, ["r2", "r1"]);
    assert!(listed(query(&|q| q.thread = Some("p2".into()))).await.is_empty());
    assert_eq!(listed(query(&|q| q.q = Some("Release".into()))).await, ["r1", "p2", "p1"]);
    assert_eq!(listed(query(&|q| q.q = Some("release READY".into()))).await, ["p2"]);
    assert!(listed(query(&|q| q.q = Some("relea".into()))).await.is_empty(), "whole words");
    let mixed = query(&|q| {
        q.q = Some("release".into());
        q.author = Some("U2".into());
        q.limit = 1;
    });
    assert_eq!(listed(mixed).await, ["r1", "p1"]);
}

/// A search finds exactly the matching posts newest first, whether its words are common, rare,
/// absent or only in posts far older than the newest ten thousand, alone or with an author.
pub async fn searches_are_exact_over_many_posts<H: StoreHarness>(store: &H) {
    const POSTS: i64 = 10_400;
    let ada = seeded(&store.uow(), "ada@example.org").await;
    let (owner, channel) = (ada.owner.id, ada.channel.id);
    // "rare" in two of the newest posts and in a run of old ones, one of them deleted;
    // "common" in every third post; "U2" wrote every fifth.
    let rare = |i: i64| matches!(i, 5 | 17 | 100..=130 | 10_250 | 10_390);
    let text = |i: i64| {
        let mut words = vec!["post"];
        if rare(i) {
            words.push("rare");
        }
        if i % 3 == 0 {
            words.push("common");
        }
        words.join(" ")
    };
    let posts: Vec<ChatPost> = (0..POSTS)
        .map(|i| {
            let p = saying(&text(i), post(&format!("p{i:05}"), i, None));
            let p = if i % 5 == 0 { by("U2", p) } else { p };
            if i == 120 { gone(p) } else { p }
        })
        .collect();
    upsert(store, channel, posts).await;
    let expected = |keep: &dyn Fn(i64) -> bool| -> Vec<String> {
        (0..POSTS).rev().filter(|&i| i != 120 && keep(i)).map(|i| format!("p{i:05}")).collect()
    };
    let search = |words: &str, author: Option<&str>, limit: u32| {
        let mut q = PostQuery::of(channel, limit);
        q.q = Some(words.to_owned());
        q.author = author.map(str::to_owned);
        q
    };
    let found = walk(store, owner, search("rare", None, 10)).await;
    assert_eq!(found, expected(&rare), "the newest matches, then the old ones, no gap");
    let first = page(store, owner, search("rare", None, 10)).await;
    assert_eq!(ids(&first)[..3], ["p10390", "p10250", "p00130"]);
    assert!(first.next.is_some());
    let by_u2 = walk(store, owner, search("RARE", Some("U2"), 4)).await;
    assert_eq!(by_u2, expected(&|i| rare(i) && i % 5 == 0));
    let common = page(store, owner, search("common", None, 50)).await;
    assert_eq!(ids(&common), expected(&|i| i % 3 == 0)[..50]);
    let neither = walk(store, owner, search("rare -common", None, 7)).await;
    assert_eq!(neither, expected(&|i| rare(i) && i % 3 != 0));
    let absent = page(store, owner, search("absent", None, 10)).await;
    assert!(absent.posts.is_empty() && absent.next.is_none(), "a word no post holds");
}

/// A nested page lists top-level posts only, each root with its live replies' count, latest
/// time and latest replies newest first; its filters apply to the top-level posts.
pub async fn nested_pages_list_roots_with_their_latest_replies<H: StoreHarness>(store: &H) {
    let ada = seeded(&store.uow(), "ada@example.org").await;
    let (owner, channel) = (ada.owner.id, ada.channel.id);
    let mut posts = vec![
        post("busy", 0, None),
        post("quiet", 1, None),
        by("U2", post("lonely", 2, None)),
        post("gone-thread", 3, None),
        gone(post("gone-reply", 4, Some("gone-thread"))),
    ];
    posts.extend((0..5).map(|i| post(&format!("busy-{i}"), 10 + i, Some("busy"))));
    posts.push(gone(post("busy-deleted", 20, Some("busy"))));
    posts.push(post("quiet-1", 5, Some("quiet")));
    upsert(store, channel, posts).await;

    let nested = PostQuery { threads: Threads::Nested, ..PostQuery::of(channel, 10) };
    let listing = page(store, owner, nested.clone()).await;
    assert_eq!(ids(&listing), ["gone-thread", "lonely", "quiet", "busy"]);
    let [gone_thread, lonely, quiet, busy] = &listing.posts[..] else { panic!("four roots") };
    assert_eq!((&gone_thread.thread, &lonely.thread), (&None, &None), "no live replies");
    let quiet = quiet.thread.as_ref().unwrap();
    assert_eq!((quiet.replies, quiet.latest_reply_at), (1, at(5)));
    let busy = busy.thread.as_ref().unwrap();
    assert_eq!((busy.replies, busy.latest_reply_at), (5, at(14)), "the deleted reply left out");
    let latest: Vec<&str> = busy.latest.iter().map(|r| r.external_id.as_str()).collect();
    assert_eq!(latest.len(), NESTED_REPLIES);
    assert_eq!(latest, ["busy-4", "busy-3", "busy-2"]);
    assert_eq!(busy.latest[0].thread_root.as_deref(), Some("busy"));
    assert_eq!(busy.latest[0].text, "post busy-4");

    let paged = walk(store, owner, PostQuery { limit: 1, ..nested.clone() }).await;
    assert_eq!(paged, ["gone-thread", "lonely", "quiet", "busy"]);
    let by_u2 = PostQuery { author: Some("U2".into()), ..nested.clone() };
    assert_eq!(walk(store, owner, by_u2).await, ["lonely"]);
    let since = PostQuery { since: Some(at(1)), ..nested };
    assert_eq!(walk(store, owner, since).await, ["gone-thread", "lonely", "quiet"]);
}

/// A post comes with its thread: its live root when it is a reply, the live reply count, and
/// the latest replies as the thread's first flat page. Another user's channel and posts list
/// and find nothing.
pub async fn a_post_comes_with_its_thread_and_stays_with_its_owner<H: StoreHarness>(store: &H) {
    let ada = seeded(&store.uow(), "ada@example.org").await;
    let bob = seeded(&store.uow(), "bob@example.org").await;
    let (owner, channel) = (ada.owner.id, ada.channel.id);
    let mut posts = vec![post("root", 0, None), gone(post("dead-root", 1, None))];
    posts.extend((1..=4).map(|i| post(&format!("reply-{i}"), i, Some("root"))));
    posts.push(gone(post("reply-gone", 9, Some("root"))));
    posts.push(post("orphan", 8, Some("dead-root")));
    upsert(store, channel, posts).await;
    upsert(store, bob.channel.id, vec![post("root", 0, None)]).await;
    let key = |id: &str| PostKey { channel, external_id: id.to_owned() };

    let of_root = thread(store, owner, key("root"), 3).await.unwrap();
    assert_eq!((of_root.post.external_id.as_str(), &of_root.root), ("root", &None));
    assert_eq!(of_root.reply_count, 4);
    assert_eq!(ids(&of_root.replies), ["reply-4", "reply-3", "reply-2"]);
    let rest = PostQuery {
        thread: Some("root".into()),
        after: of_root.replies.next.clone(),
        ..PostQuery::of(channel, 3)
    };
    assert_eq!(ids(&page(store, owner, rest).await), ["reply-1"], "the thread's next page");

    let of_reply = thread(store, owner, key("reply-2"), 10).await.unwrap();
    assert_eq!(of_reply.post.thread_root.as_deref(), Some("root"));
    assert_eq!(of_reply.root.as_ref().map(|r| r.external_id.as_str()), Some("root"));
    assert_eq!(of_reply.reply_count, 4);
    assert_eq!(of_reply.replies.next, None);
    let orphan = thread(store, owner, key("orphan"), 10).await.unwrap();
    assert_eq!((orphan.root, orphan.reply_count), (None, 1), "a deleted root is not shown");

    let intruder = bob.owner.id;
    assert_eq!(thread(store, intruder, key("root"), 10).await, None);
    assert!(page(store, intruder, PostQuery::of(channel, 10)).await.posts.is_empty());
    let unknown = PostQuery::of(ChannelId::new(), 10);
    assert!(page(store, owner, unknown).await.posts.is_empty());
    let theirs = page(store, intruder, PostQuery::of(bob.channel.id, 10)).await;
    assert_eq!(ids(&theirs), ["root"], "each reads their own");
}
