//! Forms that work without JavaScript post to plain routes. When such a post
//! fails, the server renders the page again with a [`FormFlash`] in context;
//! pages read it through [`form_flash_for`] so hydration sees the same data.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::error::AppError;
use model::validation::FieldErrors;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFlash {
    /// Which form (`login`, `activate`, `reset-start`, …).
    pub form: String,
    /// What was typed, for the fields that may be shown again (never passwords).
    pub values: Vec<(String, String)>,
    pub errors: FieldErrors,
    pub error: Option<AppError>,
}

impl FormFlash {
    pub fn value(&self, name: &str) -> String {
        self.values.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// What the page's `ErrorBanner` shows: the error, or else the field
    /// errors as the form's error summary (links to each field's message).
    pub fn banner(&self) -> Option<AppError> {
        self.error.clone().or_else(|| (!self.errors.0.is_empty()).then(|| AppError::Invalid(self.errors.clone())))
    }
}

#[server(prefix = "/api", endpoint = "form-flash", input = Json)]
pub async fn form_flash_for(form: String) -> Result<Option<FormFlash>, AppError> {
    Ok(use_context::<FormFlash>().filter(|f| f.form == form))
}

/// The flash for `form` as a resource (empty after client-side navigation).
pub fn use_form_flash(form: &'static str) -> Resource<FormFlash> {
    Resource::new(|| (), move |_| async move { form_flash_for(form.to_string()).await.ok().flatten().unwrap_or_default() })
}
