//! The command line. `surel` alone serves.
use crate::config::{Raw, SETTINGS};
use anyhow::{Context, Result};
use app::domain::{audit::{Change, Who}, clock::SystemClock, db, password_policy, seed, staff, AppState};
use clap::{Parser, Subcommand};
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
    /// Test a mailbox on the mail server: deliver a message over LMTP and read
    /// it back over IMAP as the master user (the SOP's account test).
    CheckMailbox {
        address: String,
    },
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
    let db = db::connect(&config.database_url).await?;
    Ok(AppState::new(db, config, Arc::new(SystemClock)))
}

async fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        None | Some(Command::Serve) => serve(state(&cli).await?).await,
        Some(Command::Migrate) => {
            let st = state(&cli).await?;
            db::migrate(&st.db).await?;
            println!("database is up to date");
            Ok(())
        }
        Some(Command::SeedDemo { if_empty }) => {
            let st = state(&cli).await?;
            db::migrate(&st.db).await?;
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
            println!("Try the password reset at {}/ganti-sandi with yusuf.hakim@{}; the code appears at {}/admin/kotak-keluar", st.config.public_url, seed::DEMO_DOMAIN, st.config.public_url);
            Ok(())
        }
        Some(Command::User { command: UserCommand::Add { address, role, unit, name, phone } }) => {
            let st = state(&cli).await?;
            db::migrate(&st.db).await?;
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
                app::domain::DomainError::Invalid(f) => anyhow::anyhow!(
                    "{}",
                    f.0.iter().map(|e| format!("{}: {}", e.field, e.code)).collect::<Vec<_>>().join("; ")
                ),
                other => other.into(),
            })?;
            change.commit().await?;
            println!("{} now has role {}", address.trim().to_lowercase(), role);
            if let Some(link) = added.activation_link {
                println!("Activation link (valid 72 hours, once): {link}");
            }
            Ok(())
        }
        Some(Command::CheckMailbox { address }) => {
            let st = state(&cli).await?;
            let cfg = st.config.mail_server.as_ref().ok_or_else(|| anyhow::anyhow!("{}", app::domain::mail_check::CheckFailure::not_configured().message()))?;
            match app::domain::mail_check::test_mailbox(cfg, &address.trim().to_lowercase(), "cli").await {
                Ok(r) => {
                    println!("{address}: delivered and read back in {} ms", r.millis);
                    Ok(())
                }
                Err(f) => anyhow::bail!("{address}: {} [{}]", f.message(), f.stage),
            }
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
    db::migrate(&state.db).await?;
    password_policy::warm_up();
    crate::workers::spawn_housekeeping(state.clone());
    crate::workers::spawn_outbox(state.clone());
    if !state.config.demo && state.config.sms.is_none() {
        tracing::warn!("no SMS gateway (SUREL_SMS_URL) and not in demo mode: reset codes cannot be delivered");
    }
    let addr = state.config.bind;
    let router = crate::router::build(state.clone());
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, public_url = %state.config.public_url, demo = state.config.demo, "Surel is serving");
    println!("Surel is serving on http://{}", listener.local_addr()?);
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
