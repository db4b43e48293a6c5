//! Errors during evaluation: PostgreSQL's own errors (which `EXCEPTION WHEN …` handlers can
//! catch), and evaluation that is not possible offline.

/// PostgreSQL's condition names and SQLSTATE codes (`errcodes.txt`), the ones a migration can
/// meet or name in a handler.
const CONDITIONS: &[(&str, &str)] = &[
    ("warning", "01000"),
    ("no_data", "02000"),
    ("feature_not_supported", "0A000"),
    ("case_not_found", "20000"),
    ("cardinality_violation", "21000"),
    ("data_exception", "22000"),
    ("string_data_right_truncation", "22001"),
    ("numeric_value_out_of_range", "22003"),
    ("null_value_not_allowed", "22004"),
    ("invalid_datetime_format", "22007"),
    ("datetime_field_overflow", "22008"),
    ("division_by_zero", "22012"),
    ("invalid_parameter_value", "22023"),
    ("invalid_regular_expression", "2201B"),
    ("array_subscript_error", "2202E"),
    ("invalid_text_representation", "22P02"),
    ("integrity_constraint_violation", "23000"),
    ("restrict_violation", "23001"),
    ("not_null_violation", "23502"),
    ("foreign_key_violation", "23503"),
    ("unique_violation", "23505"),
    ("check_violation", "23514"),
    ("exclusion_violation", "23P01"),
    ("invalid_cursor_state", "24000"),
    ("invalid_transaction_state", "25000"),
    ("active_sql_transaction", "25001"),
    ("invalid_authorization_specification", "28000"),
    ("dependent_privilege_descriptors_still_exist", "2B000"),
    ("dependent_objects_still_exist", "2BP01"),
    ("invalid_transaction_termination", "2D000"),
    ("invalid_cursor_name", "34000"),
    ("invalid_catalog_name", "3D000"),
    ("invalid_schema_name", "3F000"),
    ("syntax_error_or_access_rule_violation", "42000"),
    ("insufficient_privilege", "42501"),
    ("syntax_error", "42601"),
    ("invalid_name", "42602"),
    ("invalid_column_definition", "42611"),
    ("name_too_long", "42622"),
    ("duplicate_column", "42701"),
    ("ambiguous_column", "42702"),
    ("undefined_column", "42703"),
    ("undefined_object", "42704"),
    ("duplicate_object", "42710"),
    ("duplicate_alias", "42712"),
    ("duplicate_function", "42723"),
    ("ambiguous_function", "42725"),
    ("grouping_error", "42803"),
    ("datatype_mismatch", "42804"),
    ("wrong_object_type", "42809"),
    ("invalid_foreign_key", "42830"),
    ("cannot_coerce", "42846"),
    ("undefined_function", "42883"),
    ("generated_always", "428C9"),
    ("reserved_name", "42939"),
    ("undefined_table", "42P01"),
    ("undefined_parameter", "42P02"),
    ("duplicate_cursor", "42P03"),
    ("duplicate_database", "42P04"),
    ("duplicate_schema", "42P06"),
    ("duplicate_table", "42P07"),
    ("ambiguous_parameter", "42P08"),
    ("ambiguous_alias", "42P09"),
    ("invalid_column_reference", "42P10"),
    ("invalid_function_definition", "42P13"),
    ("invalid_schema_definition", "42P15"),
    ("invalid_table_definition", "42P16"),
    ("invalid_object_definition", "42P17"),
    ("indeterminate_datatype", "42P18"),
    ("with_check_option_violation", "44000"),
    ("insufficient_resources", "53000"),
    ("program_limit_exceeded", "54000"),
    ("statement_too_complex", "54001"),
    ("object_not_in_prerequisite_state", "55000"),
    ("object_in_use", "55006"),
    ("lock_not_available", "55P03"),
    ("query_canceled", "57014"),
    ("plpgsql_error", "P0000"),
    ("raise_exception", "P0001"),
    ("no_data_found", "P0002"),
    ("too_many_rows", "P0003"),
    ("assert_failure", "P0004"),
    ("internal_error", "XX000"),
];

/// The SQLSTATE of a condition name.
pub(crate) fn sqlstate(cond: &str) -> Option<&'static str> {
    CONDITIONS.iter().find(|(n, _)| *n == cond).map(|(_, c)| *c)
}

/// The condition name of a SQLSTATE (the name itself for codes not listed).
pub(crate) fn condition_of(code: &str) -> Option<&'static str> {
    CONDITIONS
        .iter()
        .find(|(_, c)| c.eq_ignore_ascii_case(code))
        .map(|(n, _)| *n)
}

/// An error PostgreSQL raises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PgError {
    /// The condition name (`duplicate_object`, `raise_exception`…).
    pub cond: &'static str,
    /// Its SQLSTATE, when it is not the condition's own (`RAISE … USING ERRCODE = '…'`).
    pub code: Option<String>,
    pub message: String,
}

impl PgError {
    pub(crate) fn new(cond: &'static str, message: impl Into<String>) -> Self {
        PgError {
            cond,
            code: None,
            message: message.into(),
        }
    }

    /// The error's SQLSTATE.
    pub(crate) fn sqlstate(&self) -> String {
        self.code
            .clone()
            .or_else(|| sqlstate(self.cond).map(str::to_string))
            .unwrap_or_else(|| "XX000".into())
    }

    /// Whether an `EXCEPTION WHEN <handler>` catches this error: the condition itself, its
    /// class (`data_exception` catches every `22…`), `SQLSTATE 'xxxxx'`, or `others` (which
    /// does not catch `query_canceled` and `assert_failure`).
    pub(crate) fn caught_by(&self, handler: &str) -> bool {
        let code = self.sqlstate();
        if handler == "others" {
            return !matches!(self.cond, "query_canceled" | "assert_failure");
        }
        let want = if let Some(c) = handler.strip_prefix("sqlstate ") {
            c.trim_matches('\'').to_ascii_uppercase()
        } else if let Some(c) = sqlstate(handler) {
            c.to_string()
        } else {
            return false;
        };
        if want.ends_with("000") {
            code.starts_with(&want[..2])
        } else {
            code == want
        }
    }
}

/// Why an evaluation stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fail {
    /// PostgreSQL raises this error.
    Pg(PgError),
    /// Cannot be evaluated offline; the message says why.
    Unknown(String),
}

impl Fail {
    pub(crate) fn pg(cond: &'static str, message: impl Into<String>) -> Fail {
        Fail::Pg(PgError::new(cond, message))
    }

    pub(crate) fn unknown(message: impl Into<String>) -> Fail {
        Fail::Unknown(message.into())
    }

    /// What the failure says.
    pub(crate) fn message(&self) -> &str {
        match self {
            Fail::Pg(e) => &e.message,
            Fail::Unknown(m) => m,
        }
    }

    /// The same failure as one that cannot be evaluated offline, its message kept.
    pub(crate) fn offline(self) -> Fail {
        match self {
            Fail::Pg(e) => Fail::Unknown(e.message),
            unknown => unknown,
        }
    }
}

pub(crate) type Res<T> = Result<T, Fail>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handlers_catch_by_name_class_and_code() {
        let e = PgError::new("duplicate_table", "relation exists");
        assert!(e.caught_by("duplicate_table"));
        assert!(e.caught_by("syntax_error_or_access_rule_violation"));
        assert!(e.caught_by("sqlstate '42P07'"));
        assert!(e.caught_by("others"));
        assert!(!e.caught_by("duplicate_object"));
        assert!(!PgError::new("assert_failure", "x").caught_by("others"));
        assert_eq!(condition_of("23505"), Some("unique_violation"));
    }
}
