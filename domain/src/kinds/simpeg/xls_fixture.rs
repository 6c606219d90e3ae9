//! Test-only writer of minimal XLS (BIFF8 in an OLE compound file), because
//! SIMPEG's export is XLS (SOP 004 step 1) and no Rust crate writes it.
//! One sheet, every cell a LABEL record; just enough for calamine to read.

/// An XLS with one sheet holding `cells` as (row, column, text).
pub fn xls_with_cells(cells: &[(u16, u16, String)]) -> Vec<u8> {
    compound_file(&workbook_stream(cells))
}

/// An XLS whose rows are `rows`, from the first row and column.
pub fn xls_from_rows(rows: &[Vec<String>]) -> Vec<u8> {
    let cells: Vec<(u16, u16, String)> = rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| row.iter().enumerate().filter(|(_, t)| !t.is_empty()).map(move |(c, t)| (r as u16, c as u16, t.clone())))
        .collect();
    xls_with_cells(&cells)
}

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn bof(kind: u16) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&0x0600u16.to_le_bytes()); // BIFF8
    d.extend_from_slice(&kind.to_le_bytes());
    d.extend_from_slice(&[0; 12]);
    d
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// The Workbook stream: globals (BOF, CODEPAGE, BOUNDSHEET, EOF), then the sheet.
fn workbook_stream(cells: &[(u16, u16, String)]) -> Vec<u8> {
    let name = utf16("Daftar ASN");
    let mut boundsheet = vec![0u8; 4]; // sheet BOF offset, patched below
    boundsheet.extend_from_slice(&[0, 0, 10, 1]); // visible, worksheet, 10 chars, UTF-16
    boundsheet.extend_from_slice(&name);

    let mut s = Vec::new();
    record(&mut s, 0x0809, &bof(0x0005));
    record(&mut s, 0x0042, &1200u16.to_le_bytes());
    let boundsheet_at = s.len() + 4;
    record(&mut s, 0x0085, &boundsheet);
    record(&mut s, 0x000A, &[]);
    let sheet_at = s.len() as u32;
    s[boundsheet_at..boundsheet_at + 4].copy_from_slice(&sheet_at.to_le_bytes());

    record(&mut s, 0x0809, &bof(0x0010));
    for (row, col, text) in cells {
        let mut d = Vec::new();
        d.extend_from_slice(&row.to_le_bytes());
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes()); // XF
        d.extend_from_slice(&(text.encode_utf16().count() as u16).to_le_bytes());
        d.push(1); // UTF-16
        d.extend_from_slice(&utf16(text));
        record(&mut s, 0x0204, &d);
    }
    record(&mut s, 0x000A, &[]);
    // Streams under 4,096 bytes live in the mini stream; stay above it.
    s.resize(s.len().max(4096).div_ceil(512) * 512, 0);
    s
}

/// An OLE compound file (version 3, 512-byte sectors) holding one stream,
/// "Workbook": FAT sectors first, then the directory, then the stream.
fn compound_file(stream: &[u8]) -> Vec<u8> {
    const FREE: u32 = 0xFFFF_FFFF;
    const END: u32 = 0xFFFF_FFFE;
    const FATSECT: u32 = 0xFFFF_FFFD;
    let stream_sectors = stream.len().div_ceil(512);
    let mut fat_sectors = 1;
    while fat_sectors * 128 < fat_sectors + 1 + stream_sectors {
        fat_sectors += 1;
    }
    assert!(fat_sectors <= 109, "fixture too large for a header-only DIFAT");
    let dir_sector = fat_sectors as u32;
    let first_stream = dir_sector + 1;

    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&(fat_sectors as u32).to_le_bytes());
    header[48..52].copy_from_slice(&dir_sector.to_le_bytes());
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&END.to_le_bytes());
    header[68..72].copy_from_slice(&END.to_le_bytes());
    for i in 0..109 {
        let v = if i < fat_sectors { i as u32 } else { FREE };
        header[76 + i * 4..80 + i * 4].copy_from_slice(&v.to_le_bytes());
    }

    let mut fat = vec![FREE; fat_sectors * 128];
    fat[..fat_sectors].fill(FATSECT);
    fat[dir_sector as usize] = END;
    for i in 0..stream_sectors {
        let at = first_stream as usize + i;
        fat[at] = if i + 1 == stream_sectors { END } else { at as u32 + 1 };
    }

    let mut dir = vec![0u8; 512];
    let entry = |dir: &mut Vec<u8>, i: usize, name: &str, kind: u8, child: u32, start: u32, size: u64| {
        let e = &mut dir[i * 128..(i + 1) * 128];
        let n = utf16(name);
        e[..n.len()].copy_from_slice(&n);
        e[64..66].copy_from_slice(&((n.len() + 2) as u16).to_le_bytes());
        e[66] = kind;
        e[67] = 1; // black
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..128].copy_from_slice(&size.to_le_bytes());
    };
    entry(&mut dir, 0, "Root Entry", 5, 1, END, 0);
    entry(&mut dir, 1, "Workbook", 2, FREE, first_stream, stream.len() as u64);
    for i in 2..4 {
        dir[i * 128 + 68..i * 128 + 80].fill(0xFF);
    }

    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend_from_slice(&dir);
    out.extend_from_slice(stream);
    out.resize(512 + (fat_sectors + 1 + stream_sectors) * 512, 0);
    out
}
