//! Surel's typed vocabulary: the codes that used to be bare strings.
//!
//! Each enum serialises (serde), parses and prints (strum) and, with the `db`
//! feature, is stored (SeaORM) as exactly the snake_case string it had before,
//! so nothing changes on the wire or in the database. The tests below pin
//! those strings. A new variant must get a text in `app/locales/*.json`; the
//! UI's translation functions match every variant (no wildcard), so a missing
//! text is a build error, and `app`'s locale test checks both languages.
#[cfg(feature = "db")]
use sea_orm::{entity::prelude::StringLen, DeriveActiveEnum};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumIter, EnumString, IntoEnumIterator, IntoStaticStr};

/// What every vocabulary enum offers besides its derives.
macro_rules! vocabulary {
    ($($t:ident),*) => {$(
        impl $t {
            /// The stable code (wire, database, translation key suffix).
            pub fn as_str(self) -> &'static str {
                self.into()
            }
            /// The variant with this code, if any.
            pub fn parse(code: &str) -> Option<Self> {
                code.parse().ok()
            }
            /// Every variant, in declaration order.
            pub fn all() -> impl Iterator<Item = Self> {
                <Self as IntoEnumIterator>::iter()
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

vocabulary!(ErrorCode, RequestKind, RequestState, Action, BatchStatus, RowStatus, RowVerdict, OutboxStatus, MailboxKind, MailboxStatus, MailboxSort);

/// Why something was refused: the code of a [`crate::validation::FieldError`]
/// or of an [`crate::AppError::Conflict`]. The UI translates it
/// (`errors.<code>`); SIMPEG rows store rejection reasons as these codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    // General
    Required,
    Generic,
    Invalid,
    TooShort,
    TooLong,
    TooMany,
    Throttled,
    NoteRequired,
    // Signing in, links and codes
    InvalidCredentials,
    LinkInvalid,
    CodeFormat,
    CodeWrong,
    CodeDead,
    CodePaused,
    CodeExpired,
    CodeNotSent,
    ResendWait,
    ResetExpired,
    ChallengeExpired,
    TotpWrong,
    RecoveryWrong,
    LastFactor,
    FactorResetSelf,
    PasskeyFailed,
    PasskeyNone,
    // Phone numbers (`validation::phone`) and phone changes
    PhoneEmpty,
    PhoneChars,
    PhoneNotId,
    PhoneNotMobile,
    PhoneShort,
    PhoneLong,
    PhoneUnchanged,
    PhoneChangeNotPermitted,
    // E-mail (`validation::email`)
    EmailEmpty,
    EmailInvalid,
    EmailOfficial,
    // NIP (`validation::nip`)
    NipEmpty,
    NipDigits,
    NipLength,
    NipBirth,
    NipAppointment,
    NipTooYoung,
    NipFuture,
    NipGender,
    NipSequence,
    NipTaken,
    // Addresses (`validation::address`) and mailboxes
    AddressEmpty,
    AddressShort,
    AddressLong,
    AddressChars,
    AddressDots,
    AddressReserved,
    AddressTaken,
    AddressUnknown,
    AddressDomain,
    MailboxNotFound,
    /// Someone changed the mailbox meanwhile (or it already is in that state).
    MailboxChanged,
    /// Officers do not switch off their own mailbox.
    MailboxSelf,
    /// The mailbox already has a password: the owner resets it instead.
    ActivationNotNeeded,
    /// No reset phone to send the link to.
    MailboxNoPhone,
    /// A staff member's mailbox: only the Admin sistem switches it off.
    MailboxStaff,
    /// Deleted: nothing changes on it any more.
    MailboxDeleted,
    /// Only a mailbox listed for deletion is deleted (or kept).
    MailboxNotMarked,
    /// Forwarding is for unit, kegiatan and event mailboxes, not personal ones.
    ForwardPersonal,
    /// A mailbox does not forward to itself.
    ForwardSelf,
    /// The target is switched off, ended or deleted.
    ForwardInactive,
    /// Already forwarded there.
    ForwardExists,
    // Passwords (`validation::password`)
    PasswordEmpty,
    PasswordShort,
    PasswordLong,
    PasswordAddress,
    PasswordName,
    PasswordNip,
    PasswordCommon,
    PasswordWeak,
    PasswordMismatch,
    /// The current password (owner's page) is not right.
    PasswordCurrentWrong,
    /// The new password is the one in use.
    PasswordUnchanged,
    // Staff and roles
    RoleUnknown,
    RoleNeedsUnit,
    RoleExists,
    UnitUnknown,
    LastAdmin,
    NameEmpty,
    // Request forms
    DocTypeInvalid,
    DocNumberInvalid,
    DateInvalid,
    DatePast,
    DateFuture,
    LetterRequired,
    LetterPdf,
    QuotaInvalid,
    FormRequired,
    ScanRequired,
    // Uploads (`validation::upload`)
    FileEmpty,
    FileTooLarge,
    FileType,
    AttachmentMissing,
    UploadFailed,
    UploadLimited,
    // Service levels
    StandardInvalid,
    HoursInvalid,
    NoOpenDay,
    HolidayInvalid,
    // Conflicts (`AppError::Conflict`)
    AlreadyHandled,
    SameActor,
    RequestOpen,
    BatchNotDraft,
    // SIMPEG files (reader)
    SimpegFileTooLarge,
    FileUnpacksTooLarge,
    FileUnreadable,
    FileNoHeader,
    FileNoRows,
    FileTooManyRows,
    FileTooManyColumns,
    FileCellTooLong,
    HeaderMissing,
    MappingOutOfRange,
    MappingUsedTwice,
    MappingUnknownField,
    // SIMPEG rows (rules) and batches
    NipAsNumber,
    NipDuplicateInFile,
    NameTooLong,
    UnitEmpty,
    UnitAmbiguous,
    PhoneUnverified,
    PhoneVerifiedUnreadable,
    EmailOfficialDomain,
    EmailDuplicateInFile,
    EmailUnverified,
    EmailVerifiedUnreadable,
    DataIncomplete,
    DataCompleteUnreadable,
    AlreadyHasAccount,
    /// SIMPEG says the person is no longer active: no new mailbox.
    EmployeeLeft,
    AddressNoLetters,
    AddressExhausted,
    AddressInBatch,
    RowIncomplete,
    BatchAddressMissing,
    BatchAddressTaken,
    BatchNothingEligible,
}

/// A request type (`requests.kind`); each is one flow in `domain::workflow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "db", derive(DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
pub enum RequestKind {
    /// F2, SOP 001.
    #[cfg_attr(feature = "db", sea_orm(string_value = "phone_change"))]
    PhoneChange,
    /// F3, SOP 000.
    #[cfg_attr(feature = "db", sea_orm(string_value = "unit_account"))]
    UnitAccount,
    /// F4, SOP 002.
    #[cfg_attr(feature = "db", sea_orm(string_value = "personal_account"))]
    PersonalAccount,
    /// F5, SOP 004.
    #[cfg_attr(feature = "db", sea_orm(string_value = "simpeg_bulk"))]
    SimpegBulk,
}

/// A state of a request (`requests.state`, `request_events.from_state` and
/// `to_state`). One vocabulary for every flow: `uji_akun`, `pelaporan`,
/// `selesai` and `ditolak` occur in more than one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "db", derive(DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
pub enum RequestState {
    #[cfg_attr(feature = "db", sea_orm(string_value = "verifikasi_kode"))]
    VerifikasiKode,
    #[cfg_attr(feature = "db", sea_orm(string_value = "menunggu_kasi"))]
    MenungguKasi,
    #[cfg_attr(feature = "db", sea_orm(string_value = "menunggu_kabid"))]
    MenungguKabid,
    #[cfg_attr(feature = "db", sea_orm(string_value = "input_data"))]
    InputData,
    #[cfg_attr(feature = "db", sea_orm(string_value = "verifikasi_data"))]
    VerifikasiData,
    #[cfg_attr(feature = "db", sea_orm(string_value = "uji_akun"))]
    UjiAkun,
    #[cfg_attr(feature = "db", sea_orm(string_value = "pelaporan"))]
    Pelaporan,
    #[cfg_attr(feature = "db", sea_orm(string_value = "pemeriksaan"))]
    Pemeriksaan,
    #[cfg_attr(feature = "db", sea_orm(string_value = "perbaikan"))]
    Perbaikan,
    #[cfg_attr(feature = "db", sea_orm(string_value = "pembuatan_akun"))]
    PembuatanAkun,
    #[cfg_attr(feature = "db", sea_orm(string_value = "pengiriman"))]
    Pengiriman,
    #[cfg_attr(feature = "db", sea_orm(string_value = "proses"))]
    Proses,
    #[cfg_attr(feature = "db", sea_orm(string_value = "memproses"))]
    Memproses,
    #[cfg_attr(feature = "db", sea_orm(string_value = "isi_simpeg"))]
    IsiSimpeg,
    #[cfg_attr(feature = "db", sea_orm(string_value = "penerimaan"))]
    Penerimaan,
    #[cfg_attr(feature = "db", sea_orm(string_value = "selesai"))]
    Selesai,
    #[cfg_attr(feature = "db", sea_orm(string_value = "ditolak"))]
    Ditolak,
    #[cfg_attr(feature = "db", sea_orm(string_value = "dibatalkan"))]
    Dibatalkan,
}

/// A step taken on a request (`request_events.action`): `buat` opens one,
/// every other is a transition of some flow in `domain::workflow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "db", derive(DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
pub enum Action {
    #[cfg_attr(feature = "db", sea_orm(string_value = "buat"))]
    Buat,
    #[cfg_attr(feature = "db", sea_orm(string_value = "kirim_ulang_kode"))]
    KirimUlangKode,
    #[cfg_attr(feature = "db", sea_orm(string_value = "konfirmasi_kode"))]
    KonfirmasiKode,
    #[cfg_attr(feature = "db", sea_orm(string_value = "batalkan"))]
    Batalkan,
    #[cfg_attr(feature = "db", sea_orm(string_value = "setujui"))]
    Setujui,
    #[cfg_attr(feature = "db", sea_orm(string_value = "tolak"))]
    Tolak,
    #[cfg_attr(feature = "db", sea_orm(string_value = "input_data"))]
    InputData,
    #[cfg_attr(feature = "db", sea_orm(string_value = "setujui_data"))]
    SetujuiData,
    #[cfg_attr(feature = "db", sea_orm(string_value = "kembalikan_data"))]
    KembalikanData,
    #[cfg_attr(feature = "db", sea_orm(string_value = "uji_berhasil"))]
    UjiBerhasil,
    #[cfg_attr(feature = "db", sea_orm(string_value = "uji_gagal"))]
    UjiGagal,
    #[cfg_attr(feature = "db", sea_orm(string_value = "uji_ulang"))]
    UjiUlang,
    #[cfg_attr(feature = "db", sea_orm(string_value = "kirim_laporan"))]
    KirimLaporan,
    #[cfg_attr(feature = "db", sea_orm(string_value = "kembalikan"))]
    Kembalikan,
    #[cfg_attr(feature = "db", sea_orm(string_value = "kirim_ulang"))]
    KirimUlang,
    #[cfg_attr(feature = "db", sea_orm(string_value = "buat_akun"))]
    BuatAkun,
    #[cfg_attr(feature = "db", sea_orm(string_value = "kirim_aktivasi"))]
    KirimAktivasi,
    #[cfg_attr(feature = "db", sea_orm(string_value = "proses_batch"))]
    ProsesBatch,
    #[cfg_attr(feature = "db", sea_orm(string_value = "batch_selesai"))]
    BatchSelesai,
    #[cfg_attr(feature = "db", sea_orm(string_value = "tandai_dimuat"))]
    TandaiDimuat,
    #[cfg_attr(feature = "db", sea_orm(string_value = "laporkan"))]
    Laporkan,
    #[cfg_attr(feature = "db", sea_orm(string_value = "terima_laporan"))]
    TerimaLaporan,
}

/// Where a SIMPEG upload is (`simpeg_batches.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "db", derive(DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
pub enum BatchStatus {
    /// Headers not all recognised: waits for the mapping screen.
    #[cfg_attr(feature = "db", sea_orm(string_value = "mapping"))]
    Mapping,
    /// Checked; the preparer may edit addresses and submit.
    #[cfg_attr(feature = "db", sea_orm(string_value = "draft"))]
    Draft,
    /// Part of a collective request; the job works its rows.
    #[cfg_attr(feature = "db", sea_orm(string_value = "submitted"))]
    Submitted,
    /// Every row worked.
    #[cfg_attr(feature = "db", sea_orm(string_value = "done"))]
    Done,
    /// Thrown away before submitting.
    #[cfg_attr(feature = "db", sea_orm(string_value = "discarded"))]
    Discarded,
}

/// Where a message in the outbox is (`outbox.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// A dispatcher holds it now.
    Sending,
    /// The gateway took it.
    Sent,
    /// Every attempt failed: an officer may send it again.
    Dead,
}

/// What a mailbox is for (`mailboxes.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MailboxKind {
    /// One civil servant's own account (SOP 002, SIMPEG).
    Personal,
    /// A unit's account (SOP 003).
    Unit,
    /// A programme's account (SOP 003).
    Kegiatan,
    /// An event's account, with an end date (SOP 000).
    Event,
}

/// Where a mailbox stands, as officers see it. `Expired` is not stored: it is
/// an active or waiting mailbox past its end date, which the mail server
/// already refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MailboxStatus {
    /// Created; the owner has not set a password through the activation link yet.
    Pending,
    Active,
    /// Switched off by an officer (or at its end date): no login, no mail.
    Disabled,
    /// Switched off for longer than the retention period: listed for the
    /// officers, who confirm the deletion or keep it.
    MarkedForDeletion,
    /// Deleted after an officer's confirmation: the address stays taken, the
    /// password and the reset phone are gone.
    Deleted,
    /// Past its end date.
    Expired,
}

