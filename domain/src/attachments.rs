//! Files attached to requests: official letters, identity scans, signed forms.
//!
//! Only PDF, JPEG and PNG, recognised by their content (never by the name),
//! at most 5 MB. Bytes live outside the web root under `data_dir/attachments`,
//! named by their SHA-256 (the same file is stored once); the database row
//! says which request it belongs to. An upload first is *pending*; the request
//! that uses it claims it with the token the upload returned, so a public
//! applicant can attach a file without an account.
use crate::audit::{Change, Who};
use crate::auth::Actor;
use crate::entities::{attachment, request};
use crate::requests::{access, workflow};
use crate::{AppState, DomainError, DomainResult};
use chrono::Duration;
use model::{ErrorCode, Uploaded};
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::path::PathBuf;

pub use model::validation::upload::{sniff, sniff_for, MAX_BYTES};

pub const KINDS: [&str; 4] = ["surat_resmi", "formulir", "identitas", "lainnya"];
/// A pending upload must be used within a day.
const PENDING_HOURS: i64 = 24;

pub(crate) fn path_for(state: &AppState, sha: &str) -> PathBuf {
    state.config.data_dir.join("attachments").join(&sha[..2]).join(&sha[2..4]).join(sha)
}

/// The name as the uploader called it, made harmless: last path part, no
/// control characters, at most 120 characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>')).take(120).collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() {
        "berkas".into()
    } else {
        clean
    }
}

fn token_mac(state: &AppState, id: i32) -> String {
    state.keys.code_mac("attachment", &id.to_string())
}

/// Checks and stores an upload; returns the token that claims it.
pub async fn store(state: &AppState, uploader: Option<&Actor>, kind: &str, filename: &str, bytes: &[u8]) -> DomainResult<Uploaded> {
    if !KINDS.contains(&kind) {
        return Err(DomainError::field("kind", ErrorCode::Invalid));
    }
    let content_type = sniff_for(kind, bytes).map_err(|code| DomainError::field("file", code))?;
    let sha = super::crypto::sha256_hex(bytes);
    let path = path_for(state, &sha);
    if !path.exists() {
        let dir = path.parent().expect("nested path");
        tokio::fs::create_dir_all(dir).await.map_err(anyhow::Error::from)?;
        // write then rename: a crash never leaves half a file under the final name
        let tmp = dir.join(format!(".{sha}.{}", super::crypto::random_token()));
        tokio::fs::write(&tmp, bytes).await.map_err(anyhow::Error::from)?;
        tokio::fs::rename(&tmp, &path).await.map_err(anyhow::Error::from)?;
    }
    let filename = clean_filename(filename);
    let who = match uploader {
        Some(a) => a.who(),
        None => Who::public("upload", None),
    };
    let mut change = Change::begin(state, who).await?;
    let row = attachment::ActiveModel {
        request_id: Set(None),
        kind: Set(kind.to_string()),
        filename: Set(filename.clone()),
        content_type: Set(content_type.to_string()),
        size_bytes: Set(bytes.len() as i64),
        sha256: Set(sha.clone()),
        uploaded_by_mailbox_id: Set(uploader.map(|a| a.mailbox_id)),
        created_at: Set(change.now()),
        ..Default::default()
    }
    .insert(&*change)
    .await?;
    change.log("attachment.upload", "attachment", row.id, json!({ "kind": kind, "sha256": sha, "bytes": bytes.len() })).await?;
    change.commit().await?;
    Ok(Uploaded {
        token: format!("{}.{}", row.id, token_mac(state, row.id)),
        id: row.id,
        filename,
        content_type: content_type.to_string(),
        size_bytes: row.size_bytes,
    })
}

/// Attaches pending uploads to a request, inside the request's own change.
pub async fn claim(change: &mut Change, state: &AppState, tokens: &[String], request_id: i32) -> DomainResult<Vec<attachment::Model>> {
    let mut out = Vec::new();
    for token in tokens {
        let missing = || DomainError::field("file", ErrorCode::AttachmentMissing);
        let (id, mac) = token.split_once('.').ok_or_else(missing)?;
        let id: i32 = id.parse().map_err(|_| missing())?;
        if !state.keys.code_matches("attachment", &id.to_string(), mac) {
            return Err(missing());
        }
        // Conditional on still being pending, so two requests racing for one
        // upload cannot both get it.
        let claimed = attachment::Entity::update_many()
            .col_expr(attachment::Column::RequestId, Expr::value(request_id))
            .filter(attachment::Column::Id.eq(id))
            .filter(attachment::Column::RequestId.is_null())
            .filter(attachment::Column::CreatedAt.gt(change.now() - Duration::hours(PENDING_HOURS)))
            .exec(&**change)
            .await?;
        if claimed.rows_affected != 1 {
            return Err(missing());
        }
        let row = attachment::Entity::find_by_id(id).one(&**change).await?.ok_or_else(missing)?;
        change.log("attachment.attach", "attachment", row.id, json!({ "request_id": request_id })).await?;
        out.push(row);
    }
    Ok(out)
}

