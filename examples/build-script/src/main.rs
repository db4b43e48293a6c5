//! Inserts a few rows through the generated insert structs and reads them back into the row
//! structs. Apply `supabase/migrations` to a database first, then:
//!
//! ```sh
//! cargo run -- "host=localhost user=postgres dbname=notes"
//! ```

/// The generated row, insert and enum types: one module per schema.
#[allow(dead_code)]
mod db {
    include!(concat!(env!("OUT_DIR"), "/schemagen/tables.rs"));
}
mod demo;

fn main() {
    let url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| "host=localhost user=postgres".to_string());
    let result = postgres::Client::connect(&url, postgres::NoTls)
        .map_err(|e| e.to_string())
        .and_then(|mut client| demo::run(&mut client).map_err(|e| e.to_string()));
    match result {
        Ok(summary) => println!(
            "{}",
            serde_json::to_string_pretty(&summary).expect("rows serialise")
        ),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
