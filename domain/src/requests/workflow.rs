//! Request types as state machines written as data.
//!
//! Each SOP becomes a [`Flow`]: its states (with the SOP step and standard
//! time they stand for) and its transitions (which party may take each one).
//! [`Flow::check`] is the only way to move a request, so a transition that is
//! not in the table cannot happen, whatever a screen shows or a client sends.
//! The database side (version check, step event, audit) is in `requests.rs`.
use model::{Action, RequestKind, RequestState, Role};

/// Who may take a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// A signed-in staff member holding one of these roles.
    Staff(&'static [Role]),
    /// The person who applied (public pages, proved by a code or a link).
    Applicant,
    /// Surel itself (account tests, scheduled jobs).
    System,
}

/// Who is trying to act.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Acting {
    Staff { mailbox_id: i32, roles: Vec<Role> },
    Applicant,
    System,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    pub code: RequestState,
    /// SOP step number this state waits on (None when finished).
    pub sop_step: Option<u8>,
    /// Standard time of that step from the SOP (Mutu Baku Waktu), minutes.
    pub standard_minutes: Option<u32>,
    /// Whose move it is: the queue this state appears in.
    pub waits_for: Option<Party>,
    pub terminal: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub action: Action,
    pub from: RequestState,
    pub to: RequestState,
    pub by: Party,
    /// A reason is required (rejections, returns for correction, cancellations).
    pub needs_note: bool,
    /// The actor must not be the one who took this earlier action on the same
    /// request (four-eyes rule: an officer never approves their own input).
    pub not_same_actor_as: Option<Action>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    /// Stored in `requests.kind`.
    pub kind: RequestKind,
    /// SOP number from `shared/seeds` (000, 001, 002, 004).
    pub sop: &'static str,
    /// The state a new request starts in and who may create one.
    pub initial: RequestState,
    pub created_by: Party,
    /// Roles that receive the report and may read these requests.
    pub readers: &'static [Role],
    pub states: &'static [State],
    pub transitions: &'static [Transition],
}

/// Why a transition was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No such action from this state (already handled, or never possible).
    NotAllowedFromState,
    /// The action exists, but not for this party.
    WrongParty,
    /// A reason is required.
    NoteRequired,
    /// Four-eyes rule.
    SameActor,
}

impl Flow {
    pub fn state(&self, code: RequestState) -> Option<&'static State> {
        self.states.iter().find(|s| s.code == code)
    }

    /// The steps a request waits in, in SOP order, each with the number
    /// screens show: the SOP's step number, with a letter when one SOP step
    /// has several states (`4a` verification, `4b` account test).
    pub fn numbered_steps(&self) -> Vec<(&'static State, String)> {
        let mut steps: Vec<&'static State> = self.states.iter().filter(|s| !s.terminal).collect();
        // stable: states of one SOP step keep the flow's order
        steps.sort_by_key(|s| s.sop_step.unwrap_or(u8::MAX));
        steps
            .iter()
            .map(|s| {
                let same: Vec<_> = steps.iter().filter(|o| o.sop_step == s.sop_step).collect();
                let n = s.sop_step.map(|n| n.to_string()).unwrap_or_default();
                let label = match same.iter().position(|o| o.code == s.code) {
                    Some(i) if same.len() > 1 => format!("{n}{}", (b'a' + i as u8) as char),
                    _ => n,
                };
                (*s, label)
            })
            .collect()
    }

    /// Actions available from `state` to `who` (for screens; `check` decides).
    pub fn actions_for(&self, state: RequestState, who: &Acting) -> Vec<&'static Transition> {
        self.transitions.iter().filter(|t| t.from == state && party_matches(t.by, who)).collect()
    }

    /// May `who` create a request of this type?
    pub fn may_create(&self, who: &Acting) -> bool {
        party_matches(self.created_by, who)
    }

    /// The one gate every transition passes. `earlier` gives the mailbox id
    /// that took a given earlier action on this request, for the four-eyes rule.
    pub fn check(
        &self,
        state: RequestState,
        action: Action,
        who: &Acting,
        note: Option<&str>,
        earlier: impl Fn(Action) -> Option<i32>,
    ) -> Result<&'static Transition, Refusal> {
        let candidates: Vec<&'static Transition> = self.transitions.iter().filter(|t| t.from == state && t.action == action).collect();
        if candidates.is_empty() {
            return Err(Refusal::NotAllowedFromState);
        }
        let t = candidates.into_iter().find(|t| party_matches(t.by, who)).ok_or(Refusal::WrongParty)?;
        if t.needs_note && note.map(str::trim).unwrap_or("").is_empty() {
            return Err(Refusal::NoteRequired);
        }
        if let (Some(prev), Acting::Staff { mailbox_id, .. }) = (t.not_same_actor_as, who) {
            if earlier(prev) == Some(*mailbox_id) {
                return Err(Refusal::SameActor);
            }
        }
        Ok(t)
    }
}

