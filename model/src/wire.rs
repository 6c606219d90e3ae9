//! Types that cross the wire between server functions and the UI.

use crate::vocab::{Action, BatchStatus, ErrorCode, MailboxKind, MailboxSort, MailboxStatus, OutboxStatus, RequestKind, RequestState, RowStatus, RowVerdict};
use serde::{Deserialize, Serialize};

/// Staff roles from PRODUCT.md. Account owners and ASN applicants are not staff:
/// they use the public pages and never sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    /// Admin sistem: staff, roles, domains, settings, service levels.
    Admin,
    /// Auditor: read-only audit log and reports.
    Auditor,
    /// Petugas Pengelola Data Akun Email (Kominfo officer).
    Petugas,
    /// Kepala Seksi.
    Kasi,
    /// Kepala Bidang Penyelenggaraan E-Government.
    Kabid,
    /// Kepala OPD (scoped to a unit).
    KepalaOpd,
    /// Pengelola SIMPEG at BKPSDM.
    PengelolaSimpeg,
    /// Pejabat Struktural at BKPSDM.
    PejabatStruktural,
}

impl Role {
    pub const ALL: [Role; 8] =
        [Role::Admin, Role::Auditor, Role::Petugas, Role::Kasi, Role::Kabid, Role::KepalaOpd, Role::PengelolaSimpeg, Role::PejabatStruktural];

    /// Stable code stored in the database and used on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Auditor => "auditor",
            Role::Petugas => "petugas",
            Role::Kasi => "kasi",
            Role::Kabid => "kabid",
            Role::KepalaOpd => "kepala_opd",
            Role::PengelolaSimpeg => "pengelola_simpeg",
            Role::PejabatStruktural => "pejabat_struktural",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Roles whose grant must name a unit (OPD).
    pub fn needs_unit(self) -> bool {
        matches!(self, Role::KepalaOpd)
    }
}

/// A role held by a staff member, optionally limited to one unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    /// The grant's id (to remove it).
    pub id: i32,
    pub role: Role,
    pub unit_id: Option<i32>,
    pub unit_name: Option<String>,
}

/// The signed-in staff member, as the UI sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub mailbox_id: i32,
    pub address: String,
    pub name: String,
    pub roles: Vec<RoleGrant>,
    pub locale: String,
}

impl Me {
    pub fn has(&self, role: Role) -> bool {
        self.roles.iter().any(|g| g.role == role)
    }
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOption {
    pub id: i32,
    pub code: String,
    pub name: String,
}

/// One staff member in the admin list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub mailbox_id: i32,
    pub address: String,
    pub name: String,
    pub status: String,
    pub roles: Vec<RoleGrant>,
}

/// One audit-log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// RFC 3339 (for `<time datetime>`).
    pub at: String,
    /// In the configured time zone, labelled (`23-11-2026 19:05 WIB`).
    pub at_local: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
    pub ip: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub total: u64,
    /// The verdict of the last verification.
    pub chain_ok: bool,
    pub chain_checked: u64,
    /// When it ran (local time); none: not verified yet.
    pub chain_verified_at: Option<String>,
    /// The first broken entry (0: the head disagrees with the last entry).
    pub chain_broken_at: Option<i64>,
}

/// A count on the home page: one queue of the signed-in staff member's work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSummary {
    /// translation key under `queues.*`
    pub key: String,
    pub href: String,
    pub open: u64,
    pub overdue: u64,
    /// The first requests of the queue (oldest due first), from the same
    /// query as the counts, so a count never sits next to an empty list.
    pub items: Vec<QueueItem>,
}

/// One request waiting in a queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub ticket: String,
    pub subject: String,
    pub due_at: Option<String>,
    pub overdue: bool,
}

/// One session of the signed-in staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: i32,
    pub created_at: String,
    /// RFC 3339 (for `<time datetime>`).
    pub last_seen_at: String,
    /// In the configured time zone, labelled.
    pub last_seen_local: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub current: bool,
}

/// One message in the outbox page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i32,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    /// The text, only in demo mode (it may hold one-time codes).
    pub body: Option<String>,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub related: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// Which messages the outbox page shows: newest first, one page at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutboxQuery {
    /// Only messages in this state ("Antre" also shows those being sent).
    pub status: Option<OutboxStatus>,
    /// Part of the recipient: a phone number as people write it (`0812…`)
    /// or part of an e-mail address.
    pub recipient: String,
    /// From 0.
    pub page: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub demo: bool,
    pub rows: Vec<OutboxRow>,
    /// Messages matching the query (all pages).
    pub total: u64,
    pub page_size: u64,
    pub dead: u64,
    pub pending: u64,
}

