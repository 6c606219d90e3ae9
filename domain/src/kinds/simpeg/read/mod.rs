//! Reads a SIMPEG export (XLSX, XLS or CSV, told apart by content, not by
//! name) into a header row, a column mapping and text rows. Bounded: the file,
//! the rows, the columns and each cell have a ceiling, and a broken file is an
//! error code, never a panic.

pub mod columns;
mod error;
mod limits;
mod xls_guard;

pub use error::ReadError;
pub use limits::*;

use self::columns::{detect_mapping, match_count, ColumnMapping, Field};
use std::borrow::Cow;
use std::io::Cursor;

/// Non-empty rows searched for the header (title lines may come first).
const HEADER_SEARCH_ROWS: usize = 10;

/// The file format, recognised by the first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Xls,
    Csv,
}

/// What the content says the file is: zip (`PK`) is XLSX, OLE compound
/// document (`D0 CF 11 E0`) is XLS, anything else is read as CSV text.
pub fn detect_kind(bytes: &[u8]) -> FileKind {
    if bytes.starts_with(b"PK") {
        FileKind::Xlsx
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        FileKind::Xls
    } else {
        FileKind::Csv
    }
}

/// One data row: its cells as text (trimmed) and where it is in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRow {
    /// 1-based line (CSV record) or spreadsheet row number, as the officer sees it.
    pub line: usize,
    pub cells: Vec<String>,
}

impl SheetRow {
    /// The cell of `field` under `mapping`, or `""` when unmapped or absent.
    pub fn cell(&self, mapping: &ColumnMapping, field: Field) -> &str {
        mapping.get(field).and_then(|c| self.cells.get(c)).map(String::as_str).unwrap_or("")
    }
}

/// An upload read and mapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub kind: FileKind,
    /// 1-based line of the header row.
    pub header_line: usize,
    pub headers: Vec<String>,
    /// The mapping in force: the override if one was given, else the detected one.
    pub mapping: ColumnMapping,
    /// Headers no field was mapped to: (column, header text), for the mapping screen.
    pub unmatched: Vec<(usize, String)>,
    pub rows: Vec<SheetRow>,
}

/// Reads an upload. Without `mapping` the columns are detected from the
/// header names; with one (from the mapping screen) it is used as given.
pub fn read_sheet(bytes: &[u8], mapping: Option<&ColumnMapping>) -> Result<Sheet, ReadError> {
    let (kind, raw) = read_rows(bytes)?;
    let table = split_header(raw)?;
    let mapping = match mapping {
        Some(m) => m.clone(),
        None => table.detected,
    };
    let width = table.headers.len().max(table.rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0));
    mapping.validate(width)?;
    if table.rows.is_empty() {
        return Err(ReadError::NoRows);
    }
    if table.rows.len() > MAX_ROWS {
        return Err(ReadError::TooManyRows);
    }
    let used: Vec<usize> = mapping.pairs().into_iter().map(|(_, c)| c).collect();
    let unmatched = table.headers.iter().enumerate().filter(|(i, h)| !used.contains(i) && !h.is_empty()).map(|(i, h)| (i, h.clone())).collect();
    let rows = table.rows.into_iter().map(|(line, cells)| SheetRow { line, cells }).collect();
    Ok(Sheet { kind, header_line: table.header_line, headers: table.headers, mapping, unmatched, rows })
}

/// What the mapping screen shows when the headers are not all recognised:
/// the header row, what was detected, what is missing, and a few rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub kind: FileKind,
    pub header_line: usize,
    pub headers: Vec<String>,
    pub detected: ColumnMapping,
    /// Required fields without a column.
    pub missing: Vec<Field>,
    /// The first data rows, up to the number asked for.
    pub sample: Vec<SheetRow>,
    /// How many data rows the file has.
    pub data_rows: usize,
}

