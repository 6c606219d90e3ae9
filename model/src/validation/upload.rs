//! Which files may be attached: checked in the browser before upload and on
//! the server after (the server's check is the one that counts).
use crate::vocab::ErrorCode;

/// 5 MB.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The content type of an allowed file, recognised by its first bytes; or the
/// error code (`file_empty`, `file_too_large`, `file_type`).
pub fn sniff(bytes: &[u8]) -> Result<&'static str, ErrorCode> {
    if bytes.is_empty() {
        return Err(ErrorCode::FileEmpty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(ErrorCode::FileTooLarge);
    }
    if bytes.starts_with(b"%PDF-") {
        Ok("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Ok("image/png")
    } else {
        Err(ErrorCode::FileType)
    }
}

/// What the browser can check before sending: size and declared type.
pub fn precheck(size: usize, declared_type: &str) -> Result<(), ErrorCode> {
    if size == 0 {
        return Err(ErrorCode::FileEmpty);
    }
    if size > MAX_BYTES {
        return Err(ErrorCode::FileTooLarge);
    }
    if !declared_type.is_empty() && !matches!(declared_type, "application/pdf" | "image/jpeg" | "image/png") {
        return Err(ErrorCode::FileType);
    }
    Ok(())
}

/// The official letter (SOP 000) is a PDF; a scan or the signed form may
/// also be a photo. One rule per kind of attachment, the same words in its
/// label, its hint and its errors.
pub fn pdf_only(kind: &str) -> bool {
    kind == "surat_resmi"
}

/// The file input's `accept` for this kind.
pub fn accept(kind: &str) -> &'static str {
    if pdf_only(kind) {
        "application/pdf"
    } else {
        "application/pdf,image/jpeg,image/png"
    }
}

/// A wrong type, in this kind's words.
fn type_error(kind: &str, code: ErrorCode) -> ErrorCode {
    if code == ErrorCode::FileType && pdf_only(kind) {
        ErrorCode::LetterPdf
    } else {
        code
    }
}

/// [`precheck`] with this kind's rule.
pub fn precheck_for(kind: &str, size: usize, declared_type: &str) -> Result<(), ErrorCode> {
    precheck(size, declared_type).map_err(|c| type_error(kind, c))?;
    if pdf_only(kind) && !declared_type.is_empty() && declared_type != "application/pdf" {
        return Err(ErrorCode::LetterPdf);
    }
    Ok(())
}

/// [`sniff`] with this kind's rule (the check that counts).
pub fn sniff_for(kind: &str, bytes: &[u8]) -> Result<&'static str, ErrorCode> {
    let t = sniff(bytes).map_err(|c| type_error(kind, c))?;
    if pdf_only(kind) && t != "application/pdf" {
        return Err(ErrorCode::LetterPdf);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_not_names() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Ok("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok("image/jpeg"));
        assert_eq!(sniff(b"MZ\x90\x00"), Err(ErrorCode::FileType));
        assert_eq!(sniff(b"<svg onload=alert(1)>"), Err(ErrorCode::FileType));
        assert_eq!(sniff(b""), Err(ErrorCode::FileEmpty));
        assert_eq!(precheck(MAX_BYTES + 1, "application/pdf"), Err(ErrorCode::FileTooLarge));
        assert_eq!(precheck(10, "text/html"), Err(ErrorCode::FileType));
    }

    #[test]
    fn the_letter_is_a_pdf_scans_may_be_photos() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        assert_eq!(sniff_for("surat_resmi", &png), Err(ErrorCode::LetterPdf));
        assert_eq!(sniff_for("surat_resmi", b"MZ"), Err(ErrorCode::LetterPdf));
        assert_eq!(sniff_for("surat_resmi", b"%PDF-1.4"), Ok("application/pdf"));
        assert_eq!(sniff_for("identitas", &png), Ok("image/png"));
        assert_eq!(sniff_for("formulir", b"MZ"), Err(ErrorCode::FileType));
        assert_eq!(precheck_for("surat_resmi", 10, "image/png"), Err(ErrorCode::LetterPdf));
        assert_eq!(precheck_for("surat_resmi", MAX_BYTES + 1, "application/pdf"), Err(ErrorCode::FileTooLarge));
        assert_eq!(precheck_for("formulir", 10, "image/jpeg"), Ok(()));
        assert_eq!(accept("surat_resmi"), "application/pdf");
    }
}
