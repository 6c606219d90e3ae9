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
}