/// Reads an upload for the mapping screen: succeeds whatever the headers
/// say (the file-level errors still apply).
pub fn preview(bytes: &[u8], sample_rows: usize) -> Result<Preview, ReadError> {
    let (kind, raw) = read_rows(bytes)?;
    let table = split_header(raw)?;
    let missing = Field::ALL.iter().copied().filter(|f| f.required() && table.detected.get(*f).is_none()).collect();
    let data_rows = table.rows.len();
    let sample = table.rows.into_iter().take(sample_rows).map(|(line, cells)| SheetRow { line, cells }).collect();
    Ok(Preview { kind, header_line: table.header_line, headers: table.headers, detected: table.detected, missing, sample, data_rows })
}

/// The file's non-empty rows, under the ceilings, whatever the format.
fn read_rows(bytes: &[u8]) -> Result<(FileKind, RawRows), ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    let kind = detect_kind(bytes);
    let raw = match kind {
        FileKind::Csv => read_csv(bytes)?,
        FileKind::Xlsx => {
            check_zip_unpacked_size(bytes)?;
            check_zip_inflated(bytes)?;
            guard_parser(|| read_xlsx(bytes))?
        }
        FileKind::Xls => {
            xls_guard::check_xls(bytes)?;
            guard_parser(|| read_xls(bytes))?
        }
    };
    Ok((kind, raw))
}

/// Rows as they come out of a parser: (1-based line, cells), empty rows skipped.
type RawRows = Vec<(usize, Vec<String>)>;

/// Collects rows under the ceilings, whatever the format.
struct RowSink {
    rows: RawRows,
}

impl RowSink {
    fn new() -> Self {
        Self { rows: Vec::new() }
    }

    /// Takes one row; `cells` are (column, text) in any order.
    fn push(&mut self, line: usize, cells: Vec<(usize, String)>) -> Result<(), ReadError> {
        let mut width = 0;
        for (col, text) in &cells {
            if *col >= MAX_COLUMNS {
                // Blank cells far to the right (formatting debris) don't count.
                if text.trim().is_empty() {
                    continue;
                }
                return Err(ReadError::TooManyColumns);
            }
            if text.chars().nth(MAX_CELL_CHARS).is_some() {
                return Err(ReadError::CellTooLong { line, column: *col });
            }
            if !text.trim().is_empty() {
                width = width.max(col + 1);
            }
        }
        if width == 0 {
            return Ok(());
        }
        let mut row = vec![String::new(); width];
        for (col, text) in cells {
            if col < width {
                let trimmed = text.trim();
                row[col] = if trimmed.len() == text.len() { text } else { trimmed.to_string() };
            }
        }
        // The header may sit below a few title lines, so allow for them here;
        // the exact data-row count is checked once the header is known.
        if self.rows.len() >= MAX_ROWS + HEADER_SEARCH_ROWS {
            return Err(ReadError::TooManyRows);
        }
        self.rows.push((line, row));
        Ok(())
    }
}

/// A file split at its header row.
struct Table {
    header_line: usize,
    headers: Vec<String>,
    detected: ColumnMapping,
    /// The rows below the header.
    rows: RawRows,
}

/// Finds the header: the first row where every required field is found,
/// else the row among the first few matching the most fields (title lines
/// above it are dropped).
fn split_header(mut raw: RawRows) -> Result<Table, ReadError> {
    if raw.is_empty() {
        return Err(ReadError::NoHeader);
    }
    let mut best: Option<(usize, ColumnMapping, usize)> = None;
    for (i, (_, cells)) in raw.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let detected = detect_mapping(cells);
        let score = match_count(&detected);
        let complete = detected.first_missing().is_none();
        if best.as_ref().is_none_or(|(_, _, s)| score > *s) {
            best = Some((i, detected, score));
        }
        if complete {
            break;
        }
    }
    let (header_index, detected, _) = best.unwrap_or((0, ColumnMapping::default(), 0));
    let rows = raw.split_off(header_index + 1);
    let (header_line, headers) = raw.pop().unwrap_or((1, Vec::new()));
    Ok(Table { header_line, headers, detected, rows })
}

/// Third-party parsers meet hostile files here; a panic inside one is turned
/// into `file_unreadable` so an upload can never take the server thread down.
fn guard_parser(f: impl FnOnce() -> Result<RawRows, ReadError>) -> Result<RawRows, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(Err(ReadError::Unreadable))
}

