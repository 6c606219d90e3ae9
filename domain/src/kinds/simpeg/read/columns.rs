//! Which column of a SIMPEG export holds which field: header names are matched
//! loosely (case, spacing and punctuation ignored) against the names SIMPEG
//! exports use, and the officer can override the result on a mapping screen.

use serde::{Deserialize, Serialize};

/// A field the bulk request needs from each row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Nip,
    Name,
    Unit,
    Phone,
    Email,
    PhoneVerified,
    EmailVerified,
    DataComplete,
    TitleFront,
    TitleBack,
    /// Employment status (aktif, pensiun, meninggal, berhenti …): a person
    /// who left gets no mailbox, and a working one is switched off.
    Employment,
}

impl Field {
    /// Every field, in the order the mapping screen shows them.
    pub const ALL: [Field; 11] = [
        Field::Nip,
        Field::Name,
        Field::Unit,
        Field::Phone,
        Field::Email,
        Field::PhoneVerified,
        Field::EmailVerified,
        Field::DataComplete,
        Field::TitleFront,
        Field::TitleBack,
        Field::Employment,
    ];

    /// Stable name, used in error arguments and translation keys.
    pub fn code(self) -> &'static str {
        match self {
            Field::Nip => "nip",
            Field::Name => "name",
            Field::Unit => "unit",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::PhoneVerified => "phone_verified",
            Field::EmailVerified => "email_verified",
            Field::DataComplete => "data_complete",
            Field::TitleFront => "title_front",
            Field::TitleBack => "title_back",
            Field::Employment => "employment",
        }
    }

    /// Whether a file without this column can be checked at all. The three
    /// status columns are required: SOP 004 step 2 selects on them. Without
    /// an employment status every row counts as still working.
    pub fn required(self) -> bool {
        !matches!(self, Field::TitleFront | Field::TitleBack | Field::Employment)
    }

    fn index(self) -> usize {
        Field::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// Header names SIMPEG exports use, most specific first (the first alias
    /// wins when two columns match the same field, e.g. `NIP` over `NIP BARU`).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Nip => &["NIP", "NIP BARU", "NIP 18", "NIP ASN", "NIP PEGAWAI", "NOMOR INDUK PEGAWAI"],
            Field::Name => &["NAMA", "NAMA LENGKAP", "NAMA PEGAWAI", "NAMA ASN", "NAMA TANPA GELAR"],
            Field::Unit => &[
                "UNIT KERJA",
                "OPD",
                "SKPD",
                "INSTANSI",
                "PERANGKAT DAERAH",
                "UNOR",
                "UNIT ORGANISASI",
                "NAMA OPD",
                "NAMA UNIT KERJA",
                "NAMA SKPD",
                "KODE OPD",
                "KODE UNIT KERJA",
            ],
            Field::Phone => &[
                "NO HP",
                "NOMOR HP",
                "HP",
                "NO TELP",
                "TELEPON",
                "NO HANDPHONE",
                "NOMOR HANDPHONE",
                "HANDPHONE",
                "NO TELEPON",
                "NOMOR TELEPON",
                "TELP",
                "PONSEL",
                "NO PONSEL",
                "NO WA",
                "NOMOR WA",
                "WHATSAPP",
            ],
            Field::Email => &["EMAIL", "EMAIL PRIBADI", "E-MAIL", "E-MAIL PRIBADI", "ALAMAT EMAIL", "EMAIL PERSONAL", "SUREL PRIBADI"],
            Field::PhoneVerified => &[
                "HP TERVERIFIKASI",
                "VERIFIKASI HP",
                "STATUS VERIFIKASI HP",
                "NO HP TERVERIFIKASI",
                "VERIFIKASI NO HP",
                "VERIFIKASI NOMOR HP",
                "NOMOR HP TERVERIFIKASI",
                "HP VERIFIED",
                "PHONE VERIFIED",
            ],
            Field::EmailVerified => &[
                "EMAIL TERVERIFIKASI",
                "VERIFIKASI EMAIL",
                "STATUS VERIFIKASI EMAIL",
                "E-MAIL TERVERIFIKASI",
                "VERIFIKASI E-MAIL",
                "EMAIL PRIBADI TERVERIFIKASI",
                "EMAIL VERIFIED",
            ],
            Field::DataComplete => {
                &["DATA LENGKAP", "KELENGKAPAN DATA", "STATUS KELENGKAPAN DATA", "DATA KEPEGAWAIAN LENGKAP", "KELENGKAPAN DATA KEPEGAWAIAN", "STATUS DATA"]
            }
            Field::TitleFront => &["GELAR DEPAN"],
            Field::TitleBack => &["GELAR BELAKANG"],
            Field::Employment => &[
                "STATUS PEGAWAI",
                "STATUS KEPEGAWAIAN",
                "KEDUDUKAN HUKUM",
                "KEDUDUKAN PEGAWAI",
                "KEDUDUKAN HUKUM PEGAWAI",
                "STATUS ASN",
                "STATUS AKTIF",
                "KETERANGAN STATUS PEGAWAI",
            ],
        }
    }
}