fn party_matches(party: Party, who: &Acting) -> bool {
    match (party, who) {
        (Party::Staff(allowed), Acting::Staff { roles, .. }) => roles.iter().any(|r| allowed.contains(r)),
        (Party::Applicant, Acting::Applicant) | (Party::System, Acting::System) => true,
        _ => false,
    }
}

// The tables below name states and actions briefly.
use model::{Action as A, RequestState as S};

const PETUGAS: Party = Party::Staff(&[Role::Petugas]);
const PETUGAS_ADMIN: Party = Party::Staff(&[Role::Petugas, Role::Admin]);
const KASI: Party = Party::Staff(&[Role::Kasi]);
const KABID: Party = Party::Staff(&[Role::Kabid]);

const fn st(code: RequestState, sop_step: u8, minutes: u32, waits_for: Party) -> State {
    State { code, sop_step: Some(sop_step), standard_minutes: Some(minutes), waits_for: Some(waits_for), terminal: false }
}
const fn end(code: RequestState) -> State {
    State { code, sop_step: None, standard_minutes: None, waits_for: None, terminal: true }
}
const fn tr(action: Action, from: RequestState, to: RequestState, by: Party) -> Transition {
    Transition { action, from, to, by, needs_note: false, not_same_actor_as: None }
}
const fn tr_note(action: Action, from: RequestState, to: RequestState, by: Party) -> Transition {
    Transition { action, from, to, by, needs_note: true, not_same_actor_as: None }
}

/// F2 — phone change after an in-person identity check (SOP 001, "no" branch).
/// Step 1 (owner at the desk, 30 min) ends when the officer records the
/// document and the new number: that creates the request.
pub const PHONE_CHANGE: Flow = Flow {
    kind: RequestKind::PhoneChange,
    sop: "001",
    initial: S::VerifikasiKode,
    created_by: PETUGAS,
    readers: &[],
    states: &[
        // step 2: the owner reads back the code sent to the new number (60 min)
        st(S::VerifikasiKode, 2, 60, PETUGAS),
        // step 4: Kasi approves the change (60 min)
        st(S::MenungguKasi, 4, 60, KASI),
        end(S::Selesai),
        end(S::Ditolak),
        end(S::Dibatalkan),
    ],
    transitions: &[
        tr(A::KirimUlangKode, S::VerifikasiKode, S::VerifikasiKode, PETUGAS),
        tr(A::KonfirmasiKode, S::VerifikasiKode, S::MenungguKasi, PETUGAS),
        tr_note(A::Batalkan, S::VerifikasiKode, S::Dibatalkan, PETUGAS),
        Transition { action: A::Setujui, from: S::MenungguKasi, to: S::Selesai, by: KASI, needs_note: false, not_same_actor_as: Some(A::Buat) },
        tr_note(A::Tolak, S::MenungguKasi, S::Ditolak, KASI),
    ],
};

/// F3 — unit / kegiatan / event account (SOP 000).
pub const UNIT_ACCOUNT: Flow = Flow {
    kind: RequestKind::UnitAccount,
    sop: "000",
    initial: S::MenungguKabid,
    created_by: Party::Staff(&[Role::KepalaOpd]),
    // SOP 000 step 5: the report goes to Kabid PE and the personnel-data manager
    readers: &[Role::Kabid, Role::PengelolaSimpeg],
    states: &[
        st(S::MenungguKabid, 2, 5, KABID),
        st(S::InputData, 3, 30, PETUGAS),
        st(S::VerifikasiData, 4, 30, PETUGAS),
        // the mailbox exists; Surel delivers a test message and reads it back
        st(S::UjiAkun, 4, 30, Party::System),
        st(S::Pelaporan, 5, 30, PETUGAS),
        end(S::Selesai),
        end(S::Ditolak),
    ],
    transitions: &[
        tr(A::Setujui, S::MenungguKabid, S::InputData, KABID),
        tr_note(A::Tolak, S::MenungguKabid, S::Ditolak, KABID),
        tr(A::InputData, S::InputData, S::VerifikasiData, PETUGAS),
        Transition { action: A::SetujuiData, from: S::VerifikasiData, to: S::UjiAkun, by: PETUGAS, needs_note: false, not_same_actor_as: Some(A::InputData) },
        tr_note(A::KembalikanData, S::VerifikasiData, S::InputData, PETUGAS),
        tr(A::UjiBerhasil, S::UjiAkun, S::Pelaporan, Party::System),
        tr_note(A::UjiGagal, S::UjiAkun, S::UjiAkun, Party::System),
        tr(A::UjiUlang, S::UjiAkun, S::UjiAkun, PETUGAS),
        tr(A::KirimLaporan, S::Pelaporan, S::Selesai, PETUGAS),
    ],
};