// ---- CSV -------------------------------------------------------------------

/// CSV as text: UTF-8 (with or without BOM), UTF-16LE with BOM (Excel's
/// "Unicode Text"), else Windows-1252 as Excel on Indonesian Windows writes it; delimiter `;`, `,` or tab, guessed from the
/// first line, or given by Excel's `sep=;` line.
fn read_csv(bytes: &[u8]) -> Result<RawRows, ReadError> {
    let text: Cow<str> = if let Some(utf16) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        // Excel's "Unicode Text" export: UTF-16LE, tab-separated.
        let units: Vec<u16> = utf16.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        Cow::Owned(String::from_utf16_lossy(&units))
    } else {
        let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => Cow::Owned(bytes.iter().map(|b| cp1252(*b)).collect()),
        }
    };
    let (delimiter, skip_first) = csv_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut sink = RowSink::new();
    let mut record = csv::StringRecord::new();
    let mut index = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => return Err(ReadError::Unreadable),
        }
        index += 1;
        if skip_first && index == 1 {
            continue;
        }
        if record.len() > MAX_COLUMNS && record.iter().skip(MAX_COLUMNS).any(|f| !f.trim().is_empty()) {
            return Err(ReadError::TooManyColumns);
        }
        let line = record.position().map(|p| p.line() as usize).unwrap_or(index);
        let cells = record.iter().take(MAX_COLUMNS).enumerate().map(|(i, f)| (i, f.to_string())).collect();
        sink.push(line, cells)?;
    }
    Ok(sink.rows)
}

/// The delimiter, and whether the first line is Excel's `sep=` hint.
fn csv_delimiter(text: &str) -> (u8, bool) {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if let Some(sep) = first.trim().strip_prefix("sep=") {
        if let [b] = sep.as_bytes() {
            return (*b, true);
        }
    }
    // Count outside quotes, so `"Dinas Perumahan, Kawasan…";…` reads as `;`.
    let (mut semi, mut comma, mut tab, mut quoted) = (0, 0, 0, false);
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semi += 1,
            ',' if !quoted => comma += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if semi > comma && semi >= tab {
        (b';', false)
    } else if tab > comma {
        (b'\t', false)
    } else {
        (b',', false)
    }
}

/// Windows-1252 byte to char (0x80–0x9F differ from Latin-1).
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™',
        'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

// ---- XLSX / XLS --------------------------------------------------------------

/// XLSX is streamed cell by cell, so a huge sheet is refused at row 20,010
/// instead of after it has been loaded whole.
fn read_xlsx(bytes: &[u8]) -> Result<RawRows, ReadError> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    let names = book.sheet_names();
    for name in names {
        let mut cells = book.worksheet_cells_reader(&name).map_err(|_| ReadError::Unreadable)?;
        let mut sink = RowSink::new();
        let mut current: Option<(u32, Vec<(usize, String)>)> = None;
        while let Some(cell) = cells.next_cell().map_err(|_| ReadError::Unreadable)? {
            let (row, col) = cell.get_position();
            let text = cell_text(&calamine::Data::from(cell.get_value().clone()));
            match &mut current {
                Some((r, row_cells)) if *r == row => row_cells.push((col as usize, text)),
                _ => {
                    if let Some((r, row_cells)) = current.take() {
                        sink.push(r as usize + 1, row_cells)?;
                    }
                    current = Some((row, vec![(col as usize, text)]));
                }
            }
        }
        if let Some((r, row_cells)) = current.take() {
            sink.push(r as usize + 1, row_cells)?;
        }
        // The first sheet with anything on it is the export.
        if !sink.rows.is_empty() {
            return Ok(sink.rows);
        }
    }
    Ok(Vec::new())
}

