//! Turning error codes from the server into sentences in the user's language.
use crate::i18n::*;
use leptos_i18n::I18nContext;
use model::error::AppError;
use model::validation::FieldError;

/// The sentence for one field error.
pub fn field_error_text(i18n: I18nContext<Locale>, e: &FieldError) -> String {
    let arg = e.arg.clone().unwrap_or_default();
    macro_rules! t {
        ($key:ident) => {
            t_string!(i18n, errors.$key).to_string()
        };
        // Arguments are `{name}` in the translation and filled in here.
        ($key:ident, $a:ident) => {
            fill(&t_string!(i18n, errors.$key).to_string(), stringify!($a), &arg)
        };
    }
    match e.code.as_str() {
        "required" => t!(required),
        "invalid_credentials" => t!(invalid_credentials),
        "throttled" => t!(throttled),
        "phone_empty" => t!(phone_empty),
        "phone_chars" => t!(phone_chars),
        "phone_not_id" => t!(phone_not_id),
        "phone_not_mobile" => t!(phone_not_mobile),
        "phone_short" => t!(phone_short),
        "phone_long" => t!(phone_long),
        "email_empty" => t!(email_empty),
        "email_invalid" => t!(email_invalid),
        "nip_empty" => t!(nip_empty),
        "nip_digits" => t!(nip_digits),
        "nip_length" => t!(nip_length),
        "nip_birth" => t!(nip_birth),
        "nip_appointment" => t!(nip_appointment),
        "nip_too_young" => t!(nip_too_young),
        "nip_future" => t!(nip_future),
        "nip_gender" => t!(nip_gender),
        "nip_sequence" => t!(nip_sequence),
        "nip_taken" => t!(nip_taken),
        "address_empty" => t!(address_empty),
        "address_short" => t!(address_short),
        "address_long" => t!(address_long),
        "address_chars" => t!(address_chars),
        "address_dots" => t!(address_dots),
        "address_reserved" => t!(address_reserved),
        "address_taken" => t!(address_taken),
        "address_unknown" => t!(address_unknown),
        "address_domain" => t!(address_domain),
        "password_empty" => t!(password_empty),
        "password_short" => t!(password_short, min),
        "password_long" => t!(password_long, max),
        "password_address" => t!(password_address),
        "password_name" => t!(password_name),
        "password_nip" => t!(password_nip),
        "password_common" => t!(password_common),
        "password_weak" => t!(password_weak),
        "password_mismatch" => t!(password_mismatch),
        "role_unknown" => t!(role_unknown),
        "role_needs_unit" => t!(role_needs_unit),
        "role_exists" => t!(role_exists),
        "unit_unknown" => t!(unit_unknown),
        "last_admin" => t!(last_admin),
        "link_invalid" => t!(link_invalid),
        "name_empty" => t!(name_empty),
        "code_format" => t!(code_format),
        "code_wrong" => t!(code_wrong, left),
        "code_dead" => t!(code_dead),
        "code_paused" => t!(code_paused),
        "challenge_expired" => t!(challenge_expired),
        "totp_wrong" => t!(totp_wrong),
        "recovery_wrong" => t!(recovery_wrong),
        "last_factor" => t!(last_factor),
        "factor_reset_self" => t!(factor_reset_self),
        "passkey_failed" => t!(passkey_failed),
        "passkey_none" => t!(passkey_none),
        "file_unpacks_too_large" => t!(file_unpacks_too_large),
        "simpeg_file_too_large" => t!(simpeg_file_too_large),
        "code_expired" => t!(code_expired),
        "reset_expired" => t!(reset_expired),
        "resend_wait" => t!(resend_wait, secs),
        "doc_type_invalid" => t!(doc_type_invalid),
        "doc_number_invalid" => t!(doc_number_invalid),
        "phone_unchanged" => t!(phone_unchanged),
        "phone_change_not_permitted" => t!(phone_change_not_permitted),
        "note_required" => t!(note_required),
        "mailbox_not_found" => t!(mailbox_not_found),
        "too_short" => t!(too_short),
        "too_long" => t!(too_long),
        "too_many" => t!(too_many),
        "date_invalid" => t!(date_invalid),
        "date_past" => t!(date_past),
        "date_future" => t!(date_future),
        "letter_required" => t!(letter_required),
        "letter_pdf" => t!(letter_pdf),
        "quota_invalid" => t!(quota_invalid),
        "file_empty" => t!(file_empty),
        "file_too_large" => t!(file_too_large),
        "file_type" => t!(file_type),
        "attachment_missing" => t!(attachment_missing),
        "upload_failed" => t!(upload_failed),
        "upload_limited" => t!(upload_limited),
        "code_not_sent" => t!(code_not_sent),
        "email_official" => t!(email_official),
        "form_required" => t!(form_required),
        "scan_required" => t!(scan_required),
        "standard_invalid" => t!(standard_invalid),
        "hours_invalid" => t!(hours_invalid),
        "no_open_day" => t!(no_open_day),
        "holiday_invalid" => t!(holiday_invalid, value),
        "address_exhausted" => t!(address_exhausted),
        "address_in_batch" => t!(address_in_batch),
        "address_no_letters" => t!(address_no_letters),
        "already_has_account" => t!(already_has_account),
        "batch_address_missing" => t!(batch_address_missing),
        "batch_address_taken" => t!(batch_address_taken),
        "batch_not_draft" => t!(batch_not_draft),
        "batch_nothing_eligible" => t!(batch_nothing_eligible),
        "data_complete_unreadable" => t!(data_complete_unreadable),
        "data_incomplete" => t!(data_incomplete),
        "email_duplicate_in_file" => t!(email_duplicate_in_file),
        "email_official_domain" => t!(email_official_domain),
        "email_unverified" => t!(email_unverified),
        "email_verified_unreadable" => t!(email_verified_unreadable),
        "file_cell_too_long" => t!(file_cell_too_long),
        "file_no_header" => t!(file_no_header),
        "file_no_rows" => t!(file_no_rows),
        "file_too_many_columns" => t!(file_too_many_columns),
        "file_too_many_rows" => t!(file_too_many_rows),
        "file_unreadable" => t!(file_unreadable),
        "header_missing" => t!(header_missing),
        "mapping_out_of_range" => t!(mapping_out_of_range),
        "mapping_unknown_field" => t!(mapping_unknown_field),
        "mapping_used_twice" => t!(mapping_used_twice),
        "name_too_long" => t!(name_too_long),
        "nip_as_number" => t!(nip_as_number),
        "nip_duplicate_in_file" => t!(nip_duplicate_in_file),
        "phone_unverified" => t!(phone_unverified),
        "phone_verified_unreadable" => t!(phone_verified_unreadable),
        "row_incomplete" => t!(row_incomplete),
        "unit_ambiguous" => t!(unit_ambiguous),
        "unit_empty" => t!(unit_empty),
        _ => t!(generic),
    }
}

