//! Passkeys (WebAuthn) as a staff second factor, with `webauthn-rs`.
//!
//! The browser side is `navigator.credentials` called from the WASM (see
//! `components/passkey.rs`); options and answers cross as the JSON that
//! webauthn-rs reads and writes. The ceremony state between *begin* and
//! *finish* is kept in the database (the sign-in challenge, or the session
//! when adding a passkey from the settings page), so any instance can finish
//! what another began, and each state is used once.
//!
//! The relying party is the host of `public_url`. Browsers refuse an IP
//! address as a relying party, so a server reached at `http://127.0.0.1:…`
//! (tests, `make run`) uses `localhost` on the same port.
use crate::audit::{Change, Who};
use crate::auth::{Actor, SignedIn, LOGIN_PER_ACCOUNT};
use crate::entities::{mailbox, session, sign_in_challenge as challenge, staff_factor as factor};
use crate::second_factor::{challenge_for, finish, new_recovery_codes, notify_factor_change, Purpose};
use crate::{rate_limit, AppState, DomainError, DomainResult};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use model::ErrorCode;
use sea_orm::{sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use webauthn_rs::prelude::*;

/// The relying party for this server: (RP id, origin).
pub fn relying_party(public_url: &str) -> Option<(String, Url)> {
    let mut url = Url::parse(public_url).ok()?;
    match url.host() {
        Some(url::Host::Domain(d)) => Some((d.to_string(), url.clone())),
        Some(_) => {
            url.set_host(Some("localhost")).ok()?;
            Some(("localhost".into(), url))
        }
        None => None,
    }
}

fn webauthn(state: &AppState) -> DomainResult<Webauthn> {
    let (rp_id, origin) = relying_party(&state.config.public_url).ok_or_else(|| anyhow::anyhow!("public_url has no host"))?;
    Ok(WebauthnBuilder::new(&rp_id, &origin).and_then(|b| b.rp_name("Surel").build()).map_err(|e| anyhow::anyhow!("webauthn: {e}"))?)
}

/// A stable, opaque user handle per mailbox.
fn user_handle(mailbox_id: i32) -> Uuid {
    Uuid::from_u64_pair(0x5355_5245_4c5f_5354, mailbox_id as u64)
}

fn failed() -> DomainError {
    DomainError::field("passkey", ErrorCode::PasskeyFailed)
}

async fn passkeys_of(state: &AppState, mailbox_id: i32) -> DomainResult<Vec<(factor::Model, Passkey)>> {
    Ok(factor::Entity::find()
        .filter(factor::Column::MailboxId.eq(mailbox_id))
        .filter(factor::Column::Kind.eq("passkey"))
        .filter(factor::Column::ConfirmedAt.is_not_null())
        .all(&state.db)
        .await?
        .into_iter()
        .filter_map(|f| {
            let pk = serde_json::from_str::<Passkey>(f.passkey.as_deref()?).ok()?;
            Some((f, pk))
        })
        .collect())
}

fn cred_id_text(pk: &Passkey) -> String {
    URL_SAFE_NO_PAD.encode(AsRef::<[u8]>::as_ref(pk.cred_id()))
}

fn registration_options(state: &AppState, mb: &mailbox::Model, existing: &[(factor::Model, Passkey)]) -> DomainResult<(String, String)> {
    let exclude: Vec<CredentialID> = existing.iter().map(|(_, pk)| pk.cred_id().clone()).collect();
    let (options, reg) = webauthn(state)?
        .start_passkey_registration(user_handle(mb.id), &mb.address, &mb.display_name, Some(exclude))
        .map_err(|e| anyhow::anyhow!("webauthn: {e}"))?;
    Ok((serde_json::to_string(&options).map_err(anyhow::Error::from)?, serde_json::to_string(&reg).map_err(anyhow::Error::from)?))
}

/// Checks the browser's answer to a registration and stores the passkey.
async fn store_registration(state: &AppState, change: &mut Change, mailbox_id: i32, reg_state: &str, credential: &str, name: &str) -> DomainResult<i32> {
    let reg: PasskeyRegistration = serde_json::from_str(reg_state).map_err(|_| failed())?;
    let answer: RegisterPublicKeyCredential = serde_json::from_str(credential).map_err(|_| failed())?;
    let pk = webauthn(state)?.finish_passkey_registration(&answer, &reg).map_err(|e| {
        tracing::info!(error = %e, "passkey registration refused");
        failed()
    })?;
    let name: String = name.trim().chars().filter(|c| !c.is_control()).take(60).collect();
    let name = if name.is_empty() { "Passkey".to_string() } else { name };
    let row = factor::ActiveModel {
        mailbox_id: Set(mailbox_id),
        kind: Set("passkey".into()),
        name: Set(name.clone()),
        passkey: Set(Some(serde_json::to_string(&pk).map_err(anyhow::Error::from)?)),
        credential_id: Set(Some(cred_id_text(&pk))),
        confirmed_at: Set(Some(change.now())),
        created_at: Set(change.now()),
        ..Default::default()
    }
    .insert(&**change)
    .await?;
    change.log("factor.passkey_added", "mailbox", mailbox_id, json!({ "factor": row.id, "name": name })).await?;
    Ok(row.id)
}

/// Takes the challenge's ceremony state once (a replayed finish finds none).
async fn take_challenge_state(state: &AppState, c: &challenge::Model) -> DomainResult<String> {
    let s = c.webauthn_state.clone().ok_or_else(failed)?;
    let taken = challenge::Entity::update_many()
        .col_expr(challenge::Column::WebauthnState, Expr::value(Option::<String>::None))
        .filter(challenge::Column::Id.eq(c.id))
        .filter(challenge::Column::WebauthnState.eq(s.clone()))
        .exec(&state.db)
        .await?
        .rows_affected;
    if taken != 1 {
        return Err(failed());
    }
    Ok(s)
}

async fn put_challenge_state(state: &AppState, c: &challenge::Model, value: String) -> DomainResult<()> {
    challenge::Entity::update_many()
        .col_expr(challenge::Column::WebauthnState, Expr::value(Some(value)))
        .filter(challenge::Column::Id.eq(c.id))
        .exec(&state.db)
        .await?;
    Ok(())
}

// ---- At sign-in: enrollment with a passkey ------------------------------------

pub async fn enroll_begin(state: &AppState, token: &str) -> DomainResult<String> {
    let (c, mb) = challenge_for(state, token, Purpose::Enroll).await?;
    let (options, reg) = registration_options(state, &mb, &[])?;
    put_challenge_state(state, &c, reg).await?;
    Ok(options)
}

/// The passkey is stored, the session made, and ten recovery codes returned.
pub async fn enroll_finish(
    state: &AppState,
    token: &str,
    credential: &str,
    name: &str,
    ip: Option<String>,
    user_agent: Option<String>,
) -> DomainResult<(SignedIn, String, Vec<String>)> {
    let (c, mb) = challenge_for(state, token, Purpose::Enroll).await?;
    let reg = take_challenge_state(state, &c).await?;
    let mut change = Change::begin(state, Who::staff(mb.id, &mb.address, ip.clone())).await?;
    store_registration(state, &mut change, mb.id, &reg, credential, name).await?;
    let codes = new_recovery_codes(&mut change, state, mb.id).await?;
    let (signed, next) = finish(state, &mut change, &c, &mb, "passkey", ip, user_agent).await?;
    change.commit().await?;
    Ok((signed, next, codes))
}

// ---- At sign-in: the second step with a passkey ---------------------------------

pub async fn login_begin(state: &AppState, token: &str) -> DomainResult<String> {
    let (c, mb) = challenge_for(state, token, Purpose::Verify).await?;
    let keys: Vec<Passkey> = passkeys_of(state, mb.id).await?.into_iter().map(|(_, pk)| pk).collect();
    if keys.is_empty() {
        return Err(DomainError::field("passkey", ErrorCode::PasskeyNone));
    }
    let (options, auth) = webauthn(state)?.start_passkey_authentication(&keys).map_err(|e| anyhow::anyhow!("webauthn: {e}"))?;
    put_challenge_state(state, &c, serde_json::to_string(&auth).map_err(anyhow::Error::from)?).await?;
    Ok(serde_json::to_string(&options).map_err(anyhow::Error::from)?)
}

pub async fn login_finish(state: &AppState, token: &str, credential: &str, ip: Option<String>, user_agent: Option<String>) -> DomainResult<(SignedIn, String)> {
    let (c, mb) = challenge_for(state, token, Purpose::Verify).await?;
    let now = state.now();
    if rate_limit::take(&state.db, &LOGIN_PER_ACCOUNT, &mb.address, now).await?.is_none() {
        return Err(DomainError::RateLimited { retry_after_secs: rate_limit::ceiling_retry_after(&state.db, &LOGIN_PER_ACCOUNT, &mb.address, now).await? });
    }
    let auth_state = take_challenge_state(state, &c).await?;
    let auth: PasskeyAuthentication = serde_json::from_str(&auth_state).map_err(|_| failed())?;
    let answer: PublicKeyCredential = serde_json::from_str(credential).map_err(|_| failed())?;
    let result = match webauthn(state)?.finish_passkey_authentication(&answer, &auth) {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(error = %e, "passkey sign-in refused");
            let mut change = Change::begin(state, Who::public(mb.address.clone(), ip)).await?;
            change.log("auth.second_factor_failed", "mailbox", mb.id, json!({ "kind": "passkey" })).await?;
            change.commit().await?;
            return Err(failed());
        }
    };
    let mut change = Change::begin(state, Who::staff(mb.id, &mb.address, ip.clone())).await?;
    for (f, mut pk) in passkeys_of(state, mb.id).await? {
        if pk.update_credential(&result).is_some() {
            factor::Entity::update_many()
                .col_expr(factor::Column::Passkey, Expr::value(Some(serde_json::to_string(&pk).map_err(anyhow::Error::from)?)))
                .col_expr(factor::Column::LastUsedAt, Expr::value(Some(now)))
                .filter(factor::Column::Id.eq(f.id))
                .exec(&*change)
                .await?;
        }
    }
    let out = finish(state, &mut change, &c, &mb, "passkey", ip, user_agent).await?;
    change.commit().await?;
    Ok(out)
}

