//! Domain errors and how they reach people.
use model::validation::{FieldError, FieldErrors};
use model::{AppError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {code}")]
    Conflict { code: ErrorCode, by: Option<String> },
    #[error("rate limited for {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type DomainResult<T> = Result<T, DomainError>;

impl DomainError {
    pub fn field(field: &str, code: ErrorCode) -> Self {
        DomainError::Invalid(FieldError::new(field, code).into())
    }
}

/// An error code read back from the database (a SIMPEG row's reasons,
/// address problem or error). One this build does not know (an older or
/// newer build wrote it) is logged and shown as the generic message.
pub fn stored_code(code: &str) -> ErrorCode {
    ErrorCode::parse(code).unwrap_or_else(|| {
        tracing::warn!(code, "unknown error code in the database");
        ErrorCode::Generic
    })
}

impl From<FieldErrors> for DomainError {
    fn from(e: FieldErrors) -> Self {
        DomainError::Invalid(e)
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Unauthenticated => AppError::Unauthenticated,
            DomainError::Invalid(f) => AppError::Invalid(f),
            DomainError::NotFound => AppError::NotFound,
            DomainError::Forbidden => AppError::Forbidden,
            DomainError::Conflict { code, by } => AppError::Conflict { code, by },
            DomainError::RateLimited { retry_after_secs } => AppError::RateLimited { retry_after_secs },
            other => {
                // People get a reference; the details stay in the server log.
                let reference = crate::crypto::random_token()[..8].to_string();
                tracing::error!(%reference, error = %other, "request failed");
                AppError::Internal { reference }
            }
        }
    }
}
