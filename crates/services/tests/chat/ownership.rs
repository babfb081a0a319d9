//! Another user's source or channel does not exist for them; deleting removes everything.

use switchboard_domain::Change;
use switchboard_sandbox::Provider;
use switchboard_services::ChatServiceError;

use crate::support::{start, user};

#[tokio::test]
async fn another_users_sources_and_channels_are_not_found() {
    let world = start();
    let (ada, eve) = (user(), user());
    let source = world.connect(&ada, Provider::Mattermost).await;
    let channel = world.chat.channels(&ada).await.unwrap()[0].id;
    assert!(matches!(world.chat.get(&eve, source.id).await, Err(ChatServiceError::SourceNotFound)));
    assert!(matches!(
        world.chat.request_sync(&eve, source.id).await,
        Err(ChatServiceError::SourceNotFound)
    ));
    assert!(matches!(
        world.chat.delete(&eve, source.id).await,
        Err(ChatServiceError::SourceNotFound)
    ));
    assert!(matches!(
        world.chat.set_followed(&eve, channel, false).await,
        Err(ChatServiceError::ChannelNotFound)
    ));
    assert!(world.chat.list(&eve).await.unwrap().is_empty());
    assert!(world.chat.channels(&eve).await.unwrap().is_empty());
    assert_eq!(world.chat.list(&ada).await.unwrap().len(), 1);
}

#[tokio::test]
async fn deleting_a_source_removes_its_channels_posts_and_token_and_records_it() {
    let world = start();
    let ada = user();
    let source = world.connect(&ada, Provider::Mattermost).await;
    world.chat.sync(source.id).await.unwrap();
    let kept = world.connect(&ada, Provider::Slack).await;
    world.chat.delete(&ada, source.id).await.unwrap();

    let state = world.state().await;
    assert!(!state.chat.sources.contains_key(&source.id));
    assert!(state.chat.channels.values().all(|c| c.source_id == kept.id));
    assert!(world.posts(source.id).await.is_empty());
    assert!(!state.identity.sealed.contains_key(&source.token_secret_id));
    assert!(state.identity.sealed.contains_key(&kept.token_secret_id));
    let deleted: Vec<&str> = state
        .events
        .iter()
        .filter(|e| e.change == Change::Deleted)
        .map(|e| e.model_name.as_str())
        .collect();
    assert!(deleted.contains(&"chat_source") && deleted.contains(&"chat_channel"));
    // A sync still queued finds nothing to do.
    assert!(world.chat.sync(source.id).await.is_ok());
    assert!(matches!(world.chat.get(&ada, source.id).await, Err(ChatServiceError::SourceNotFound)));
}
