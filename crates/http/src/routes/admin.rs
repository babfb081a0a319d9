//! Administration of users and of the job queue (admins and superadmins).

pub mod jobs_delete;
pub mod jobs_list;
pub mod jobs_retry;
pub mod list_users;
pub mod update_user;
