//! The command line. `surel` alone serves.
use crate::config::{Raw, SETTINGS};
use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use domain::{
    audit::{Change, Who},
    clock::SystemClock,
    db, password_policy, seed, staff, AppState,
};
use std::{path::PathBuf, process::ExitCode, sync::Arc};

#[derive(Parser)]
#[command(name = "surel", version, about = "Surel: official e-mail accounts, password resets and requests")]
pub struct Cli {
    /// Configuration file (TOML). Environment variables override it.
    #[arg(long, env = "SUREL_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Bring the database schema up to date.
    Migrate,
    /// Insert demo data (units, staff for every role, mailboxes).
    SeedDemo {
        /// Do nothing when the database already has mailboxes.
        #[arg(long)]
        if_empty: bool,
    },
    /// Manage staff.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// List every setting with its environment variable.
    Settings,
    /// One round of the housekeeping every `surel serve` runs every ten
    /// minutes (retention, mailboxes listed for deletion, expired sessions
    /// and event accounts), for a cron job or right after changing a setting.
    Housekeeping,
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Test a mailbox on the mail server: deliver a message over LMTP and read
    /// it back over IMAP as the master user (the SOP's account test).
    CheckMailbox { address: String },
    /// Check a SIMPEG export (XLSX, XLS or CSV) as the import screen does
    /// (SOP 004 steps 1–2), store it as a draft batch, and optionally submit
    /// it (step 3) and process it (step 4) with a progress bar.
    ImportSimpeg {
        file: PathBuf,
        /// Only read and check; print the summary and store nothing.
        #[arg(long)]
        dry_run: bool,
        /// The Pengelola SIMPEG the batch is recorded for (default: the first one).
        #[arg(long = "as")]
        as_address: Option<String>,
        /// Submit the batch into the month's collective request.
        #[arg(long)]
        submit: bool,
        /// Then process it here (implies --submit), as this Petugas (default: the first one).
        #[arg(long)]
        process: bool,
        #[arg(long)]
        officer: Option<String>,
        /// Which column holds a field, for exports whose headers Surel does
        /// not recognise (as on the mapping screen): `--map nip="Nomor Induk"`.
        /// Fields: nip, name, unit, phone, email, phone_verified,
        /// email_verified, data_complete, title_front, title_back, employment.
        #[arg(long = "map", value_name = "FIELD=HEADER")]
        map: Vec<String>,
    },
    /// Print the current TOTP code of the demo staff (their shared demo secret),
    /// for trying `make run` without an authenticator app.
    DemoCode,
    /// Write a realistic, made-up SIMPEG export (for tests and `make bench`).
    GenerateSimpeg {
        #[arg(long)]
        rows: usize,
        /// `.xlsx` or `.csv` (by the name)
        #[arg(long)]
        out: PathBuf,
        /// Share of rows with a planted defect (0.0–1.0).
        #[arg(long, default_value_t = 0.2)]
        bad: f64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the whole hash chain with the server key; name the first
    /// broken entry (exit status 1) or say it is intact. The verdict is kept
    /// for the audit page.
    Verify,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Give a mailbox a role (creating the mailbox when needed) and print an
    /// activation link if it has no password yet.
    Add {
        #[arg(long)]
        address: String,
        /// admin, auditor, petugas, kasi, kabid, kepala_opd, pengelola_simpeg, pejabat_struktural
        #[arg(long)]
        role: String,
        /// Unit code or id (required for kepala_opd)
        #[arg(long)]
        unit: Option<String>,
        /// Full name (for a new mailbox)
        #[arg(long)]
        name: Option<String>,
        /// Mobile number for resets and the activation SMS
        #[arg(long)]
        phone: Option<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("surel: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_env("SUREL_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,leptos=warn"));
    if std::env::var("SUREL_LOG_FORMAT").as_deref() == Ok("json") {
        fmt().with_env_filter(filter).json().with_writer(std::io::stderr).init();
    } else {
        fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
}

async fn state(cli: &Cli) -> Result<AppState> {
    let config = Raw::load(cli.config.as_deref(), |k| std::env::var(k).ok())?.build()?;
    let db = if matches!(cli.command, None | Some(Command::Serve)) {
        db::connect_server(&config.database_url).await?
    } else {
        db::connect(&config.database_url).await?
    };
    Ok(AppState::new(db, config, Arc::new(SystemClock)))
}

/// Brings the schema up to date and keys an audit chain written before keyed hashing.
async fn migrate(st: &AppState) -> Result<()> {
    db::migrate(&st.db).await?;
    domain::audit::ensure_keyed(st).await?;
    domain::requests::step_minutes::ensure(st).await?;
    Ok(())
}

async fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        None | Some(Command::Serve) => serve(state(&cli).await?).await,
        Some(Command::Migrate) => {
            let st = state(&cli).await?;
            migrate(&st).await?;
            println!("database is up to date");
            Ok(())
        }
        Some(Command::SeedDemo { if_empty }) => {
            let st = state(&cli).await?;
            migrate(&st).await?;
            let logins = if *if_empty && !seed::is_empty(&st).await? {
                match seed::demo_logins(&st).await? {
                    Some(l) => l,
                    None => {
                        println!("database already has data; demo data not added");
                        return Ok(());
                    }
                }
            } else {
                seed::seed_demo(&st).await.context("seeding demo data failed")?
            };
            println!("Demo data ready. Staff sign-in at {}/masuk, password for all: {}", st.config.public_url, seed::DEMO_PASSWORD);
            for (role, address) in logins {
                println!("  {:<20} {address}", role.code());
            }
            println!(
                "Second factor: every demo staff member has the TOTP secret {} (add it to an authenticator app), or run `surel demo-code` for the current code",
                domain::second_factor::DEMO_TOTP_SECRET
            );
            println!(
                "Try the password reset at {}/ganti-sandi with yusuf.hakim@{}; the code appears at {}/admin/kotak-keluar",
                st.config.public_url,
                seed::DEMO_DOMAIN,
                st.config.public_url
            );
            Ok(())
        }
        Some(Command::User { command: UserCommand::Add { address, role, unit, name, phone } }) => {
            let st = state(&cli).await?;
            migrate(&st).await?;
            let mut change = Change::begin(&st, Who::system("cli")).await?;
            let added = staff::add(
                &st,
                &mut change,
                staff::NewStaff {
                    address: address.clone(),
                    name: name.clone(),
                    phone: phone.clone(),
                    role: role.clone(),
                    unit: unit.clone(),
                    create_domain: true,
                    require_phone_for_new: false,
                },
            )
            .await
            .map_err(|e| match e {
                domain::DomainError::Invalid(f) => anyhow::anyhow!("{}", f.0.iter().map(|e| format!("{}: {}", e.field, e.code)).collect::<Vec<_>>().join("; ")),
                other => other.into(),
            })?;
            change.commit().await?;
            println!("{} now has role {}", address.trim().to_lowercase(), role);
            if let Some(link) = added.activation_link {
                println!("Activation link (valid 72 hours, once): {link}");
            }
            Ok(())
        }
        Some(Command::Audit { command: AuditCommand::Verify }) => {
            let st = state(&cli).await?;
            migrate(&st).await?;
            let check = domain::audit::verify_and_record(&st).await?;
            match check.broken_at {
                None => {
                    println!("audit chain intact: {} entries verified", check.rows);
                    Ok(())
                }
                Some(0) => anyhow::bail!(
                    "audit chain broken: the {} entries link up, but the head does not match the last one (entries removed from the end?)",
                    check.rows
                ),
                Some(id) => anyhow::bail!(
                    "audit chain broken at entry #{id} ({} entries read): it was changed, or an entry before it was removed or inserted",
                    check.rows
                ),
            }
        }
        Some(Command::CheckMailbox { address }) => {
            let st = state(&cli).await?;
            let cfg = st.config.mail_server.as_ref().ok_or_else(|| {
                anyhow::anyhow!(
                    "the mail server is not configured: set SUREL_MAIL_LMTP, SUREL_MAIL_IMAP, SUREL_MAIL_MASTER_USER and SUREL_MAIL_MASTER_PASSWORD"
                )
            })?;
            match domain::mail_check::test_mailbox(cfg, &address.trim().to_lowercase(), "cli").await {
                Ok(r) => {
                    println!("{address}: delivered and read back in {} ms", r.millis);
                    Ok(())
                }
                Err(f) => anyhow::bail!("{address}: {} [{}]", f.message(), f.stage),
            }
        }
        Some(Command::ImportSimpeg { file, dry_run, as_address, submit, process, officer, map }) => {
            let opts = ImportOptions {
                dry_run: *dry_run,
                as_address: as_address.as_deref(),
                submit: *submit || *process,
                process: *process,
                officer: officer.as_deref(),
            };
            import_simpeg(&cli, file, map, opts).await
        }
        Some(Command::GenerateSimpeg { rows, out, bad, seed }) => {
            use domain::kinds::simpeg::generator::{generate, GeneratorConfig};
            let g = generate(&GeneratorConfig { rows: *rows, bad_fraction: *bad, seed: *seed, ..Default::default() });
            let bytes =
                if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) { g.to_csv(b';') } else { g.to_xlsx() }.map_err(|e| anyhow::anyhow!(e))?;
            std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "{}: {} rows, {} expected eligible, {} bytes",
                out.display(),
                rows,
                g.expected_eligible() + g.count(domain::kinds::simpeg::generator::Planted::AlreadyHasAccount),
                bytes.len()
            );
            Ok(())
        }
        Some(Command::DemoCode) => {
            use domain::second_factor::{code_at, step_of, DEMO_TOTP_SECRET, STEP_SECS};
            let now = chrono::Utc::now();
            let left = STEP_SECS - now.timestamp().rem_euclid(STEP_SECS);
            println!("{} (valid {left} more seconds; demo TOTP secret {DEMO_TOTP_SECRET})", code_at(DEMO_TOTP_SECRET, step_of(now)));
            Ok(())
        }
        Some(Command::Housekeeping) => {
            let st = state(&cli).await?;
            let r = crate::workers::housekeeping_round(&st).await?;
            println!(
                "retention: {} reset attempts, {} phone proofs, {} uploads deleted; {} mailboxes listed for deletion; {} events ended",
                r.purged.reset_attempts, r.purged.phone_proofs, r.purged.uploads, r.purged.mailboxes_marked, r.events_ended
            );
            Ok(())
        }
        Some(Command::Settings) => {
            for (k, help) in SETTINGS {
                let env = if *k == "database_url" { "DATABASE_URL".to_string() } else { format!("SUREL_{}", k.to_uppercase()) };
                println!("{k:<22} {env:<30} {help}");
            }
            Ok(())
        }
    }
}

