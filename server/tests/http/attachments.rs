//! Attachments over HTTP: uploads checked by content and size, field errors in
//! the server functions' JSON shape, downloads only for those who may see the
//! file, and the per-address limit for public uploads — on SQLite and PostgreSQL.

use crate::support::TestServer;
use model::error::AppError;
use model::Uploaded;
use reqwest::{Client, Response, StatusCode};

const KEPALA: &str = "siti.rahma@batam.go.id";
const PETUGAS: &str = "budi.santoso@batam.go.id";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
const MB5: usize = 5 * 1024 * 1024;

/// A multipart body as a browser's FormData sends it (built by hand: no extra client features needed).
async fn upload_as(s: &TestServer, c: &Client, ip: Option<&str>, kind: &str, filename: &str, bytes: &[u8]) -> Response {
    let boundary = "----surel-test-7d1f3a";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n").into_bytes();
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut req = c.post(format!("{}/lampiran", s.url)).header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body);
    if let Some(ip) = ip {
        req = req.header("x-forwarded-for", ip);
    }
    req.send().await.unwrap()
}

async fn upload(s: &TestServer, c: &Client, filename: &str, bytes: &[u8]) -> Response {
    upload_as(s, c, None, "identitas", filename, bytes).await
}

async fn ok(r: Response) -> Uploaded {
    let (status, text) = (r.status(), r.text().await.unwrap());
    assert_eq!(status, StatusCode::OK, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The code of a 422 field error on `file`.
async fn field_error(r: Response) -> String {
    let (status, text) = (r.status(), r.text().await.unwrap());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    match serde_json::from_str::<AppError>(&text).unwrap() {
        AppError::Invalid(list) => {
            assert_eq!(list.0[0].field, "file", "{text}");
            list.0[0].code.to_string()
        }
        other => panic!("not a field error: {other:?}"),
    }
}

async fn get(s: &TestServer, c: &Client, id: i32) -> Response {
    c.get(format!("{}/lampiran/{id}", s.url)).send().await.unwrap()
}

#[tokio::test]
async fn uploads_are_checked_and_served_only_to_those_who_may_see_them() {
    for db in crate::support::databases() {
        let s = TestServer::start(db).await;
        let kepala = s.signed_in(KEPALA).await;

        // a real PDF, with a name that is not ASCII
        let pdf = ok(upload(&s, &kepala, "Surat Ñ 2026.pdf", PDF).await).await;
        let (id, mac) = pdf.token.split_once('.').unwrap();
        assert_eq!((id, mac.len()), (pdf.id.to_string().as_str(), 64), "{db:?}: token is id.mac");
        assert_eq!((pdf.content_type.as_str(), pdf.size_bytes), ("application/pdf", PDF.len() as i64));
        // the content decides: a PNG called .pdf is a PNG; text called .pdf is refused
        assert_eq!(ok(upload(&s, &kepala, "foto.pdf", PNG).await).await.content_type, "image/png");
        assert_eq!(field_error(upload(&s, &kepala, "x.pdf", b"just some text, not a PDF").await).await, "file_type");
        // the official letter is a PDF: anything else is refused in the letter's words
        assert_eq!(field_error(upload_as(&s, &kepala, None, "surat_resmi", "foto.pdf", PNG).await).await, "letter_pdf");
        // 5 MB passes; a byte more does not, and a far bigger body gets the same message
        let mut big = [PDF, &vec![b' '; MB5 - PDF.len()]].concat();
        ok(upload(&s, &kepala, "besar.pdf", &big).await).await;
        big.push(b' ');
        assert_eq!(field_error(upload(&s, &kepala, "besar.pdf", &big).await).await, "file_too_large");
        big.extend(vec![b' '; MB5 / 4]);
        assert_eq!(field_error(upload(&s, &kepala, "besar.pdf", &big).await).await, "file_too_large");
        // a cross-site post is refused before anything is stored
        let r = kepala.post(format!("{}/lampiran", s.url)).header("sec-fetch-site", "cross-site").body("x").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        // the uploader gets it back while it is pending
        let r = get(&s, &kepala, pdf.id).await;
        assert_eq!(r.status(), StatusCode::OK, "{db:?}");
        let h = r.headers().clone();
        assert_eq!(h["content-type"], "application/pdf");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h["cache-control"].to_str().unwrap().contains("no-store"), "{:?}", h["cache-control"]);
        let cd = h["content-disposition"].to_str().unwrap();
        assert!(cd.starts_with("attachment; filename=\"Surat _ 2026.pdf\"") && cd.contains("filename*=UTF-8''Surat%20%C3%91%202026.pdf"), "{cd}");
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
        // `?lihat=1` opens a PDF or an image in the browser, same checks, same headers
        let r = kepala.get(format!("{}/lampiran/{}?lihat=1", s.url, pdf.id)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{db:?}");
        assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("inline; filename="), "{:?}", r.headers()["content-disposition"]);
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        // Chromium's PDF viewer is an <embed> with inline styles: the PDF's own policy lets it show, and nothing else
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("object-src 'self'") && csp.contains("default-src 'none'") && !csp.contains("script-src"), "{csp}");
        assert_eq!(r.headers()["x-frame-options"], "DENY");

        // other staff, and an id that does not exist, get the same 404
        let petugas = s.signed_in(PETUGAS).await;
        assert_eq!(get(&s, &petugas, pdf.id).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(get(&s, &petugas, 999_999).await.status(), StatusCode::NOT_FOUND);
        let r = petugas.get(format!("{}/lampiran/{}?lihat=1", s.url, pdf.id)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "viewing checks the same rights");
        // no session: to the sign-in page
        let r = get(&s, &s.client(), pdf.id).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/masuk");
    }
}

#[tokio::test]
async fn public_uploads_are_limited_per_address() {
    let s = TestServer::start(crate::support::Db::Sqlite).await;
    let public = s.client();
    let up = ok(upload_as(&s, &public, Some("203.0.113.7"), "formulir", "formulir.pdf", PDF).await).await;
    // nobody signed in uploaded it, so no one can download it until a request claims it
    let kepala = s.signed_in(KEPALA).await;
    assert_eq!(get(&s, &kepala, up.id).await.status(), StatusCode::NOT_FOUND);
    for _ in 1..20 {
        ok(upload_as(&s, &public, Some("203.0.113.7"), "formulir", "formulir.pdf", PDF).await).await;
    }
    let r = upload_as(&s, &public, Some("203.0.113.7"), "formulir", "formulir.pdf", PDF).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(r.json::<AppError>().await.unwrap(), AppError::RateLimited { .. }));
    // another address, and signed-in staff, are not affected
    ok(upload_as(&s, &public, Some("203.0.113.8"), "formulir", "formulir.pdf", PDF).await).await;
    ok(upload_as(&s, &kepala, Some("203.0.113.7"), "formulir", "formulir.pdf", PDF).await).await;
}