/// Header text reduced to what identifies it: `" No. HP (WA) "` → `"nohp"`.
/// A trailing remark in parentheses is dropped, then everything but ASCII
/// letters and digits.
pub fn normalize_header(header: &str) -> String {
    let main = match header.find('(') {
        Some(i) if i > 0 => &header[..i],
        _ => header,
    };
    main.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Field → column index (0-based), as detected or as set on the mapping
/// screen. A list in [`Field::ALL`] order; a mapping stored before a field
/// existed is shorter and simply lacks it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ColumnMapping {
    columns: Vec<Option<usize>>,
}

impl PartialEq for ColumnMapping {
    fn eq(&self, other: &Self) -> bool {
        Field::ALL.iter().all(|f| self.get(*f) == other.get(*f))
    }
}

impl Eq for ColumnMapping {}

impl ColumnMapping {
    /// The column holding `field`, if any.
    pub fn get(&self, field: Field) -> Option<usize> {
        self.columns.get(field.index()).copied().flatten()
    }

    /// Puts `field` in `column` (`None`: the file has no such column).
    pub fn set(&mut self, field: Field, column: Option<usize>) {
        let i = field.index();
        if self.columns.len() <= i {
            self.columns.resize(Field::ALL.len(), None);
        }
        self.columns[i] = column;
    }

    /// Builder form of [`ColumnMapping::set`].
    pub fn with(mut self, field: Field, column: usize) -> Self {
        self.set(field, Some(column));
        self
    }

    /// The mapped fields with their columns, in [`Field::ALL`] order.
    pub fn pairs(&self) -> Vec<(Field, usize)> {
        Field::ALL.iter().filter_map(|f| self.get(*f).map(|c| (*f, c))).collect()
    }

    /// The first required field without a column.
    pub fn first_missing(&self) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.required() && self.get(*f).is_none())
    }

    /// Checks a mapping against a header row of `width` columns: every
    /// required field present, columns inside the row, no column used twice.
    pub fn validate(&self, width: usize) -> Result<(), MappingError> {
        if let Some(f) = self.first_missing() {
            return Err(MappingError::Missing(f));
        }
        let mut used = std::collections::HashSet::new();
        for (field, column) in self.pairs() {
            if column >= width {
                return Err(MappingError::OutOfRange(field));
            }
            if !used.insert(column) {
                return Err(MappingError::UsedTwice(field));
            }
        }
        Ok(())
    }
}

/// Why a mapping cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MappingError {
    Missing(Field),
    OutOfRange(Field),
    UsedTwice(Field),
}

/// The mapping a header row suggests: for each field the column whose
/// normalised header equals one of its aliases (earliest alias, then leftmost
/// column). Exact matches only, so `NIP LAMA` never passes for the NIP.
pub fn detect_mapping(headers: &[String]) -> ColumnMapping {
    let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let mut mapping = ColumnMapping::default();
    let mut used = vec![false; headers.len()];
    for field in Field::ALL {
        let found = field.aliases().iter().find_map(|alias| {
            let alias = normalize_header(alias);
            normalized.iter().enumerate().position(|(i, h)| !used[i] && *h == alias)
        });
        if let Some(col) = found {
            used[col] = true;
            mapping.set(field, Some(col));
        }
    }
    mapping
}

