//! Multi-file Prisma schemas (issue 9 §3): a folder of `.prisma` files (Prisma's
//! `prismaSchemaFolder`, GA in 6.6), found through `prisma.config.ts`, `package.json`,
//! `--schema` or Prisma 6's default `prisma/schema/`, is read whole and written file by file
//! exactly as Prisma's own `db pull` writes it (the schema engine in `oracle/`, Prisma 7.10 and
//! 6.19): each block back into its file, new blocks into `introspected.prisma`, a file whose
//! blocks are gone left with a line break. A second run changes nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use common::pg::PgCluster;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

const SQL: &str = "create table users (id int primary key, name text);\n\
                   create table posts (id int primary key, user_id int references users (id));\n\
                   create table zeta (id int primary key);\n\
                   create table added (id int primary key, note text);\n\
                   create type mood as enum ('a', 'b');\n\
                   create type added_mood as enum ('x');\n";

/// The schema folder: the generator, an enum and a model interleaved with the datasource in one
/// file; two models in a subfolder (one documented, relations across files); a model whose
/// table does not exist; a file with only a comment.
fn schema_folder(dir: &Path, generator: &str, datasource: &str) {
    write(
        &dir.join("schema.prisma"),
        &format!(
            "{generator}\n\nenum mood {{\n  a\n  b\n}}\n\nmodel users {{\n  id    Int     @id\n  name  String?\n  posts posts[]\n}}\n\n{datasource}\n"
        ),
    );
    write(
        &dir.join("models/posts.prisma"),
        "model zeta {\n  id Int @id\n}\n\n/// A post.\nmodel posts {\n  id      Int    @id\n  user_id Int?\n  author  users? @relation(fields: [user_id], references: [id])\n}\n",
    );
    write(&dir.join("gone.prisma"), "model gone {\n  id Int @id\n}\n");
    write(&dir.join("notes.prisma"), "// Only a comment.\n");
}

/// Prisma's `db pull` of `url` with the schema folder `input` (Prisma `major`'s engine).
fn engine(input: &Path, url: &str, major: u32) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let warnings = tempfile::NamedTempFile::new().unwrap();
    let mut c = StdCommand::new("node");
    if major == 6 {
        c.env("ORACLE_PRISMA", "6").env("DATABASE_URL", url);
    }
    let result = c
        .arg(root.join("oracle/introspect.mjs"))
        .arg("--url")
        .arg(url)
        .arg("--schema")
        .arg(input)
        .arg("--out-dir")
        .arg(out.path())
        .arg("--warnings")
        .arg(warnings.path())
        .output()
        .expect("node (Node.js >= 20) runs the oracle");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    files(out.path())
}

#[test]
fn a_schema_folder_is_written_file_by_file_as_db_pull_writes_it() {
    let db = PgCluster::shared().create_database("schema_folder");
    db.psql(SQL).unwrap();
    for (major, generator, datasource, locate) in [
        (
            7,
            "generator client {\n  provider = \"prisma-client\"\n}",
            "datasource db {\n  provider = \"postgresql\"\n}",
            "prisma.config.ts",
        ),
        (
            6,
            "generator client {\n  provider        = \"prisma-client-js\"\n  previewFeatures = [\"prismaSchemaFolder\"]\n}",
            "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}",
            "default folder",
        ),
    ] {
        let p = tempfile::tempdir().unwrap();
        let dir = p.path();
        std::fs::create_dir(dir.join(".git")).unwrap();
        write(&dir.join("supabase/migrations/20240101000000_init.sql"), SQL);
        let folder = dir.join("prisma/schema");
        schema_folder(&folder, generator, datasource);
        match locate {
            "prisma.config.ts" => write(
                &dir.join("prisma.config.ts"),
                "import { defineConfig } from 'prisma/config'\nexport default defineConfig({\n  schema: 'prisma/schema',\n})\n",
            ),
            _ => write(
                &dir.join("package.json"),
                &format!("{{\"devDependencies\": {{\"prisma\": \"^{major}.0.0\"}}}}"),
            ),
        }
        let input = tempfile::tempdir().unwrap();
        schema_folder(input.path(), generator, datasource);
        let expected = engine(input.path(), &db.url(), major);

        let out = Command::cargo_bin("schemagen")
            .unwrap()
            .current_dir(dir)
            .arg("prisma-from-sql")
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(0), "Prisma {major}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "prisma/schema (5 files): 6 models, views and enums as Prisma {major}'s"
            )),
            "{stderr}"
        );
        let ours = files(&folder);
        assert_eq!(
            ours.iter().map(|f| &f.0).collect::<Vec<_>>(),
            expected.iter().map(|f| &f.0).collect::<Vec<_>>(),
            "Prisma {major}: the files"
        );
        for ((path, text), (_, engine_text)) in ours.iter().zip(&expected) {
            assert_eq!(
                text,
                engine_text,
                "Prisma {major}: {} differs from db pull's",
                path.display()
            );
        }
        // What moved where, as the engine puts it.
        let get = |name: &str| &ours.iter().find(|f| f.0 == Path::new(name)).unwrap().1;
        assert!(get("introspected.prisma").contains("model added {"));
        assert!(get("introspected.prisma").contains("enum added_mood {"));
        assert!(get("models/posts.prisma").contains("/// A post.\nmodel posts {"));
        assert_eq!(get("gone.prisma"), "\n");

        // A second run: every file is up to date, and --check agrees.
        let again = Command::cargo_bin("schemagen")
            .unwrap()
            .current_dir(dir)
            .args(["prisma-from-sql", "--check"])
            .output()
            .unwrap();
        let stderr = String::from_utf8(again.stderr).unwrap();
        assert_eq!(again.status.code(), Some(0), "Prisma {major}: {stderr}");
        assert_eq!(stderr.matches(" is up to date").count(), 5, "{stderr}");
        assert_eq!(files(&folder), ours);
    }
}

