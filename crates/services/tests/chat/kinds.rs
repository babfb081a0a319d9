//! Direct messages followed only by choice; posts stored with their kind and author; connect
//! failures told apart (the URL's fault, the provider's).

use std::time::Duration;

use switchboard_domain::Change;
use switchboard_domain::chat::PostKind;
use switchboard_sandbox::{NewPost, Notice, PostAs, Provider};
use switchboard_services::{ChannelUpdate, ChatServiceError, ConnectSource, SourceUpdate};

use crate::support::{start, start_with, user};

#[tokio::test]
async fn direct_and_group_messages_are_followed_only_when_the_source_includes_them() {
    let world = start();
    let ada = user();
    let people = world.sandbox.users(Provider::Mattermost);
    let me = world.sandbox.demo_user(Provider::Mattermost);
    let others: Vec<&str> =
        people.iter().filter(|u| u.id != me.id && !u.deleted).map(|u| u.id.as_str()).collect();
    let direct = world.sandbox.add_conversation(Provider::Mattermost, &others[..1]).unwrap();
    let group = world.sandbox.add_conversation(Provider::Mattermost, &others[1..3]).unwrap();
    let source = world.connect(&ada, Provider::Mattermost).await;
    assert!(!source.include_direct);
    let followed = |channels: &[switchboard_domain::chat_sources::Channel], id: &str| {
        channels.iter().find(|c| c.external_id == id).map(|c| c.followed)
    };
    let channels = world.chat.channels(&ada).await.unwrap();
    assert_eq!(followed(&channels, &direct), Some(false));
    assert_eq!(followed(&channels, &group), Some(false));
    assert!(channels.iter().filter(|c| c.kind == "public").all(|c| c.followed));
    // A sync finds them again and still does not follow them, nor read them.
    world.chat.sync(source.id).await.unwrap();
    let channels = world.chat.channels(&ada).await.unwrap();
    assert_eq!(followed(&channels, &direct), Some(false));

    // Turned on, they are followed, each change recorded; another user cannot.
    let eve = user();
    let on = SourceUpdate { include_direct: Some(true) };
    assert!(matches!(
        world.chat.update_source(&eve, source.id, on).await,
        Err(ChatServiceError::SourceNotFound)
    ));
    let updated = world.chat.update_source(&ada, source.id, on).await.unwrap();
    assert!(updated.include_direct);
    let channels = world.chat.channels(&ada).await.unwrap();
    assert_eq!(
        (followed(&channels, &direct), followed(&channels, &group)),
        (Some(true), Some(true))
    );
    let state = world.state().await;
    let follows = state
        .events
        .iter()
        .filter(|e| matches!(&e.change, Change::Changed { attribute_name, .. } if attribute_name == "followed"))
        .count();
    assert_eq!(follows, 2);
    // Off again: unfollowed.
    let off = SourceUpdate { include_direct: Some(false) };
    world.chat.update_source(&ada, source.id, off).await.unwrap();
    let channels = world.chat.channels(&ada).await.unwrap();
    assert_eq!(followed(&channels, &direct), Some(false));
}

#[tokio::test]
async fn a_source_connected_with_direct_messages_follows_them() {
    let world = start();
    let ada = user();
    let me = world.sandbox.demo_user(Provider::Mattermost);
    let other =
        world.sandbox.users(Provider::Mattermost).into_iter().find(|u| u.id != me.id).unwrap();
    let direct = world.sandbox.add_conversation(Provider::Mattermost, &[&other.id]).unwrap();
    let request =
        ConnectSource { include_direct: Some(true), ..world.request(Provider::Mattermost) };
    let source = world.chat.connect(&ada, request).await.unwrap().source;
    assert!(source.include_direct);
    let channels = world.chat.channels(&ada).await.unwrap();
    assert!(channels.iter().any(|c| c.external_id == direct && c.followed));
}

#[tokio::test]
async fn posts_are_stored_with_their_kind_and_author() {
    let world = start();
    let ada = user();
    let source = world.connect(&ada, Provider::Mattermost).await;
    let channel = world
        .sandbox
        .channels(Provider::Mattermost)
        .into_iter()
        .find(|c| c.member && !c.private && !c.archived)
        .unwrap();
    let creator = world.sandbox.demo_user(Provider::Mattermost);
    let post = |text, from| {
        let new = NewPost { channel_id: &channel.id, text, user_id: None, root_id: None };
        world.sandbox.post_as(Provider::Mattermost, new, from).unwrap().id
    };
    let hook = post("build 7 failed", PostAs::Webhook { name: Some("Jenkins") });
    let joined = post("joined", PostAs::Notice(Notice::Join));
    world.chat.sync(source.id).await.unwrap();
    let posts = world.posts(source.id).await;
    let hook = posts.iter().find(|p| p.id == hook).unwrap();
    assert_eq!(hook.kind, PostKind::Bot);
    assert_eq!(hook.author_name.as_deref(), Some("Jenkins"));
    assert_ne!(hook.author_id, creator.id);
    assert_eq!(posts.iter().find(|p| p.id == joined).unwrap().kind, PostKind::System);
    assert!(posts.iter().filter(|p| !p.deleted).all(|p| !p.author_id.is_empty()));
    // The channel's bots setting, its owner's only.
    let id = world.chat.channels(&ada).await.unwrap()[0].id;
    let include = ChannelUpdate { followed: None, include_bots: Some(true) };
    assert!(matches!(
        world.chat.update_channel(&user(), id, include).await,
        Err(ChatServiceError::ChannelNotFound)
    ));
    let updated = world.chat.update_channel(&ada, id, include).await.unwrap();
    assert!(updated.include_bots && updated.followed);
}

#[tokio::test]
async fn a_url_without_the_api_is_the_users_and_a_failing_provider_is_the_providers() {
    let world = start_with(true);
    let ada = user();
    let wrong = format!("{}/nowhere", world.sandbox.mattermost_base_url());
    let request = ConnectSource { base_url: Some(wrong), ..world.request(Provider::Mattermost) };
    let err = world.chat.connect(&ada, request).await.unwrap_err();
    assert!(matches!(err, ChatServiceError::InvalidBaseUrl(_)), "{err:?}");

    world.sandbox.fail_provider(Provider::Mattermost, 1, 503, Some(Duration::from_secs(9)));
    let err = world.chat.connect(&ada, world.request(Provider::Mattermost)).await.unwrap_err();
    assert!(
        matches!(err, ChatServiceError::ProviderUnavailable { retry_after: Some(9), .. }),
        "{err:?}"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(9)));
    world.sandbox.fail_provider(Provider::Slack, 1, 500, None);
    let err = world.chat.connect(&ada, world.request(Provider::Slack)).await.unwrap_err();
    assert!(matches!(err, ChatServiceError::ProviderUnavailable { retry_after: None, .. }));
    assert!(world.state().await.chat.sources.is_empty());
}
