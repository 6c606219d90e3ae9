//! The step SOP 000 (unit accounts) and SOP 002 (personal accounts) share:
//! Surel sends a test message to the new mailbox and reads it back on the
//! mail server, records the outcome on the request and, when it passed,
//! issues the one-time activation link in the same transaction. A failed test
//! goes back to the officer, who retries once the mail server is fixed. Each
//! kind says where its payload keeps the mailbox and who is told on success.
use crate::accounts::{self, TestOutcome};
use crate::audit::{Change, Who};
use crate::auth::Actor;
use crate::entities::request;
use crate::notify;
use crate::requests::workflow::Flow;
use crate::requests::{self, ServiceLevels, StepActor};
use crate::{activation, AppState, DomainResult};
use model::{Action, RequestState, Role};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// A request kind whose flow creates a mailbox and tests it (state `uji_akun`).
pub trait TestedMailbox: Serialize + DeserializeOwned + Send + Sync {
    /// The kind's flow.
    fn flow() -> &'static Flow;
    /// The mailbox made in the step before, if any.
    fn mailbox(&self) -> Option<(i32, String)>;
    /// Remembers what the test said (shown on the request).
    fn record_test(&mut self, message: String, activation_sent: bool);
    /// After a passed test is recorded (request in its next state, link
    /// issued): tell whoever the SOP says, in the same transaction.
    fn on_passed(&mut self, passed: Passed<'_>) -> impl Future<Output = DomainResult<()>> + Send;
}

/// What [`TestedMailbox::on_passed`] works with.
pub struct Passed<'a> {
    pub state: &'a AppState,
    pub change: &'a mut Change,
    pub levels: &'a ServiceLevels,
    pub ticket: &'a str,
    pub address: &'a str,
    pub link: &'a str,
    /// The request row after the passed test was recorded.
    pub request: request::Model,
}

/// The officer asks for the test again after a failure.
pub async fn retry<P: TestedMailbox>(state: &AppState, actor: &Actor, ticket: &str, version: i32) -> DomainResult<()> {
    let mut change = Change::begin(state, actor.who()).await?;
    let levels = state.service_levels(&*change).await?;
    requests::transition(&mut change, &levels, ticket, version, Action::UjiUlang, &StepActor::staff(actor), None, Default::default()).await?;
    change.commit().await?;
    run::<P>(state, ticket).await
}

/// Tests the request's new mailbox, if the request is waiting for that.
pub async fn run<P: TestedMailbox>(state: &AppState, ticket: &str) -> DomainResult<()> {
    let (row, mut p): (_, P) = requests::load(&state.db, P::flow(), ticket).await?;
    let Some((mailbox_id, address)) = p.mailbox().filter(|_| row.state == RequestState::UjiAkun) else { return Ok(()) };
    let outcome = accounts::test_on_mail_server(state, &address, ticket).await;
    let mut change = Change::begin(state, Who::system("uji-akun")).await?;
    let levels = state.service_levels(&*change).await?;
    let system = StepActor::system("Surel (uji akun)");
    match outcome {
        TestOutcome::Passed { millis } => {
            let note = format!("Pesan uji terkirim ke {address} dan terbaca di server surat ({millis} ms).");
            let link = activation::issue_link(&mut change, state, mailbox_id, "activate").await?;
            p.record_test(note.clone(), true);
            let (after, _) =
                requests::transition(&mut change, &levels, ticket, row.version, Action::UjiBerhasil, &system, Some(&note), requests::with_payload(&p)?).await?;
            p.on_passed(Passed { state, change: &mut change, levels: &levels, ticket, address: &address, link: &link, request: after }).await?;
        }
        TestOutcome::Failed { message } => {
            p.record_test(message.clone(), false);
            requests::transition(&mut change, &levels, ticket, row.version, Action::UjiGagal, &system, Some(&message), requests::with_payload(&p)?).await?;
            let text = format!("Surel: uji akun {address} (tiket {ticket}) gagal: {message}");
            notify::tell_role(state, &change, Role::Petugas, None, ticket, &format!("testfail{}", row.version), "Uji akun gagal", &text, false).await?;
        }
    }
    change.commit().await?;
    state.wake_outbox();
    Ok(())
}
