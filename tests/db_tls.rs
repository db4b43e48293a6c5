//! TLS on live connections (`--db-url`, `--verify-with`), as libpq's `sslmode` asks, against a
//! real PostgreSQL 15 started with `ssl=on` and a certificate signed by a test CA (made here with
//! the `openssl` command): what the server reports in `pg_stat_ssl` for each mode, and the
//! modes that must refuse.

mod common;

use std::path::Path;
use std::process::Command;

use common::pg::PgCluster;
use schemagen::Error;

/// A CA and a server certificate for `localhost` (and nothing else) signed by it.
fn make_certs(dir: &Path) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl (Debian's openssl package)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec![
        "req",
        "-x509",
        "-days",
        "2",
        "-subj",
        "/CN=schemagen test CA",
    ];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.crt"]);
    run(&ca);
    let mut csr = vec!["req", "-new", "-subj", "/CN=localhost"];
    csr.extend(ec);
    csr.extend(["-keyout", "server.key", "-out", "server.csr"]);
    run(&csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write ext.cnf");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "server.crt",
    ]);
}

/// Whether the session of `client` is encrypted, as the server sees it.
fn encrypted(client: &mut postgres::Client) -> bool {
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .expect("pg_stat_ssl")
        .get(0)
}

#[test]
fn sslmode_is_honoured_as_libpq_does() {
    let certs = tempfile::tempdir().expect("tempdir");
    make_certs(certs.path());
    let cluster = PgCluster::start_with_tls(certs.path());
    let db = cluster.create_database("tls");
    let ca = certs.path().join("ca.crt");
    let url = |host: &str, query: &str| {
        format!(
            "postgresql://postgres@{host}:{}/{}?{query}",
            db.port, db.name
        )
    };

    // prefer (the default) and require encrypt without checking the certificate.
    for q in ["application_name=t", "sslmode=prefer", "sslmode=require"] {
        let mut c =
            schemagen::db::connect(&url("127.0.0.1", q)).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert!(encrypted(&mut c), "{q}: not encrypted");
    }
    let mut c = schemagen::db::connect(&url("127.0.0.1", "sslmode=disable")).expect("disable");
    assert!(!encrypted(&mut c), "sslmode=disable: encrypted");

    // verify-full: the CA and the host name are checked.
    let root = format!("sslmode=verify-full&sslrootcert={}", ca.display());
    let mut c = schemagen::db::connect(&url("localhost", &root)).expect("verify-full");
    assert!(encrypted(&mut c));
    let kv = format!(
        "host=localhost port={} user=postgres dbname={} sslmode=verify-ca sslrootcert={}",
        db.port,
        db.name,
        ca.display()
    );
    let mut c = schemagen::db::connect(&kv).expect("verify-ca, key=value form");
    assert!(encrypted(&mut c));
    // The certificate names localhost, not 127.0.0.1.
    match schemagen::db::connect(&url("127.0.0.1", &root)) {
        Err(Error::Connect { url, .. }) => assert!(!url.contains("sslrootcert"), "{url}"),
        other => panic!(
            "a host the certificate does not name was accepted: {:?}",
            other.err()
        ),
    }
    // Public roots do not know the test CA.
    assert!(matches!(
        schemagen::db::connect(&url("localhost", "sslmode=verify-full&sslrootcert=system")),
        Err(Error::Connect { .. })
    ));
    // A root file that is not there is a configuration error naming it.
    match schemagen::db::connect(&url(
        "localhost",
        "sslmode=verify-full&sslrootcert=/nonexistent/ca.crt",
    )) {
        Err(Error::Config(m)) => assert!(m.contains("/nonexistent/ca.crt"), "{m}"),
        other => panic!("missing root file: {:?}", other.err()),
    }
}

#[test]
fn require_fails_on_a_server_without_tls() {
    let db = PgCluster::shared().create_database("notls");
    let url = format!(
        "postgresql://postgres@127.0.0.1:{}/{}?sslmode=require",
        db.port, db.name
    );
    assert!(matches!(
        schemagen::db::connect(&url),
        Err(Error::Connect { .. })
    ));
    let prefer = url.replace("require", "prefer");
    let mut c = schemagen::db::connect(&prefer).expect("prefer falls back to plain TCP");
    assert!(!encrypted(&mut c));
}
