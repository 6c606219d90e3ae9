//! NIP (Nomor Induk Pegawai): 18 digits that encode the civil servant's
//! birth date (8), appointment year and month (6), gender (1) and a sequence (3).
//! Example from SOP 000: `19761123 199511 1 002`.

use super::{days_in_month, Ymd};
use crate::vocab::ErrorCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// What a valid NIP says about its holder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NipInfo {
    pub birth: Ymd,
    pub appointed_year: i32,
    /// 1–12 for PNS; `None` for PPPK, whose NIP carries the code 21 in place of a month.
    pub appointed_month: Option<u32>,
    pub gender: Gender,
    pub sequence: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NipError {
    Empty,
    NotDigits,
    WrongLength,
    BadBirthDate,
    BadAppointment,
    AppointedTooYoung,
    AppointedInFuture,
    BadGender,
    BadSequence,
}

impl NipError {
    pub fn code(self) -> ErrorCode {
        match self {
            NipError::Empty => ErrorCode::NipEmpty,
            NipError::NotDigits => ErrorCode::NipDigits,
            NipError::WrongLength => ErrorCode::NipLength,
            NipError::BadBirthDate => ErrorCode::NipBirth,
            NipError::BadAppointment => ErrorCode::NipAppointment,
            NipError::AppointedTooYoung => ErrorCode::NipTooYoung,
            NipError::AppointedInFuture => ErrorCode::NipFuture,
            NipError::BadGender => ErrorCode::NipGender,
            NipError::BadSequence => ErrorCode::NipSequence,
        }
    }
}

/// The NIP without the spaces people write it with (`19761123 199511 1 002`).
pub fn normalize_nip(input: &str) -> Result<String, NipError> {
    let s: String = input.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '-').collect();
    if s.is_empty() {
        return Err(NipError::Empty);
    }
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(NipError::NotDigits);
    }
    if s.len() != 18 {
        return Err(NipError::WrongLength);
    }
    Ok(s)
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

/// Checks a NIP against `today`; returns the normalised NIP and what it encodes.
pub fn parse_nip(input: &str, today: Ymd) -> Result<(String, NipInfo), NipError> {
    let s = normalize_nip(input)?;
    let birth = Ymd::new(num(&s[0..4]) as i32, num(&s[4..6]), num(&s[6..8]));
    let valid_day = (1..=12).contains(&birth.month) && birth.day >= 1 && birth.day <= days_in_month(birth.year, birth.month);
    if !valid_day || birth.year < 1940 || birth > today {
        return Err(NipError::BadBirthDate);
    }
    let appointed_year = num(&s[8..12]) as i32;
    let month_code = num(&s[12..14]);
    let appointed_month = match month_code {
        1..=12 => Some(month_code),
        21 => None, // PPPK
        _ => return Err(NipError::BadAppointment),
    };
    if appointed_year < 1958 {
        return Err(NipError::BadAppointment);
    }
    // Nobody is appointed before 17; NIPs are issued shortly before the appointment date.
    if appointed_year < birth.year + 17 {
        return Err(NipError::AppointedTooYoung);
    }
    if appointed_year > today.year + 1 {
        return Err(NipError::AppointedInFuture);
    }
    let gender = match &s[14..15] {
        "1" => Gender::Male,
        "2" => Gender::Female,
        _ => return Err(NipError::BadGender),
    };
    let sequence = num(&s[15..18]);
    if sequence == 0 {
        return Err(NipError::BadSequence);
    }
    Ok((s, NipInfo { birth, appointed_year, appointed_month, gender, sequence }))
}

/// `197611231995111002` → `19761123 199511 1 002`, as printed on official letters.
pub fn format_nip(nip: &str) -> String {
    if nip.len() != 18 || !nip.is_ascii() {
        return nip.to_string();
    }
    format!("{} {} {} {}", &nip[0..8], &nip[8..14], &nip[14..15], &nip[15..18])
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Ymd = Ymd { year: 2026, month: 11, day: 23 };

    #[test]
    fn accepts_the_sop_signatory() {
        let (nip, info) = parse_nip("19761123 199511 1 002", TODAY).unwrap();
        assert_eq!(nip, "197611231995111002");
        assert_eq!(info.birth, Ymd::new(1976, 11, 23));
        assert_eq!(info.appointed_year, 1995);
        assert_eq!(info.appointed_month, Some(11));
        assert_eq!(info.gender, Gender::Male);
        assert_eq!(info.sequence, 2);
        assert_eq!(format_nip(&nip), "19761123 199511 1 002");
    }

    #[test]
    fn accepts_pppk_code_and_leap_days() {
        assert!(parse_nip("199002152022211001", TODAY).is_ok());
        assert!(parse_nip("199602292020012001", TODAY).is_ok()); // 1996 is a leap year
    }

    #[test]
    fn refuses_each_broken_part() {
        let cases = [
            ("", NipError::Empty),
            ("19761123 199511 1 0O2", NipError::NotDigits),
            ("1976112319951110", NipError::WrongLength),
            ("197613231995111002", NipError::BadBirthDate), // month 13
            ("197502291995111002", NipError::BadBirthDate), // 1975 not leap
            ("193001011995111002", NipError::BadBirthDate), // too old
            ("203001011995111002", NipError::BadBirthDate), // born in the future
            ("197611231995131002", NipError::BadAppointment),
            ("197611231985111002", NipError::AppointedTooYoung),
            ("197611232031111002", NipError::AppointedInFuture),
            ("197611231995113002", NipError::BadGender),
            ("197611231995111000", NipError::BadSequence),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_nip(input, TODAY).map(|_| ()), Err(expected), "{input}");
        }
    }
}
