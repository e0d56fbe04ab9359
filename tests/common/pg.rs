//! A throwaway PostgreSQL cluster for the hub tests: `initdb` in a temporary
//! folder, the server on 127.0.0.1 at a free port, stopped (and the folder
//! removed) when the [`Pg`] is dropped.
//!
//! Under CI (`CI` set) a missing PostgreSQL fails the test: the hub tests
//! never skip there. Elsewhere they skip with a loud message, so that
//! `cargo test` still passes on a machine without PostgreSQL.
//!
//! [`Pg::start_tls`] starts one with `ssl=on`, the certificate and key it is
//! given, and a pg_hba.conf that takes TCP connections over TLS only.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The superuser's password in every throwaway cluster (it listens on
/// 127.0.0.1 only and lives for one test).
const ADMIN_PASSWORD: &str = "kam-test-admin";

/// A running throwaway cluster.
pub struct Pg {
    bin: PathBuf,
    data: PathBuf,
    /// Holds the cluster's folder; removed on drop, after the server stops.
    _dir: tempfile::TempDir,
    pub port: u16,
}

impl Pg {
    /// Starts a cluster, or `None` (with a message on stderr) when
    /// PostgreSQL is not installed and this is not CI. Panics under CI
    /// when it is missing, and anywhere when it is installed but fails.
    pub fn start() -> Option<Self> {
        Self::start_with(None)
    }

    /// Starts a cluster that speaks TLS with this certificate (chain) and
    /// key, both PEM, and refuses a TCP connection without TLS (`hostssl`
    /// lines only in pg_hba.conf). `None` as [`Pg::start`].
    pub fn start_tls(cert_pem: &str, key_pem: &str) -> Option<Self> {
        Self::start_with(Some((cert_pem, key_pem)))
    }

    fn start_with(tls: Option<(&str, &str)>) -> Option<Self> {
        let Some(bin) = bin_dir() else {
            assert!(
                std::env::var_os("CI").is_none_or(|v| v.is_empty()),
                "CI: PostgreSQL is not installed (no initdb found); .ci/run installs it — the hub tests never skip under CI"
            );
            eprintln!();
            eprintln!("==================================================================");
            eprintln!("  SKIPPED: PostgreSQL is not installed here (no initdb found in");
            eprintln!("  /usr/lib/postgresql/*/bin or PATH): the hub tests did not run.");
            eprintln!("  apt-get install postgresql, or run under CI where they must pass.");
            eprintln!("==================================================================");
            return None;
        };
        let dir = tempfile::tempdir().expect("temporary folder for the cluster");
        let data = dir.path().join("data");
        let as_root = is_root();
        if as_root {
            // initdb refuses root: the cluster belongs to `postgres`.
            chown_postgres(dir.path());
        }
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, ADMIN_PASSWORD).expect("password file");
        if as_root {
            chown_postgres(&pwfile);
        }
        let out = run(
            as_root,
            &bin.join("initdb"),
            &[
                "-D",
                &data.display().to_string(),
                "-U",
                "postgres",
                "--pwfile",
                &pwfile.display().to_string(),
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--no-sync",
                "--encoding=UTF8",
                "--locale=C",
            ],
        );
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        let mut ssl_opts = String::new();
        if let Some((cert_pem, key_pem)) = tls {
            let (cert, key) = (data.join("server.crt"), data.join("server.key"));
            std::fs::write(&cert, cert_pem).expect("server certificate");
            std::fs::write(&key, key_pem).expect("server key");
            // PostgreSQL refuses a key that others may read, or that is not the cluster owner's.
            owner_only(&key);
            if as_root {
                chown_postgres(&cert);
                chown_postgres(&key);
            }
            // Written over initdb's file, which stays the cluster owner's.
            std::fs::write(
                data.join("pg_hba.conf"),
                "# TLS only over TCP (kam's TLS tests)\n\
                 local all all scram-sha-256\n\
                 hostssl all all 127.0.0.1/32 scram-sha-256\n\
                 hostssl all all ::1/128 scram-sha-256\n",
            )
            .expect("pg_hba.conf");
            ssl_opts = format!(" -c ssl=on -c ssl_cert_file='{}' -c ssl_key_file='{}'", cert.display(), key.display());
        }
        // A port that is free now; another program could take it before
        // the server binds it, so a failed start tries another.
        for _ in 0..5 {
            let port = free_port();
            let opts = format!(
                "-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='{}' \
                 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=120{ssl_opts}",
                data.display()
            );
            let log = data.join("server.log");
            let out = run(
                as_root,
                &bin.join("pg_ctl"),
                &[
                    "-D",
                    &data.display().to_string(),
                    "-l",
                    &log.display().to_string(),
                    "-o",
                    &opts,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
            );
            if out.status.success() {
                return Some(Self { bin, data, _dir: dir, port });
            }
            eprintln!(
                "pg_ctl start on port {port} failed: {}{}",
                String::from_utf8_lossy(&out.stderr),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        panic!("the throwaway PostgreSQL did not start (see above)");
    }

    /// The superuser's connection string, for `kam hub init`.
    pub fn admin_url(&self) -> String {
        self.url("postgres", ADMIN_PASSWORD)
    }

    /// A connection string for `user` with `password`.
    pub fn url(&self, user: &str, password: &str) -> String {
        format!("postgresql://{user}:{password}@127.0.0.1:{}/postgres?sslmode=disable", self.port)
    }

    /// The superuser's connection string without its `sslmode`, for a test
    /// to add the TLS parameters it wants (`?sslmode=…&sslrootcert=…`).
    pub fn admin_url_bare(&self) -> String {
        format!("postgresql://postgres:{ADMIN_PASSWORD}@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let out = run(
            is_root(),
            &self.bin.join("pg_ctl"),
            &["-D", &self.data.display().to_string(), "-m", "immediate", "-w", "stop"],
        );
        if !out.status.success() {
            eprintln!("pg_ctl stop failed: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

/// Where PostgreSQL's server programs are: Debian's versioned folder
/// (newest first), else `initdb` on the PATH.
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    found.sort();
    if let Some((_, bin)) = found.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn chown_postgres(path: &Path) {
    let out = Command::new("chown").args(["-R", "postgres:", &path.display().to_string()]).output().expect("chown");
    assert!(out.status.success(), "chown to postgres: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs a PostgreSQL program, as `postgres` when we are root.
fn run(as_root: bool, program: &Path, args: &[&str]) -> Output {
    let mut cmd = if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args).env_remove("PGDATA").output().unwrap_or_else(|e| panic!("running {}: {e}", program.display()))
}

/// Mode 0600: PostgreSQL refuses a private key that others may read.
#[cfg(unix)]
fn owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("mode 0600");
}

#[cfg(not(unix))]
fn owner_only(_: &Path) {}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}
