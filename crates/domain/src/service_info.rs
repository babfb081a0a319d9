//! What this build of Switchboard is.

use serde::Serialize;

/// The name, version and source revision of a running Switchboard build.
///
/// ```
/// use switchboard_domain::ServiceInfo;
///
/// let info = ServiceInfo::new("switchboard", "0.1.0", Some("abc1234"));
/// assert_eq!(info.git_commit(), "abc1234");
/// assert_eq!(ServiceInfo::new("switchboard", "0.1.0", None).git_commit(), "unknown");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceInfo {
    name: String,
    version: String,
    git_commit: String,
}

impl ServiceInfo {
    /// Describes a build; a build made outside a git checkout has commit `unknown`.
    pub fn new(name: &str, version: &str, git_commit: Option<&str>) -> Self {
        Self {
            name: name.to_owned(),
            version: version.to_owned(),
            git_commit: git_commit.filter(|c| !c.is_empty()).unwrap_or("unknown").to_owned(),
        }
    }

    /// The program's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The semantic version of the build.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The git commit the build was made from, or `unknown`.
    pub fn git_commit(&self) -> &str {
        &self.git_commit
    }
}