/// The order of the mailbox directory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MailboxSort {
    #[default]
    Address,
    Name,
    Newest,
}

/// What the job did with one row (`simpeg_rows.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "db", derive(DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
pub enum RowStatus {
    /// Eligible, not worked yet.
    #[cfg_attr(feature = "db", sea_orm(string_value = "pending"))]
    Pending,
    /// The mailbox exists.
    #[cfg_attr(feature = "db", sea_orm(string_value = "done"))]
    Done,
    /// Not made (the row's `error` says why).
    #[cfg_attr(feature = "db", sea_orm(string_value = "failed"))]
    Failed,
    /// Not eligible: never worked.
    #[cfg_attr(feature = "db", sea_orm(string_value = "skipped"))]
    Skipped,
}

/// The check's verdict on one row (`simpeg_rows.verdict`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, EnumIter, IntoStaticStr, AsRefStr, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "db", derive(DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
pub enum RowVerdict {
    #[cfg_attr(feature = "db", sea_orm(string_value = "eligible"))]
    Eligible,
    #[cfg_attr(feature = "db", sea_orm(string_value = "rejected"))]
    Rejected,
    /// The NIP already has a personal official mailbox.
    #[cfg_attr(feature = "db", sea_orm(string_value = "has_account"))]
    HasAccount,
    /// SIMPEG says the person is no longer active (retired, left, died) and
    /// they have a working personal mailbox: processing the batch switches
    /// it off (the officer's confirmation is starting the processing).
    #[cfg_attr(feature = "db", sea_orm(string_value = "leaving"))]
    Leaving,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde, strum (and SeaORM with `db`) agree on every variant's string,
    /// and each string parses back to its variant.
    fn agree<T>(expected: &[&str])
    where
        T: IntoEnumIterator + Copy + std::fmt::Debug + PartialEq + Serialize + serde::de::DeserializeOwned + Into<&'static str> + std::str::FromStr,
        <T as std::str::FromStr>::Err: std::fmt::Debug,
    {
        let got: Vec<&'static str> = T::iter().map(Into::into).collect();
        assert_eq!(got, expected, "the stored and wire strings of {}", std::any::type_name::<T>());
        for v in T::iter() {
            let s: &'static str = v.into();
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<T>(&format!("\"{s}\"")).unwrap(), v);
            assert_eq!(s.parse::<T>().unwrap(), v);
        }
    }

    #[test]
    fn error_codes_keep_their_strings() {
        agree::<ErrorCode>(&[
            "required",
            "generic",
            "invalid",
            "too_short",
            "too_long",
            "too_many",
            "throttled",
            "note_required",
            "invalid_credentials",
            "link_invalid",
            "code_format",
            "code_wrong",
            "code_dead",
            "code_paused",
            "code_expired",
            "code_not_sent",
            "resend_wait",
            "reset_expired",
            "challenge_expired",
            "totp_wrong",
            "recovery_wrong",
            "last_factor",
            "factor_reset_self",
            "passkey_failed",
            "passkey_none",
            "phone_empty",
            "phone_chars",
            "phone_not_id",
            "phone_not_mobile",
            "phone_short",
            "phone_long",
            "phone_unchanged",
            "phone_change_not_permitted",
            "email_empty",
            "email_invalid",
            "email_official",
            "nip_empty",
            "nip_digits",
            "nip_length",
            "nip_birth",
            "nip_appointment",
            "nip_too_young",
            "nip_future",
            "nip_gender",
            "nip_sequence",
            "nip_taken",
            "address_empty",
            "address_short",
            "address_long",
            "address_chars",
            "address_dots",
            "address_reserved",
            "address_taken",
            "address_unknown",
            "address_domain",
            "mailbox_not_found",
            "mailbox_changed",
            "mailbox_self",
            "activation_not_needed",
            "mailbox_no_phone",
            "mailbox_staff",
            "mailbox_deleted",
            "mailbox_not_marked",
            "forward_personal",
            "forward_self",
            "forward_inactive",
            "forward_exists",
            "password_empty",
            "password_short",
            "password_long",
            "password_address",
            "password_name",
            "password_nip",
            "password_common",
            "password_weak",
            "password_mismatch",
            "password_current_wrong",
            "password_unchanged",
            "role_unknown",
            "role_needs_unit",
            "role_exists",
            "unit_unknown",
            "last_admin",
            "name_empty",
            "doc_type_invalid",
            "doc_number_invalid",
            "date_invalid",
            "date_past",
            "date_future",
            "letter_required",
            "letter_pdf",
            "quota_invalid",
            "form_required",
            "scan_required",
            "file_empty",
            "file_too_large",
            "file_type",
            "attachment_missing",
            "upload_failed",
            "upload_limited",
            "standard_invalid",
            "hours_invalid",
            "no_open_day",
            "holiday_invalid",
            "already_handled",
            "same_actor",
            "request_open",
            "batch_not_draft",
            "simpeg_file_too_large",
            "file_unpacks_too_large",
            "file_unreadable",
            "file_no_header",
            "file_no_rows",
            "file_too_many_rows",
            "file_too_many_columns",
            "file_cell_too_long",
            "header_missing",
            "mapping_out_of_range",
            "mapping_used_twice",
            "mapping_unknown_field",
            "nip_as_number",
            "nip_duplicate_in_file",
            "name_too_long",
            "unit_empty",
            "unit_ambiguous",
            "phone_unverified",
            "phone_verified_unreadable",
            "email_official_domain",
            "email_duplicate_in_file",
            "email_unverified",
            "email_verified_unreadable",
            "data_incomplete",
            "data_complete_unreadable",
            "already_has_account",
            "employee_left",
            "address_no_letters",
            "address_exhausted",
            "address_in_batch",
            "row_incomplete",
            "batch_address_missing",
            "batch_address_taken",
            "batch_nothing_eligible",
        ]);
        assert_eq!(ErrorCode::parse("no_such_code"), None);
        assert_eq!(ErrorCode::NipAsNumber.to_string(), "nip_as_number");
    }

    #[test]
    fn request_vocabulary_keeps_its_strings() {
        agree::<RequestKind>(&["phone_change", "unit_account", "personal_account", "simpeg_bulk"]);
        agree::<RequestState>(&[
            "verifikasi_kode",
            "menunggu_kasi",
            "menunggu_kabid",
            "input_data",
            "verifikasi_data",
            "uji_akun",
            "pelaporan",
            "pemeriksaan",
            "perbaikan",
            "pembuatan_akun",
            "pengiriman",
            "proses",
            "memproses",
            "isi_simpeg",
            "penerimaan",
            "selesai",
            "ditolak",
            "dibatalkan",
        ]);
        agree::<Action>(&[
            "buat",
            "kirim_ulang_kode",
            "konfirmasi_kode",
            "batalkan",
            "setujui",
            "tolak",
            "input_data",
            "setujui_data",
            "kembalikan_data",
            "uji_berhasil",
            "uji_gagal",
            "uji_ulang",
            "kirim_laporan",
            "kembalikan",
            "kirim_ulang",
            "buat_akun",
            "kirim_aktivasi",
            "proses_batch",
            "batch_selesai",
            "tandai_dimuat",
            "laporkan",
            "terima_laporan",
        ]);
    }

    #[test]
    fn simpeg_vocabulary_keeps_its_strings() {
        agree::<BatchStatus>(&["mapping", "draft", "submitted", "done", "discarded"]);
        agree::<RowStatus>(&["pending", "done", "failed", "skipped"]);
        agree::<RowVerdict>(&["eligible", "rejected", "has_account", "leaving"]);
    }

    #[test]
    fn mailbox_vocabulary_keeps_its_strings() {
        agree::<MailboxKind>(&["personal", "unit", "kegiatan", "event"]);
        agree::<MailboxStatus>(&["pending", "active", "disabled", "marked_for_deletion", "deleted", "expired"]);
        agree::<MailboxSort>(&["address", "name", "newest"]);
    }

    /// The database stores the same strings.
    #[cfg(feature = "db")]
    #[test]
    fn the_database_stores_the_same_strings() {
        use sea_orm::ActiveEnum;
        fn same<T: ActiveEnum<Value = String> + IntoEnumIterator + Copy + Into<&'static str> + std::fmt::Debug>() {
            for v in T::iter() {
                let s: &'static str = v.into();
                assert_eq!(v.to_value(), s);
                assert!(T::try_from_value(&s.to_string()).is_ok(), "{v:?}");
            }
        }
        same::<RequestKind>();
        same::<RequestState>();
        same::<Action>();
        same::<BatchStatus>();
        same::<RowStatus>();
        same::<RowVerdict>();
    }
}
