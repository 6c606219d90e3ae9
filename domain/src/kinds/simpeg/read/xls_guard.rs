//! A pre-flight check of an XLS before calamine parses it. calamine sizes its
//! cell grid from the cell positions and DIMENSIONS records, and follows the
//! compound file's sector chains without a loop check: a 4 KB file with one
//! cell at (65535, 65535), or a FAT that loops, makes it allocate until the
//! process aborts (which no `catch_unwind` can stop). So this walks the same
//! structures first, refusing loops, and refuses cells far outside what a
//! SIMPEG export can hold.

use super::error::ReadError;
use super::limits::{MAX_COLUMNS, MAX_ROWS};

/// Highest row index a cell may have (title lines and blank rows allowed for).
const MAX_ROW_INDEX: u32 = (MAX_ROWS + 1_000) as u32;
/// The XLS format's own column limit, for DIMENSIONS (formatting may reach it).
const XLS_COLUMNS: u32 = 256;
/// FAT values from here up are markers (free, end of chain, FAT, DIFAT), not sectors.
const MAXREGSECT: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    b.get(i..i + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// `Ok` if calamine can safely be given `bytes` (it may still refuse them).
pub(super) fn check_xls(bytes: &[u8]) -> Result<(), ReadError> {
    let cfb = Cfb::open(bytes).ok_or(ReadError::Unreadable)?;
    let stream = cfb.workbook_stream().ok_or(ReadError::Unreadable)?;
    check_workbook(&stream)
}

/// Just enough of an OLE compound file to find the Workbook stream.
struct Cfb<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
}

impl<'a> Cfb<'a> {
    fn open(bytes: &'a [u8]) -> Option<Self> {
        let header = bytes.get(..512)?;
        let sector_size = match u16_at(header, 30)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        let max_sectors = bytes.len() / sector_size + 1;
        // The DIFAT: 109 entries in the header, then a chain of DIFAT sectors
        // whose last entry points to the next (read as calamine reads it).
        let mut difat: Vec<u32> = (0..109).filter_map(|i| u32_at(header, 76 + i * 4)).collect();
        let mut next = u32_at(header, 68)?;
        let mut steps = 0;
        while next < MAXREGSECT {
            steps += 1;
            if steps > max_sectors {
                return None;
            }
            let sector = sector(bytes, sector_size, next)?;
            difat.extend((0..sector_size / 4).filter_map(|i| u32_at(sector, i * 4)));
            next = difat.pop()?;
        }
        let mut fat = Vec::new();
        for id in difat.into_iter().filter(|id| *id < DIFSECT) {
            let s = sector(bytes, sector_size, id)?;
            fat.extend((0..sector_size / 4).filter_map(|i| u32_at(s, i * 4)));
        }
        let cfb = Self { bytes, sector_size, fat };
        cfb.fat_has_no_loop().then_some(cfb)
    }

    /// Every chain in the FAT ends: no sector leads back to itself.
    fn fat_has_no_loop(&self) -> bool {
        // 0 unvisited, 1 on the current path, 2 known to end.
        let mut state = vec![0u8; self.fat.len()];
        let mut path = Vec::new();
        for start in 0..self.fat.len() {
            let mut at = start;
            loop {
                match state[at] {
                    2 => break,
                    1 => return false, // back on the path being walked: a loop
                    _ => {}
                }
                state[at] = 1;
                path.push(at);
                let next = self.fat[at];
                if next >= MAXREGSECT || next as usize >= self.fat.len() {
                    break;
                }
                at = next as usize;
            }
            for p in path.drain(..) {
                state[p] = 2;
            }
        }
        true
    }

    /// The bytes of the chain starting at `start`, at most `len`.
    fn chain(&self, mut id: u32, len: usize) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        while id != ENDOFCHAIN && out.len() < len {
            let s = sector(self.bytes, self.sector_size, id)?;
            out.extend_from_slice(&s[..s.len().min(len - out.len())]);
            id = *self.fat.get(id as usize)?;
        }
        Some(out)
    }

    /// The "Workbook" (BIFF8) or "Book" (BIFF5) stream, from the regular or the mini stream.
    fn workbook_stream(&self) -> Option<Vec<u8>> {
        let header = self.bytes.get(..512)?;
        let dirs = self.chain(u32_at(header, 48)?, usize::MAX)?;
        let entries: Vec<&[u8]> = dirs.chunks(128).filter(|c| c.len() == 128).collect();
        let entry = |e: &[u8]| -> (String, u32, usize) {
            let units: Vec<u16> = (0..32).filter_map(|i| u16_at(e, i * 2)).take_while(|u| *u != 0).collect();
            let len = if self.sector_size == 512 {
                u32_at(e, 120).unwrap_or(0) as usize
            } else {
                u32_at(e, 120).unwrap_or(0) as usize | ((u32_at(e, 124).unwrap_or(0) as usize) << 32)
            };
            (String::from_utf16_lossy(&units), u32_at(e, 116).unwrap_or(ENDOFCHAIN), len)
        };
        let (_, start, len) = ["Workbook", "Book"].iter().find_map(|name| entries.iter().map(|e| entry(e)).find(|(n, _, _)| n.eq_ignore_ascii_case(name)))?;
        if len >= 4096 {
            return self.chain(start, len);
        }
        // Small streams live in 64-byte mini sectors inside the root entry's stream.
        let (_, root_start, root_len) = entry(entries.first()?);
        let mini_stream = self.chain(root_start, root_len)?;
        let minifat_bytes = self.chain(u32_at(header, 60)?, (u32_at(header, 64)? as usize).saturating_mul(self.sector_size))?;
        let minifat: Vec<u32> = (0..minifat_bytes.len() / 4).filter_map(|i| u32_at(&minifat_bytes, i * 4)).collect();
        let mut out = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN && out.len() < len {
            let at = (id as usize).checked_mul(64)?;
            let s = mini_stream.get(at..(at + 64).min(mini_stream.len()))?;
            out.extend_from_slice(&s[..s.len().min(len - out.len())]);
            id = *minifat.get(id as usize)?;
        }
        Some(out)
    }
}