/// One request in a queue or list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRow {
    pub ticket: String,
    pub kind: RequestKind,
    pub state: RequestState,
    pub subject: String,
    pub created_at: String,
    pub due_at: Option<String>,
    pub overdue: bool,
    pub closed: bool,
}

/// One step of a request's timeline, with the time it took in office hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineStep {
    pub seq: i32,
    pub action: Action,
    pub to_state: RequestState,
    /// The person's name (or Surel's part for automatic steps).
    pub actor: String,
    /// The role the step is taken in (None for the applicant and Surel).
    pub actor_role: Option<Role>,
    pub note: Option<String>,
    pub at: String,
    pub minutes_taken: Option<i64>,
    pub standard_minutes: Option<i64>,
    pub late: bool,
}

/// A fact shown on a request page (`key` is a translation key under `request.fact_*`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFact {
    pub key: String,
    pub value: String,
}

/// Everything a request page shows, and what the viewer may do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub row: RequestRow,
    pub version: i32,
    pub sop: String,
    /// Standard time of the current step, minutes.
    pub standard_minutes: Option<i64>,
    pub facts: Vec<RequestFact>,
    pub attachments: Vec<AttachmentLink>,
    pub steps: Vec<TimelineStep>,
    /// Actions the viewer may take now (the engine decides again on submit).
    pub actions: Vec<Action>,
    /// Whose move it is now (None once the request is closed).
    pub next: Option<NextParty>,
    /// The viewer's role could take the next step, but the four-eyes rule
    /// forbids it: they took this earlier step themselves.
    pub four_eyes: Option<Action>,
}

/// Whose move it is on a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextParty {
    /// Staff holding one of these roles.
    Staff(Vec<Role>),
    /// The applicant (a code or a link on the public pages).
    Applicant,
    /// Surel itself (an account test, the batch job).
    System,
}

/// SOP 000 step 1: what a Kepala OPD submits for a unit / kegiatan / event account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitAccountInput {
    /// `unit`, `kegiatan` or `event`
    pub account_kind: String,
    pub purpose: String,
    /// Proposed local part (before the `@`).
    pub proposed_local: String,
    pub responsible_name: String,
    pub responsible_nip: String,
    pub responsible_phone: String,
    /// `YYYY-MM-DD`, events only.
    pub ends_on: String,
    pub letter_number: String,
    /// `YYYY-MM-DD`
    pub letter_date: String,
    /// Token of the uploaded letter (PDF).
    pub letter_file: String,
}

/// SOP 000 step 3: the account data an officer enters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitAccountData {
    pub local_part: String,
    pub quota_mb: String,
    /// Extra local parts, separated by commas or spaces.
    pub aliases: String,
    /// `YYYY-MM-DD`, events only.
    pub ends_on: String,
}

/// Whether a proposed address is free.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressCheck {
    pub address: String,
    /// None when free; else why not (`address_taken`, `address_reserved` …).
    pub problem: Option<ErrorCode>,
}

/// A file attached to a request (download at `/lampiran/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentLink {
    pub id: i32,
    pub kind: String,
    pub filename: String,
    pub size_bytes: i64,
}

/// A file just uploaded (`POST /lampiran`); `token` attaches it to a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploaded {
    pub token: String,
    pub id: i32,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// SOP 002 step 1: what an ASN applicant submits on the public form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalAccountInput {
    pub name: String,
    pub nip: String,
    /// The unit's id (from the list on the form).
    pub unit_id: String,
    /// Proposed local part (before the `@`).
    pub proposed_local: String,
    pub phone: String,
    /// From `send_apply_code`: which code the applicant is typing.
    pub phone_token: String,
    pub phone_code: String,
    pub personal_email: String,
    /// Token of the uploaded signed form; on a correction, empty keeps the old one.
    pub form_file: String,
}

/// The correction page: the data as submitted and the checker's note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalAccountFix {
    pub ticket: String,
    pub note: String,
    pub input: PersonalAccountInput,
    pub phone_masked: String,
}

/// SOP 002 step 3: the account data the officer confirms.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalAccountData {
    pub local_part: String,
    pub quota_mb: String,
}

/// A unit on the public application form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicUnit {
    pub id: i32,
    pub name: String,
}

/// One step as the applicant sees it (no staff names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantStep {
    pub action: Action,
    pub to_state: RequestState,
    pub at: String,
    /// The reason, for a return or a rejection.
    pub note: Option<String>,
}

/// What an applicant sees of their request after proving the phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantStatus {
    pub ticket: String,
    pub state: RequestState,
    pub name: String,
    pub unit: String,
    /// The new address, once the request is done.
    pub address: Option<String>,
    pub due_at: Option<String>,
    pub steps: Vec<ApplicantStep>,
}

