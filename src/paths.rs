//! Where kam keeps its files (DESIGN §6), resolved once and passed around so
//! tests can point everything at a temporary folder.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

/// The folders and files kam uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    /// The database file.
    pub db: PathBuf,
    /// Folder of `config.toml` and the optional `rules.toml`.
    pub config_dir: PathBuf,
    /// Folder of daily backups.
    pub backups: PathBuf,
}

impl Paths {
    /// Resolves the paths: the database from `--db`/`KAM_DB` (already merged
    /// by clap) else the data folder; the config folder from `KAM_CONFIG_DIR`
    /// else the platform's. Backups sit in `backups/` beside the database.
    pub fn resolve(db: Option<PathBuf>) -> Self {
        let dirs = ProjectDirs::from("", "", "kam");
        let data_dir = dirs.as_ref().map_or_else(|| PathBuf::from("."), |d| d.data_dir().to_path_buf());
        let config_dir = std::env::var_os("KAM_CONFIG_DIR").map_or_else(
            || dirs.as_ref().map_or_else(|| PathBuf::from("."), |d| d.config_dir().to_path_buf()),
            PathBuf::from,
        );
        let db = db.unwrap_or_else(|| data_dir.join("kam.db"));
        Self::for_db(db, config_dir)
    }

    /// Paths for a given database and config folder.
    pub fn for_db(db: PathBuf, config_dir: PathBuf) -> Self {
        let backups = db.parent().map_or_else(|| PathBuf::from("backups"), |p| p.join("backups"));
        Self { db, config_dir, backups }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn rules_file(&self) -> PathBuf {
        self.config_dir.join("rules.toml")
    }
}

/// A path for messages, as the user would type it.
pub fn show(p: &Path) -> String {
    p.display().to_string()
}
