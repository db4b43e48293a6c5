#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| schemagen_fuzz::sql_replay(data));
