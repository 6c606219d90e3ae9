//! XLSX out: rejected rows for the preparer, NIP → address for SIMPEG, and the reasons' words.
use super::*;

pub(super) fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> DomainError {
    DomainError::Other(anyhow::anyhow!("xlsx: {e}"))
}

/// The rejected rows of a batch with their reasons, as XLSX (file name, bytes).
pub async fn rejected_xlsx(state: &AppState, actor: &Actor, batch_id: i32) -> DomainResult<(String, Vec<u8>)> {
    use rust_xlsxwriter::{Format, Workbook};
    deny_unless(actor, SIMPEG_VIEW)?;
    let b = own_batch(state, actor, batch_id).await?;
    let headers: Vec<String> = serde_json::from_str(&b.headers).unwrap_or_default();
    let rows = row::Entity::find()
        .filter(row::Column::BatchId.eq(b.id))
        // left out of the request (a leaver's row is not for fixing in SIMPEG)
        .filter(row::Column::Verdict.is_in([RowVerdict::Rejected, RowVerdict::HasAccount]))
        .order_by_asc(row::Column::Line)
        .all(&state.db)
        .await?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("Ditolak").map_err(xlsx_err)?;
    sheet.write_string_with_format(0, 0, "BARIS", &bold).map_err(xlsx_err)?;
    sheet.write_string_with_format(0, 1, "ALASAN", &bold).map_err(xlsx_err)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, 2 + c as u16, h, &bold).map_err(xlsx_err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let n = 1 + i as u32;
        sheet.write_number(n, 0, r.line as f64).map_err(xlsx_err)?;
        let reasons: Vec<&str> = r.reasons.split(',').filter(|s| !s.is_empty()).map(|c| reason_text(stored_code(c))).collect();
        // strings stay strings: a cell like `=HYPERLINK(…)` is never a formula
        sheet.write_string(n, 1, reasons.join("; ")).map_err(xlsx_err)?;
        let cells: Vec<String> = serde_json::from_str(&r.cells).unwrap_or_default();
        for (c, v) in cells.iter().enumerate().take(200) {
            sheet.write_string(n, 2 + c as u16, v).map_err(xlsx_err)?;
        }
    }
    sheet.set_column_width(1, 50).map_err(xlsx_err)?;
    let bytes = book.save_to_buffer().map_err(xlsx_err)?;
    Ok((format!("simpeg-ditolak-{}.xlsx", b.id), bytes))
}

/// NIP → official address of every mailbox a request made, for SIMPEG (step 5).
pub async fn export_xlsx(state: &AppState, actor: &Actor, ticket: &str) -> DomainResult<(String, Vec<u8>)> {
    use rust_xlsxwriter::{Format, Workbook};
    deny_unless(actor, SIMPEG_VIEW)?;
    let req = visible_request(state, actor, ticket).await?;
    let ids: Vec<i32> =
        batch::Entity::find().select_only().column(batch::Column::Id).filter(batch::Column::RequestId.eq(req.id)).into_tuple().all(&state.db).await?;
    let rows = row::Entity::find()
        .filter(row::Column::BatchId.is_in(ids))
        .filter(row::Column::Status.eq(RowStatus::Done))
        // mailboxes made, not the leavers' ones switched off
        .filter(row::Column::Verdict.eq(RowVerdict::Eligible))
        .order_by_asc(row::Column::Id)
        .all(&state.db)
        .await?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("Email Resmi").map_err(xlsx_err)?;
    for (c, h) in ["NIP", "NAMA", "EMAIL RESMI"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(xlsx_err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let n = 1 + i as u32;
        sheet.write_string(n, 0, r.nip.as_deref().unwrap_or_default()).map_err(xlsx_err)?;
        sheet.write_string(n, 1, &r.display_name).map_err(xlsx_err)?;
        sheet.write_string(n, 2, r.address.as_deref().unwrap_or_default()).map_err(xlsx_err)?;
    }
    sheet.set_column_width(0, 22).map_err(xlsx_err)?;
    sheet.set_column_width(1, 40).map_err(xlsx_err)?;
    sheet.set_column_width(2, 36).map_err(xlsx_err)?;
    let bytes = book.save_to_buffer().map_err(xlsx_err)?;
    Ok((format!("email-resmi-{ticket}.xlsx"), bytes))
}

/// The reason codes in words (Indonesian: the file goes back to SIMPEG staff).
/// The `nip_…`, `phone_…` and `email_…` codes not named here share a sentence.
pub fn reason_text(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::AlreadyHasAccount => "sudah memiliki akun email resmi",
        ErrorCode::NipDuplicateInFile => "NIP muncul lebih dari sekali dalam berkas",
        ErrorCode::EmailDuplicateInFile => "email pribadi muncul lebih dari sekali dalam berkas",
        ErrorCode::NameEmpty => "nama kosong",
        ErrorCode::NameTooLong => "nama terlalu panjang",
        ErrorCode::UnitEmpty => "unit kerja kosong",
        ErrorCode::UnitUnknown => "unit kerja tidak dikenal",
        ErrorCode::UnitAmbiguous => "unit kerja tidak jelas (cocok dengan lebih dari satu OPD)",
        ErrorCode::PhoneUnverified => "nomor HP belum diverifikasi",
        ErrorCode::PhoneVerifiedUnreadable => "status verifikasi HP tidak terbaca",
        ErrorCode::EmailUnverified => "email pribadi belum diverifikasi",
        ErrorCode::EmailVerifiedUnreadable => "status verifikasi email tidak terbaca",
        ErrorCode::EmailEmpty => "email pribadi kosong",
        ErrorCode::EmailOfficial => "email pribadi adalah alamat dinas",
        ErrorCode::DataIncomplete => "data kepegawaian belum lengkap",
        ErrorCode::DataCompleteUnreadable => "status kelengkapan data tidak terbaca",
        ErrorCode::EmployeeLeft => "tidak aktif lagi menurut SIMPEG (tidak dibuatkan akun)",
        c if c.as_str().starts_with("nip_") => "NIP tidak valid",
        c if c.as_str().starts_with("phone_") => "nomor HP tidak valid",
        c if c.as_str().starts_with("email_") => "email pribadi tidak valid",
        other => other.as_str(),
    }
}