/// XLS (BIFF) can only be read a whole sheet at a time; the format itself
/// caps a sheet at 65,536 rows.
fn read_xls(bytes: &[u8]) -> Result<RawRows, ReadError> {
    use calamine::Reader;
    let mut book: calamine::Xls<_> = calamine::Xls::new(Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|_| ReadError::Unreadable)?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut sink = RowSink::new();
        for (i, row) in range.rows().enumerate() {
            let cells = row.iter().enumerate().map(|(j, d)| (col0 as usize + j, cell_text(d))).collect();
            sink.push(row0 as usize + i + 1, cells)?;
        }
        if !sink.rows.is_empty() {
            return Ok(sink.rows);
        }
    }
    Ok(Vec::new())
}

/// A spreadsheet cell as the text a person would read in it.
fn cell_text(data: &calamine::Data) -> String {
    use calamine::Data;
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // A NIP typed as a number has lost its last digits (f64 holds 15–16);
        // scientific notation keeps that visible instead of inventing digits.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", *f as i64),
        Data::Float(f) if f.abs() >= 9.0e15 => format!("{f:e}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::Error(_) => String::new(),
    }
}

/// Inflates every part once through a counting reader that stops at the
/// limits, whatever sizes the file declares: a part that really unpacks past
/// [`MAX_XLSX_PART_BYTES`], or parts past [`MAX_XLSX_UNPACKED_BYTES`] in all,
/// refuse the file before the parser holds any of it. Nothing is kept, so
/// this costs time (tens of milliseconds), not memory.
fn check_zip_inflated(bytes: &[u8]) -> Result<(), ReadError> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| ReadError::Unreadable)?;
        let mut inflated: u64 = 0;
        loop {
            let n = part.read(&mut buf).map_err(|_| ReadError::Unreadable)?;
            if n == 0 {
                break;
            }
            inflated += n as u64;
            total += n as u64;
            if inflated > MAX_XLSX_PART_BYTES || total > MAX_XLSX_UNPACKED_BYTES {
                return Err(ReadError::Unpacks);
            }
        }
    }
    Ok(())
}