// ---- Settings: adding a passkey while signed in -----------------------------------

pub async fn add_begin(state: &AppState, actor: &Actor) -> DomainResult<String> {
    let mb = mailbox::Entity::find_by_id(actor.mailbox_id).one(&state.db).await?.ok_or(DomainError::NotFound)?;
    let existing = passkeys_of(state, mb.id).await?;
    let (options, reg) = registration_options(state, &mb, &existing)?;
    session::Entity::update_many()
        .col_expr(session::Column::WebauthnState, Expr::value(Some(reg)))
        .filter(session::Column::Id.eq(actor.session_id))
        .exec(&state.db)
        .await?;
    Ok(options)
}

pub async fn add_finish(state: &AppState, actor: &Actor, credential: &str, name: &str) -> DomainResult<()> {
    let s = session::Entity::find_by_id(actor.session_id).one(&state.db).await?.ok_or(DomainError::NotFound)?;
    let reg = s.webauthn_state.clone().ok_or_else(failed)?;
    let taken = session::Entity::update_many()
        .col_expr(session::Column::WebauthnState, Expr::value(Option::<String>::None))
        .filter(session::Column::Id.eq(s.id))
        .filter(session::Column::WebauthnState.eq(reg.clone()))
        .exec(&state.db)
        .await?
        .rows_affected;
    if taken != 1 {
        return Err(failed());
    }
    let mut change = Change::begin(state, actor.who()).await?;
    store_registration(state, &mut change, actor.mailbox_id, &reg, credential, name).await?;
    notify_factor_change(state, &change, actor.mailbox_id, "Passkey baru ditambahkan").await?;
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_public_host_or_localhost_for_an_ip() {
        let (id, origin) = relying_party("https://surel.batam.go.id").unwrap();
        assert_eq!((id.as_str(), origin.as_str()), ("surel.batam.go.id", "https://surel.batam.go.id/"));
        let (id, origin) = relying_party("http://127.0.0.1:3100").unwrap();
        assert_eq!((id.as_str(), origin.as_str()), ("localhost", "http://localhost:3100/"));
        assert_ne!(user_handle(1), user_handle(2));
    }

    #[tokio::test]
    async fn options_name_the_relying_party_and_a_forged_answer_is_refused() {
        let (state, _clock) = crate::testing::state_with_clock().await;
        let admin = crate::testing::staff_actor(&state, "andi.pratama@batam.go.id").await;
        let options: serde_json::Value = serde_json::from_str(&add_begin(&state, &admin).await.unwrap()).unwrap();
        assert_eq!(options["publicKey"]["rp"]["id"], "127.0.0.1".replace("127.0.0.1", "localhost"));
        assert_eq!(options["publicKey"]["user"]["name"], "andi.pratama@batam.go.id");
        let forged = r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"attestationObject":"AAAA","clientDataJSON":"AAAA"},"extensions":{}}"#;
        assert!(add_finish(&state, &admin, forged, "kunci").await.is_err());
        // the state was used up by the failed attempt: a second try needs a new begin
        assert!(add_finish(&state, &admin, forged, "kunci").await.is_err());
    }
}