async fn serve(state: AppState) -> Result<()> {
    migrate(&state).await?;
    password_policy::warm_up();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    crate::workers::spawn_housekeeping(state.clone());
    let workers = [crate::workers::spawn_outbox(state.clone(), stopped.clone()), crate::workers::spawn_simpeg(state.clone(), stopped)];
    if !state.config.demo && state.config.sms.is_none() {
        tracing::warn!("no SMS gateway (SUREL_SMS_URL) and not in demo mode: reset codes cannot be delivered");
    }
    let addr = state.config.bind;
    let router = crate::router::build(state.clone());
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, public_url = %state.config.public_url, demo = state.config.demo, "Surel is serving");
    println!("Surel is serving on http://{}", listener.local_addr()?);
    // SIGTERM (systemd, a deploy) or Ctrl-C: stop accepting, let requests in
    // flight finish, and tell the workers at the same moment
    let signal = async move {
        stop_signal().await;
        tracing::info!("stopping: finishing requests in flight and the current work");
        let _ = stop.send(true);
    };
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(signal).await?;
    // a worker in the middle of a row or a send gets the time it needs, not forever
    for w in workers {
        if tokio::time::timeout(std::time::Duration::from_secs(30), w).await.is_err() {
            tracing::warn!("a worker did not stop in 30 s; its lease runs out by itself");
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
async fn stop_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// A signed-in-like actor for a staff address, or the first holder of `role`.
async fn actor_for(st: &AppState, address: Option<&str>, role: model::Role) -> Result<domain::auth::Actor> {
    use domain::entities::{mailbox, staff_role};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let mb = match address {
        Some(a) => mailbox::Entity::find().filter(mailbox::Column::Address.eq(a.trim().to_lowercase())).one(&st.db).await?,
        None => {
            let g = staff_role::Entity::find().filter(staff_role::Column::Role.eq(role.code())).order_by_asc(staff_role::Column::Id).one(&st.db).await?;
            match g {
                Some(g) => mailbox::Entity::find_by_id(g.mailbox_id).one(&st.db).await?,
                None => None,
            }
        }
    }
    .ok_or_else(|| anyhow::anyhow!("no staff member with role {} (use `surel user add`)", role.code()))?;
    let grants = domain::auth::grants_of(&st.db, mb.id).await?;
    if !grants.iter().any(|g| g.role == role) {
        anyhow::bail!("{} does not hold role {}", mb.address, role.code());
    }
    Ok(domain::auth::Actor { mailbox_id: mb.id, address: mb.address, name: mb.display_name, grants, session_id: 0, locale: None, ip: None })
}

fn domain_err(e: domain::DomainError) -> anyhow::Error {
    match e {
        domain::DomainError::Invalid(f) => anyhow::anyhow!("{}", f.0.iter().map(|e| format!("{}: {}", e.field, e.code)).collect::<Vec<_>>().join("; ")),
        other => other.into(),
    }
}

/// What `surel import-simpeg` was asked to do besides reading the file.
struct ImportOptions<'a> {
    dry_run: bool,
    as_address: Option<&'a str>,
    submit: bool,
    process: bool,
    officer: Option<&'a str>,
}

/// The column mapping `--map FIELD=HEADER` asks for, on top of what the
/// headers say by themselves; None when nothing is asked.
fn mapping_from_args(bytes: &[u8], args: &[String]) -> Result<Option<domain::kinds::simpeg::read::columns::ColumnMapping>> {
    use domain::kinds::simpeg::read::{self, columns::normalize_header, columns::Field};
    if args.is_empty() {
        return Ok(None);
    }
    let preview = read::preview(bytes, 0).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut mapping = preview.detected.clone();
    for arg in args {
        let (field, header) = arg.split_once('=').with_context(|| format!("--map {arg}: expected FIELD=HEADER"))?;
        let codes: Vec<&str> = Field::ALL.iter().map(|f| f.code()).collect();
        let field = Field::ALL
            .iter()
            .copied()
            .find(|f| f.code() == field.trim())
            .with_context(|| format!("--map {arg}: unknown field; one of {}", codes.join(", ")))?;
        let wanted = normalize_header(header);
        let column = preview
            .headers
            .iter()
            .position(|h| normalize_header(h) == wanted)
            .with_context(|| format!("--map {arg}: no column '{header}' in the file; its headers: {}", preview.headers.join(" | ")))?;
        // a column given to this field is no other field's
        for other in Field::ALL {
            if other != field && mapping.get(other) == Some(column) {
                mapping.set(other, None);
            }
        }
        mapping.set(field, Some(column));
    }
    if let Err(e) = mapping.validate(preview.headers.len()) {
        anyhow::bail!("the mapping cannot be used: {e:?}");
    }
    Ok(Some(mapping))
}

/// "rejected rows by reason:" and one line per reason with its words.
fn print_reasons(reasons: &[(model::ErrorCode, usize)]) {
    if reasons.is_empty() {
        return;
    }
    println!("rejected rows by reason (a row can have several):");
    for (code, n) in reasons {
        println!("  {n:>7}  {:<28} {}", code.as_str(), domain::kinds::simpeg::batch::reason_text(*code));
    }
}

async fn import_simpeg(cli: &Cli, file: &std::path::Path, map: &[String], opts: ImportOptions<'_>) -> Result<()> {
    let ImportOptions { dry_run, as_address, submit, process, officer } = opts;
    use domain::kinds::simpeg::read;
    use indicatif::{ProgressBar, ProgressStyle};
    use model::{Role, SimpegUploaded};
    use std::time::Instant;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let st = state(cli).await?;
    migrate(&st).await?;
    let started = Instant::now();
    let mapping = mapping_from_args(&bytes, map)?;
    if dry_run {
        let spinner = ProgressBar::new_spinner().with_message("reading and checking");
        spinner.enable_steady_tick(std::time::Duration::from_millis(100));
        let sheet = read::read_sheet(&bytes, mapping.as_ref()).map_err(|e| anyhow::anyhow!("{e}"))?;
        let checked = domain::kinds::simpeg::batch::dry_run(&st, &sheet).await.map_err(domain_err)?;
        let s = checked.summary;
        spinner.finish_and_clear();
        println!(
            "{}: {} rows ({:?}), {} eligible, {} rejected, {} already have an account, {} left (their mailbox is switched off); checked in {} ms",
            file.display(),
            sheet.rows.len(),
            sheet.kind,
            s.eligible,
            s.rejected,
            s.already_has_account,
            s.leaving,
            started.elapsed().as_millis()
        );
        print_reasons(&checked.reasons);
        return Ok(());
    }
    let pengelola = actor_for(&st, as_address, Role::PengelolaSimpeg).await?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let batch_id = match (domain::kinds::simpeg::batch::upload(&st, &pengelola, &name, &bytes).await.map_err(domain_err)?, &mapping) {
        (SimpegUploaded::Checked { batch_id }, None) => batch_id,
        // --map: the batch is checked again with the columns asked for, as the mapping screen does
        (SimpegUploaded::Checked { batch_id } | SimpegUploaded::NeedsMapping(model::SimpegMapping { batch_id, .. }), Some(m)) => {
            use domain::kinds::simpeg::read::columns::Field;
            let columns = Field::ALL.iter().map(|f| (f.code().to_string(), m.get(*f))).collect();
            domain::kinds::simpeg::batch::set_mapping(&st, &pengelola, batch_id, columns).await.map_err(domain_err)?;
            batch_id
        }
        (SimpegUploaded::NeedsMapping(m), None) => anyhow::bail!(
            "columns not recognised (missing: {}); map them with --map FIELD=HEADER or on the import screen (batch {})",
            m.missing.join(", "),
            m.batch_id
        ),
    };
    let v = domain::kinds::simpeg::batch::view(&st, &pengelola, batch_id, "", 0).await.map_err(domain_err)?;
    println!(
        "batch {batch_id}: {} rows, {} eligible, {} rejected, {} already have an account; checked and stored in {} ms",
        v.total,
        v.eligible,
        v.rejected,
        v.already,
        started.elapsed().as_millis()
    );
    if v.leaving > 0 {
        println!("{} people left (SIMPEG's employment status): processing switches their mailbox off", v.leaving);
    }
    print_reasons(&domain::kinds::simpeg::batch::reason_counts(&st, &pengelola, batch_id).await.map_err(domain_err)?);
    if !submit {
        return Ok(());
    }
    let ticket = domain::kinds::simpeg::batch::submit(&st, &pengelola, batch_id, false).await.map_err(domain_err)?;
    println!("submitted into {ticket}");
    if !process {
        return Ok(());
    }
    let petugas = actor_for(&st, officer, Role::Petugas).await?;
    let detail = domain::kinds::detail(&st, &petugas, &ticket).await.map_err(domain_err)?;
    if detail.row.state == model::RequestState::Proses {
        domain::kinds::simpeg::batch::start_processing(&st, &petugas, &ticket, detail.version).await.map_err(domain_err)?;
    }
    let bar = ProgressBar::new(v.eligible as u64);
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} accounts, {per_sec}, eta {eta}").unwrap_or_else(|_| ProgressStyle::default_bar()));
    let t = Instant::now();
    let owner = format!("cli:{}", &domain::crypto::random_token()[..8]);
    let done = domain::kinds::simpeg::batch::work(&st, &owner, None, |n| bar.set_position(n as u64)).await.map_err(domain_err)?;
    bar.finish_and_clear();
    let after = domain::kinds::simpeg::batch::view(&st, &pengelola, batch_id, "", 0).await.map_err(domain_err)?;
    println!(
        "processed {} rows in {} ms: {} accounts made, {} failed; request {ticket} is now {}",
        done.rows,
        t.elapsed().as_millis(),
        after.processed,
        after.failed,
        after.request_state.map(|s| s.as_str()).unwrap_or_default()
    );
    Ok(())
}