/// F4 — personal ASN account (SOP 002).
pub const PERSONAL_ACCOUNT: Flow = Flow {
    kind: RequestKind::PersonalAccount,
    sop: "002",
    initial: S::Pemeriksaan,
    created_by: Party::Applicant,
    readers: &[],
    states: &[
        st(S::Pemeriksaan, 2, 15, KASI),
        // returned for correction: the applicant's move (step 1 again, 15 min)
        st(S::Perbaikan, 1, 15, Party::Applicant),
        st(S::PembuatanAkun, 3, 30, PETUGAS_ADMIN),
        st(S::UjiAkun, 4, 30, Party::System),
        st(S::Pengiriman, 5, 10, Party::System),
        end(S::Selesai),
        end(S::Ditolak),
    ],
    transitions: &[
        tr(A::Setujui, S::Pemeriksaan, S::PembuatanAkun, KASI),
        tr_note(A::Kembalikan, S::Pemeriksaan, S::Perbaikan, KASI),
        tr_note(A::Tolak, S::Pemeriksaan, S::Ditolak, KASI),
        tr(A::KirimUlang, S::Perbaikan, S::Pemeriksaan, Party::Applicant),
        tr(A::BuatAkun, S::PembuatanAkun, S::UjiAkun, PETUGAS_ADMIN),
        tr(A::UjiBerhasil, S::UjiAkun, S::Pengiriman, Party::System),
        tr_note(A::UjiGagal, S::UjiAkun, S::UjiAkun, Party::System),
        tr(A::UjiUlang, S::UjiAkun, S::UjiAkun, PETUGAS_ADMIN),
        tr(A::KirimAktivasi, S::Pengiriman, S::Selesai, Party::System),
    ],
};

const PENGELOLA_SIMPEG: Party = Party::Staff(&[Role::PengelolaSimpeg]);

/// F5 — bulk ASN accounts from a SIMPEG export (SOP 004). Steps 1–3 (export,
/// sort, submit) happen on the import screen; submitting creates the request.
pub const SIMPEG_BULK: Flow = Flow {
    kind: RequestKind::SimpegBulk,
    sop: "004",
    initial: S::Proses,
    created_by: PENGELOLA_SIMPEG,
    readers: &[Role::PengelolaSimpeg, Role::PejabatStruktural],
    states: &[
        // step 4: the officer starts the batch job …
        st(S::Proses, 4, 30, PETUGAS),
        // … which Surel runs row by row (durable, resumable)
        st(S::Memproses, 4, 30, Party::System),
        // step 5: the SIMPEG manager loads NIP → address into SIMPEG
        st(S::IsiSimpeg, 5, 30, PENGELOLA_SIMPEG),
        // step 6: the SIMPEG manager reports to the Pejabat Struktural
        st(S::Pelaporan, 6, 30, PENGELOLA_SIMPEG),
        // step 7: the Pejabat Struktural receives the report
        st(S::Penerimaan, 7, 30, Party::Staff(&[Role::PejabatStruktural])),
        end(S::Selesai),
    ],
    transitions: &[
        tr(A::ProsesBatch, S::Proses, S::Memproses, PETUGAS),
        tr(A::BatchSelesai, S::Memproses, S::IsiSimpeg, Party::System),
        tr(A::TandaiDimuat, S::IsiSimpeg, S::Pelaporan, PENGELOLA_SIMPEG),
        tr(A::Laporkan, S::Pelaporan, S::Penerimaan, PENGELOLA_SIMPEG),
        tr(A::TerimaLaporan, S::Penerimaan, S::Selesai, Party::Staff(&[Role::PejabatStruktural])),
    ],
};