/// The sentence for an error that is not about one field.
pub fn app_error_text(i18n: I18nContext<Locale>, e: &AppError) -> String {
    match e {
        AppError::Unauthenticated => t_string!(i18n, errors.unauthenticated).to_string(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_string(),
        AppError::Invalid(list) => list.0.first().map(|f| field_error_text(i18n, f)).unwrap_or_else(|| t_string!(i18n, errors.invalid).to_string()),
        AppError::Conflict { by: Some(by), .. } => fill(&t_string!(i18n, errors.conflict_by).to_string(), "by", by),
        AppError::Conflict { .. } => t_string!(i18n, errors.conflict).to_string(),
        AppError::RateLimited { retry_after_secs } => {
            fill(&t_string!(i18n, errors.rate_limited).to_string(), "minutes", &retry_after_secs.div_ceil(60).max(1).to_string())
        }
        AppError::Internal { reference } => fill(&t_string!(i18n, errors.internal).to_string(), "reference", reference),
        AppError::Transport(_) => t_string!(i18n, errors.transport).to_string(),
    }
}

/// The name of a role in the user's language.
pub fn role_name(i18n: I18nContext<Locale>, role: model::Role) -> String {
    use model::Role::*;
    match role {
        Admin => t_string!(i18n, roles.admin),
        Auditor => t_string!(i18n, roles.auditor),
        Petugas => t_string!(i18n, roles.petugas),
        Kasi => t_string!(i18n, roles.kasi),
        Kabid => t_string!(i18n, roles.kabid),
        KepalaOpd => t_string!(i18n, roles.kepala_opd),
        PengelolaSimpeg => t_string!(i18n, roles.pengelola_simpeg),
        PejabatStruktural => t_string!(i18n, roles.pejabat_struktural),
    }
    .to_string()
}

/// Replaces `{name}` in a translated sentence.
pub fn fill(text: &str, name: &str, value: &str) -> String {
    text.replace(&format!("{{{name}}}"), value)
}
