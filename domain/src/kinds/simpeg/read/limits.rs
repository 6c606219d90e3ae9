//! The ceilings every upload is held to (file, rows, columns, cells, inflated XLSX parts).

/// Most data rows one upload may hold (a month's bulk request is far smaller).
pub const MAX_ROWS: usize = 20_000;
/// Longest cell, in characters.
pub const MAX_CELL_CHARS: usize = 1_000;
/// Widest row; SIMPEG exports have a few dozen columns at most.
pub const MAX_COLUMNS: usize = 200;
/// Largest upload; 20,000 rows of a wide CSV stay well below it.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Largest total uncompressed size of an XLSX's parts (a zip bomb guard),
/// counted as the parts are really inflated, not as the file declares.
pub const MAX_XLSX_UNPACKED_BYTES: u64 = 96 * 1024 * 1024;
/// Largest uncompressed size of one part (the sheet, `sharedStrings.xml`):
/// a 20,000-row export needs about a tenth of it.
pub const MAX_XLSX_PART_BYTES: u64 = 32 * 1024 * 1024;