/// Sums the uncompressed sizes in an XLSX's zip central directory, so a few
/// megabytes that unpack to gigabytes are refused before any parser inflates
/// them. A missing or odd directory is left to the parser to refuse.
fn check_zip_unpacked_size(bytes: &[u8]) -> Result<(), ReadError> {
    const EOCD: [u8; 4] = [0x50, 0x4B, 0x05, 0x06];
    const CENTRAL: [u8; 4] = [0x50, 0x4B, 0x01, 0x02];
    let u16_at = |b: &[u8], i: usize| b.get(i..i + 2).map(|s| u16::from_le_bytes([s[0], s[1]]) as usize);
    let u32_at = |b: &[u8], i: usize| b.get(i..i + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]));
    // The end record is in the last 22 + 65,535 bytes (its comment is at most that long).
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let Some(eocd) = (tail_start..bytes.len().saturating_sub(21)).rev().find(|&i| bytes[i..i + 4] == EOCD) else {
        return Ok(());
    };
    let (Some(count), Some(offset)) = (u16_at(bytes, eocd + 10), u32_at(bytes, eocd + 16)) else {
        return Ok(());
    };
    let mut pos = offset as usize;
    let mut total: u64 = 0;
    for _ in 0..count {
        if bytes.get(pos..pos + 4) != Some(&CENTRAL[..]) {
            return Ok(());
        }
        let (Some(size), Some(name_len), Some(extra_len), Some(comment_len)) =
            (u32_at(bytes, pos + 24), u16_at(bytes, pos + 28), u16_at(bytes, pos + 30), u16_at(bytes, pos + 32))
        else {
            return Ok(());
        };
        // 0xFFFFFFFF means "see the zip64 field": far more than any export needs.
        total += if size == u32::MAX { MAX_XLSX_UNPACKED_BYTES + 1 } else { size as u64 };
        if total > MAX_XLSX_UNPACKED_BYTES {
            return Err(ReadError::Unpacks);
        }
        pos += 46 + name_len + extra_len + comment_len;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::ErrorCode;

    const HEADER: &str = "NIP;Nama;Unit Kerja;No HP;HP Terverifikasi;Email Pribadi;Email Terverifikasi;Data Lengkap";

    #[test]
    fn detects_kind_by_content() {
        assert_eq!(detect_kind(b"PK\x03\x04rest"), FileKind::Xlsx);
        assert_eq!(detect_kind(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1]), FileKind::Xls);
        assert_eq!(detect_kind(b"NIP,Nama"), FileKind::Csv);
    }

    #[test]
    fn reads_semicolon_csv_with_bom_and_title_line() {
        let text = format!(
            "\u{feff}DAFTAR ASN BELUM MEMILIKI EMAIL RESMI;;;\n{HEADER}\n 199001152015031002 ;Budi;DISKOMINFO;0812 3456 7890;Ya;budi@gmail.com;Ya;Ya\n;;;;;;;\n\"Sa;ri\";x\n"
        );
        let sheet = read_sheet(text.as_bytes(), None).unwrap();
        assert_eq!(sheet.kind, FileKind::Csv);
        assert_eq!(sheet.header_line, 2);
        assert_eq!(sheet.rows.len(), 2, "blank row skipped");
        assert_eq!(sheet.rows[0].line, 3);
        assert_eq!(sheet.rows[0].cell(&sheet.mapping, Field::Nip), "199001152015031002");
        assert_eq!(sheet.rows[0].cell(&sheet.mapping, Field::Phone), "0812 3456 7890");
        assert_eq!(sheet.rows[1].cells[0], "Sa;ri");
        assert_eq!(sheet.rows[1].cell(&sheet.mapping, Field::Email), "");
        assert!(sheet.unmatched.is_empty());
    }

    #[test]
    fn reads_comma_csv_and_excel_sep_line_and_cp1252() {
        let text = HEADER.replace(';', ",") + "\n1,\"Dinas Perumahan, Kawasan\",c\n";
        let sheet = read_sheet(text.as_bytes(), None).unwrap();
        assert_eq!(sheet.rows[0].cells[1], "Dinas Perumahan, Kawasan");

        let text = format!("sep=|\n{}\n1|2\n", HEADER.replace(';', "|"));
        assert_eq!(read_sheet(text.as_bytes(), None).unwrap().rows[0].cells, vec!["1", "2"]);

        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(b"\n1;Jos\xe9 \x93Joe\x94\n");
        let sheet = read_sheet(&bytes, None).unwrap();
        assert_eq!(sheet.rows[0].cells[1], "José “Joe”");

        let text = format!("{}\n1\tSiti 😀\n", HEADER.replace(';', "\t"));
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let sheet = read_sheet(&bytes, None).unwrap();
        assert_eq!(sheet.rows[0].cells, vec!["1", "Siti 😀"]);
    }

    #[test]
    fn reports_missing_header_with_its_field() {
        let e = read_sheet(b"NIP;Nama;Unit Kerja\n1;2;3\n", None).unwrap_err();
        assert_eq!(e, ReadError::HeaderMissing(Field::Phone));
        assert_eq!(e.code(), ErrorCode::HeaderMissing);
        assert_eq!(e.to_string(), "header_missing (phone)");
        assert_eq!(read_sheet(b"", None), Err(ReadError::Empty));
        assert_eq!(read_sheet(b" \n\n", None), Err(ReadError::NoHeader));
        assert_eq!(read_sheet(format!("{HEADER}\n").as_bytes(), None), Err(ReadError::NoRows));
    }

    #[test]
    fn previews_for_the_mapping_screen() {
        let text = "Kolom A;Nama;Kolom C\n1;Budi;x\n2;Sari;y\n3;Dewi;z\n";
        let p = preview(text.as_bytes(), 2).unwrap();
        assert_eq!(p.headers, vec!["Kolom A", "Nama", "Kolom C"]);
        assert_eq!(p.detected.get(Field::Name), Some(1));
        assert_eq!(p.missing.first(), Some(&Field::Nip));
        assert!(!p.missing.contains(&Field::Name));
        assert_eq!(p.sample.len(), 2);
        assert_eq!(p.data_rows, 3);
        assert_eq!(preview(b"", 2), Err(ReadError::Empty));
    }

    #[test]
    fn accepts_an_override_mapping() {
        let text = "a;b;c;d;e;f;g;h;i\n1;2;3;4;5;6;7;8;9\n";
        let mut m = ColumnMapping::default();
        for (i, f) in Field::ALL.iter().take(8).enumerate() {
            m.set(*f, Some(i + 1));
        }
        let sheet = read_sheet(text.as_bytes(), Some(&m)).unwrap();
        assert_eq!(sheet.rows[0].cell(&sheet.mapping, Field::Nip), "2");
        assert_eq!(sheet.unmatched, vec![(0, "a".to_string())]);
        let bad = m.clone().with(Field::TitleFront, 9);
        assert_eq!(read_sheet(text.as_bytes(), Some(&bad)), Err(ReadError::MappingOutOfRange(Field::TitleFront)));
        let twice = m.with(Field::TitleFront, 1);
        assert_eq!(read_sheet(text.as_bytes(), Some(&twice)), Err(ReadError::MappingUsedTwice(Field::TitleFront)));
    }

    #[test]
    fn enforces_ceilings() {
        let mut text = format!("{HEADER}\n");
        for _ in 0..=MAX_ROWS {
            text.push_str("1;2\n");
        }
        assert_eq!(read_sheet(text.as_bytes(), None), Err(ReadError::TooManyRows));

        let long = "x".repeat(MAX_CELL_CHARS + 1);
        let text = format!("{HEADER}\n1;{long}\n");
        assert_eq!(read_sheet(text.as_bytes(), None), Err(ReadError::CellTooLong { line: 2, column: 1 }));
        let ok = "é".repeat(MAX_CELL_CHARS);
        assert!(read_sheet(format!("{HEADER}\n1;{ok}\n").as_bytes(), None).is_ok(), "the limit counts characters, not bytes");

        let wide = format!("{HEADER}\n{}x\n", ";".repeat(MAX_COLUMNS + 5));
        assert_eq!(read_sheet(wide.as_bytes(), None), Err(ReadError::TooManyColumns));
        let debris = format!("{HEADER}\n1{}\n", ";".repeat(MAX_COLUMNS + 5));
        assert!(read_sheet(debris.as_bytes(), None).is_ok(), "empty cells far right are formatting debris");

        assert_eq!(read_sheet(&vec![b'a'; MAX_FILE_BYTES + 1], None), Err(ReadError::TooLarge));
    }

    #[test]
    fn refuses_broken_spreadsheets() {
        assert_eq!(read_sheet(b"PK\x03\x04garbage", None), Err(ReadError::Unreadable));
        assert_eq!(read_sheet(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], None), Err(ReadError::Unreadable));
    }

    #[test]
    fn refuses_a_zip_that_claims_to_unpack_huge() {
        // A central directory entry claiming 300 MB, and the end record pointing at it.
        let mut zip = b"PK\x03\x04".to_vec();
        let cd_offset = zip.len() as u32;
        let mut entry = vec![0u8; 46];
        entry[..4].copy_from_slice(&[0x50, 0x4B, 0x01, 0x02]);
        entry[24..28].copy_from_slice(&(300u32 * 1024 * 1024).to_le_bytes());
        zip.extend_from_slice(&entry);
        let mut end = vec![0u8; 22];
        end[..4].copy_from_slice(&[0x50, 0x4B, 0x05, 0x06]);
        end[10..12].copy_from_slice(&1u16.to_le_bytes());
        end[16..20].copy_from_slice(&cd_offset.to_le_bytes());
        zip.extend_from_slice(&end);
        assert_eq!(read_sheet(&zip, None), Err(ReadError::Unpacks));
    }

    #[test]
    fn renders_numbers_as_typed() {
        use calamine::Data;
        assert_eq!(cell_text(&Data::Float(81234567890.0)), "81234567890");
        assert_eq!(cell_text(&Data::Float(1.5)), "1.5");
        assert!(cell_text(&Data::Float(197611231995111002.0)).contains('e'));
        assert_eq!(cell_text(&Data::Int(1)), "1");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
    }
}
