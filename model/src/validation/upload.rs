//! Which files may be attached: checked in the browser before upload and on
//! the server after (the server's check is the one that counts).

/// 5 MB.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The content type of an allowed file, recognised by its first bytes; or the
/// error code (`file_empty`, `file_too_large`, `file_type`).
pub fn sniff(bytes: &[u8]) -> Result<&'static str, &'static str> {
    if bytes.is_empty() {
        return Err("file_empty");
    }
    if bytes.len() > MAX_BYTES {
        return Err("file_too_large");
    }
    if bytes.starts_with(b"%PDF-") {
        Ok("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Ok("image/png")
    } else {
        Err("file_type")
    }
}

/// What the browser can check before sending: size and declared type.
pub fn precheck(size: usize, declared_type: &str) -> Result<(), &'static str> {
    if size == 0 {
        return Err("file_empty");
    }
    if size > MAX_BYTES {
        return Err("file_too_large");
    }
    if !declared_type.is_empty() && !matches!(declared_type, "application/pdf" | "image/jpeg" | "image/png") {
        return Err("file_type");
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
        assert_eq!(sniff(b"MZ\x90\x00"), Err("file_type"));
        assert_eq!(sniff(b"<svg onload=alert(1)>"), Err("file_type"));
        assert_eq!(sniff(b""), Err("file_empty"));
        assert_eq!(precheck(MAX_BYTES + 1, "application/pdf"), Err("file_too_large"));
        assert_eq!(precheck(10, "text/html"), Err("file_type"));
    }
}
