//! Matching the unit written in a SIMPEG row to a known OPD: by code, by
//! name, or by name without its "Dinas"/"Badan" prefix, but only when exactly
//! one OPD fits, so a typo never lands an account in the wrong unit.

use model::ErrorCode;
use std::collections::HashMap;

/// Prefixes people drop or add when they write an OPD's name.
const PREFIXES: &[&str] = &["dinas", "badan"];

/// Why a unit cell matched no OPD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitError {
    Empty,
    Unknown,
    Ambiguous,
}

impl UnitError {
    pub fn code(self) -> ErrorCode {
        match self {
            UnitError::Empty => ErrorCode::UnitEmpty,
            UnitError::Unknown => ErrorCode::UnitUnknown,
            UnitError::Ambiguous => ErrorCode::UnitAmbiguous,
        }
    }
}

/// Known OPDs indexed for lookup. Built once per batch.
#[derive(Clone, Debug, Default)]
pub struct UnitMatcher {
    by_code: HashMap<String, i32>,
    by_name: HashMap<String, Vec<i32>>,
    by_bare_name: HashMap<String, Vec<i32>>,
}

impl UnitMatcher {
    /// Indexes `(id, code, name)` of every known OPD.
    pub fn new(units: &[(i32, &str, &str)]) -> Self {
        let mut m = Self::default();
        for (id, code, name) in units {
            m.by_code.insert(compact(code), *id);
            let words = words(name);
            push_unique(m.by_name.entry(words.concat()).or_default(), *id);
            push_unique(m.by_bare_name.entry(bare(&words).concat()).or_default(), *id);
        }
        m
    }

    /// The id of the OPD `input` names.
    pub fn find(&self, input: &str) -> Result<i32, UnitError> {
        let words = words(input);
        if words.is_empty() {
            return Err(UnitError::Empty);
        }
        let key = words.concat();
        if let Some(id) = self.by_code.get(&key) {
            return Ok(*id);
        }
        if let Some(ids) = self.by_name.get(&key) {
            return one(ids);
        }
        // "Pendidikan", "Badan Pendidikan" → "Dinas Pendidikan", if it is the only one.
        match self.by_bare_name.get(&bare(&words).concat()) {
            Some(ids) => one(ids),
            None => Err(UnitError::Unknown),
        }
    }
}

fn one(ids: &[i32]) -> Result<i32, UnitError> {
    match ids {
        [id] => Ok(*id),
        [] => Err(UnitError::Unknown),
        _ => Err(UnitError::Ambiguous),
    }
}

fn push_unique(ids: &mut Vec<i32>, id: i32) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

/// Lower-case ASCII words; `&` reads as "dan", other punctuation separates.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in s.to_lowercase().replace('&', " dan ").split(|c: char| !c.is_alphanumeric()) {
        let w: String = raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        if !w.is_empty() {
            out.push(w);
        }
    }
    out
}

fn compact(s: &str) -> String {
    words(s).concat()
}

/// The words without a leading "Dinas"/"Badan" (kept if nothing else is left).
fn bare(words: &[String]) -> &[String] {
    match words.split_first() {
        Some((first, rest)) if !rest.is_empty() && PREFIXES.contains(&first.as_str()) => rest,
        _ => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> UnitMatcher {
        UnitMatcher::new(&[
            (1, "SETDA", "Sekretariat Daerah"),
            (2, "DISKOMINFO", "Dinas Komunikasi dan Informatika"),
            (3, "DISDIK", "Dinas Pendidikan"),
            (4, "KEC-BATAMKOTA", "Kecamatan Batam Kota"),
            (5, "DISKES", "Dinas Kesehatan"),
            (6, "BAPKES", "Badan Kesehatan"),
        ])
    }

    #[test]
    fn matches_by_code_and_name() {
        let m = demo();
        assert_eq!(m.find("DISKOMINFO"), Ok(2));
        assert_eq!(m.find(" kec-batamkota "), Ok(4));
        assert_eq!(m.find("Kec Batam Kota"), Ok(4));
        assert_eq!(m.find("DINAS  KOMUNIKASI & INFORMATIKA"), Ok(2));
        assert_eq!(m.find("Kecamatan BatamKota"), Ok(4));
        assert_eq!(m.find("Sekretariat Daerah"), Ok(1));
    }

    #[test]
    fn drops_prefixes_only_when_unambiguous() {
        let m = demo();
        assert_eq!(m.find("Pendidikan"), Ok(3));
        assert_eq!(m.find("Badan Pendidikan"), Ok(3));
        assert_eq!(m.find("Dinas Kesehatan"), Ok(5));
        assert_eq!(m.find("Kesehatan"), Err(UnitError::Ambiguous));
        assert_eq!(m.find("Dinas Pariwisata"), Err(UnitError::Unknown));
        assert_eq!(m.find("Dinas"), Err(UnitError::Unknown));
        assert_eq!(m.find(" - "), Err(UnitError::Empty));
        assert_eq!(m.find("<script>"), Err(UnitError::Unknown));
    }
}
