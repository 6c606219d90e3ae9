//! The error every server function returns; the UI shows it in the user's language.
use crate::validation::{FieldError, FieldErrors};
use crate::vocab::ErrorCode;
use serde::{Deserialize, Serialize};
#[cfg(feature = "server-fn")]
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No (valid) session: sign in first.
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but this role may not do this.
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Field-level problems; the form shows each next to its field.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Someone else changed it first (code, e.g. `already_handled`, plus who).
    #[error("conflict: {code}")]
    Conflict { code: ErrorCode, by: Option<String> },
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    /// Something broke on the server; `reference` points to the log line.
    #[error("server error {reference}")]
    Internal { reference: String },
    /// The request did not get through (network, decoding).
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, code: ErrorCode) -> Self {
        AppError::Invalid(FieldError::new(field, code).into())
    }

    /// HTTP status for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 422,
            AppError::Conflict { .. } => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Internal { .. } | AppError::Transport(_) => 500,
        }
    }

    /// Translation key for the message shown to people (`errors.*`).
    pub fn key(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Internal { .. } => "internal",
            AppError::Transport(_) => "transport",
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

#[cfg(feature = "server-fn")]
impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