fn sector(bytes: &[u8], size: usize, id: u32) -> Option<&[u8]> {
    let start = (id as usize).checked_add(1)?.checked_mul(size)?;
    bytes.get(start..(start + size).min(bytes.len())).filter(|s| !s.is_empty())
}

/// Records of a BIFF stream from `at`: (type, data), CONTINUE records skipped.
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, at)?;
        let len = u16_at(stream, at + 2)? as usize;
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
    .filter(|(typ, _)| *typ != 0x003C)
}

/// Walks the globals for the sheets, then each sheet as calamine does (from
/// its BOF to its own EOF, skipping embedded substreams), checking positions.
fn check_workbook(stream: &[u8]) -> Result<(), ReadError> {
    let mut sheets = Vec::new();
    for (typ, data) in records(stream, 0) {
        match typ {
            0x0085 => sheets.push(u32_at(data, 0).ok_or(ReadError::Unreadable)? as usize),
            0x000A => break,
            _ => {}
        }
    }
    for pos in sheets {
        let (mut seen_bof, mut depth) = (false, 0usize);
        for (typ, data) in records(stream, pos) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                0x0200 => check_dimensions(data)?,
                // Number, Label, RString, BoolErr, RK, LabelSst, Formula: row, column first.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                        check_cell(row as u32, col as u32)?;
                    }
                }
                // MulRk: row, first column, …, last column.
                0x00BD => {
                    if let (Some(row), Some(first)) = (u16_at(data, 0), u16_at(data, 2)) {
                        let last = data.len().checked_sub(2).and_then(|i| u16_at(data, i)).unwrap_or(first);
                        check_cell(row as u32, first.max(last) as u32)?;
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn check_cell(row: u32, col: u32) -> Result<(), ReadError> {
    if row > MAX_ROW_INDEX {
        return Err(ReadError::TooManyRows);
    }
    if col as usize >= MAX_COLUMNS {
        return Err(ReadError::TooManyColumns);
    }
    Ok(())
}

/// DIMENSIONS sizes calamine's reservation: first row, last row + 1, first and last column + 1.
fn check_dimensions(data: &[u8]) -> Result<(), ReadError> {
    let (rf, rl, cl) = match data.len() {
        10 => (u16_at(data, 0).map(u32::from), u16_at(data, 2).map(u32::from), u16_at(data, 6).map(u32::from)),
        14 | 16 => (u32_at(data, 0), u32_at(data, 4), u16_at(data, 10).map(u32::from)),
        _ => return Ok(()), // calamine refuses other lengths itself
    };
    let (Some(rf), Some(rl), Some(cl)) = (rf, rl, cl) else { return Ok(()) };
    if rl > MAX_ROW_INDEX + 1 || rf > rl {
        return Err(ReadError::TooManyRows);
    }
    if cl > XLS_COLUMNS {
        return Err(ReadError::TooManyColumns);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::read_sheet;
    use super::*;
    use crate::kinds::simpeg::xls_fixture::{xls_from_rows, xls_with_cells};

    #[test]
    fn passes_a_normal_file() {
        let rows = vec![vec!["NIP".to_string(), "NAMA".to_string()], vec!["1".to_string(), "Budi".to_string()]];
        assert_eq!(check_xls(&xls_from_rows(&rows)), Ok(()));
    }

    #[test]
    fn refuses_far_cells_before_calamine_sizes_a_grid_for_them() {
        // Without this check calamine allocates 65536 × 65536 cells and the process aborts.
        let far = xls_with_cells(&[(0, 0, "NIP".into()), (65535, 65535, "x".into())]);
        assert_eq!(read_sheet(&far, None), Err(ReadError::TooManyRows));
        let wide = xls_with_cells(&[(0, 0, "NIP".into()), (1, 5000, "x".into())]);
        assert_eq!(read_sheet(&wide, None), Err(ReadError::TooManyColumns));
    }

    #[test]
    fn refuses_huge_dimensions() {
        let mut d = vec![0u8; 14];
        d[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(check_dimensions(&d), Err(ReadError::TooManyRows));
        let mut d = vec![0u8; 14];
        d[0..4].copy_from_slice(&10u32.to_le_bytes());
        d[4..8].copy_from_slice(&5u32.to_le_bytes());
        assert_eq!(check_dimensions(&d), Err(ReadError::TooManyRows), "first row after the last");
        let mut d = vec![0u8; 14];
        d[4..8].copy_from_slice(&100u32.to_le_bytes());
        d[10..12].copy_from_slice(&256u16.to_le_bytes());
        assert_eq!(check_dimensions(&d), Ok(()));
    }

    #[test]
    fn refuses_a_looping_fat() {
        let mut bytes = xls_from_rows(&[vec!["NIP".to_string()]]);
        // The fixture's FAT is sector 0; make the directory sector (1) point to itself.
        bytes[512 + 4..512 + 8].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(read_sheet(&bytes, None), Err(ReadError::Unreadable));
        // And a two-sector loop in the stream chain: sector 2 → 3 → 2.
        let mut bytes = xls_from_rows(&[vec!["NIP".to_string()]]);
        bytes[512 + 12..512 + 16].copy_from_slice(&2u32.to_le_bytes());
        bytes[512 + 8..512 + 12].copy_from_slice(&3u32.to_le_bytes());
        assert_eq!(read_sheet(&bytes, None), Err(ReadError::Unreadable));
    }
}