pub async fn for_request<C: ConnectionTrait>(db: &C, request_id: i32) -> DomainResult<Vec<attachment::Model>> {
    Ok(attachment::Entity::find().filter(attachment::Column::RequestId.eq(request_id)).order_by_asc(attachment::Column::Id).all(db).await?)
}

/// An attachment's bytes, for staff who may see its request (or who uploaded
/// it, while pending). Anything else is "not found": existence is not revealed.
pub async fn open(state: &AppState, actor: &Actor, id: i32) -> DomainResult<(attachment::Model, Vec<u8>)> {
    let row = attachment::Entity::find_by_id(id).one(&state.db).await?.ok_or(DomainError::NotFound)?;
    let allowed = match row.request_id {
        None => row.uploaded_by_mailbox_id == Some(actor.mailbox_id),
        Some(rid) => match request::Entity::find_by_id(rid).one(&state.db).await? {
            Some(r) => access::may_see_row(actor, workflow::flow(r.kind), &r),
            None => false,
        },
    };
    if !allowed {
        return Err(DomainError::NotFound);
    }
    let bytes = tokio::fs::read(path_for(state, &row.sha256)).await.map_err(anyhow::Error::from)?;
    if super::crypto::sha256_hex(&bytes) != row.sha256 {
        return Err(DomainError::Other(anyhow::anyhow!("attachment {id} does not match its hash")));
    }
    Ok((row, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::{self, NewRequest, ServiceLevels, StepActor};
    use crate::testing::{staff_actor, state_with_clock};
    use crate::{clock::OffsetClock, requests::workflow::PHONE_CHANGE};

    const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
    const KEPALA: &str = "siti.rahma@batam.go.id";
    const PETUGAS: &str = "budi.santoso@batam.go.id";

    fn code(e: DomainError) -> String {
        match e {
            DomainError::Invalid(f) => f.0[0].code.to_string(),
            other => format!("{other:?}"),
        }
    }

    /// A state whose data directory is this test's own (removed on drop).
    struct Fixture {
        state: AppState,
        clock: OffsetClock,
        dir: PathBuf,
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    async fn fixture() -> Fixture {
        let (mut state, clock) = state_with_clock().await;
        let dir = std::env::temp_dir().join(format!("surel-att-{}", crate::crypto::random_token()));
        std::sync::Arc::make_mut(&mut state.config).data_dir = dir.clone();
        Fixture { state, clock, dir }
    }

    fn walk(p: &std::path::Path) -> Vec<PathBuf> {
        let mut out = vec![];
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()))
            } else {
                out.push(e.path())
            }
        }
        out
    }

    async fn phone_change_request(state: &AppState, petugas: &Actor) -> i32 {
        let levels = ServiceLevels::load(&state.db, 7).await.unwrap();
        let mut c = Change::begin(state, petugas.who()).await.unwrap();
        let new = NewRequest { unit_id: None, applicant_mailbox_id: None, applicant_person_id: None, subject: "test".into(), payload: json!({}), note: None };
        let row = requests::create(&mut c, &levels, &PHONE_CHANGE, &StepActor::staff(petugas), new).await.unwrap();
        c.commit().await.unwrap();
        row.id
    }

    #[tokio::test]
    async fn content_decides_not_the_name() {
        let f = fixture().await;
        let s = &f.state;
        let png = store(s, None, "identitas", "../../etc/foto\u{7}.pdf", PNG).await.unwrap();
        assert_eq!((png.content_type.as_str(), png.filename.as_str()), ("image/png", "foto.pdf"));
        let jpeg = store(s, None, "identitas", "C:\\scan\\ktp.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).await.unwrap();
        assert_eq!((jpeg.content_type.as_str(), jpeg.filename.as_str()), ("image/jpeg", "ktp.jpg"));
        assert_eq!(code(store(s, None, "identitas", "x.pdf", b"<html><script>alert(1)</script>").await.unwrap_err()), "file_type");
        assert_eq!(code(store(s, None, "formulir", "x.pdf", b"MZ\x90\x00\x03\x00\x00\x00").await.unwrap_err()), "file_type");
        // the letter's rule, in the letter's words
        assert_eq!(code(store(s, None, "surat_resmi", "x.pdf", b"<html><script>alert(1)</script>").await.unwrap_err()), "letter_pdf");
        assert_eq!(code(store(s, None, "surat_resmi", "x.png", PNG).await.unwrap_err()), "letter_pdf");
        assert_eq!(code(store(s, None, "surat_resmi", "x.pdf", b"").await.unwrap_err()), "file_empty");
        assert_eq!(code(store(s, None, "rahasia", "x.pdf", PDF).await.unwrap_err()), "invalid");
        // 5 MB exactly passes; one byte more does not
        let mut big = [PDF, &vec![b' '; MAX_BYTES - PDF.len()]].concat();
        assert_eq!(store(s, None, "surat_resmi", "besar.pdf", &big).await.unwrap().size_bytes, MAX_BYTES as i64);
        big.push(b' ');
        assert_eq!(code(store(s, None, "surat_resmi", "x.pdf", &big).await.unwrap_err()), "file_too_large");
        assert_eq!(clean_filename(&"a".repeat(300)).len(), 120);
        assert_eq!(clean_filename("/"), "berkas");
    }

    #[tokio::test]
    async fn same_content_is_stored_once_and_shown_only_to_the_uploader() {
        let f = fixture().await;
        let kepala = staff_actor(&f.state, KEPALA).await;
        let a = store(&f.state, Some(&kepala), "surat_resmi", "a.pdf", PDF).await.unwrap();
        let b = store(&f.state, Some(&kepala), "surat_resmi", "b.pdf", PDF).await.unwrap();
        assert_ne!((a.id, &a.token), (b.id, &b.token));
        let files = walk(&f.dir);
        let sha = crate::crypto::sha256_hex(PDF);
        assert_eq!(files, vec![f.dir.join("attachments").join(&sha[..2]).join(&sha[2..4]).join(&sha)], "stored once, by hash");
        let (row, bytes) = open(&f.state, &kepala, a.id).await.unwrap();
        assert_eq!((row.filename.as_str(), bytes.as_slice()), ("a.pdf", PDF));
        // another staff member (even one with wider roles) is told "not found", as for an unknown id
        let petugas = staff_actor(&f.state, PETUGAS).await;
        assert!(matches!(open(&f.state, &petugas, a.id).await, Err(DomainError::NotFound)));
        assert!(matches!(open(&f.state, &petugas, 999_999).await, Err(DomainError::NotFound)));
        // bytes changed on disk are refused, not served
        std::fs::write(&files[0], b"%PDF-tampered").unwrap();
        assert!(matches!(open(&f.state, &kepala, a.id).await, Err(DomainError::Other(_))));
    }

    #[tokio::test]
    async fn claims_are_signed_single_use_and_expire() {
        let f = fixture().await;
        let s = &f.state;
        let petugas = staff_actor(s, PETUGAS).await;
        let kepala = staff_actor(s, KEPALA).await;
        let rid = phone_change_request(s, &petugas).await;
        let a = store(s, Some(&kepala), "identitas", "ktp.png", PNG).await.unwrap();
        let b = store(s, None, "identitas", "surat.pdf", PDF).await.unwrap();
        let claim_one = |token: String| async move {
            let mut c = Change::begin(s, Who::system("test")).await.unwrap();
            let out = claim(&mut c, s, &[token], rid).await;
            c.commit().await.unwrap();
            out
        };
        for forged in [format!("{}.{}", a.id, "00".repeat(32)), format!("{}.{}", b.id, a.token.split_once('.').unwrap().1), "x".into(), String::new()] {
            assert_eq!(code(claim_one(forged).await.unwrap_err()), "attachment_missing");
        }
        let claimed = claim_one(a.token.clone()).await.unwrap();
        assert_eq!(claimed[0].request_id, Some(rid));
        assert_eq!(code(claim_one(a.token.clone()).await.unwrap_err()), "attachment_missing", "claimed twice");
        assert_eq!(for_request(&s.db, rid).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), vec![a.id]);
        // now the request decides who sees it: its handlers do, the uploader (who cannot see the request) no longer
        assert_eq!(open(s, &petugas, a.id).await.unwrap().1, PNG);
        assert!(matches!(open(s, &kepala, a.id).await, Err(DomainError::NotFound)));
        // a pending upload older than a day cannot be claimed
        f.clock.advance(Duration::hours(PENDING_HOURS + 1));
        assert_eq!(code(claim_one(b.token.clone()).await.unwrap_err()), "attachment_missing");
    }
}
