//! Proposed official addresses for the eligible rows of a batch: the name
//! under the configured rule (titles dropped, diacritics folded), then a
//! numeric suffix until it is free among existing mailboxes, reserved names
//! and the rows before it in the same batch. Same input, same proposals.

use super::rules::CheckedRow;
use model::validation::address::{check_local_part, propose_local_part, AddressRule};
use model::ErrorCode;
use std::collections::{HashMap, HashSet};

/// Longest base kept before a suffix, so `base` plus a five-digit suffix
/// still fits the 64-character local part.
const MAX_BASE_CHARS: usize = 58;

/// The rule used when the Admin sistem has not chosen one: `first.last`.
pub const DEFAULT_RULE: AddressRule = AddressRule::FirstDotLast;

/// One eligible row's proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressProposal {
    /// Index of the row in the checked rows.
    pub row: usize,
    /// Line in the uploaded file.
    pub line: usize,
    /// The proposed local part, or `address_no_letters` when the name has no
    /// Latin letters to build one from (the officer types it).
    pub local_part: Result<String, ErrorCode>,
}

/// Hands out local parts one at a time, remembering what it gave.
pub struct AddressAllocator<'a> {
    rule: AddressRule,
    /// Local parts (lower case) of existing mailboxes and aliases.
    taken: &'a HashSet<String>,
    /// Given out in this batch.
    batch: HashSet<String>,
    /// Per base, the next suffix to try: keeps a batch of many equal names
    /// linear instead of re-walking `base2, base3, …` for every row.
    next_suffix: HashMap<String, u32>,
}

impl<'a> AddressAllocator<'a> {
    /// `taken`: lower-case local parts already in use in the domain.
    pub fn new(rule: AddressRule, taken: &'a HashSet<String>) -> Self {
        Self { rule, taken, batch: HashSet::new(), next_suffix: HashMap::new() }
    }

    /// The next free address for `name`; `address_no_letters` when the name
    /// gives nothing to build one from.
    pub fn propose(&mut self, name: &str) -> Result<String, ErrorCode> {
        let base = propose_local_part(name, self.rule).filter(|b| !b.is_empty()).ok_or(ErrorCode::AddressNoLetters)?;
        let mut base: String = base.chars().take(MAX_BASE_CHARS).collect();
        while base.ends_with('.') {
            base.pop();
        }
        // Same padding as `validation::address::first_free`: "yo" → "yo.asn".
        if base.len() < 3 {
            base.push_str(".asn");
        }
        let start = self.next_suffix.get(&base).copied().unwrap_or(1);
        // Bounded so a base that can never fit (impossible at 20,000 rows) cannot spin.
        for n in start..start.saturating_add(1_000_000) {
            let candidate = if n == 1 { base.clone() } else { format!("{base}{n}") };
            if check_local_part(&candidate).is_ok() && !self.taken.contains(&candidate) && !self.batch.contains(&candidate) {
                self.next_suffix.insert(base, n + 1);
                self.batch.insert(candidate.clone());
                return Ok(candidate);
            }
        }
        Err(ErrorCode::AddressExhausted)
    }

    /// Claims an address the officer typed, so later proposals avoid it.
    pub fn reserve(&mut self, local_part: &str) -> Result<String, ErrorCode> {
        let local = check_local_part(local_part).map_err(|e| e.code())?;
        if self.taken.contains(&local) || !self.batch.insert(local.clone()) {
            return Err(ErrorCode::AddressTaken);
        }
        Ok(local)
    }
}