/// How many fields a header row matches: used to find the header row below
/// a title line or two.
pub(crate) fn match_count(mapping: &ColumnMapping) -> usize {
    mapping.pairs().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn normalizes_headers() {
        assert_eq!(normalize_header(" No. HP (WA) "), "nohp");
        assert_eq!(normalize_header("E-Mail"), "email");
        assert_eq!(normalize_header("NIP_BARU"), "nipbaru");
        assert_eq!(normalize_header("(x)"), "x");
    }

    #[test]
    fn detects_simpeg_spellings() {
        let h = row(&[
            "No",
            "NIP BARU",
            "NIP LAMA",
            "Nama Lengkap",
            "Gelar Depan",
            "Gelar Belakang",
            "OPD",
            "Nomor HP",
            "Verifikasi HP",
            "E-mail Pribadi",
            "Email Terverifikasi",
            "Kelengkapan Data",
            "Keterangan",
        ]);
        let m = detect_mapping(&h);
        assert_eq!(m.get(Field::Nip), Some(1));
        assert_eq!(m.get(Field::Name), Some(3));
        assert_eq!(m.get(Field::TitleFront), Some(4));
        assert_eq!(m.get(Field::TitleBack), Some(5));
        assert_eq!(m.get(Field::Unit), Some(6));
        assert_eq!(m.get(Field::Phone), Some(7));
        assert_eq!(m.get(Field::PhoneVerified), Some(8));
        assert_eq!(m.get(Field::Email), Some(9));
        assert_eq!(m.get(Field::EmailVerified), Some(10));
        assert_eq!(m.get(Field::DataComplete), Some(11));
        assert_eq!(m.first_missing(), None);
        assert_eq!(m.validate(h.len()), Ok(()));
    }

    #[test]
    fn earliest_alias_wins() {
        let m = detect_mapping(&row(&["NIP BARU", "NIP", "NAMA"]));
        assert_eq!(m.get(Field::Nip), Some(1));
        let m = detect_mapping(&row(&["NIP LAMA", "NAMA UNIT KERJA", "NAMA"]));
        assert_eq!(m.get(Field::Nip), None);
        assert_eq!(m.get(Field::Name), Some(2));
        assert_eq!(m.get(Field::Unit), Some(1));
        assert_eq!(m.first_missing(), Some(Field::Nip));
    }

    #[test]
    fn the_employment_status_column_is_optional_and_old_mappings_still_read() {
        let m = detect_mapping(&row(&["NIP", "NAMA", "OPD", "NO HP", "HP TERVERIFIKASI", "EMAIL", "EMAIL TERVERIFIKASI", "DATA LENGKAP", "Kedudukan Hukum"]));
        assert_eq!(m.get(Field::Employment), Some(8));
        assert_eq!(m.validate(9), Ok(()));
        let without = detect_mapping(&row(&["NIP", "NAMA", "OPD", "NO HP", "HP TERVERIFIKASI", "EMAIL", "EMAIL TERVERIFIKASI", "DATA LENGKAP"]));
        assert_eq!(without.first_missing(), None, "not required");
        // a batch mapped before the field existed (ten columns stored)
        let old: ColumnMapping = serde_json::from_str(r#"{"columns":[0,1,2,3,5,4,6,7,null,null]}"#).unwrap();
        assert_eq!(old.get(Field::DataComplete), Some(7));
        assert_eq!(old.get(Field::Employment), None);
        assert_eq!(old, without);
    }

    #[test]
    fn validates_overrides() {
        let mut m = ColumnMapping::default();
        for (i, f) in Field::ALL.iter().take(8).enumerate() {
            m.set(*f, Some(i));
        }
        assert_eq!(m.validate(8), Ok(()));
        assert_eq!(m.validate(7), Err(MappingError::OutOfRange(Field::DataComplete)));
        let twice = m.clone().with(Field::TitleBack, 0);
        assert_eq!(twice.validate(8), Err(MappingError::UsedTwice(Field::TitleBack)));
        let mut missing = m;
        missing.set(Field::Email, None);
        assert_eq!(missing.validate(8), Err(MappingError::Missing(Field::Email)));
    }
}
