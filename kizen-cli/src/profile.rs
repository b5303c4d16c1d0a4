//! Named credentials in a file, for `--profile NAME`: `kizen profile save
//! NAME` writes the current `KIZEN_*` variables to
//! `<config>/kizen/profiles.toml` (`$KIZEN_CONFIG_DIR`, else
//! `$XDG_CONFIG_HOME/kizen`, else `~/.config/kizen`), readable by its owner
//! only (mode 0600, written atomically); a profile file that others can
//! read is refused, as ssh refuses a private key.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One profile: what the `KIZEN_*` variables would say.
#[derive(Clone, Serialize, Deserialize)]
pub struct Profile {
    pub business_id: String,
    pub user_id: String,
    pub api_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("business_id", &self.business_id)
            .field("user_id", &self.user_id)
            .field("api_key", &"[redacted]")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// The profiles file.
pub fn path() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("KIZEN_CONFIG_DIR") {
        return Ok(PathBuf::from(dir).join("profiles.toml"));
    }
    let base = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(
            std::env::var_os("HOME").ok_or("neither KIZEN_CONFIG_DIR nor HOME is set")?,
        )
        .join(".config"),
    };
    Ok(base.join("kizen").join("profiles.toml"))
}

/// Every profile of the file (none when there is no file), after checking
/// that only its owner can read it.
fn read_all() -> Result<BTreeMap<String, Profile>, String> {
    let path = path()?;
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} is readable by others (mode {:o}); it holds API keys: `chmod 600` it",
                path.display(),
                mode & 0o777
            ));
        }
    }
    toml::from_str(&text).map_err(|e| format!("{} is not a profiles file: {e}", path.display()))
}

/// The profile `name`.
pub fn read(name: &str) -> Result<Profile, String> {
    let mut all = read_all()?;
    all.remove(name).ok_or_else(|| {
        let known: Vec<&String> = all.keys().collect();
        format!("no profile `{name}` (profiles: {known:?}); `kizen profile save {name}` makes it")
    })
}

/// Saves `profile` as `name`, beside the others, atomically and readable by
/// its owner only; returns the file.
pub fn save(name: &str, profile: Profile) -> Result<PathBuf, String> {
    let path = path()?;
    let mut all = read_all()?;
    all.insert(name.to_string(), profile);
    let text = toml::to_string(&all).map_err(|e| format!("cannot write the profiles: {e}"))?;
    let dir = path.parent().ok_or("the profiles file has no folder")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let temp = dir.join(".profiles.toml.tmp");
    // A stale one keeps its mode: created anew, it is 0600 from the start.
    let _ = std::fs::remove_file(&temp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&temp).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    written
        .and_then(|()| std::fs::rename(&temp, &path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("cannot write {}: {e}", path.display())
        })?;
    Ok(path)
}
