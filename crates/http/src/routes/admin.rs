//! Administration of users (admins and superadmins).

pub mod list_users;
pub mod update_user;
