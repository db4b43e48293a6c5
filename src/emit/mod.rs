//! Writers: catalog → generated text. A writer never reads input files itself.

pub mod rust;
