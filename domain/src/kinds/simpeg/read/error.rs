//! Why an upload could not be read, as an error code the officer sees translated.
use super::columns::{Field, MappingError};
use model::ErrorCode;

/// Why an upload could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// No bytes at all.
    Empty,
    /// Over [`MAX_FILE_BYTES`](super::limits::MAX_FILE_BYTES).
    TooLarge,
    /// An XLSX whose parts inflate past [`MAX_XLSX_PART_BYTES`](super::limits::MAX_XLSX_PART_BYTES) or, in all,
    /// [`MAX_XLSX_UNPACKED_BYTES`](super::limits::MAX_XLSX_UNPACKED_BYTES) (a zip bomb, declared or not).
    Unpacks,
    /// Not a spreadsheet we can parse (corrupt, encrypted, truncated).
    Unreadable,
    /// No non-empty row at all.
    NoHeader,
    /// A header row but no data rows under it.
    NoRows,
    /// More than [`MAX_ROWS`](super::limits::MAX_ROWS) data rows.
    TooManyRows,
    /// A row wider than [`MAX_COLUMNS`](super::limits::MAX_COLUMNS).
    TooManyColumns,
    /// A cell over [`MAX_CELL_CHARS`](super::limits::MAX_CELL_CHARS); `line` is 1-based as the officer sees it, `column` 0-based.
    CellTooLong { line: usize, column: usize },
    /// No column for a required field: the mapping screen must say which.
    HeaderMissing(Field),
    /// An override mapping points outside the header row.
    MappingOutOfRange(Field),
    /// An override mapping uses one column for two fields.
    MappingUsedTwice(Field),
}

impl ReadError {
    /// Stable code for the UI's translations.
    pub fn code(self) -> ErrorCode {
        match self {
            ReadError::Empty => ErrorCode::FileEmpty,
            ReadError::TooLarge => ErrorCode::SimpegFileTooLarge,
            ReadError::Unpacks => ErrorCode::FileUnpacksTooLarge,
            ReadError::Unreadable => ErrorCode::FileUnreadable,
            ReadError::NoHeader => ErrorCode::FileNoHeader,
            ReadError::NoRows => ErrorCode::FileNoRows,
            ReadError::TooManyRows => ErrorCode::FileTooManyRows,
            ReadError::TooManyColumns => ErrorCode::FileTooManyColumns,
            ReadError::CellTooLong { .. } => ErrorCode::FileCellTooLong,
            ReadError::HeaderMissing(_) => ErrorCode::HeaderMissing,
            ReadError::MappingOutOfRange(_) => ErrorCode::MappingOutOfRange,
            ReadError::MappingUsedTwice(_) => ErrorCode::MappingUsedTwice,
        }
    }

    /// The field the error is about, for `header_missing` and the mapping errors.
    pub fn field(self) -> Option<Field> {
        match self {
            ReadError::HeaderMissing(f) | ReadError::MappingOutOfRange(f) | ReadError::MappingUsedTwice(f) => Some(f),
            _ => None,
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::CellTooLong { line, column } => write!(f, "{} (line {line}, column {})", self.code(), column + 1),
            _ => match self.field() {
                Some(field) => write!(f, "{} ({})", self.code(), field.code()),
                None => f.write_str(self.code().as_str()),
            },
        }
    }
}

impl std::error::Error for ReadError {}

impl From<MappingError> for ReadError {
    fn from(e: MappingError) -> Self {
        match e {
            MappingError::Missing(f) => ReadError::HeaderMissing(f),
            MappingError::OutOfRange(f) => ReadError::MappingOutOfRange(f),
            MappingError::UsedTwice(f) => ReadError::MappingUsedTwice(f),
        }
    }
}
