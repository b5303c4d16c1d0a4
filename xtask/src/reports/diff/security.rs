//! Security schemes and the top-level requirements.

use super::{Diff, rules};
use crate::base::json;

impl Diff<'_> {
    pub(super) fn security(&mut self) {
        let schemes =
            |s: &serde_json::Value| json::object(s.pointer("/components/securitySchemes"));
        let (old, new) = (schemes(self.old), schemes(self.new));
        for name in old.keys().filter(|n| !new.contains_key(*n)) {
            self.push(
                rules::SECURITY_SCHEME_REMOVED,
                "components",
                format!("security scheme `{name}` removed"),
            );
        }
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            self.push(
                rules::SECURITY_SCHEME_ADDED,
                "components",
                format!("security scheme `{name}` added"),
            );
        }
        if self.old.get("security") != self.new.get("security") {
            self.push(
                rules::SECURITY_REQUIREMENTS_CHANGED,
                "security",
                "top-level security requirements changed".into(),
            );
        }
    }
}
