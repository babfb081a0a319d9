//! The events the sandbox's fake Slack pushes, read by [`switchboard_slack::events::open`],
//! against what a sync then reads of the same messages: a bot's message, Slack's notices and a
//! person's text with Slack's escapes arrive as the posts the sync stores.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use chrono::Utc;
use secrecy::SecretString;
use switchboard_contracts::chat_source::{by_id, source, start, walk};
use switchboard_domain::chat::PostKind::{Bot, System, User};
use switchboard_domain::chat::{ChatPost, HistoryScope};
use switchboard_domain::chat_events::{ChatChange, ChatDelivery, SignedDelivery};
use switchboard_ports::ChatSource;
use switchboard_sandbox::{NewPost, Notice, PostAs, Provider, RunningSandbox, SLACK_TOKEN};

use crate::Slack;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// One request as it reached the Request URL.
struct Delivered {
    timestamp: Option<String>,
    signature: Option<String>,
    body: Vec<u8>,
}

/// A Request URL answering `200` to `count` requests, which it hands over in order.
fn request_url(count: usize) -> (String, mpsc::Receiver<Delivered>) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let url = format!("http://{}/slack/events", listener.local_addr().unwrap());
    let (sent, received) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let mut stream = stream.unwrap();
            let delivered = read_request(&mut stream);
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .unwrap();
            sent.send(delivered).unwrap();
        }
    });
    (url, received)
}

fn read_request(stream: &mut std::net::TcpStream) -> Delivered {
    let mut reader = BufReader::new(stream);
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let length: usize = headers.get("content-length").map_or(0, |l| l.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    Delivered {
        timestamp: headers.remove("x-slack-request-timestamp"),
        signature: headers.remove("x-slack-signature"),
        body,
    }
}

/// Delivers the sandbox's `count` pending events to `received`'s URL and reads each as the
/// adapter does: the posts.
async fn delivered_posts(
    sandbox: &RunningSandbox,
    received: &mpsc::Receiver<Delivered>,
    count: usize,
) -> Vec<ChatPost> {
    assert_eq!(sandbox.deliver_slack_events().await.unwrap(), vec![200; count]);
    received
        .iter()
        .take(count)
        .map(|d| {
            let delivery = SignedDelivery {
                timestamp: d.timestamp.as_deref(),
                signature: d.signature.as_deref(),
                body: &d.body,
            };
            let secret = SecretString::from(SECRET);
            match switchboard_slack::events::open(&secret, delivery, Utc::now()) {
                Ok(ChatDelivery::Event(event)) => match event.change {
                    ChatChange::Posted(post) => post,
                    ChatChange::Deleted { id } => panic!("{id} deleted"),
                },
                other => panic!("{other:?}: {}", String::from_utf8_lossy(&d.body)),
            }
        })
        .collect()
}

#[tokio::test]
async fn a_pushed_message_of_any_subtype_is_the_post_a_sync_then_reads() {
    let sandbox = start::<Slack>();
    let channel = sandbox
        .channels(Provider::Slack)
        .into_iter()
        .find(|c| c.member && !c.private && !c.archived && c.conversation.is_none())
        .unwrap()
        .id;
    let me = sandbox.demo_user(Provider::Slack).id;
    let text = |text| NewPost { channel_id: &channel, text, user_id: Some(&me), root_id: None };
    let (url, received) = request_url(6);
    sandbox.send_slack_events_to(&url, SECRET);
    // The Rust API takes a message's text as Slack sends it: `&`, `<`, `>` typed are escaped.
    let person = sandbox.post(Provider::Slack, text("R&amp;D &lt;3 <@U0NOBODY000> &gt; all"));
    let person = person.unwrap();
    let posts = [
        (PostAs::Bot { name: "deploy" }, "shipped &amp; tagged"),
        (PostAs::Webhook { name: Some("Jenkins") }, "build &lt;42&gt; passed"),
        (PostAs::Notice(Notice::Join), "<@U0NOBODY000> has joined the channel"),
        (PostAs::Notice(Notice::Topic), "set the channel topic: a &amp; b"),
    ];
    for (from, body) in posts {
        sandbox.post_as(Provider::Slack, text(body), from).unwrap();
    }
    let reply = NewPost { root_id: Some(&person.id), ..text("&gt; quoted, R&amp;D") };
    sandbox.post(Provider::Slack, reply).unwrap();

    let pushed = delivered_posts(&sandbox, &received, 6).await;
    let kinds: Vec<_> = pushed.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [User, Bot, Bot, System, System, User]);
    assert_eq!(pushed[0].text, "R&D <3 <@U0NOBODY000> > all");
    assert_eq!(pushed[5].text, "> quoted, R&D");
    assert!(pushed.iter().all(|p| !p.text.contains("&amp;") && !p.text.contains("&lt;")));

    // What a sync reads: the listing, then the thread.
    let slack = source::<Slack>(&sandbox, SLACK_TOKEN);
    let listing = HistoryScope::Listing { oldest: Some(person.at) };
    let mut synced = by_id(walk(&slack, &channel, listing).await);
    synced.extend(by_id(slack.thread(&channel, &person.id).await.unwrap()));
    for post in &pushed {
        assert_eq!(synced.get(&post.id), Some(post), "the event and the sync disagree");
    }
}