/// Proposals for every eligible row, in file order.
pub fn propose_addresses(rows: &[CheckedRow], rule: AddressRule, taken: &HashSet<String>) -> Vec<AddressProposal> {
    let mut alloc = AddressAllocator::new(rule, taken);
    rows.iter()
        .enumerate()
        .filter(|(_, r)| r.verdict.is_eligible())
        .map(|(i, r)| AddressProposal { row: i, line: r.line, local_part: alloc.propose(&r.name) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(names: &[&str]) -> HashSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn follows_the_rule_without_titles_or_diacritics() {
        let none = taken(&[]);
        let mut a = AddressAllocator::new(DEFAULT_RULE, &none);
        assert_eq!(a.propose("Dr. Siti Nurhaliza, S.Kom., M.Si"), Ok("siti.nurhaliza".into()));
        assert_eq!(a.propose("José Müller"), Ok("jose.muller".into()));
        assert_eq!(a.propose("Ir. H. Muhammad Rudi, M.M."), Ok("muhammad.rudi".into()));
        assert_eq!(a.propose("O'Brien"), Ok("obrien".into()));
        assert_eq!(a.propose("<script>alert(1)</script>"), Ok("scriptalert1script".into()));
        let mut b = AddressAllocator::new(AddressRule::InitialDotLast, &none);
        assert_eq!(b.propose("Budi Santoso"), Ok("b.santoso".into()));
    }

    #[test]
    fn suffixes_against_existing_and_earlier_rows() {
        let existing = taken(&["budi.santoso", "budi.santoso3"]);
        let mut a = AddressAllocator::new(DEFAULT_RULE, &existing);
        assert_eq!(a.propose("Budi Santoso"), Ok("budi.santoso2".into()));
        assert_eq!(a.propose("BUDI SANTOSO, S.E."), Ok("budi.santoso4".into()));
        assert_eq!(a.propose("Budi  Santoso"), Ok("budi.santoso5".into()));
    }

    #[test]
    fn refuses_reserved_and_pads_short_names() {
        let none = taken(&[]);
        let mut a = AddressAllocator::new(DEFAULT_RULE, &none);
        assert_eq!(a.propose("Admin"), Ok("admin2".into()));
        assert_eq!(a.propose("Postmaster"), Ok("postmaster2".into()));
        assert_eq!(a.propose("Yo"), Ok("yo.asn".into()));
        assert_eq!(a.propose("😀"), Err(ErrorCode::AddressNoLetters));
        assert_eq!(a.propose("S.Kom"), Err(ErrorCode::AddressNoLetters));
    }

    #[test]
    fn reserve_blocks_later_proposals() {
        let existing = taken(&["andi.pratama"]);
        let mut a = AddressAllocator::new(DEFAULT_RULE, &existing);
        assert_eq!(a.reserve("Siti.Rahma"), Ok("siti.rahma".into()));
        assert_eq!(a.reserve("siti.rahma"), Err(ErrorCode::AddressTaken));
        assert_eq!(a.reserve("andi.pratama"), Err(ErrorCode::AddressTaken));
        assert_eq!(a.reserve("root"), Err(ErrorCode::AddressReserved));
        assert_eq!(a.propose("Siti Rahma"), Ok("siti.rahma2".into()));
    }

    #[test]
    fn long_names_still_fit_with_many_collisions() {
        let none = taken(&[]);
        let mut a = AddressAllocator::new(DEFAULT_RULE, &none);
        let long = format!("{} {}", "a".repeat(40), "b".repeat(40));
        let mut last = String::new();
        for _ in 0..12_000 {
            last = a.propose(&long).unwrap();
        }
        assert!(last.ends_with("12000"));
        assert!(check_local_part(&last).is_ok());
    }

    #[test]
    fn is_deterministic() {
        let existing = taken(&["budi.santoso"]);
        let names = ["Budi Santoso", "Siti Rahma", "Budi Santoso", "Dr. Siti Rahma, M.Kes"];
        let run = || {
            let mut a = AddressAllocator::new(DEFAULT_RULE, &existing);
            names.iter().map(|n| a.propose(n).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(run(), vec!["budi.santoso2", "siti.rahma", "budi.santoso3", "siti.rahma2"]);
        assert_eq!(run(), run());
    }
}
