//! A file field that uploads as soon as a file is chosen (`POST /lampiran`)
//! and hands the form a token; errors show under the field in the user's
//! language. The browser checks size and type first; the server decides.
//! Choosing another file replaces the upload; "Hapus berkas" clears it.
use crate::components::text::field_error_text;
use crate::i18n::*;
use leptos::prelude::*;
use model::validation::FieldError;
use model::Uploaded;

// Only the browser moves past `Empty`; the server renders the empty field.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum UploadState {
    Empty,
    Sending,
    Done(Uploaded),
    Failed(FieldError),
}

/// "123 KB" / "1,2 MB": enough to recognise the file.
fn size_text(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes as f64 / 1024.0).ceil().max(1.0))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

#[component]
pub fn FileField(
    kind: &'static str,
    id: &'static str,
    label: String,
    #[prop(into)] on_change: Callback<Option<Uploaded>>,
    /// The id of the form's own messages for this field (`FieldMessages`),
    /// so a submit's "attach the file" goes once a file is chosen.
    #[prop(optional)]
    messages: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(UploadState::Empty);
    let input = NodeRef::<leptos::html::Input>::new();
    // Each choice gets a number; a slow answer for an earlier choice is dropped.
    let attempt = StoredValue::new(0u32);
    let on_file = move |_ev: leptos::ev::Event| {
        attempt.update_value(|n| *n += 1);
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = input.get_untracked().and_then(|i| i.files()).and_then(|l| l.get(0)) else {
                status.set(UploadState::Empty);
                on_change.run(None);
                return;
            };
            on_change.run(None);
            // a refused file leaves the input: the message stays, the name goes
            let clear = move || {
                if let Some(el) = input.get_untracked() {
                    el.set_value("");
                }
            };
            if let Err(code) = model::validation::upload::precheck_for(kind, file.size() as usize, &file.type_()) {
                status.set(UploadState::Failed(FieldError::new("file", code)));
                clear();
                return;
            }
            status.set(UploadState::Sending);
            let mine = attempt.get_value();
            leptos::task::spawn_local(async move {
                let result = send(kind, &file).await;
                if attempt.try_get_value() != Some(mine) {
                    return;
                }
                match result {
                    Ok(up) => {
                        on_change.run(Some(up.clone()));
                        status.set(UploadState::Done(up));
                    }
                    Err(e) => {
                        status.set(UploadState::Failed(e));
                        clear();
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (kind, input);
    };
    let remove = move |_: leptos::ev::MouseEvent| {
        attempt.update_value(|n| *n += 1);
        if let Some(el) = input.get_untracked() {
            el.set_value("");
        }
        status.set(UploadState::Empty);
        on_change.run(None);
    };
    let error_id = format!("{id}-error");
    let described = match messages {
        Some(m) => format!("{error_id} {m}"),
        None => error_id.clone(),
    };
    view! {
        <div class="field file-field">
            <label for=id>{label}</label>
            <input id=id node_ref=input type="file" accept=model::validation::upload::accept(kind) class="file-input" data-kind=kind
                aria-describedby=described on:change=on_file/>
            <div id=error_id aria-live="polite">
                // Options, not one match: each renders the same marker on the
                // server and in the browser, so hydration lines up.
                {move || (status.get() == UploadState::Sending).then(|| view! { <p class="hint">{t!(i18n, request.uploading)}</p> })}
                {move || match status.get() {
                    UploadState::Done(up) => Some(view! {
                        <p class="hint hint-ok" data-testid="file-ok">{up.filename}" · "{size_text(up.size_bytes)}</p>
                        <button type="button" class="button button-quiet" data-testid="file-remove" on:click=remove>{t!(i18n, request.file_remove)}</button>
                    }),
                    _ => None,
                }}
                {move || match status.get() {
                    UploadState::Failed(e) => Some(view! { <p class="field-error" data-testid="file-error">{field_error_text(i18n, &e)}</p> }),
                    _ => None,
                }}
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
async fn send(kind: &str, file: &web_sys::File) -> Result<Uploaded, FieldError> {
    use model::error::AppError;
    let transport = || FieldError::new("file", model::ErrorCode::UploadFailed);
    let form = web_sys::FormData::new().map_err(|_| transport())?;
    form.append_with_str("kind", kind).map_err(|_| transport())?;
    form.append_with_blob_and_filename("file", file, &file.name()).map_err(|_| transport())?;
    let res = gloo_net::http::Request::post("/lampiran").body(form).map_err(|_| transport())?.send().await.map_err(|_| transport())?;
    if res.ok() {
        return res.json::<Uploaded>().await.map_err(|_| transport());
    }
    match res.json::<AppError>().await {
        Ok(AppError::Invalid(list)) => Err(list.0.into_iter().next().unwrap_or_else(transport)),
        Ok(AppError::RateLimited { .. }) => Err(FieldError::new("file", model::ErrorCode::UploadLimited)),
        _ => Err(transport()),
    }
}