/// An error in any file of the folder names that file, line and column; nothing is written.
#[test]
fn an_error_in_one_file_of_the_folder_names_it() {
    let p = tempfile::tempdir().unwrap();
    let dir = p.path();
    std::fs::create_dir(dir.join(".git")).unwrap();
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        SQL,
    );
    let folder = dir.join("db/schema");
    schema_folder(
        &folder,
        "generator client {\n  provider = \"prisma-client\"\n}",
        "datasource db {\n  provider = \"postgresql\"\n}",
    );
    write(
        &folder.join("models/broken.prisma"),
        "model broken {\n  id Int @id\n  name\n}\n",
    );
    let before = files(dir);
    let out = Command::cargo_bin("schemagen")
        .unwrap()
        .current_dir(dir)
        .args(["prisma-from-sql", "--schema", "db/schema"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("db/schema/models/broken.prisma:3:3: error: Error validating model \"broken\": This field declaration is invalid."),
        "{stderr}"
    );
    assert!(stderr.contains("db/schema does not parse; nothing was written"));
    assert_eq!(files(dir), before);
    // A folder without any .prisma file is refused too.
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("README.md"), "no schema here\n").unwrap();
    let out = Command::cargo_bin("schemagen")
        .unwrap()
        .current_dir(dir)
        .args(["prisma-from-sql", "--schema", "empty"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("holds no `.prisma` file"), "{stderr}");
    assert_eq!(files(dir).len(), before.len() + 1);
}

/// `sql-from-prisma` reads a schema folder too: an edit in one file becomes the migration, and a
/// mistake is reported in its own file, line and column.
#[test]
fn sql_from_prisma_reads_a_schema_folder() {
    let p = tempfile::tempdir().unwrap();
    let dir = p.path();
    std::fs::create_dir(dir.join(".git")).unwrap();
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        SQL,
    );
    let folder = dir.join("prisma/schema");
    schema_folder(
        &folder,
        "generator client {\n  provider = \"prisma-client\"\n}",
        "datasource db {\n  provider = \"postgresql\"\n}",
    );
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("schemagen")
            .unwrap()
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, _, stderr) = run(&["prisma-from-sql", "--schema", "prisma/schema"]);
    assert_eq!(code, Some(0), "{stderr}");
    let posts = folder.join("models/posts.prisma");
    let text = std::fs::read_to_string(&posts).unwrap();
    write(
        &posts,
        &text.replace("  user_id Int?\n", "  user_id Int?\n  title   String?\n"),
    );
    let (code, stdout, stderr) = run(&["sql-from-prisma", "--schema", "prisma/schema", "--stdout"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("ALTER TABLE \"posts\" ADD COLUMN     \"title\" TEXT;"),
        "{stdout}"
    );
    write(
        &folder.join("extra.prisma"),
        "model extra {\n  id  Int @id\n  bad Strin\n}\n",
    );
    let (code, _, stderr) = run(&["sql-from-prisma", "--schema", "prisma/schema", "--stdout"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("prisma/schema/extra.prisma:3:7"),
        "{stderr}"
    );
}