/// One step's figures for a month: how often it was done, the median office
/// time it took and how many were within the standard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepStats {
    pub state: RequestState,
    pub sop_step: Option<u8>,
    /// The number screens show: distinct within the flow (`4a`, `4b`).
    pub step_no: String,
    pub count: u32,
    pub median_minutes: Option<i64>,
    pub standard_minutes: Option<i64>,
    pub within_standard: u32,
}

/// One request type on the dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowStats {
    pub kind: RequestKind,
    pub sop: String,
    pub open: u32,
    pub overdue: u32,
    /// Created and closed in the month.
    pub created: u32,
    pub closed: u32,
    pub steps: Vec<StepStats>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// `2026-11`
    pub month: String,
    pub flows: Vec<FlowStats>,
}

/// A step's standard time: the SOP's and the one in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepStandard {
    pub kind: RequestKind,
    pub sop: String,
    pub state: RequestState,
    pub sop_step: Option<u8>,
    /// The number screens show: distinct within the flow (`4a`, `4b`).
    pub step_no: String,
    pub default_minutes: u32,
    pub minutes: u32,
}

/// Office hours of one weekday (`HH:MM`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeDay {
    pub open: String,
    pub close: String,
    pub closed: bool,
}

/// What the Admin sistem sets for service levels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLevelSettings {
    pub steps: Vec<StepStandard>,
    /// Monday first, seven days.
    pub days: Vec<OfficeDay>,
    /// One date (`YYYY-MM-DD`) per line.
    pub holidays: String,
    /// Read only: whether the mail server for account tests is set up.
    #[serde(default)]
    pub mail_server_ready: bool,
}

/// F5: one row of a SIMPEG batch as the preview table shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpegRowView {
    pub id: i32,
    pub line: i32,
    pub nip: Option<String>,
    /// Name with titles, as read (shown as text, never as markup).
    pub name: String,
    pub unit: Option<String>,
    /// Masked (`0812****1234`).
    pub phone: Option<String>,
    pub email: Option<String>,
    pub verdict: RowVerdict,
    /// Why it was rejected (translated on screen).
    pub reasons: Vec<ErrorCode>,
    pub local_part: Option<String>,
    /// What is wrong with the proposed address (`address_no_letters` …).
    pub address_problem: Option<ErrorCode>,
    pub status: RowStatus,
    pub address: Option<String>,
    /// Why the job could not make the mailbox.
    pub error: Option<ErrorCode>,
}

/// F5: a batch with one page of its rows and the processing progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpegBatchView {
    pub id: i32,
    pub status: BatchStatus,
    pub file_name: String,
    pub file_kind: String,
    pub created_at: String,
    pub total: i32,
    pub eligible: i32,
    pub rejected: i32,
    pub already: i32,
    /// Rows whose owner left (SIMPEG status) and whose mailbox processing switches off.
    pub leaving: i32,
    /// Of those, switched off by the job so far.
    pub switched_off: i32,
    pub processed: i32,
    pub failed: i32,
    /// The collective request, once submitted.
    pub ticket: Option<String>,
    pub request_state: Option<RequestState>,
    /// The job is working this batch now.
    pub running: bool,
    /// Domain of the addresses (`batam.go.id`).
    pub domain: String,
    pub rows: Vec<SimpegRowView>,
    /// Rows matching the filter.
    pub filtered: u64,
    pub page: u32,
    pub page_size: u32,
    /// May the viewer edit addresses and submit.
    pub editable: bool,
    /// A draft joins this request (the month's open one of the same unit)
    /// unless a separate request is asked for.
    pub joins: Option<String>,
}

/// F5: the mapping screen, when the export's headers are not all recognised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpegMapping {
    pub batch_id: i32,
    pub headers: Vec<String>,
    /// (field code, column, required), in the screen's order.
    pub fields: Vec<(String, Option<usize>, bool)>,
    /// Required fields without a column.
    pub missing: Vec<String>,
    pub sample: Vec<Vec<String>>,
    pub data_rows: usize,
}

/// F5: what an upload gives: a checked batch, or the mapping screen first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SimpegUploaded {
    Checked { batch_id: i32 },
    NeedsMapping(SimpegMapping),
}

/// F5: one of the batches on the import screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpegBatchRow {
    pub id: i32,
    pub file_name: String,
    pub status: BatchStatus,
    pub created_at: String,
    pub total: i32,
    pub eligible: i32,
    pub ticket: Option<String>,
}

/// A TOTP secret to add to an authenticator app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// Base32 in groups of four, for typing.
    pub secret_groups: String,
    /// The `otpauth://` URL as a QR code (SVG markup, made on the server).
    pub qr_svg: String,
    pub otpauth_url: String,
}

/// One second factor of a staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorRow {
    pub id: i32,
    /// `totp` or `passkey`.
    pub kind: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// The staff member's own security settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    pub factors: Vec<FactorRow>,
    pub recovery_left: u32,
}

