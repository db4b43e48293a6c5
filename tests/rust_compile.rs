//! Every golden file of `tests/rust_emit.rs` compiles, without a warning, against the crates it
//! names (postgres-types with its chrono, time, uuid, serde_json and cidr features, rust_decimal,
//! serde): each is included as a module of this test crate under `#![deny(warnings)]`. The sqlx
//! variants (`sqlx.rs`) are the exception: sqlx is not a dev-dependency.
#![deny(warnings)]

macro_rules! goldens {
    ($($name:ident => $path:literal,)*) => {
        $(
            #[doc = $path]
            pub mod $name {
                include!($path);
            }
        )*
        /// The files included above.
        const INCLUDED: &[&str] = &[$($path),*];
    };
}

goldens! {
    naming_tables => "fixtures/rust/naming/expected/tables.rs",
    naming_time => "fixtures/rust/naming/expected/time.rs",
    naming_plain => "fixtures/rust/naming/expected/plain.rs",
    build_script => "fixtures/rust/build-script.rs",
    corpus_7spade_ng_alain_gighub_supabase => "fixtures/rust/corpus/7Spade__ng-alain-gighub-supabase.rs",
    corpus_agentops_ai_agentops => "fixtures/rust/corpus/AgentOps-AI__agentops.rs",
    corpus_cap_go_capgo => "fixtures/rust/corpus/Cap-go__capgo.rs",
    corpus_fchery87_notechain => "fixtures/rust/corpus/Fchery87__NOTECHAIN.rs",
    corpus_quivrhq_quivr => "fixtures/rust/corpus/QuivrHQ__quivr.rs",
    corpus_razikus_supabase_nextjs_template => "fixtures/rust/corpus/Razikus__supabase-nextjs-template.rs",
    corpus_rjmoodie_yardpass_upgrade => "fixtures/rust/corpus/Rjmoodie__yardpass-upgrade.rs",
    corpus_yoseptf_billboards => "fixtures/rust/corpus/YoseptF__Billboards.rs",
    corpus_yoseptf_visa_bot => "fixtures/rust/corpus/YoseptF__visa-bot.rs",
    corpus_zeta611_easyword => "fixtures/rust/corpus/Zeta611__easyword.rs",
    corpus_abramreyes_bank_api => "fixtures/rust/corpus/abramreyes__bank-api.rs",
    corpus_chroxify_feedbase => "fixtures/rust/corpus/chroxify__feedbase.rs",
    corpus_classroomio_classroomio => "fixtures/rust/corpus/classroomio__classroomio.rs",
    corpus_edgardjnr_barbearia => "fixtures/rust/corpus/edgardjnr__barbearia.rs",
    corpus_hpi_studyu_studyu => "fixtures/rust/corpus/hpi-studyu__studyu.rs",
    corpus_makerkit_nextjs_saas_starter_kit_lite => "fixtures/rust/corpus/makerkit__nextjs-saas-starter-kit-lite.rs",
    corpus_manifoldmarkets_manifold => "fixtures/rust/corpus/manifoldmarkets__manifold.rs",
    corpus_mckaywrigley_chatbot_ui => "fixtures/rust/corpus/mckaywrigley__chatbot-ui.rs",
    corpus_moonklabs_sprintable => "fixtures/rust/corpus/moonklabs__sprintable.rs",
    corpus_musta96_kruxt_beta => "fixtures/rust/corpus/musta96__kruxt-beta.rs",
    corpus_psteinroe_supabase_cache_helpers => "fixtures/rust/corpus/psteinroe__supabase-cache-helpers.rs",
    corpus_supabase_community_chatgpt_your_files => "fixtures/rust/corpus/supabase-community__chatgpt-your-files.rs",
    corpus_supabase_community_postgres_new => "fixtures/rust/corpus/supabase-community__postgres-new.rs",
    corpus_usebasejump_basejump => "fixtures/rust/corpus/usebasejump__basejump.rs",
    corpus_vercel_nextjs_subscription_payments => "fixtures/rust/corpus/vercel__nextjs-subscription-payments.rs",
}

/// A golden file added without being listed above fails here.
#[test]
fn every_golden_file_is_compiled() {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.ends_with("migrations") {
                    walk(&p, out);
                }
            } else if p.extension().is_some_and(|e| e == "rs") && !p.ends_with("sqlx.rs") {
                let rel = p.strip_prefix("tests").unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut found = Vec::new();
    walk(std::path::Path::new("tests/fixtures/rust"), &mut found);
    found.sort();
    let mut included: Vec<String> = INCLUDED.iter().map(|s| s.to_string()).collect();
    included.sort();
    assert_eq!(found, included);
}

/// The generated enums parse and print their labels.
#[test]
fn enums_round_trip_their_labels() {
    use naming_tables::sales_data::Region;
    for r in Region::ALL {
        assert_eq!(r.as_str().parse::<Region>(), Ok(r));
        assert_eq!(r.to_string(), r.as_str());
    }
    assert_eq!(Region::ALL[1].as_str(), "North East");
    let e = "nope".parse::<Region>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"nope\" is not a label of the enum \"Sales Data\".\"Region\""
    );
    assert!(naming_tables::public::EmptyKind::ALL.is_empty());
}