/// Every request type.
pub const ALL: [&Flow; 4] = [&PHONE_CHANGE, &UNIT_ACCOUNT, &PERSONAL_ACCOUNT, &SIMPEG_BULK];

/// The flow of a request type (every type has one).
pub fn flow(kind: RequestKind) -> &'static Flow {
    match kind {
        RequestKind::PhoneChange => &PHONE_CHANGE,
        RequestKind::UnitAccount => &UNIT_ACCOUNT,
        RequestKind::PersonalAccount => &PERSONAL_ACCOUNT,
        RequestKind::SimpegBulk => &SIMPEG_BULK,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn steps_are_numbered_in_sop_order_and_distinctly() {
        for flow in ALL {
            let steps = flow.numbered_steps();
            let numbers: Vec<&str> = steps.iter().map(|(_, n)| n.as_str()).collect();
            let mut sorted = numbers.clone();
            sorted.sort_by_key(|n| (n.trim_end_matches(char::is_alphabetic).parse::<u32>().unwrap_or(99), n.to_string()));
            assert_eq!(numbers, sorted, "{:?} in SOP order", flow.kind);
            let mut unique = numbers.clone();
            unique.dedup();
            assert_eq!(unique.len(), numbers.len(), "{:?}: {numbers:?}", flow.kind);
        }
        let unit: Vec<String> = UNIT_ACCOUNT.numbered_steps().into_iter().map(|(_, n)| n).collect();
        assert_eq!(unit, ["2", "3", "4a", "4b", "5"]);
        let personal: Vec<(RequestState, String)> = PERSONAL_ACCOUNT.numbered_steps().into_iter().map(|(s, n)| (s.code, n)).collect();
        assert_eq!(personal[0], (S::Perbaikan, "1".to_string()));
    }

    use super::*;

    fn staff(id: i32, roles: &[Role]) -> Acting {
        Acting::Staff { mailbox_id: id, roles: roles.to_vec() }
    }
    fn nobody(_: Action) -> Option<i32> {
        None
    }

    #[test]
    fn every_flow_is_well_formed() {
        for f in ALL {
            assert!(f.state(f.initial).is_some(), "{}: initial state", f.kind);
            for t in f.transitions {
                assert!(f.state(t.from).is_some(), "{}: {} from {}", f.kind, t.action, t.from);
                assert!(f.state(t.to).is_some(), "{}: {} to {}", f.kind, t.action, t.to);
                assert!(!f.state(t.from).unwrap().terminal, "{}: {} leaves a terminal state", f.kind, t.action);
            }
            for s in f.states {
                if s.terminal {
                    assert!(f.transitions.iter().all(|t| t.from != s.code), "{}: {} is terminal", f.kind, s.code);
                } else {
                    assert!(s.standard_minutes.is_some() && s.waits_for.is_some(), "{}: {} has a standard and an owner", f.kind, s.code);
                    assert!(f.transitions.iter().any(|t| t.from == s.code && t.to != s.code), "{}: {} can be left", f.kind, s.code);
                }
            }
            // every state is reachable from the initial one
            let mut seen = vec![f.initial];
            let mut i = 0;
            while i < seen.len() {
                let from = seen[i];
                for t in f.transitions.iter().filter(|t| t.from == from) {
                    if !seen.contains(&t.to) {
                        seen.push(t.to);
                    }
                }
                i += 1;
            }
            assert_eq!(seen.len(), f.states.len(), "{}: unreachable states", f.kind);
        }
    }

    /// The vocabulary holds what the tables use and nothing else.
    #[test]
    fn every_kind_state_and_action_is_in_a_flow() {
        for k in RequestKind::all() {
            assert_eq!(flow(k).kind, k);
        }
        for s in RequestState::all() {
            assert!(ALL.iter().any(|f| f.state(s).is_some()), "{s} is in no flow");
        }
        // `buat` opens a request: the only step that is not a transition
        for a in Action::all().filter(|a| *a != A::Buat) {
            assert!(ALL.iter().any(|f| f.transitions.iter().any(|t| t.action == a)), "{a} is in no flow");
        }
    }

    /// Every (state, action, role) combination: allowed exactly when the table says so.
    #[test]
    fn every_transition_and_every_role() {
        let actions: Vec<Action> = Action::all().collect();
        for f in ALL {
            for s in f.states {
                for action in &actions {
                    for role in Role::ALL {
                        let who = staff(1, &[role]);
                        let expected =
                            f.transitions.iter().any(|t| t.from == s.code && t.action == *action && matches!(t.by, Party::Staff(r) if r.contains(&role)));
                        let got = f.check(s.code, *action, &who, Some("alasan"), nobody);
                        assert_eq!(got.is_ok(), expected, "{} {} {} by {:?}", f.kind, s.code, action, role);
                    }
                    for who in [Acting::Applicant, Acting::System] {
                        let expected = f.transitions.iter().any(|t| t.from == s.code && t.action == *action && party_matches(t.by, &who));
                        assert_eq!(f.check(s.code, *action, &who, Some("alasan"), nobody).is_ok(), expected, "{} {} {} by {:?}", f.kind, s.code, action, who);
                    }
                }
            }
        }
    }

    #[test]
    fn refusals_say_why() {
        let kasi = staff(2, &[Role::Kasi]);
        let petugas = staff(1, &[Role::Petugas]);
        assert_eq!(PHONE_CHANGE.check(S::Selesai, A::Setujui, &kasi, None, nobody), Err(Refusal::NotAllowedFromState));
        assert_eq!(PHONE_CHANGE.check(S::MenungguKasi, A::Setujui, &petugas, None, nobody), Err(Refusal::WrongParty));
        assert_eq!(PHONE_CHANGE.check(S::MenungguKasi, A::Tolak, &kasi, Some("  "), nobody), Err(Refusal::NoteRequired));
        assert!(PHONE_CHANGE.check(S::MenungguKasi, A::Tolak, &kasi, Some("dokumen tidak cocok"), nobody).is_ok());
    }

    #[test]
    fn four_eyes() {
        // a Kasi who also holds the officer role cannot approve the change they recorded
        let both = staff(7, &[Role::Petugas, Role::Kasi]);
        let created_by_7 = |a: Action| (a == A::Buat).then_some(7);
        assert_eq!(PHONE_CHANGE.check(S::MenungguKasi, A::Setujui, &both, None, created_by_7), Err(Refusal::SameActor));
        assert!(PHONE_CHANGE.check(S::MenungguKasi, A::Setujui, &staff(8, &[Role::Kasi]), None, created_by_7).is_ok());
        // F3: the officer who input the data cannot approve it
        let input_by_3 = |a: Action| (a == A::InputData).then_some(3);
        assert_eq!(UNIT_ACCOUNT.check(S::VerifikasiData, A::SetujuiData, &staff(3, &[Role::Petugas]), None, input_by_3), Err(Refusal::SameActor));
        assert!(UNIT_ACCOUNT.check(S::VerifikasiData, A::SetujuiData, &staff(4, &[Role::Petugas]), None, input_by_3).is_ok());
    }

    #[test]
    fn standards_follow_the_sops() {
        let minutes = |f: &Flow, s: RequestState| f.state(s).unwrap().standard_minutes.unwrap();
        assert_eq!(minutes(&PHONE_CHANGE, S::VerifikasiKode), 60);
        assert_eq!(minutes(&PHONE_CHANGE, S::MenungguKasi), 60);
        assert_eq!(minutes(&UNIT_ACCOUNT, S::MenungguKabid), 5);
        assert_eq!(minutes(&PERSONAL_ACCOUNT, S::Pemeriksaan), 15);
        assert_eq!(minutes(&PERSONAL_ACCOUNT, S::Pengiriman), 10);
        assert!(PERSONAL_ACCOUNT.may_create(&Acting::Applicant));
        assert!(!PERSONAL_ACCOUNT.may_create(&staff(1, &[Role::Admin])));
        assert!(UNIT_ACCOUNT.may_create(&staff(1, &[Role::KepalaOpd])));
        assert!(!UNIT_ACCOUNT.may_create(&staff(1, &[Role::Kabid])));
        for s in [S::Proses, S::Memproses, S::IsiSimpeg, S::Pelaporan, S::Penerimaan] {
            assert_eq!(minutes(&SIMPEG_BULK, s), 30, "SOP 004: 30 minutes per step");
        }
        assert!(SIMPEG_BULK.may_create(&staff(1, &[Role::PengelolaSimpeg])));
        assert!(!SIMPEG_BULK.may_create(&staff(1, &[Role::Petugas])));
    }
}