/// What the second sign-in step (or enrollment) shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondStep {
    /// `verify` or `enroll`.
    pub purpose: String,
    pub address: String,
    pub has_totp: bool,
    pub has_passkey: bool,
    pub setup: Option<TotpSetup>,
}

/// The officers' mailbox directory: a search and its filters (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailboxQuery {
    /// Part of the address or of the owner's name (three characters or more;
    /// one or two: the start of the address), a whole NIP, or the last digits
    /// of the reset phone (at least 4).
    pub text: String,
    pub kind: Option<MailboxKind>,
    pub status: Option<MailboxStatus>,
    pub unit_id: Option<i32>,
    /// Created in this month (`2026-11`).
    pub created_month: Option<String>,
    pub sort: MailboxSort,
    /// From 0.
    pub page: u64,
}

/// One mailbox in the directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxRow {
    pub id: i32,
    pub address: String,
    pub name: String,
    pub kind: MailboxKind,
    pub status: MailboxStatus,
    pub unit: Option<String>,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxPage {
    pub rows: Vec<MailboxRow>,
    /// Mailboxes matching the query (all pages), counted up to a cap.
    pub total: u64,
    /// More match than `total` (the cap): the page asks for a narrower search.
    pub more: bool,
    /// Mailboxes in the viewer's scope waiting for someone to confirm their
    /// deletion (the page links to them).
    pub awaiting_deletion: u64,
    pub page_size: u64,
}

/// An extra address delivered to a mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasRow {
    pub id: i32,
    pub address: String,
}

/// Where a unit, kegiatan or event mailbox's mail also goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardRow {
    pub id: i32,
    /// The target mailbox's address.
    pub address: String,
    /// The target can receive mail now (a switched-off or ended target gets
    /// nothing until it is back; the unit mailbox still does).
    pub delivering: bool,
}

/// A mailbox's page: who owns it, where it stands, what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxDetail {
    pub id: i32,
    pub address: String,
    pub name: String,
    pub kind: MailboxKind,
    pub status: MailboxStatus,
    /// The officer's reason for the last disable or enable, and when.
    pub status_reason: Option<String>,
    pub status_changed_at: Option<String>,
    pub person: Option<String>,
    pub nip: Option<String>,
    pub unit: Option<String>,
    pub quota_mb: i32,
    /// `YYYY-MM-DD`.
    pub ends_on: Option<String>,
    pub aliases: Vec<AliasRow>,
    /// Unit forwarding: where this mailbox's mail also goes.
    pub forwards: Vec<ForwardRow>,
    /// The unit, kegiatan or event mailboxes whose mail this one also gets.
    pub forwarded_from: Vec<String>,
    /// Only unit, kegiatan and event mailboxes forward (personal mail stays personal).
    pub can_forward: bool,
    pub reset_phone_masked: Option<String>,
    /// The owner has set a password.
    pub activated: bool,
    pub password_changed_at: Option<String>,
    pub sessions: u64,
    pub created_at: String,
    pub requests: Vec<RequestRow>,
    pub audit: Vec<AuditRow>,
    /// The viewer may change it (the page shows the actions).
    pub can_manage: bool,
}

/// An owner's own page (`/akun`): their mailbox as they may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerPage {
    pub address: String,
    pub name: String,
    /// The reset phone, masked (`+62 812-••••-1004`), and when it was set.
    pub reset_phone_masked: Option<String>,
    pub reset_phone_set_at: Option<String>,
    pub password_changed_at: Option<String>,
    /// The owner's other live sessions (not this one).
    pub other_sessions: u64,
    /// Requests by or about this mailbox, newest first.
    pub requests: Vec<RequestRow>,
    pub min_len: usize,
    /// Where to go to change the phone (SOP 001, "no" branch).
    pub support: String,
}

/// What an officer changes on a mailbox; each needs a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailboxChange {
    Disable,
    Enable,
    SetQuota {
        quota_mb: i32,
    },
    /// `YYYY-MM-DD`, or empty for no end date.
    SetEndDate {
        ends_on: String,
    },
    AddAlias {
        address: String,
    },
    RemoveAlias {
        alias_id: i32,
    },
    /// A unit, kegiatan or event mailbox: its mail also goes to this Surel
    /// mailbox (the part before @, or the whole address); it keeps its copy.
    AddForward {
        address: String,
    },
    RemoveForward {
        forward_id: i32,
    },
    /// A new activation link by SMS (the owner never set a password).
    ResendActivation,
    MoveUnit {
        unit_id: i32,
    },
    /// A mailbox listed for deletion: delete it (the address stays taken).
    ConfirmDeletion,
    /// A mailbox listed for deletion: keep it switched off for another
    /// retention period.
    KeepDisabled,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxChangeInput {
    pub mailbox_id: i32,
    pub change: MailboxChange,
    pub reason: String,
}
